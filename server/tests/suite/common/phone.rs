//! A phone as the tests drive it: the real client's outbox decisions (`app::outbox`) over a
//! store that behaves like IndexedDB — every change is committed as a whole to a serialized
//! copy, and a crash throws away what was only in memory and reads the store again. It makes
//! check-ins with real proof codes, leave requests and anonymous survey answers.

use app::db::now_ms;
use app::domain::ballot::Audience;
use app::domain::proof::{Proof, code, step_of};
use app::outbox::{OutboxEntry, Settled, is_anonymous, next_batch, push_body};
use app::sync::protocol::{CheckinBody, LeaveRequestBody, Record, RecordBody, SurveyAnswerBody};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// What the phone keeps across a crash, as its IndexedDB holds it.
#[derive(Clone, Default, Serialize, Deserialize)]
struct Stored {
    outbox: Vec<OutboxEntry>,
    next_seq: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Checkin,
    Leave,
    Answer,
}

/// A record the member saw saved.
#[derive(Clone, Debug)]
pub struct Saved {
    pub id: String,
    pub kind: Kind,
    /// Whether the server must accept it (else it must refuse it).
    pub valid: bool,
    pub seq: i64,
    /// Lost with a wiped store before it was acknowledged: it may or may not have reached
    /// the server (a late request can still bring it), but never twice.
    pub lost: bool,
}

/// What the server holds of one member's records, for [`Phone::check_against`].
pub struct OnServer {
    pub checkins: Vec<String>,
    pub leaves: Vec<String>,
    /// The keys of stored survey answers (`app::survey::server::answer_key`).
    pub answer_keys: HashSet<String>,
}

pub struct Phone {
    pub member_id: String,
    pub device: String,
    /// The outbox as the page holds it in memory.
    pub outbox: Vec<OutboxEntry>,
    next_seq: i64,
    /// The committed store (serialized): what survives a crash.
    store: String,
    pub saw_saved: Vec<Saved>,
}

impl Phone {
    pub fn new(member_id: &str) -> Self {
        let mut phone = Self {
            member_id: member_id.to_owned(),
            device: Uuid::now_v7().to_string(),
            outbox: Vec::new(),
            next_seq: 1,
            store: String::new(),
            saw_saved: Vec::new(),
        };
        phone.commit();
        phone
    }

    /// Commits the in-memory state to the store in one transaction.
    fn commit(&mut self) {
        let stored = Stored {
            outbox: self.outbox.clone(),
            next_seq: self.next_seq,
        };
        self.store = serde_json::to_string(&stored).expect("the outbox serializes");
    }

    /// The phone crashes (or the page is killed) and starts again: memory is gone, the outbox
    /// is read back from the store.
    pub fn restart(&mut self) {
        let stored: Stored = serde_json::from_str(&self.store).expect("the store reads back");
        self.outbox = stored.outbox;
        self.next_seq = stored.next_seq;
    }

    /// The browser's storage for the site is wiped (the member cleared it, or the system
    /// evicted it): everything unsent is gone and numbering starts again at 1.
    pub fn wipe(&mut self) {
        let waiting: HashSet<&str> = self.outbox.iter().map(|e| e.id.as_str()).collect();
        for saved in &mut self.saw_saved {
            if waiting.contains(saved.id.as_str()) {
                saved.lost = true;
            }
        }
        self.outbox.clear();
        self.next_seq = 1;
        self.commit();
    }

    fn save(&mut self, record: RecordBody, kind: Kind, valid: bool, activity: &str) {
        let now = now_ms();
        let id = Uuid::now_v7();
        let seq = self.next_seq;
        let record = Record {
            id,
            seq: Some(seq),
            body: record,
        };
        self.outbox.push(OutboxEntry {
            id: id.to_string(),
            record: serde_json::to_string(&record).unwrap(),
            kind: match kind {
                Kind::Checkin => "checkin",
                Kind::Leave => "leave_request",
                Kind::Answer => "survey_answer",
            }
            .into(),
            activity_id: activity.to_owned(),
            member_id: self.member_id.clone(),
            seq,
            label: "测试".into(),
            created_at: now,
            rejected: None,
        });
        self.next_seq += 1;
        self.commit();
        self.saw_saved.push(Saved {
            id: id.to_string(),
            kind,
            valid,
            seq,
            lost: false,
        });
    }

    /// Saves a check-in to `activity` in the outbox with the code shown now: for this member,
    /// or (`valid` false) in another member's name, which the server refuses. Not a failed
    /// code: failed codes are limited per member and activity (tested in `storage.rs`), and
    /// these histories send far more refusals than that limit.
    pub fn check_in(&mut self, activity: &str, secret: &[u8], valid: bool) {
        let now = now_ms();
        let step = step_of(now);
        let code = code(secret, activity, step);
        let member = if valid {
            Uuid::parse_str(&self.member_id).unwrap()
        } else {
            Uuid::now_v7()
        };
        let body = RecordBody::Checkin(CheckinBody {
            activity_id: Uuid::parse_str(activity).unwrap(),
            member_id: member,
            device_time: now,
            proof: Proof::Qr { step, code },
            synced: None,
        });
        self.save(body, Kind::Checkin, valid, activity);
    }

