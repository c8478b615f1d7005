//! The phone's outbox: records the member made, kept in IndexedDB until the server has
//! acknowledged them after commit, and the reactive state the pages read.
//!
//! The types and the context are compiled on both sides (the server renders the page with an
//! empty outbox); the IndexedDB store and the sync engine only in the browser.

#[cfg(feature = "hydrate")]
mod engine;
#[cfg(feature = "hydrate")]
mod idb;
mod retry;

pub use retry::Backoff;

use crate::domain::attendance::LeaveStatus;
use crate::domain::proof::Proof;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const KIND_CHECKIN: &str = "checkin";
pub const KIND_LEAVE: &str = "leave_request";
pub const KIND_SURVEY: &str = "survey_answer";

fn checkin_kind() -> String {
    KIND_CHECKIN.to_owned()
}

/// A record waiting in the outbox. Its JSON is kept exactly as it will be pushed, so a retry
/// sends the same bytes and the server can tell a duplicate from a conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The record's UUIDv7: the IndexedDB key and the server's key.
    pub id: String,
    /// The record as pushed: `{"id":…,"seq":…,"kind":…,"body":…}`.
    pub record: String,
    #[serde(default = "checkin_kind")]
    pub kind: String,
    /// The activity the record is about, so the page can show its state there.
    pub activity_id: String,
    /// Whose record it is: on a shared phone only the signed-in member's records are sent.
    #[serde(default)]
    pub member_id: String,
    /// The device's number for the record (1, 2, 3…).
    #[serde(default)]
    pub seq: i64,
    /// What the member recognises the record by (the activity's topic).
    pub label: String,
    /// When it was made, by the phone's clock (ms).
    pub created_at: i64,
    /// Set when the server refused it; the entry then stays until the member dismisses it.
    #[serde(default)]
    pub rejected: Option<Rejection>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub code: String,
    pub reason: String,
}

/// A record the server acknowledged: kept so the page can say 已同步 while offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentEntry {
    pub id: String,
    pub activity_id: String,
    pub acked_at: i64,
    #[serde(default = "checkin_kind")]
    pub kind: String,
    /// Stored but held for the secretary (`pending_review`): 待确认.
    #[serde(default)]
    pub held: bool,
}

/// What the page shows for one activity, from the phone's side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalStatus {
    /// Saved on the phone, not yet acknowledged: 待同步.
    Pending,
    /// Acknowledged by the server: 已同步.
    Synced,
    /// Stored by the server but held for the secretary's confirmation: 待确认.
    Held,
    /// Refused by the server, with the reason.
    Rejected(String),
}

/// Whether this page will open again without a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfflinePage {
    Checking,
    Ready,
    /// No service worker here (WeChat on iOS, private windows): online use only.
    Unsupported,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Online,
    Offline,
}

/// The outbox as the pages see it.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub entries: RwSignal<Vec<OutboxEntry>>,
    pub sent: RwSignal<Vec<SentEntry>>,
    pub connection: RwSignal<Connection>,
    pub syncing: RwSignal<bool>,
    pub offline_page: RwSignal<OfflinePage>,
    /// The last problem worth telling the member (storage unavailable, session expired, …).
    pub problem: RwSignal<Option<String>>,
    /// A lasting warning: the phone's store was wiped (until the member dismisses it).
    pub warning: RwSignal<Option<String>>,
    /// Set once the phone's store has been read; before that the page shows the server's view.
    pub loaded: RwSignal<bool>,
    /// The member signed in on this page; records are sent only for them.
    pub member: RwSignal<Option<String>>,
    /// When the next automatic retry is due (ms), while records wait and the network fails.
    pub next_retry: RwSignal<Option<i64>>,
    /// The member's activities as last pulled, so a page cached earlier still learns of an
    /// activity scheduled since (or cancelled).
    pub pulled: RwSignal<Vec<crate::sync::protocol::PulledActivity>>,
}

