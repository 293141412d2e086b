//! Cycles announced on the bus as report-compiler announces them, for tests
//! of the intake services, which take input only for a cycle opened on the
//! `CYCLE` stream.

use std::time::SystemTime;

use imrf_bus::names::{CYCLE, event_type, subject};
use imrf_bus::{Bus, BusError, Expect, new_event};
use imrf_proto::v1::{Cycle, CycleOpened, CyclePhase, CycleSchedule, Date, event::Payload};

/// Cycle `cycle_id` collecting input, every deadline far ahead, so the
/// calendar never refuses what a test submits.
pub fn collecting_cycle(cycle_id: &str) -> Cycle {
    let day = |year, month| {
        Some(Date {
            year,
            month,
            day: 1,
        })
    };
    Cycle {
        cycle_id: cycle_id.to_string(),
        phase: CyclePhase::Collecting as i32,
        schedule: Some(CycleSchedule {
            collection_start: day(2000, 1),
            regional_review_deadline: day(2999, 1),
            national_report_deadline: day(2999, 2),
            practices_cutoff: day(2999, 3),
            compile_date: day(2999, 4),
            plenary_date: day(2999, 5),
        }),
        ..Default::default()
    }
}

/// Publishes the opening of `cycle` on `CYCLE` (creating the stream if it
/// is not there yet), as report-compiler's OpenCycle does.
pub async fn announce_cycle(bus: &Bus, cycle: Cycle) -> Result<(), BusError> {
    bus.ensure_stream(&CYCLE).await?;
    let cycle_id = cycle.cycle_id.clone();
    let opened = new_event(
        event_type::CYCLE_OPENED,
        "report-compiler",
        &cycle_id,
        SystemTime::now(),
        Payload::CycleOpened(CycleOpened { cycle: Some(cycle) }),
    );
    bus.publish_event(
        &subject::cycle_opened(&cycle_id),
        &opened,
        Expect::Any,
        None,
    )
    .await?;
    Ok(())
}

/// Opens cycle `cycle_id` for input (see [`collecting_cycle`]) unless the bus
/// already holds its opening: what a test of an intake service does before
/// it submits, leaving alone a cycle the test announced with its own
/// schedule.
pub async fn ensure_cycle_open(bus: &Bus, cycle_id: &str) -> Result<(), BusError> {
    bus.ensure_stream(&CYCLE).await?;
    if bus
        .last_subject_sequence(&subject::cycle_opened(cycle_id))
        .await?
        == 0
    {
        announce_cycle(bus, collecting_cycle(cycle_id)).await?;
    }
    Ok(())
}

impl crate::NatsServer {
    /// [`ensure_cycle_open`] on this server, as its administrator.
    pub async fn ensure_cycle_open(&self, cycle_id: &str) -> Result<(), BusError> {
        let bus = Bus::connect(&self.bus_config(), "test-cycles").await?;
        ensure_cycle_open(&bus, cycle_id).await
    }
}