    /// Saves a leave request; an invalid one has a blank reason, which the server refuses.
    pub fn ask_leave(&mut self, activity: &str, valid: bool) {
        let body = RecordBody::LeaveRequest(LeaveRequestBody {
            activity_id: Uuid::parse_str(activity).unwrap(),
            member_id: Uuid::parse_str(&self.member_id).unwrap(),
            reason: if valid { "外出培训" } else { "   " }.into(),
            device_time: now_ms(),
        });
        self.save(body, Kind::Leave, valid, activity);
    }

    /// Saves an anonymous answer to `campaign` given with a one-time `code`; the server
    /// refuses it when the code is not one of the campaign's unused codes.
    pub fn answer(&mut self, campaign: &str, code: &str, valid: bool) {
        let body = RecordBody::SurveyAnswer(SurveyAnswerBody {
            campaign_id: campaign.to_owned(),
            version: 1,
            code: Some(code.to_owned()),
            open_token: None,
            mark: None,
            audience: Some(Audience::Staff),
            choices: [("org".to_owned(), 0), ("secretary".to_owned(), 1)]
                .into_iter()
                .collect(),
            comment: None,
        });
        self.save(body, Kind::Answer, valid, "");
    }

    /// The next batch and the body that pushes it.
    pub fn batch(&self) -> Option<(Vec<OutboxEntry>, String)> {
        let batch = next_batch(self.outbox.clone(), &self.member_id);
        (!batch.is_empty()).then(|| {
            // Survey answers go without the device, as the real outbox sends them.
            let device = Some(self.device.as_str()).filter(|_| !is_anonymous(&batch));
            let body = push_body(device, &batch);
            (batch, body)
        })
    }

    /// Applies the answers in memory, as the settle transaction does before it commits.
    pub fn apply(&mut self, plan: Vec<(OutboxEntry, Settled)>) {
        for (entry, settled) in plan {
            match settled {
                Settled::Stored { .. } => self.outbox.retain(|e| e.id != entry.id),
                Settled::Refused(r) => {
                    if let Some(e) = self.outbox.iter_mut().find(|e| e.id == entry.id) {
                        e.rejected = Some(r);
                    }
                }
            }
        }
    }

    /// Applies the answers and commits them in one step, as the phone's settle transaction does.
    pub fn settle(&mut self, plan: Vec<(OutboxEntry, Settled)>) {
        self.apply(plan);
        self.commit();
    }

    pub fn waiting(&self) -> usize {
        self.outbox.iter().filter(|e| e.rejected.is_none()).count()
    }

    /// The numbers of the records saved from `from` on that the server must have stored:
    /// valid, not lost with a later wipe, and of a kind that moves the device's high-water mark.
    pub fn valid_numbered_since_wipe(&self, from: usize) -> Vec<i64> {
        self.saw_saved[from..]
            .iter()
            .filter(|s| s.valid && !s.lost && s.kind != Kind::Answer)
            .map(|s| s.seq)
            .collect()
    }

    /// Checks the invariant against what the server stored for this member (only check-ins, for
    /// a phone that makes nothing else).
    pub fn check_against(&self, checkins: &[String]) {
        self.check_all(&OnServer {
            checkins: checkins.to_vec(),
            leaves: Vec::new(),
            answer_keys: HashSet::new(),
        });
    }

    /// Checks the invariant against what the server stored: every valid record there exactly
    /// once and gone from the phone; every refused one kept on the phone with its reason; a
    /// record lost with a wiped store at most once; nothing the member never saved.
    pub fn check_all(&self, server: &OnServer) {
        for (what, ids) in [
            ("check-in", &server.checkins),
            ("leave request", &server.leaves),
        ] {
            let unique: HashSet<&String> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len(), "a {what} is stored twice");
        }
        assert_eq!(self.waiting(), 0, "records still wait at quiescence");
        let mut expected = 0;
        let mut possible = 0;
        for saved in &self.saw_saved {
            let stored = match saved.kind {
                Kind::Checkin => server.checkins.contains(&saved.id),
                Kind::Leave => server.leaves.contains(&saved.id),
                Kind::Answer => server
                    .answer_keys
                    .contains(&app::survey::server::answer_key(
                        &Uuid::parse_str(&saved.id).unwrap(),
                    )),
            };
            let kept = self.outbox.iter().find(|e| e.id == saved.id);
            let id = &saved.id;
            if saved.lost {
                assert!(kept.is_none(), "lost record {id} is back on the phone");
                possible += usize::from(saved.valid && saved.kind != Kind::Answer);
            } else if saved.valid {
                assert!(
                    stored && kept.is_none(),
                    "valid {:?} {id}: stored {stored}, kept {}",
                    saved.kind,
                    kept.is_some()
                );
                expected += usize::from(saved.kind != Kind::Answer);
            } else {
                assert!(
                    !stored && kept.is_some_and(|e| e.rejected.is_some()),
                    "refused {:?} {id}: stored {stored}, kept {kept:?}",
                    saved.kind,
                );
            }
        }
        let held = server.checkins.len() + server.leaves.len();
        assert!(
            (expected..=expected + possible).contains(&held),
            "the server holds {held} records of this member, the member saved {expected} \
             (and {possible} lost with a wiped store)"
        );
    }
}