impl Outbox {
    fn new() -> Self {
        Self {
            entries: RwSignal::new(Vec::new()),
            sent: RwSignal::new(Vec::new()),
            connection: RwSignal::new(Connection::Online),
            syncing: RwSignal::new(false),
            offline_page: RwSignal::new(OfflinePage::Checking),
            problem: RwSignal::new(None),
            warning: RwSignal::new(None),
            loaded: RwSignal::new(false),
            member: RwSignal::new(None),
            next_retry: RwSignal::new(None),
            pulled: RwSignal::new(Vec::new()),
        }
    }

    fn mine<'a>(&self, entries: &'a [OutboxEntry]) -> impl Iterator<Item = &'a OutboxEntry> {
        let member = self.member.get();
        entries.iter().filter(move |e| {
            member
                .as_deref()
                .is_none_or(|m| e.member_id.is_empty() || e.member_id == m)
        })
    }

    /// The phone's view of the member's check-in at one activity.
    pub fn status_of(&self, activity_id: &str) -> Option<LocalStatus> {
        let from_outbox = self.entries.with(|entries| {
            self.mine(entries)
                .filter(|e| e.kind == KIND_CHECKIN && e.activity_id == activity_id)
                .map(|e| match &e.rejected {
                    Some(r) => LocalStatus::Rejected(r.reason.clone()),
                    None => LocalStatus::Pending,
                })
                // A pending retry outranks an older refusal.
                .min_by_key(|s| !matches!(s, LocalStatus::Pending))
        });
        from_outbox.or_else(|| {
            self.sent.with(|s| {
                s.iter()
                    .filter(|e| e.kind == KIND_CHECKIN && e.activity_id == activity_id)
                    .map(|e| {
                        if e.held {
                            LocalStatus::Held
                        } else {
                            LocalStatus::Synced
                        }
                    })
                    // One check-in that counts outranks a held one.
                    .min_by_key(|s| matches!(s, LocalStatus::Held))
            })
        })
    }

    /// The phone's view of the member's leave request for one activity.
    pub fn leave_of(&self, activity_id: &str) -> Option<LocalStatus> {
        let pending = self.entries.with(|entries| {
            self.mine(entries)
                .filter(|e| e.kind == KIND_LEAVE && e.activity_id == activity_id)
                .map(|e| match &e.rejected {
                    Some(r) => LocalStatus::Rejected(r.reason.clone()),
                    None => LocalStatus::Pending,
                })
                .min_by_key(|s| !matches!(s, LocalStatus::Pending))
        });
        pending.or_else(|| {
            self.sent
                .with(|s| {
                    s.iter()
                        .any(|e| e.kind == KIND_LEAVE && e.activity_id == activity_id)
                })
                .then_some(LocalStatus::Synced)
        })
    }

    /// The phone's view of one survey answer, by the answer's record id.
    pub fn survey_status(&self, record_id: &str) -> Option<LocalStatus> {
        let waiting = self.entries.with(|entries| {
            entries
                .iter()
                .find(|e| e.kind == KIND_SURVEY && e.id == record_id)
                .map(|e| match &e.rejected {
                    Some(r) => LocalStatus::Rejected(r.reason.clone()),
                    None => LocalStatus::Pending,
                })
        });
        waiting.or_else(|| {
            self.sent
                .with(|s| s.iter().any(|e| e.kind == KIND_SURVEY && e.id == record_id))
                .then_some(LocalStatus::Synced)
        })
    }

    /// Keeps an anonymous survey answer on the phone and sends it when it can. The record id
    /// is the one the form was rendered with, so a form sent both ways is still stored once.
    pub fn answer_survey(
        &self,
        record_id: String,
        label: String,
        body: crate::sync::protocol::SurveyAnswerBody,
    ) {
        #[cfg(feature = "hydrate")]
        engine::answer_survey(*self, record_id, label, body);
        #[cfg(not(feature = "hydrate"))]
        let _ = (record_id, label, body);
    }

    /// How many of the member's records wait to be sent.
    pub fn pending(&self) -> usize {
        self.entries
            .with(|e| self.mine(e).filter(|e| e.rejected.is_none()).count())
    }

    /// The member's records the server refused, for the page to list.
    pub fn refused(&self) -> Vec<OutboxEntry> {
        self.entries.with(|e| {
            self.mine(e)
                .filter(|e| e.rejected.is_some())
                .cloned()
                .collect()
        })
    }

    /// Records a check-in on the phone and sends it when it can.
    pub fn check_in(&self, activity_id: String, member_id: String, label: String, proof: Proof) {
        #[cfg(feature = "hydrate")]
        engine::check_in(*self, activity_id, member_id, label, proof);
        #[cfg(not(feature = "hydrate"))]
        let _ = (activity_id, member_id, label, proof);
    }

    /// Records a request for leave on the phone and sends it when it can.
    pub fn ask_leave(&self, activity_id: String, member_id: String, label: String, reason: String) {
        #[cfg(feature = "hydrate")]
        engine::ask_leave(*self, activity_id, member_id, label, reason);
        #[cfg(not(feature = "hydrate"))]
        let _ = (activity_id, member_id, label, reason);
    }

    /// The member has read why a record was refused: it may go.
    pub fn dismiss(&self, id: String) {
        #[cfg(feature = "hydrate")]
        engine::dismiss(*self, id);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    /// Asks the page cache to keep `path` for offline use.
    pub fn keep_offline(&self, path: &str) {
        #[cfg(feature = "hydrate")]
        engine::keep_offline(path);
        #[cfg(not(feature = "hydrate"))]
        let _ = path;
    }

    /// Tells the engine who is signed in on this page, which lets it send their records.
    pub fn signed_in(&self, member_id: String) {
        if self.member.get_untracked().as_deref() != Some(member_id.as_str()) {
            self.member.set(Some(member_id));
        }
    }
}

