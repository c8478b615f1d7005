//! The outbox's IndexedDB database, versioned like SQL: one upgrade step per version, store
//! names as constants.

use super::{OutboxEntry, SentEntry, Settled};
use crate::sync::protocol::PulledActivity;
use indexed_db_futures::KeyPath;
use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

const DB_NAME: &str = "xingqi";
/// One more with each entry of `VERSIONS`.
const DB_VERSION: u32 = VERSIONS.len() as u32;
/// v1: records waiting, and records acknowledged.
const OUTBOX: &str = "outbox";
const SENT: &str = "sent";
/// v2: the device's identity and numbering; the pulled reference data.
const META: &str = "meta";
const ACTIVITIES: &str = "activities";

const DEVICE_KEY: &str = "device";
/// A copy of the device's identity outside IndexedDB, so a store wiped under the app is noticed.
const MIRROR_KEY: &str = "xingqi.device";

/// A storage failure, as text the page can show.
#[derive(Clone, Debug)]
pub struct StoreError(pub String);

impl<E: std::fmt::Display> From<E> for StoreError {
    fn from(e: E) -> Self {
        StoreError(e.to_string())
    }
}

/// The object stores each version adds, with their key paths: one upgrade step per version.
const VERSIONS: [&[(&str, &str)]; 2] = [
    &[(OUTBOX, "id"), (SENT, "id")],
    &[(META, "key"), (ACTIVITIES, "id")],
];

fn upgrade(event: VersionChangeEvent, db: Database) -> indexed_db_futures::Result<()> {
    let old = event.old_version() as usize;
    for stores in VERSIONS.iter().skip(old) {
        for (name, key) in stores.iter() {
            db.create_object_store(name)
                .with_key_path(KeyPath::One(key))
                .build()?;
        }
    }
    Ok(())
}

thread_local! {
    static DB: RefCell<Option<Database>> = const { RefCell::new(None) };
}

/// Opens the database and a read-write transaction over `stores` as `$db` and `$tx` (a macro,
/// not a function: the transaction borrows the database it belongs to).
macro_rules! writing {
    ($db:ident, $tx:ident, $stores:expr) => {
        let $db = db().await?;
        let $tx = $db
            .transaction($stores)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
    };
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

/// This browser's identity as a pushing device, and its record numbering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    key: String,
    pub device_id: String,
    /// The number the next record gets.
    pub next_seq: i64,
    /// The pull cursor.
    #[serde(default)]
    pub cursor: Option<i64>,
    /// The newest sync receipt from a pull, put on each check-in made (`domain::replay`).
    #[serde(default)]
    pub receipt: Option<String>,
}

/// What opening the device's identity found.
pub enum DeviceOpened {
    Known(Device),
    /// First use in this browser.
    New(Device),
    /// IndexedDB had no identity but the mirror did: the store was wiped under the app.
    Wiped(Device),
}

fn mirror_read() -> Option<(String, i64)> {
    let storage = web_sys::window()?.local_storage().ok()??;
    let text = storage.get_item(MIRROR_KEY).ok()??;
    let (id, seq) = text.split_once(' ')?;
    Some((id.to_owned(), seq.parse().ok()?))
}

fn mirror_write(d: &Device) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.set_item(MIRROR_KEY, &format!("{} {}", d.device_id, d.next_seq));
    }
}

/// Reads (or makes) the device identity, noticing a wiped store.
pub async fn device(new_id: impl FnOnce() -> String) -> Result<DeviceOpened, StoreError> {
    writing!(db, tx, META);
    let store = tx.object_store(META)?;
    let found: Option<Device> = store.get(DEVICE_KEY).serde()?.await?;
    let opened = match found {
        Some(d) => DeviceOpened::Known(d),
        None => {
            let (opened, device) = match mirror_read() {
                Some((device_id, next_seq)) => {
                    let d = Device {
                        key: DEVICE_KEY.into(),
                        device_id,
                        next_seq,
                        cursor: None,
                        receipt: None,
                    };
                    (DeviceOpened::Wiped(d.clone()), d)
                }
                None => {
                    let d = Device {
                        key: DEVICE_KEY.into(),
                        device_id: new_id(),
                        next_seq: 1,
                        cursor: None,
                        receipt: None,
                    };
                    (DeviceOpened::New(d.clone()), d)
                }
            };
            store.put(&device).serde()?.await?;
            opened
        }
    };
    tx.commit().await?;
    if let DeviceOpened::New(d) | DeviceOpened::Wiped(d) = &opened {
        mirror_write(d);
    }
    Ok(opened)
}

