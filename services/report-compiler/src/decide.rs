//! What a secretariat request does to a cycle, decided without I/O: given
//! the request, what the stream holds for the cycle, who acts and when, the
//! event to publish (conditional on that head) or the domain's refusal.

use imrf_bus::ledger::Prepared;
use imrf_bus::names::{event_type, subject};
use imrf_bus::{Acting, Expect};
use imrf_gcm::Refusal;
use imrf_proto::v1::{
    AdvanceCycleRequest, Cycle, CycleOpened, CyclePhase, CyclePhaseChanged, Deadline,
    DraftTextRemoved, DraftTextSet, Event, OpenCycleRequest, OpenCycleResponse, PhaseChange,
    RemoveDraftTextRequest, SetDraftTextRequest, event::Payload,
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

/// What a text's subject holds: the revision in force (0 when none is,
/// never set or removed), the last revision ever recorded, and the sequence
/// of its last event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextHead {
    /// The revision in force; 0 when the text is not (or no longer) set.
    pub in_force: u32,
    /// The last revision recorded, set or removed.
    pub last: u32,
    /// Stream sequence of the last event; 0 when none.
    pub sequence: u64,
}

impl TextHead {
    /// The head a text's last event (stored at `sequence`) leaves.
    pub fn after(event: &Event, sequence: u64) -> Self {
        match &event.payload {
            Some(Payload::DraftTextSet(s)) => {
                let revision = s.text.as_ref().map_or(0, |t| t.revision);
                Self {
                    in_force: revision,
                    last: revision,
                    sequence,
                }
            }
            Some(Payload::DraftTextRemoved(r)) => Self {
                in_force: 0,
                last: r.revision,
                sequence,
            },
            _ => Self {
                sequence,
                ..Self::default()
            },
        }
    }
}

fn refuse_issued(phase: CyclePhase, cycle_id: &str) -> Result<(), Refusal> {
    if phase == CyclePhase::Issued {
        return Err(Refusal::WrongPhase(format!(
            "cycle {cycle_id} is ISSUED: its report is final and takes no more text"
        )));
    }
    Ok(())
}

/// A (validated) request to set a text, given the cycle's phase and the
/// text's head: refused once the report is issued, and when the caller's
/// expected revision is not the one in force. Revisions keep counting past
/// a removal, so an id and revision always name the same paragraphs.
pub fn set_text(
    request: &SetDraftTextRequest,
    phase: CyclePhase,
    head: TextHead,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    let mut text = request.text.clone().unwrap_or_default();
    refuse_issued(phase, &text.cycle_id)?;
    if request.expected_revision != head.in_force {
        return Err(if head.in_force == 0 {
            Refusal::StaleRevision(format!(
                "text {} is not set (revision {} was removed, or none was set): set it with expected revision 0",
                text.text_id, head.last
            ))
        } else if request.expected_revision == 0 {
            Refusal::AlreadyExists(format!(
                "text {} is set at revision {}: to replace it, give expected revision {}",
                text.text_id, head.in_force, head.in_force
            ))
        } else {
            Refusal::StaleRevision(format!(
                "text {} is at revision {}, not {}: read it again and give expected revision {}",
                text.text_id, head.in_force, request.expected_revision, head.in_force
            ))
        });
    }
    text.paragraphs = text
        .paragraphs
        .iter()
        .map(|p| p.trim().to_string())
        .collect();
    text.revision = head.last + 1;
    text.updated_at = Some(imrf_proto::timestamp(acting.now));
    text.author = acting.actor.to_string();
    let subject = subject::report_text(&text.cycle_id, &text.text_id);
    let cycle_id = text.cycle_id.clone();
    let event = acting.event(
        event_type::REPORT_TEXT_SET,
        SERVICE_NAME,
        &cycle_id,
        Payload::DraftTextSet(DraftTextSet { text: Some(text) }),
    );
    Ok(Prepared {
        subject,
        event,
        expect: Expect::LastSubjectSequence(head.sequence),
    })
}