/// What the server's answer means for one waiting record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settled {
    /// The server holds it: move it from the outbox to `sent` (`held`: 待确认).
    Stored { acked_at: i64, held: bool },
    /// Refused (conflict or rejected): keep it in the outbox, with the reason, until dismissed.
    Refused(Rejection),
}

/// Decides, for each record that was pushed, what the answer means. A record the answer does
/// not mention stays waiting, to be pushed again: nothing leaves the outbox on silence.
pub fn settle_plan(
    pushed: Vec<OutboxEntry>,
    results: &[crate::sync::protocol::PushResult],
    acked_at: i64,
) -> Vec<(OutboxEntry, Settled)> {
    pushed
        .into_iter()
        .filter_map(|entry| {
            let result = results
                .iter()
                .find(|r| r.id.as_deref() == Some(entry.id.as_str()))?;
            let settled = if result.status.is_stored() {
                Settled::Stored {
                    acked_at,
                    held: result.status == crate::sync::protocol::PushStatus::PendingReview,
                }
            } else {
                Settled::Refused(Rejection {
                    code: result
                        .code
                        .and_then(|c| serde_json::to_value(c).ok())
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    reason: result.reason.clone().unwrap_or_else(|| "未说明原因".into()),
                })
            };
            Some((entry, settled))
        })
        .collect()
}

/// The body of a push: the device and the records exactly as saved.
pub fn push_body(device_id: Option<&str>, records: &[OutboxEntry]) -> String {
    let device = device_id.map_or("null".to_owned(), |d| format!("{{\"id\":\"{d}\"}}"));
    let records: Vec<&str> = records.iter().map(|e| e.record.as_str()).collect();
    format!(
        "{{\"device\":{device},\"records\":[{}]}}",
        records.join(",")
    )
}

