//! The phone's outbox: records the member made, kept in IndexedDB until the server has
//! acknowledged them after commit, and the reactive state the pages read.
//!
//! The types and the context are compiled on both sides (the server renders the page with an
//! empty outbox); the IndexedDB store and the sync engine only in the browser.

#[cfg(feature = "hydrate")]
mod engine;
#[cfg(feature = "hydrate")]
mod idb;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A record waiting in the outbox. Its JSON is kept exactly as it will be pushed, so a retry
/// sends the same bytes and the server can tell a duplicate from a conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The record's UUIDv7: the IndexedDB key and the server's key.
    pub id: String,
    /// The record as pushed: `{"id":…,"kind":…,"body":…}`.
    pub record: String,
    /// The activity the record is about, so the page can show its state there.
    pub activity_id: String,
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
}

/// What the page shows for one activity, from the phone's side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalStatus {
    /// Saved on the phone, not yet acknowledged: 待同步.
    Pending,
    /// Acknowledged by the server: 已同步.
    Synced,
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
    /// Set once the phone's store has been read; before that the page shows the server's view.
    pub loaded: RwSignal<bool>,
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
            loaded: RwSignal::new(false),
        }
    }

    /// The phone's view of one activity: the outbox first, then what was acknowledged.
    pub fn status_of(&self, activity_id: &str) -> Option<LocalStatus> {
        let from_outbox = self.entries.with(|entries| {
            entries
                .iter()
                .filter(|e| e.activity_id == activity_id)
                .map(|e| match &e.rejected {
                    Some(r) => LocalStatus::Rejected(r.reason.clone()),
                    None => LocalStatus::Pending,
                })
                // A pending retry outranks an older refusal.
                .min_by_key(|s| !matches!(s, LocalStatus::Pending))
        });
        from_outbox.or_else(|| {
            self.sent
                .with(|s| s.iter().any(|e| e.activity_id == activity_id))
                .then_some(LocalStatus::Synced)
        })
    }

    /// How many records wait to be sent.
    pub fn pending(&self) -> usize {
        self.entries
            .with(|e| e.iter().filter(|e| e.rejected.is_none()).count())
    }

    /// Records a check-in on the phone and sends it when it can.
    pub fn check_in(&self, activity_id: String, member_id: String, label: String) {
        #[cfg(feature = "hydrate")]
        engine::check_in(*self, activity_id, member_id, label);
        #[cfg(not(feature = "hydrate"))]
        let _ = (activity_id, member_id, label);
    }

    /// Asks the page cache to keep `path` for offline use.
    pub fn keep_offline(&self, path: &str) {
        #[cfg(feature = "hydrate")]
        engine::keep_offline(*self, path);
        #[cfg(not(feature = "hydrate"))]
        let _ = path;
    }
}

/// Creates the outbox for the app and, in the browser, starts syncing it.
pub fn provide_outbox() {
    let outbox = Outbox::new();
    provide_context(outbox);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| engine::start(outbox));
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}
