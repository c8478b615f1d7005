//! The server's side of a push: one transaction per pushed batch (shared with, and merged
//! into, the batches pushed at the same moment) and the device's high-water mark.

use super::device::{DeviceMove, record_devices};
use super::protocol::{DeviceRef, PushResponse, PushResult, PushStatus, Record};
use crate::auth::CurrentUser;
use crate::auth::server::{SessionKey, users_in};
use crate::db::{Db, Merge, Seen, WriteFuture, now_ms};
use crate::error::AppError;
use crate::guard::{Counts, server_secret};
use sqlx::AnyConnection;
use std::future::Future;

/// Who sent a batch and when it arrived: what every stored record carries besides its content.
pub struct Sender {
    /// The signed-in member, if any. Only survey answers are taken without one.
    pub member: Option<CurrentUser>,
    /// The device the member's records came from.
    pub device: Option<String>,
    /// When the batch arrived, in milliseconds.
    pub at: i64,
    /// The key of sync receipts ([`RECEIPT_KEY`]), to read the one a check-in carries.
    pub receipt_key: Vec<u8>,
}

/// The name of the key that signs sync receipts, in `server_secrets`.
pub const RECEIPT_KEY: &str = "sync_receipt";

/// The answer for a record whose id was stored already: its own retry, or a conflict.
pub fn seen_result(id: uuid::Uuid, seen: Seen) -> PushResult {
    match seen {
        Seen::Duplicate => PushResult::stored(id, PushStatus::Duplicate),
        Seen::Conflict => PushResult::conflict(id),
    }
}

/// What a member's record is stored with besides its content.
pub struct Received<'a> {
    pub member: &'a CurrentUser,
    pub device: Option<String>,
    pub seq: Option<i64>,
    pub at: i64,
    pub receipt_key: &'a [u8],
}

/// The one seam between the protocol and the features: how records are stored. The protocol
/// names no feature; the layer above (`crate::records`) implements this by handing each
/// record kind to the feature that owns it.
pub trait RecordStore: Sync + 'static {
    /// Stores the records (parsed already) of several batches, each with its sender, in one
    /// transaction and answers one result per record, per batch, in order — as if each batch
    /// were stored on its own, one after the other. A record that is not `accepted` must leave
    /// nothing behind except what its rules say (e.g. a wrong-code count). The transaction may
    /// be shared with other writes (`Db::write`): nothing here may assume it is alone in it.
    fn store_many<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        batches: &'a [(&'a [Record], &'a Sender)],
    ) -> impl Future<Output = Result<Vec<Vec<PushResult>>, AppError>> + Send + 'a;
}

/// Who pushes a batch.
pub enum Pusher {
    /// A member known already, or nobody (then only survey answers are taken).
    Known(Option<CurrentUser>),
    /// Whoever holds this session, looked up in the push's own transaction together with the
    /// other pushes' of the moment (`auth::server::users_in`): when it is not live there, the
    /// push is refused `Unauthorized`, its counters counted all the same. Its counters come
    /// from `Counts::prepare_later`, the account's bucket keyed by the member found.
    Session(SessionKey),
}

