//! Time, injectable: services read the time only through a [`Clock`], so
//! tests can run a year-long review cycle in seconds without sleeping.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that only moves when told to (tests, simulations).
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: SystemTime) -> Self {
        Self(Arc::new(Mutex::new(start)))
    }

    /// Shows `time` from now on.
    pub fn set(&self, time: SystemTime) {
        if let Ok(mut now) = self.0.lock() {
            *now = time;
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        self.0.lock().map_or_else(|p| *p.into_inner(), |now| *now)
    }
}

/// A simulated calendar: starts at a given instant and advances in real
/// time from the moment it was made.
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    start: SystemTime,
    origin: std::time::Instant,
}

impl OffsetClock {
    /// A clock showing `start` now.
    pub fn starting_at(start: SystemTime) -> Self {
        Self {
            start,
            origin: std::time::Instant::now(),
        }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> SystemTime {
        self.start + self.origin.elapsed()
    }
}

/// A shared clock.
pub type SharedClock = Arc<dyn Clock>;

/// The clock a service configuration asks for: a simulated calendar from
/// `start`, or the system clock.
pub fn configured(start: Option<SystemTime>) -> SharedClock {
    match start {
        Some(start) => Arc::new(OffsetClock::starting_at(start)),
        None => system(),
    }
}

/// The system clock, shared.
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// The instant a day ends (the next midnight, UTC): deadlines are whole days.
pub fn end_of_day(date: time::Date) -> SystemTime {
    let next = date.next_day().unwrap_or(date);
    let seconds = next.midnight().assume_utc().unix_timestamp();
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// The calendar date (UTC) of an instant.
pub fn utc_date(at: SystemTime) -> time::Date {
    time::OffsetDateTime::from(at).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_day_ends_at_the_next_utc_midnight() {
        let Ok(date) = time::Date::from_calendar_date(2026, time::Month::March, 31) else {
            panic!("valid date");
        };
        let end = end_of_day(date);
        assert_eq!(utc_date(end - Duration::from_secs(1)), date);
        assert_eq!(utc_date(end), date.next_day().unwrap_or(date));
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
        assert_eq!(clock.now(), SystemTime::UNIX_EPOCH);
        clock.advance(Duration::from_secs(86_400));
        assert_eq!(
            clock.now(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(86_400)
        );
    }
}
