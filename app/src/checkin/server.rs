//! Storage of check-ins: the member's activities, and each check-in stored once, with its proof
//! checked.

use super::{MemberActivity, MyActivities};
use crate::activity::server::{Claim, claimed_target};
use crate::auth::CurrentUser;
use crate::db::{Db, Once};
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::{Mark, conflict, member_note};
use crate::domain::proof::{ProofError, Window, verify};
use crate::domain::replay::{self, Held, read_receipt};
use crate::domain::time::day_bounds_ms;
use crate::error::AppError;
use crate::sync::protocol::{CheckinBody, CheckinReview, PushResult, PushStatus, RejectCode};
use crate::sync::server::{Received, seen_result};
use sqlx::{Any, Transaction};
use uuid::Uuid;

/// Failed codes (wrong, expired, or from outside the activity) a member may send for one
/// activity before code check-in stops for them there. Ten typos is generous; ten guesses at a
/// six-digit code that changes every 30 s are not.
pub const MAX_WRONG_CODES: i64 = 10;

/// How many upcoming activities "我的活动" lists after today's.
const UPCOMING_LIMIT: i64 = 10;

/// A row of "我的活动": the activity with the member's own facts about it.
#[derive(sqlx::FromRow)]
struct MemberActivityRow {
    id: String,
    kind: String,
    topic: String,
    starts_at: i64,
    ends_at: i64,
    place: String,
    checked_in: i64,
    checkin_review: Option<String>,
    leave: Option<i64>,
    latest_mark: Option<String>,
    latest_mark_at: Option<i64>,
    checkin_received_at: Option<i64>,
}

impl From<MemberActivityRow> for MemberActivity {
    fn from(r: MemberActivityRow) -> Self {
        let mark = r.latest_mark.as_deref().and_then(Mark::parse);
        let in_conflict = conflict(mark.zip(r.latest_mark_at), r.checkin_received_at);
        let record_note = member_note(r.checked_in > 0, mark, in_conflict).map(str::to_owned);
        MemberActivity {
            id: r.id,
            kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Other),
            topic: r.topic,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            place: r.place,
            checked_in: r.checked_in > 0,
            checkin_review: r.checkin_review.as_deref().and_then(CheckinReview::parse),
            leave: r
                .leave
                .map(crate::domain::attendance::LeaveStatus::from_rank),
            record_note,
        }
    }
}

/// Today's and the next scheduled activities that `member` is expected at.
pub async fn member_activities(
    db: &Db,
    member: &CurrentUser,
    now: i64,
) -> Result<MyActivities, AppError> {
    let (day_start, day_end) = day_bounds_ms(now);
    let rows: Vec<MemberActivityRow> = sqlx::query_as(
        "SELECT a.id, a.kind, a.topic, a.starts_at, a.ends_at, a.place, \
           (SELECT COUNT(*) FROM checkins c WHERE c.activity_id = a.id AND c.user_id = e.user_id \
             AND (c.review IS NULL OR c.review = 'confirmed')) AS checked_in, \
           (SELECT MIN(c.review) FROM checkins c WHERE c.activity_id = a.id \
             AND c.user_id = e.user_id AND c.review IN ('pending', 'refused')) AS checkin_review, \
           (SELECT MAX(CASE l.status WHEN 'approved' THEN 3 WHEN 'pending' THEN 2 ELSE 1 END) \
             FROM leave_requests l WHERE l.activity_id = a.id AND l.user_id = e.user_id) AS leave, \
           (SELECT m.mark FROM attendance_marks m WHERE m.activity_id = a.id \
             AND m.user_id = e.user_id ORDER BY m.marked_at DESC, m.id DESC LIMIT 1) AS latest_mark, \
           (SELECT MAX(m.marked_at) FROM attendance_marks m WHERE m.activity_id = a.id \
             AND m.user_id = e.user_id) AS latest_mark_at, \
           (SELECT MAX(c.received_at) FROM checkins c WHERE c.activity_id = a.id \
             AND c.user_id = e.user_id AND (c.review IS NULL OR c.review = 'confirmed')) \
             AS checkin_received_at \
         FROM activities a JOIN activity_expected e ON e.activity_id = a.id \
         WHERE e.user_id = $1 AND a.status = 'scheduled' AND a.starts_at >= $2 \
         ORDER BY a.starts_at, a.id LIMIT $3",
    )
    .bind(&member.id)
    .bind(day_start)
    .bind(UPCOMING_LIMIT + 20)
    .fetch_all(db.pool())
    .await?;
    let mut today = Vec::new();
    let mut upcoming = Vec::new();
    for row in rows {
        let a = MemberActivity::from(row);
        if a.starts_at < day_end {
            today.push(a);
        } else if (upcoming.len() as i64) < UPCOMING_LIMIT {
            upcoming.push(a);
        }
    }
    Ok(MyActivities {
        member: member.clone(),
        today,
        upcoming,
    })
}

