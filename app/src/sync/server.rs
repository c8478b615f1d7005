//! The server's side of sync: one transaction per pushed batch, the device's high-water mark,
//! and the pull of reference data.

use super::protocol::{
    CheckinReview, DeviceRef, DeviceState, PullResponse, PulledActivity, PushResponse, PushResult,
    PushStatus, Record, RosterEntry,
};
use crate::auth::CurrentUser;
use crate::db::{Db, Lane, Seen, now_ms};
use crate::domain::activity::ActivityKind;
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
    /// Stores a batch's records (parsed already) in the batch's transaction and answers one
    /// result per record, in order. A record that is not `accepted` must leave nothing behind
    /// except what its rules say (e.g. a wrong-code count). The transaction may be shared
    /// with other batches (`Db::write`): nothing here may assume it is alone in it.
    fn store_all<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        records: &'a [Record],
        sender: &'a Sender,
    ) -> impl Future<Output = Result<Vec<PushResult>, AppError>> + Send + 'a;
}

/// Stores a pushed batch in one transaction through `store` and answers one result per record,
/// in order. Returns only after the commit, so every `accepted` is durable; on SQLite that
/// commit may be shared with batches pushed at the same moment (`Db::write`), each keeping its
/// own answer. Records that do not move a device's high-water mark (survey answers) never
/// touch the device row, and a push without a member records no device at all.
///
/// `counts`, when given, are the request's rate-limit counters, counted first in the same
/// transaction (never give them with survey answers): refused with `TooMany` when over, the
/// hits committed and nothing else stored.
pub async fn push_with<S: RecordStore>(
    db: &Db,
    store: &'static S,
    member: Option<&CurrentUser>,
    device: Option<DeviceRef>,
    records: Vec<serde_json::Value>,
    counts: Option<Counts>,
) -> Result<PushResponse, AppError> {
    let receipt_key = match member {
        Some(_) => match server_secret(db, RECEIPT_KEY).await {
            Ok(key) => key,
            Err(e) => return Err(count_anyway(db, counts, e).await),
        },
        None => Vec::new(),
    };
    let sender = Sender {
        member: member.cloned(),
        device: device.as_ref().map(|d| d.id.to_string()),
        at: now_ms(),
        receipt_key,
    };
    // Reading the records needs no database: done before the transaction.
    let parsed: Vec<Result<Record, PushResult>> = records.into_iter().map(Record::parse).collect();
    // Kept to count them on their own should the write fail: every request counts.
    let recount = counts.clone();
    let written = db
        .write(Lane::People, move |conn| {
            Box::pin(async move {
                if let Some(counts) = counts
                    && let Err(over) = counts.bump(conn).await?
                {
                    return Ok(Err(over));
                }
                store_batch(conn, store, &sender, parsed, device)
                    .await
                    .map(Ok)
            })
        })
        .await;
    let response = match written {
        Ok(answer) => answer?,
        Err(e) => return Err(count_anyway(db, recount, e).await),
    };
    if response.device.as_ref().is_some_and(|d| d.reset_detected) {
        tracing::warn!("a device's store was wiped: its numbering restarted");
    }
    Ok(response)
}

/// A push that failed before its counters were committed: they are counted in a write of
/// their own (every request counts, failed ones too), and the push answers its own error.
async fn count_anyway(db: &Db, counts: Option<Counts>, failed: AppError) -> AppError {
    if let Some(counts) = counts
        && let Err(e) = counts.count_alone(db).await
    {
        tracing::debug!(error = %e, "a failed push's rate limits, counted after it");
    }
    failed
}