/// The records to push next, oldest number first, one batch: either the member's records or
/// anonymous ones (survey answers), never both — an anonymous batch is sent without the
/// session or the device ([`is_anonymous`]), so nothing on the way ties an answer to a person.
pub fn next_batch(all: Vec<OutboxEntry>, member: &str) -> Vec<OutboxEntry> {
    let mut waiting: Vec<_> = all
        .into_iter()
        .filter(|e| e.rejected.is_none() && (e.member_id.is_empty() || e.member_id == member))
        .collect();
    waiting.sort_by_key(|e| (e.seq, e.created_at));
    let anonymous = is_anonymous(&waiting[..waiting.len().min(1)]);
    waiting.retain(|e| (e.kind == KIND_SURVEY) == anonymous);
    waiting.truncate(crate::sync::protocol::MAX_RECORDS);
    waiting
}

/// Whether a batch holds only anonymous records (survey answers): sent without credentials
/// and without the device. By the record's kind, not by a missing member: a check-in queued
/// by the first version of the phone's store carries no member on its entry (the record's
/// body names them) and goes with the signed-in member's session.
pub fn is_anonymous(batch: &[OutboxEntry]) -> bool {
    !batch.is_empty() && batch.iter().all(|e| e.kind == KIND_SURVEY)
}

/// What a leave status reads as on the member's page.
pub fn leave_text(server: Option<LeaveStatus>, local: Option<&LocalStatus>) -> Option<String> {
    match (local, server) {
        (Some(LocalStatus::Pending), _) => Some("请假申请待同步".into()),
        (Some(LocalStatus::Rejected(r)), _) => Some(format!("请假申请未被接受：{r}")),
        (_, Some(s)) => Some(format!("请假{}", s.label())),
        (Some(LocalStatus::Synced | LocalStatus::Held), None) => Some("请假待审批".into()),
        (None, None) => None,
    }
}

/// Creates the outbox for the app and, in the browser, starts syncing it.
pub fn provide_outbox() {
    let outbox = Outbox::new();
    provide_context(outbox);
    // The sign-out button (a layer below) warns while records wait unsent.
    provide_context(crate::auth::UnsentRecords(Signal::derive(move || {
        outbox.pending()
    })));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| engine::start(outbox));
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, member: &str, seq: i64) -> OutboxEntry {
        OutboxEntry {
            id: id.into(),
            record: format!("{{\"id\":\"{id}\"}}"),
            kind: if member.is_empty() {
                "survey_answer"
            } else {
                "checkin"
            }
            .into(),
            activity_id: String::new(),
            member_id: member.into(),
            seq,
            label: String::new(),
            created_at: seq,
            rejected: None,
        }
    }

    #[test]
    fn answers_and_a_members_records_never_share_a_batch() {
        let all = vec![
            entry("c1", "m1", 1),
            entry("a1", "", 0),
            entry("c2", "m1", 2),
            entry("o1", "m2", 3),
            entry("a2", "", 0),
        ];
        let ids = |b: &[OutboxEntry]| b.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        // Answers carry no number, so they sort first and go alone, without credentials.
        let first = next_batch(all.clone(), "m1");
        assert_eq!(ids(&first), ["a1", "a2"]);
        assert!(is_anonymous(&first));
        let rest: Vec<_> = all
            .into_iter()
            .filter(|e| !e.member_id.is_empty())
            .collect();
        let second = next_batch(rest, "m1");
        assert_eq!(ids(&second), ["c1", "c2"], "another member's records stay");
        assert!(!is_anonymous(&second));
        assert!(!is_anonymous(&[]));
        assert!(
            push_body(None, &first).starts_with("{\"device\":null,"),
            "an anonymous batch names no device"
        );
    }

    #[test]
    fn a_check_in_queued_before_entries_named_their_member_goes_with_the_session() {
        // The first version of the store kept no member (nor kind: it reads as a check-in).
        let mut legacy = entry("old", "", 1);
        legacy.kind = KIND_CHECKIN.into();
        let batch = next_batch(vec![legacy, entry("a1", "", 0)], "m1");
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].id, "a1", "the answer goes first, alone");
        let mut legacy = entry("old", "", 1);
        legacy.kind = KIND_CHECKIN.into();
        let batch = next_batch(vec![legacy], "m1");
        assert!(
            !is_anonymous(&batch),
            "a check-in is never sent without the session"
        );
    }
}