/// Stores one check-in once. The existing record, if any, decides first: a retry of a record
/// that was accepted must stay a success even if the activity was cancelled since.
pub async fn store_checkin(
    tx: &mut Transaction<'static, Any>,
    ctx: &Received<'_>,
    id: Uuid,
    body: &CheckinBody,
) -> Result<PushResult, AppError> {
    let id_text = id.to_string();
    let once = Once::by_id(
        "checkins",
        &id_text,
        &["activity_id", "user_id", "device_time", "method"],
        &[
            &body.activity_id.to_string(),
            &body.member_id.to_string(),
            &body.device_time.to_string(),
            body.proof.method(),
        ],
    );
    if let Some(seen) = once.seen(tx).await? {
        return Ok(seen_result(id, seen));
    }
    let reject = |code, reason: &str| Ok(PushResult::rejected(Some(id_text.clone()), code, reason));
    let claim = Claim {
        member_id: body.member_id,
        activity_id: body.activity_id,
        device_time: body.device_time,
        not_yours: "只能为自己签到",
    };
    let activity = match claimed_target(tx, ctx, &claim).await? {
        Ok(a) => a,
        Err((code, reason)) => return reject(code, &reason),
    };
    let secret = hex::decode(&activity.proof_secret).unwrap_or_default();
    if secret.is_empty() {
        return reject(
            RejectCode::ProofWrong,
            "本次活动没有启用签到码，请联系支部书记补录",
        );
    }
    let window = Window {
        activity_id: &activity.id,
        secret: &secret,
        starts_at: activity.starts_at,
        ends_at: activity.ends_at,
    };
    // The member's wrong-code counter, locked before it is read: the upsert takes the row's
    // lock (PostgreSQL; SQLite's write lock is held already), so two batches sent at once
    // cannot both read nine and both try a tenth and eleventh code.
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO proof_failures (activity_id, user_id, failures) VALUES ($1, $2, 0) \
         ON CONFLICT (activity_id, user_id) DO UPDATE SET failures = proof_failures.failures \
         RETURNING failures",
    )
    .bind(&activity.id)
    .bind(&ctx.member.id)
    .fetch_one(&mut **tx)
    .await?;
    if failures >= MAX_WRONG_CODES {
        return reject(
            RejectCode::TooManyWrongCodes,
            "签到码错误次数过多，本次活动不能再用签到码签到，请请支部书记手动标记出席",
        );
    }
    let step = match verify(&window, body.device_time, &body.proof) {
        Ok(step) => step,
        Err(e) => {
            let code = match e {
                ProofError::WrongCode => RejectCode::ProofWrong,
                ProofError::OutsideWindow => RejectCode::ProofOutsideWindow,
                ProofError::Expired => RejectCode::ProofExpired,
            };
            // Every failed code counts — wrong, expired or outside the activity — kept in the
            // batch's transaction even though the record is not stored.
            sqlx::query(
                "UPDATE proof_failures SET failures = failures + 1 \
                 WHERE activity_id = $1 AND user_id = $2",
            )
            .bind(&activity.id)
            .bind(&ctx.member.id)
            .execute(&mut **tx)
            .await?;
            return reject(code, e.reason());
        }
    };
    // A late check-in the phone cannot show was made offline is stored but held
    // (`domain::replay`): it counts once the secretary confirms it.
    let receipt_at = body
        .synced
        .as_deref()
        .and_then(|r| read_receipt(ctx.receipt_key, &ctx.member.id, r));
    let held = replay::held(body.device_time, ctx.at, receipt_at);
    let insert = sqlx::query(
        "INSERT INTO checkins (id, activity_id, user_id, device_time, method, received_at, \
           proof_step, device_id, device_seq, content_hash, review, held_because) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&id_text)
    .bind(&activity.id)
    .bind(&ctx.member.id)
    .bind(body.device_time)
    .bind(body.proof.method())
    .bind(ctx.at)
    .bind(step)
    .bind(ctx.device.clone())
    .bind(ctx.seq)
    .bind(&once.content_hash)
    .bind(held.map(|_| "pending"))
    .bind(held.map(Held::code));
    Ok(match once.insert(tx, insert).await? {
        None => match held {
            None => PushResult::stored(id, PushStatus::Accepted),
            Some(why) => PushResult::held(id, why.reason()),
        },
        Some(seen) => seen_result(id, seen),
    })
}
