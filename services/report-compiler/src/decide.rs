//! What a secretariat request does to a cycle, decided without I/O: given
//! the request, what the stream holds for the cycle, who acts and when, the
//! event to publish (conditional on that head) or the domain's refusal.

use imrf_bus::ledger::Prepared;
use imrf_bus::names::{event_type, subject};
use imrf_bus::{Acting, Expect};
use imrf_gcm::Refusal;
use imrf_proto::v1::{
    AdvanceCycleRequest, Cycle, CycleOpened, CyclePhase, CyclePhaseChanged, Deadline, Event,
    OpenCycleRequest, OpenCycleResponse, PhaseChange, event::Payload,
};

use crate::SERVICE_NAME;

/// A phase as people read it: `COLLECTING`, not `CYCLE_PHASE_COLLECTING`.
pub fn phase_name(phase: CyclePhase) -> &'static str {
    phase.as_str_name().trim_start_matches("CYCLE_PHASE_")
}

/// The phase after `phase`; none after ISSUED.
pub fn next_phase(phase: CyclePhase) -> Option<CyclePhase> {
    match phase {
        CyclePhase::Open => Some(CyclePhase::Collecting),
        CyclePhase::Collecting => Some(CyclePhase::Consolidating),
        CyclePhase::Consolidating => Some(CyclePhase::Drafting),
        CyclePhase::Drafting => Some(CyclePhase::Issued),
        CyclePhase::Issued | CyclePhase::Unspecified => None,
    }
}

/// The phase a cycle's last phase event (if any) leaves it in.
pub fn phase_after(event: Option<&Event>) -> CyclePhase {
    match event.and_then(|e| e.payload.as_ref()) {
        Some(Payload::CyclePhaseChanged(c)) => c
            .change
            .as_ref()
            .and_then(|c| CyclePhase::try_from(c.to).ok())
            .unwrap_or(CyclePhase::Open),
        _ => CyclePhase::Open,
    }
}

/// A (validated) request to open a cycle: refused when the cycle is open
/// already.
pub fn open(
    request: &OpenCycleRequest,
    already_open: bool,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    if already_open {
        return Err(Refusal::AlreadyExists(format!(
            "cycle {} is already open",
            request.cycle_id
        )));
    }
    let cycle = Cycle {
        cycle_id: request.cycle_id.clone(),
        title: request.title.clone(),
        phase: CyclePhase::Open as i32,
        schedule: request.schedule,
        opened_at: Some(imrf_proto::timestamp(acting.now)),
        document_symbol: request.document_symbol.clone(),
        session: request.session,
        agenda_items: request.agenda_items.clone(),
        period_covered: request.period_covered,
        precedes_forum: request.precedes_forum,
        ..Default::default()
    };
    let event = acting.event(
        event_type::CYCLE_OPENED,
        SERVICE_NAME,
        &request.cycle_id,
        Payload::CycleOpened(CycleOpened { cycle: Some(cycle) }),
    );
    Ok(Prepared {
        subject: subject::cycle_opened(&request.cycle_id),
        event,
        expect: Expect::LastSubjectSequence(0),
    })
}

/// The answer to an opening whose event is stored.
pub fn opened(event: &Event) -> OpenCycleResponse {
    let cycle = match &event.payload {
        Some(Payload::CycleOpened(o)) => o.cycle.clone(),
        _ => None,
    };
    OpenCycleResponse { cycle }
}

/// A (validated) request to move a cycle on by hand from `expected`, given
/// the phase the stream holds and the sequence of its last phase event:
/// refused unless the cycle is in `expected` and has a later phase.
pub fn advance(
    request: &AdvanceCycleRequest,
    expected: CyclePhase,
    (phase, sequence): (CyclePhase, u64),
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    let id = &request.cycle_id;
    if phase != expected {
        return Err(Refusal::WrongPhase(format!(
            "cycle {id} is {}, not {}",
            phase_name(phase),
            phase_name(expected)
        )));
    }
    let Some(to) = next_phase(phase) else {
        return Err(Refusal::WrongPhase(format!(
            "cycle {id} is ISSUED: there is no later phase"
        )));
    };
    let event = acting.event(
        event_type::CYCLE_PHASE_CHANGED,
        SERVICE_NAME,
        id,
        Payload::CyclePhaseChanged(CyclePhaseChanged {
            cycle_id: id.clone(),
            change: Some(PhaseChange {
                from: phase as i32,
                to: to as i32,
                at: Some(imrf_proto::timestamp(acting.now)),
                deadline: Deadline::Unspecified as i32,
                reason: request.reason.clone(),
                actor: acting.actor.to_string(),
            }),
        }),
    );
    Ok(Prepared {
        subject: subject::cycle_phase(id),
        event,
        expect: Expect::LastSubjectSequence(sequence),
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn acting() -> Acting<'static> {
        Acting {
            actor: "secretariat",
            request_id: "r-1",
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_770_000_000),
        }
    }

    fn advancing(expected: CyclePhase) -> AdvanceCycleRequest {
        AdvanceCycleRequest {
            request_id: "r-1".into(),
            cycle_id: "2026".into(),
            expected_phase: expected as i32,
            reason: "collection starts early".into(),
        }
    }

    #[test]
    fn a_cycle_opens_once() {
        let request = OpenCycleRequest {
            cycle_id: "2026".into(),
            title: "2026 cycle".into(),
            ..Default::default()
        };
        let Ok(prepared) = open(&request, false, acting()) else {
            panic!("a new cycle opens");
        };
        assert_eq!(prepared.expect, Expect::LastSubjectSequence(0));
        assert_eq!(prepared.event.actor, "secretariat");
        let cycle = opened(&prepared.event).cycle.unwrap_or_default();
        assert_eq!(
            (cycle.cycle_id.as_str(), cycle.phase()),
            ("2026", CyclePhase::Open)
        );
        assert!(matches!(
            open(&request, true, acting()),
            Err(Refusal::AlreadyExists(_))
        ));
    }

    #[test]
    fn a_cycle_moves_on_only_from_the_phase_the_caller_saw() {
        let request = advancing(CyclePhase::Open);
        let Ok(prepared) = advance(&request, CyclePhase::Open, (CyclePhase::Open, 4), acting())
        else {
            panic!("an open cycle starts collecting");
        };
        assert_eq!(prepared.expect, Expect::LastSubjectSequence(4));
        assert_eq!(phase_after(Some(&prepared.event)), CyclePhase::Collecting);
        let stale = advance(
            &request,
            CyclePhase::Open,
            (CyclePhase::Collecting, 5),
            acting(),
        );
        match stale {
            Err(Refusal::WrongPhase(why)) => assert_eq!(why, "cycle 2026 is COLLECTING, not OPEN"),
            other => panic!("expected a phase refusal, got {other:?}"),
        }
        let issued = advancing(CyclePhase::Issued);
        let last = advance(
            &issued,
            CyclePhase::Issued,
            (CyclePhase::Issued, 9),
            acting(),
        );
        assert!(matches!(last, Err(Refusal::WrongPhase(_))));
        assert_eq!(phase_after(None), CyclePhase::Open);
    }
}
