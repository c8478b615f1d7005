//! The outbox's IndexedDB database, versioned like SQL: one upgrade step per version, store
//! names as constants.

use super::{OutboxEntry, Rejection, SentEntry};
use indexed_db_futures::KeyPath;
use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use std::cell::RefCell;

const DB_NAME: &str = "xingqi";
/// Bump with a new `if old < N` step in `upgrade`.
const DB_VERSION: u32 = 1;
const OUTBOX: &str = "outbox";
const SENT: &str = "sent";

/// A storage failure, as text the page can show.
#[derive(Clone, Debug)]
pub struct StoreError(pub String);

impl<E: std::fmt::Display> From<E> for StoreError {
    fn from(e: E) -> Self {
        StoreError(e.to_string())
    }
}

fn upgrade(event: VersionChangeEvent, db: Database) -> indexed_db_futures::Result<()> {
    let old = event.old_version() as u32;
    if old < 1 {
        db.create_object_store(OUTBOX)
            .with_key_path(KeyPath::One("id"))
            .build()?;
        db.create_object_store(SENT)
            .with_key_path(KeyPath::One("id"))
            .build()?;
    }
    Ok(())
}

thread_local! {
    static DB: RefCell<Option<Database>> = const { RefCell::new(None) };
}

async fn db() -> Result<Database, StoreError> {
    if let Some(db) = DB.with(|c| c.borrow().clone()) {
        return Ok(db);
    }
    let db = Database::open(DB_NAME)
        .with_version(DB_VERSION)
        .with_on_upgrade_needed(upgrade)
        .await?;
    DB.with(|c| *c.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Puts a new entry in the outbox; returns once the transaction has committed.
pub async fn add(entry: &OutboxEntry) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db
        .transaction(OUTBOX)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    tx.object_store(OUTBOX)?.add(entry).serde()?.await?;
    tx.commit().await?;
    Ok(())
}

pub async fn outbox() -> Result<Vec<OutboxEntry>, StoreError> {
    all(OUTBOX).await
}

pub async fn sent() -> Result<Vec<SentEntry>, StoreError> {
    all(SENT).await
}

async fn all<T: serde::de::DeserializeOwned>(store: &str) -> Result<Vec<T>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(store).build()?;
    let items = tx
        .object_store(store)?
        .get_all::<T>()
        .serde()?
        .await?
        .collect::<Result<Vec<T>, _>>()?;
    Ok(items)
}

/// What the server said of one record.
pub enum Outcome {
    Stored { acked_at: i64 },
    Rejected(Rejection),
}

/// Applies the server's answers in one transaction: a stored record moves from the outbox to
/// `sent`; a refused one stays in the outbox with its reason.
pub async fn settle(outcomes: Vec<(OutboxEntry, Outcome)>) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db
        .transaction([OUTBOX, SENT])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let outbox = tx.object_store(OUTBOX)?;
    let sent = tx.object_store(SENT)?;
    for (entry, outcome) in outcomes {
        match outcome {
            Outcome::Stored { acked_at } => {
                let done = SentEntry {
                    id: entry.id.clone(),
                    activity_id: entry.activity_id.clone(),
                    acked_at,
                };
                sent.put(&done).serde()?.await?;
                outbox.delete(entry.id.as_str()).await?;
            }
            Outcome::Rejected(rejection) => {
                let kept = OutboxEntry {
                    rejected: Some(rejection),
                    ..entry
                };
                outbox.put(&kept).serde()?.await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