/// A (validated) request to remove a text: refused once the report is
/// issued, when no text is in force, and when the expected revision is not
/// the one in force.
pub fn remove_text(
    request: &RemoveDraftTextRequest,
    phase: CyclePhase,
    head: TextHead,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    refuse_issued(phase, &request.cycle_id)?;
    if head.in_force == 0 {
        return Err(Refusal::NotFound(format!(
            "cycle {} has no text {} in force",
            request.cycle_id, request.text_id
        )));
    }
    if request.expected_revision != head.in_force {
        return Err(Refusal::StaleRevision(format!(
            "text {} is at revision {}, not {}",
            request.text_id, head.in_force, request.expected_revision
        )));
    }
    let event = acting.event(
        event_type::REPORT_TEXT_REMOVED,
        SERVICE_NAME,
        &request.cycle_id,
        Payload::DraftTextRemoved(DraftTextRemoved {
            cycle_id: request.cycle_id.clone(),
            text_id: request.text_id.clone(),
            revision: head.in_force,
        }),
    );
    Ok(Prepared {
        subject: subject::report_text(&request.cycle_id, &request.text_id),
        event,
        expect: Expect::LastSubjectSequence(head.sequence),
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

    fn setting(expected_revision: u32) -> SetDraftTextRequest {
        SetDraftTextRequest {
            request_id: "r-1".into(),
            text: Some(imrf_proto::v1::DraftText {
                cycle_id: "2026".into(),
                text_id: "chapeau-iii".into(),
                chapter: 3,
                placement: imrf_proto::v1::TextPlacement::Opening as i32,
                paragraphs: vec!["  The reviews agree.\n".into()],
                ..Default::default()
            }),
            expected_revision,
        }
    }

    fn set_revision(prepared: &Prepared) -> u32 {
        match &prepared.event.payload {
            Some(Payload::DraftTextSet(s)) => s.text.as_ref().map_or(0, |t| t.revision),
            _ => 0,
        }
    }

    #[test]
    fn a_text_is_revised_from_the_revision_in_force_and_counts_on_past_a_removal() {
        let drafting = CyclePhase::Drafting;
        let Ok(first) = set_text(&setting(0), drafting, TextHead::default(), acting()) else {
            panic!("a new text is set");
        };
        assert_eq!(set_revision(&first), 1);
        assert_eq!(first.expect, Expect::LastSubjectSequence(0));
        let head = TextHead::after(&first.event, 7);
        assert_eq!(head.in_force, 1);
        assert!(matches!(
            set_text(&setting(0), drafting, head, acting()),
            Err(Refusal::AlreadyExists(_))
        ));
        assert!(matches!(
            set_text(&setting(2), drafting, head, acting()),
            Err(Refusal::StaleRevision(_))
        ));
        let Ok(second) = set_text(&setting(1), drafting, head, acting()) else {
            panic!("the revision in force is replaced");
        };
        assert_eq!(set_revision(&second), 2);
        assert_eq!(second.expect, Expect::LastSubjectSequence(7));
        match &second.event.payload {
            Some(Payload::DraftTextSet(s)) => {
                let text = s.text.clone().unwrap_or_default();
                assert_eq!(text.paragraphs, ["The reviews agree."]);
                assert_eq!(text.author, "secretariat");
            }
            other => panic!("expected a text, got {other:?}"),
        }

        let head = TextHead::after(&second.event, 9);
        let remove = RemoveDraftTextRequest {
            request_id: "r-2".into(),
            cycle_id: "2026".into(),
            text_id: "chapeau-iii".into(),
            expected_revision: 1,
        };
        assert!(matches!(
            remove_text(&remove, drafting, head, acting()),
            Err(Refusal::StaleRevision(_))
        ));
        let remove = RemoveDraftTextRequest {
            expected_revision: 2,
            ..remove
        };
        let Ok(removed) = remove_text(&remove, drafting, head, acting()) else {
            panic!("the revision in force is removed");
        };
        let head = TextHead::after(&removed.event, 10);
        assert_eq!((head.in_force, head.last), (0, 2));
        assert!(matches!(
            remove_text(&remove, drafting, head, acting()),
            Err(Refusal::NotFound(_))
        ));
        let Ok(again) = set_text(&setting(0), drafting, head, acting()) else {
            panic!("a removed text is set again");
        };
        assert_eq!(set_revision(&again), 3);
        assert!(matches!(
            set_text(
                &setting(0),
                CyclePhase::Issued,
                TextHead::default(),
                acting()
            ),
            Err(Refusal::WrongPhase(_))
        ));
    }
}