/// Stores a pushed batch in one transaction through `store` and answers one result per record,
/// in order. Returns only after the commit, so every `accepted` is durable. The
/// batches pushed at the same moment are stored together, in one transaction and with one
/// statement for each step (`Db::write_merged`), each keeping its own answer. Records that do
/// not move a device's high-water mark (survey answers) never touch the device row, and a push
/// without a member records no device at all.
///
/// `counts`, when given, are the request's rate-limit counters, counted first in the same
/// transaction (never give them with survey answers): refused with `TooMany` when over, the
/// hits committed and nothing else stored.
pub async fn push_with<S: RecordStore>(
    db: &Db,
    store: &'static S,
    pusher: Pusher,
    device: Option<DeviceRef>,
    records: Vec<serde_json::Value>,
    counts: Option<Counts>,
) -> Result<PushResponse, AppError> {
    let (member, session) = match pusher {
        Pusher::Known(member) => (member, None),
        Pusher::Session(key) => (None, Some(key)),
    };
    let receipt_key = match (&member, &session) {
        (None, None) => Vec::new(),
        _ => match server_secret(db, RECEIPT_KEY).await {
            Ok(key) => key,
            Err(e) => return Err(count_anyway(db, counts, e).await),
        },
    };
    let sender = Sender {
        member,
        device: device.as_ref().map(|d| d.id.to_string()),
        at: now_ms(),
        receipt_key,
    };
    // Reading the records needs no database: done before the transaction. A record that
    // cannot be read keeps its place with its rejection.
    let (mut read, mut slots, mut max_seq) = (Vec::new(), Vec::new(), 0);
    for parsed in records.into_iter().map(Record::parse) {
        match parsed {
            Err(rejected) => slots.push(Some(rejected)),
            Ok(record) => {
                if record.body.moves_high_water() {
                    max_seq = max_seq.max(record.seq.unwrap_or(0));
                }
                read.push(record);
                slots.push(None);
            }
        }
    }
    // Kept to count them on their own should the write fail: every request counts.
    let recount = counts.clone();
    let push = PushWrite {
        store,
        counts,
        session,
        sender,
        records: read,
        slots,
        max_seq,
        device,
    };
    let response = match db.write_merged(push).await {
        Ok(answer) => answer?,
        Err(e) => return Err(count_anyway(db, recount, e).await),
    };
    if response.device.as_ref().is_some_and(|d| d.reset_detected) {
        tracing::warn!("a device's store was wiped: its numbering restarted");
    }
    Ok(response)
}

/// A push that failed before its counters were committed: they are counted in a write of
/// their own (every request counts, failed ones too), and the push answers its own error. (A
/// push whose session was to be looked up in the failed write counts its address alone: its
/// member, the key of its account's counter, was never read.)
async fn count_anyway(db: &Db, counts: Option<Counts>, failed: AppError) -> AppError {
    if let Some(counts) = counts
        && let Err(e) = counts.count_alone(db).await
    {
        tracing::debug!(error = %e, "a failed push's rate limits, counted after it");
    }
    failed
}

/// A pushed batch as its transaction stores it.
struct PushWrite<S: RecordStore> {
    store: &'static S,
    counts: Option<Counts>,
    /// The session to look up in the transaction ([`Pusher::Session`]).
    session: Option<SessionKey>,
    /// Who sent it; for a push with a `session`, without its member (found in the write).
    sender: Sender,
    /// The records that could be read, in order.
    records: Vec<Record>,
    /// One per record sent: its rejection if it could not be read, else `None` (the next of
    /// `records`).
    slots: Vec<Option<PushResult>>,
    /// The highest number among the records that move the device's high-water mark.
    max_seq: i64,
    device: Option<DeviceRef>,
}

impl<S: RecordStore> Merge for PushWrite<S> {
    /// The push's answer, or `TooMany` when its counters were over (nothing stored).
    type Out = Result<PushResponse, AppError>;

    fn run_all<'c>(
        conn: &'c mut AnyConnection,
        pushes: &'c [Self],
    ) -> WriteFuture<'c, Vec<Self::Out>> {
        Box::pin(store_pushes(conn, pushes))
    }
}

