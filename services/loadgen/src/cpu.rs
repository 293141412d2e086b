//! CPU time per operation, by process: where a submission's cost goes on a
//! machine whose cores the client, nats-server and the services share.
//! Read from `/proc/<pid>/stat` (user + system time); where that cannot be
//! read (not Linux, process gone) the figure is left out rather than
//! guessed.

use std::time::Duration;

/// `/proc` counts CPU time in USER_HZ ticks, 100 a second on Linux whatever
/// the kernel's own tick rate.
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU time used so far by process `pid`.
pub fn used(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; fields after it are
    // counted from the closing parenthesis. utime and stime are fields 14
    // and 15 of the whole line.
    let (_, after_name) = stat.rsplit_once(')')?;
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_secs_f64(
        (user + system) as f64 / TICKS_PER_SECOND,
    ))
}

/// The processes one measurement is charged to.
#[derive(Debug, Clone)]
pub struct Meter {
    processes: Vec<(&'static str, u32)>,
}

/// CPU time each watched process used over one stretch of work.
#[derive(Debug, Clone, Default)]
pub struct Usage(Vec<Option<Duration>>);

impl Meter {
    /// Watches `processes`, named for the table.
    pub fn new(processes: Vec<(&'static str, u32)>) -> Self {
        Self { processes }
    }

    /// The watched processes' names, in table order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.processes.iter().map(|(name, _)| *name)
    }

    /// Runs `work` and returns its output with the CPU time each process
    /// used meanwhile.
    pub async fn charge<T>(&self, work: impl Future<Output = T>) -> (T, Usage) {
        let before: Vec<_> = self.processes.iter().map(|(_, pid)| used(*pid)).collect();
        let output = work.await;
        let usage = self
            .processes
            .iter()
            .zip(before)
            .map(|((_, pid), before)| Some(used(*pid)?.saturating_sub(before?)))
            .collect();
        (output, Usage(usage))
    }
}

impl Usage {
    /// Adds `other`, process by process.
    pub fn add(&mut self, other: &Usage) {
        if self.0.is_empty() {
            self.0 = other.0.clone();
            return;
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine = match (*mine, theirs) {
                (Some(a), Some(b)) => Some(a + *b),
                _ => None,
            };
        }
    }

    /// Microseconds per operation for each process, and their total.
    pub fn per_operation_us(&self, operations: usize) -> (Vec<Option<f64>>, Option<f64>) {
        let each: Vec<Option<f64>> = self
            .0
            .iter()
            .map(|d| d.map(|d| d.as_secs_f64() * 1e6 / operations.max(1) as f64))
            .collect();
        let total = each.iter().copied().sum::<Option<f64>>();
        (each, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_charged_for_what_it_spins() {
        let pid = std::process::id();
        let before = used(pid);
        assert!(before.is_some(), "/proc/{pid}/stat unreadable");
        let before = before.unwrap_or_default();
        // Spin until the counter moves on: on a loaded machine that takes
        // longer, never forever.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let mut x = 0u64;
        let mut after = before;
        while after < before + Duration::from_millis(20) && std::time::Instant::now() < deadline {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            after = used(pid).unwrap_or_default();
        }
        assert!(
            after >= before + Duration::from_millis(20),
            "{before:?} -> {after:?}"
        );
    }

    #[test]
    fn usage_adds_per_process_and_divides_per_operation() {
        let mut total = Usage::default();
        total.add(&Usage(vec![Some(Duration::from_millis(10)), None]));
        total.add(&Usage(vec![Some(Duration::from_millis(30)), None]));
        let (each, sum) = total.per_operation_us(40);
        assert_eq!(each, vec![Some(1000.0), None]);
        assert_eq!(sum, None);
    }
}