/// [`push_with`] inside its transaction.
async fn store_batch<S: RecordStore>(
    conn: &mut AnyConnection,
    store: &S,
    sender: &Sender,
    parsed: Vec<Result<Record, PushResult>>,
    device: Option<DeviceRef>,
) -> Result<PushResponse, AppError> {
    let mut max_seq = 0;
    let mut records = Vec::new();
    let mut slots = Vec::with_capacity(parsed.len());
    for p in parsed {
        match p {
            Err(rejected) => slots.push(Some(rejected)),
            Ok(record) => {
                if record.body.moves_high_water() {
                    max_seq = max_seq.max(record.seq.unwrap_or(0));
                }
                records.push(record);
                slots.push(None);
            }
        }
    }
    let stored = store.store_all(conn, &records, sender).await?;
    if stored.len() != records.len() {
        return Err(AppError::Internal);
    }
    let mut accepted_seqs = Vec::new();
    let mut answers = stored.into_iter().zip(&records);
    let mut results = Vec::with_capacity(slots.len());
    for slot in slots {
        let result = match slot {
            Some(rejected) => rejected,
            None => {
                let (result, record) = answers.next().ok_or(AppError::Internal)?;
                let seq = record.seq.unwrap_or(0);
                let kept = matches!(
                    result.status,
                    PushStatus::Accepted | PushStatus::PendingReview
                );
                if kept && record.body.moves_high_water() && seq > 0 {
                    accepted_seqs.push(seq);
                }
                result
            }
        };
        results.push(result);
    }
    let device = match (device, &sender.member) {
        (Some(d), Some(member)) => {
            Some(record_device(conn, member, d, max_seq, &accepted_seqs, sender.at).await?)
        }
        _ => None,
    };
    Ok(PushResponse { results, device })
}

/// Moves the device's high-water mark, and notices a numbering that started again, in one
/// upsert: a record stored only now yet numbered at or below what the device sent before means
/// its counter went back, which only happens when its store was wiped. The push marks the row
/// with a random mark of its own when it counts such a reset, and reads the mark back.
async fn record_device(
    conn: &mut AnyConnection,
    member: &CurrentUser,
    device: DeviceRef,
    max_seq: i64,
    accepted_seqs: &[i64],
    now: i64,
) -> Result<DeviceState, AppError> {
    let mark = uuid::Uuid::new_v4().to_string();
    let lowest_accepted = accepted_seqs.iter().copied().min();
    let (high_water, reset_mark): (i64, Option<String>) = sqlx::query_as(
        "INSERT INTO devices (id, user_id, high_water, resets, first_seen, last_seen) \
         VALUES ($1, $2, $3, 0, $4, $4) \
         ON CONFLICT (id) DO UPDATE SET \
           high_water = CASE WHEN devices.high_water > excluded.high_water \
             THEN devices.high_water ELSE excluded.high_water END, \
           user_id = excluded.user_id, last_seen = excluded.last_seen, \
           resets = devices.resets + CASE WHEN devices.high_water >= $5 THEN 1 ELSE 0 END, \
           reset_mark = CASE WHEN devices.high_water >= $5 THEN $6 ELSE devices.reset_mark END \
         RETURNING high_water, reset_mark",
    )
    .bind(device.id.to_string())
    .bind(&member.id)
    .bind(max_seq)
    .bind(now)
    .bind(lowest_accepted)
    .bind(&mark)
    .fetch_one(&mut *conn)
    .await?;
    Ok(DeviceState {
        id: device.id,
        high_water,
        reset_detected: reset_mark.as_deref() == Some(mark.as_str()),
    })
}

/// An activity as a member pulls it, with their own facts about it.
#[derive(sqlx::FromRow)]
struct PulledRow {
    id: String,
    org_id: String,
    kind: String,
    topic: String,
    starts_at: i64,
    ends_at: i64,
    place: String,
    status: String,
    version: i64,
    expected: i64,
    checked_in: i64,
    checkin_review: Option<String>,
    leave: Option<i64>,
}

impl From<PulledRow> for PulledActivity {
    fn from(r: PulledRow) -> Self {
        PulledActivity {
            id: r.id,
            branch_id: r.org_id,
            kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Other),
            topic: r.topic,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            place: r.place,
            status: r.status,
            expected: r.expected > 0,
            checked_in: r.checked_in > 0,
            checkin_review: r.checkin_review.as_deref().and_then(CheckinReview::parse),
            leave: r
                .leave
                .map(crate::domain::attendance::LeaveStatus::from_rank),
            version: r.version,
        }
    }
}