/// [`push_with`] inside its transaction, for every push of the moment: the sessions of those
/// that name one (one statement), their counters (one statement), then the records of those
/// signed in and not over their limits (stored together), then each one's device row.
async fn store_pushes<S: RecordStore>(
    conn: &mut AnyConnection,
    pushes: &[PushWrite<S>],
) -> Result<Vec<Result<PushResponse, AppError>>, AppError> {
    let resolved = signed_in(conn, pushes).await?;
    let senders: Vec<&Sender> = pushes
        .iter()
        .zip(&resolved)
        .map(|(p, r)| r.as_ref().map_or(&p.sender, |(sender, _)| sender))
        .collect();
    let counts: Vec<Option<Counts>> = pushes
        .iter()
        .zip(&resolved)
        .map(|(p, r)| match (&p.counts, r) {
            (Some(c), Some((_, member_id))) => Some(c.with_later(member_id)),
            (counts, _) => counts.clone(),
        })
        .collect();
    let counted: Vec<&Counts> = counts.iter().flatten().collect();
    let mut verdicts = Counts::bump_many(conn, &counted).await?.into_iter();
    let mut admitted = Vec::with_capacity(pushes.len());
    for ((push, counts), resolved) in pushes.iter().zip(&counts).zip(&resolved) {
        let verdict = match counts {
            Some(_) => verdicts.next().ok_or(AppError::Internal)?,
            None => Ok(()),
        };
        // Over a limit, as before its session was looked at; else out if it is not live.
        let signed_out = push.session.is_some() && resolved.is_none();
        admitted.push(verdict.and(if signed_out {
            Err(AppError::Unauthorized)
        } else {
            Ok(())
        }));
    }
    let batches: Vec<(&[Record], &Sender)> = pushes
        .iter()
        .zip(&senders)
        .zip(&admitted)
        .filter(|(_, verdict)| verdict.is_ok())
        .map(|((p, sender), _)| (p.records.as_slice(), *sender))
        .collect();
    let Some(store) = pushes.first().map(|p| p.store) else {
        return Ok(Vec::new());
    };
    let mut stored = store.store_many(conn, &batches).await?.into_iter();
    let mut answers = Vec::with_capacity(pushes.len());
    // Each push's device, moved once every push's records are stored: (its answer, the move).
    let mut moves = Vec::new();
    for ((push, sender), verdict) in pushes.iter().zip(&senders).zip(admitted) {
        if let Err(over) = verdict {
            answers.push(Err(over));
            continue;
        }
        let (results, lowest_accepted) =
            answer_push(push, stored.next().ok_or(AppError::Internal)?)?;
        if let (Some(device), Some(member)) = (&push.device, &sender.member) {
            let m = DeviceMove {
                id: device.id,
                member_id: &member.id,
                max_seq: push.max_seq,
                lowest_accepted,
                at: push.sender.at,
            };
            moves.push((answers.len(), m));
        }
        answers.push(Ok(PushResponse {
            results,
            device: None,
        }));
    }
    let (at, moves): (Vec<usize>, Vec<DeviceMove>) = moves.into_iter().unzip();
    let states = record_devices(conn, &moves).await?;
    if states.len() != at.len() {
        return Err(AppError::Internal);
    }
    for (at, state) in at.into_iter().zip(states) {
        if let Some(Ok(response)) = answers.get_mut(at) {
            response.device = Some(state);
        }
    }
    Ok(answers)
}

/// Each push's sender with the member its session names, and that member's id, for the pushes
/// that name a live one (`None` for the others: their own sender stands, or they are out).
async fn signed_in<S: RecordStore>(
    conn: &mut AnyConnection,
    pushes: &[PushWrite<S>],
) -> Result<Vec<Option<(Sender, String)>>, AppError> {
    let keys: Vec<&SessionKey> = pushes.iter().filter_map(|p| p.session.as_ref()).collect();
    let now = pushes.iter().map(|p| p.sender.at).max().unwrap_or(0);
    let mut users = users_in(conn, &keys, now).await?.into_iter();
    let mut resolved = Vec::with_capacity(pushes.len());
    for push in pushes {
        let user = match push.session {
            Some(_) => users.next().ok_or(AppError::Internal)?,
            None => None,
        };
        resolved.push(user.map(|user| {
            let id = user.id.clone();
            let sender = Sender {
                member: Some(user),
                device: push.sender.device.clone(),
                at: push.sender.at,
                receipt_key: push.sender.receipt_key.clone(),
            };
            (sender, id)
        }));
    }
    Ok(resolved)
}

/// One push's results from its records' results, the rejections kept in place, and the lowest
/// number among the records it stored that move the device's high-water mark.
fn answer_push<S: RecordStore>(
    push: &PushWrite<S>,
    stored: Vec<PushResult>,
) -> Result<(Vec<PushResult>, Option<i64>), AppError> {
    if stored.len() != push.records.len() {
        return Err(AppError::Internal);
    }
    let mut lowest_accepted: Option<i64> = None;
    let mut answers = stored.into_iter().zip(&push.records);
    let mut results = Vec::with_capacity(push.slots.len());
    for slot in &push.slots {
        let result = match slot {
            Some(rejected) => rejected.clone(),
            None => {
                let (result, record) = answers.next().ok_or(AppError::Internal)?;
                let seq = record.seq.unwrap_or(0);
                let kept = matches!(
                    result.status,
                    PushStatus::Accepted | PushStatus::PendingReview
                );
                if kept && record.body.moves_high_water() && seq > 0 {
                    lowest_accepted = Some(lowest_accepted.map_or(seq, |l| l.min(seq)));
                }
                result
            }
        };
        results.push(result);
    }
    Ok((results, lowest_accepted))
}