/// Moves the numbering past `high_water` (the server saw numbers this store no longer knows).
pub async fn skip_past(high_water: i64) -> Result<(), StoreError> {
    writing!(db, tx, META);
    let store = tx.object_store(META)?;
    let found: Option<Device> = store.get(DEVICE_KEY).serde()?.await?;
    if let Some(mut d) = found
        && d.next_seq <= high_water
    {
        d.next_seq = high_water + 1;
        store.put(&d).serde()?.await?;
        tx.commit().await?;
        mirror_write(&d);
    }
    Ok(())
}

/// Numbers a new record and puts it in the outbox, in one transaction: a record is either
/// saved with its number, or not saved at all.
pub async fn add(make: impl FnOnce(&Device) -> OutboxEntry) -> Result<OutboxEntry, StoreError> {
    writing!(db, tx, [META, OUTBOX]);
    let meta = tx.object_store(META)?;
    let mut device: Device = meta
        .get(DEVICE_KEY)
        .serde()?
        .await?
        .ok_or_else(|| StoreError("设备信息缺失".into()))?;
    let entry = make(&device);
    device.next_seq += 1;
    meta.put(&device).serde()?.await?;
    tx.object_store(OUTBOX)?.add(&entry).serde()?.await?;
    tx.commit().await?;
    mirror_write(&device);
    // The moment the record is durable, for the offline-save benchmark (end2end/bench/).
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("xingqi:durable");
    }
    Ok(entry)
}

pub async fn outbox() -> Result<Vec<OutboxEntry>, StoreError> {
    all(OUTBOX).await
}

pub async fn sent() -> Result<Vec<SentEntry>, StoreError> {
    all(SENT).await
}

pub async fn activities() -> Result<Vec<PulledActivity>, StoreError> {
    all(ACTIVITIES).await
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

/// Applies the server's answers in one transaction: a stored record moves from the outbox to
/// `sent`; a refused one stays in the outbox with its reason.
pub async fn settle(outcomes: Vec<(OutboxEntry, Settled)>) -> Result<(), StoreError> {
    writing!(db, tx, [OUTBOX, SENT]);
    let outbox = tx.object_store(OUTBOX)?;
    let sent = tx.object_store(SENT)?;
    for (entry, outcome) in outcomes {
        match outcome {
            Settled::Stored { acked_at, held } => {
                let done = SentEntry {
                    id: entry.id.clone(),
                    activity_id: entry.activity_id.clone(),
                    acked_at,
                    kind: entry.kind.clone(),
                    held,
                };
                sent.put(&done).serde()?.await?;
                outbox.delete(entry.id.as_str()).await?;
            }
            Settled::Refused(rejection) => {
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

/// Removes a refused record the member has read about.
pub async fn dismiss(id: &str) -> Result<(), StoreError> {
    writing!(db, tx, OUTBOX);
    let store = tx.object_store(OUTBOX)?;
    let entry: Option<OutboxEntry> = store.get(id).serde()?.await?;
    // Only refused records can be dismissed: a waiting one must reach the server.
    if entry.is_some_and(|e| e.rejected.is_some()) {
        store.delete(id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Keeps pulled activities, the new cursor and the sync receipt.
pub async fn save_pulled(
    activities: &[PulledActivity],
    cursor: i64,
    receipt: Option<String>,
) -> Result<(), StoreError> {
    writing!(db, tx, [META, ACTIVITIES]);
    let store = tx.object_store(ACTIVITIES)?;
    for a in activities {
        store.put(a).serde()?.await?;
    }
    let meta = tx.object_store(META)?;
    let found: Option<Device> = meta.get(DEVICE_KEY).serde()?.await?;
    if let Some(mut d) = found {
        d.cursor = Some(cursor);
        if receipt.is_some() {
            d.receipt = receipt;
        }
        meta.put(&d).serde()?.await?;
    }
    tx.commit().await?;
    Ok(())
}