/// A member as an organiser's phone pulls the roster.
#[derive(sqlx::FromRow)]
struct RosterRow {
    id: String,
    display_name: String,
    committee: i64,
    group_id: Option<String>,
    active: i64,
    version: i64,
}

impl From<RosterRow> for RosterEntry {
    fn from(r: RosterRow) -> Self {
        RosterEntry {
            id: r.id,
            display_name: r.display_name,
            committee: r.committee != 0,
            group_id: r.group_id,
            active: r.active != 0,
            version: r.version,
        }
    }
}

/// Reference data changed since `cursor` (all of it when `None`): the activities `member` is
/// expected at from the start of today on, and for organisers the roster of their branches.
pub async fn pull(
    db: &Db,
    member: &CurrentUser,
    cursor: Option<i64>,
) -> Result<PullResponse, AppError> {
    let since = cursor.unwrap_or(-1);
    let (day_start, _) = crate::domain::time::day_bounds_ms(now_ms());
    let rows: Vec<PulledRow> = sqlx::query_as(
        "SELECT a.id, a.org_id, a.kind, a.topic, a.starts_at, a.ends_at, a.place, a.status, \
           a.version, \
           (SELECT COUNT(*) FROM activity_expected e \
             WHERE e.activity_id = a.id AND e.user_id = $1) AS expected, \
           (SELECT COUNT(*) FROM checkins c WHERE c.activity_id = a.id AND c.user_id = $1 \
             AND (c.review IS NULL OR c.review = 'confirmed')) AS checked_in, \
           (SELECT MIN(c.review) FROM checkins c WHERE c.activity_id = a.id AND c.user_id = $1 \
             AND c.review IN ('pending', 'refused')) AS checkin_review, \
           (SELECT MAX(CASE l.status WHEN 'approved' THEN 3 WHEN 'pending' THEN 2 ELSE 1 END) \
             FROM leave_requests l WHERE l.activity_id = a.id AND l.user_id = $1) AS leave \
         FROM activities a \
         WHERE a.version > $2 AND a.ends_at >= $3 AND a.id IN \
           (SELECT e.activity_id FROM activity_expected e WHERE e.user_id = $1) \
         ORDER BY a.version",
    )
    .bind(&member.id)
    .bind(since)
    .bind(day_start)
    .fetch_all(db.pool())
    .await?;
    let mut next = since.max(0);
    let mut activities = Vec::with_capacity(rows.len());
    for r in rows {
        next = next.max(r.version);
        activities.push(PulledActivity::from(r));
    }
    let roster = if member.role.runs_branches() {
        let sql = match member.role {
            crate::domain::role::Role::Admin => {
                "SELECT u.id, u.display_name, u.committee, u.group_id, u.active, u.version \
                 FROM users u JOIN organisations o ON o.id = u.org_id \
                 WHERE o.parent_id = $1 AND u.version > $2 ORDER BY u.version"
            }
            _ => {
                "SELECT u.id, u.display_name, u.committee, u.group_id, u.active, u.version \
                 FROM users u WHERE u.org_id = $1 AND u.version > $2 ORDER BY u.version"
            }
        };
        let rows: Vec<RosterRow> = sqlx::query_as(sql)
            .bind(&member.org_id)
            .bind(since)
            .fetch_all(db.pool())
            .await?;
        let mut roster = Vec::with_capacity(rows.len());
        for r in rows {
            next = next.max(r.version);
            roster.push(RosterEntry::from(r));
        }
        Some(roster)
    } else {
        None
    };
    let key = server_secret(db, RECEIPT_KEY).await?;
    Ok(PullResponse {
        cursor: next,
        activities,
        roster,
        receipt: Some(crate::domain::replay::mint_receipt(
            &key,
            &member.id,
            now_ms(),
        )),
    })
}
