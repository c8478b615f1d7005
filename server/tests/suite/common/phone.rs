//! A phone as the tests drive it: the real client's outbox decisions (`app::outbox`) over an
//! in-memory store, making check-ins with real proof codes.

use app::db::now_ms;
use app::domain::proof::{Proof, code, step_of};
use app::outbox::{OutboxEntry, Settled, next_batch, push_body};
use app::sync::protocol::{CheckinBody, Record, RecordBody};
use uuid::Uuid;

pub struct Phone {
    pub member_id: String,
    pub device: String,
    pub outbox: Vec<OutboxEntry>,
    next_seq: i64,
    /// (id, valid) of every record the member saw saved.
    pub saw_saved: Vec<(String, bool)>,
}

impl Phone {
    pub fn new(member_id: &str) -> Self {
        Self {
            member_id: member_id.to_owned(),
            device: Uuid::now_v7().to_string(),
            outbox: Vec::new(),
            next_seq: 1,
            saw_saved: Vec::new(),
        }
    }

    /// Saves a check-in to `activity` in the outbox: with the code shown now, or (`valid`
    /// false) with one replayed from ten minutes ago, which the server refuses as expired. A
    /// replay, not a wrong code: wrong codes are limited per member and activity (tested in
    /// `storage.rs`), and these histories send far more refusals than that limit.
    pub fn check_in(&mut self, activity: &str, secret: &[u8], valid: bool) {
        let now = now_ms();
        let step = if valid {
            step_of(now)
        } else {
            step_of(now) - 20
        };
        let code = code(secret, activity, step);
        let id = Uuid::now_v7();
        let record = Record {
            id,
            seq: Some(self.next_seq),
            body: RecordBody::Checkin(CheckinBody {
                activity_id: Uuid::parse_str(activity).unwrap(),
                member_id: Uuid::parse_str(&self.member_id).unwrap(),
                device_time: now,
                proof: Proof::Qr { step, code },
            }),
        };
        self.outbox.push(OutboxEntry {
            id: id.to_string(),
            record: serde_json::to_string(&record).unwrap(),
            kind: "checkin".into(),
            activity_id: activity.to_owned(),
            member_id: self.member_id.clone(),
            seq: self.next_seq,
            label: "测试".into(),
            created_at: now,
            rejected: None,
        });
        self.next_seq += 1;
        self.saw_saved.push((id.to_string(), valid));
    }

    /// The next batch and the body that pushes it.
    pub fn batch(&self) -> Option<(Vec<OutboxEntry>, String)> {
        let batch = next_batch(self.outbox.clone(), &self.member_id);
        (!batch.is_empty()).then(|| {
            let body = push_body(Some(&self.device), &batch);
            (batch, body)
        })
    }

    /// Applies the answers in one step, as the phone's settle transaction does.
    pub fn settle(&mut self, plan: Vec<(OutboxEntry, Settled)>) {
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

    pub fn waiting(&self) -> usize {
        self.outbox.iter().filter(|e| e.rejected.is_none()).count()
    }

    /// Checks the invariant against the ids the server stored for this member: every valid
    /// record there exactly once and gone from the phone; every refused one kept on the phone.
    pub fn check_against(&self, on_server: &[String]) {
        let unique: std::collections::HashSet<&String> = on_server.iter().collect();
        assert_eq!(unique.len(), on_server.len(), "a record is stored twice");
        assert_eq!(self.waiting(), 0, "records still wait at quiescence");
        for (id, valid) in &self.saw_saved {
            let stored = unique.contains(id);
            let kept = self.outbox.iter().any(|e| &e.id == id);
            if *valid {
                assert!(
                    stored && !kept,
                    "valid record {id}: stored {stored}, kept {kept}"
                );
            } else {
                assert!(
                    !stored && kept,
                    "refused record {id}: stored {stored}, kept {kept}"
                );
            }
        }
        let valid = self.saw_saved.iter().filter(|(_, v)| *v).count();
        assert_eq!(
            on_server.len(),
            valid,
            "the server holds something the member never saved"
        );
    }
}
