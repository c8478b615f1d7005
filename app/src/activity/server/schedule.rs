//! Scheduling: creating, editing and cancelling activities, with 应到 fixed from the audience.

use super::super::{ActivityForm, Audience, FormContext, Validated, validate};
use super::expected::check_audience;
use super::insert::{NewActivity, insert_activity, set_expected};
use super::{Loaded, field_error, load_organised};
use crate::auth::CurrentUser;
use crate::db::{Db, next_version, now_ms};
use crate::domain::activity::ActivityKind;
use crate::domain::time::to_local_datetime;
use crate::error::{AppError, FieldError};
use crate::org::server::organised_branch;
use rand::RngCore;
use uuid::Uuid;

const MAX_REASON: usize = 200;

/// What changed in an activity after it started.
#[derive(Clone, Copy)]
enum ChangeKind {
    Cancel,
    Kind,
}

struct Change<'a> {
    activity_id: &'a str,
    what: ChangeKind,
    before: &'a str,
    after: &'a str,
    reason: &'a str,
}

/// Keeps a change made after the activity started in its trail.
async fn record_change(
    tx: &mut sqlx::AnyConnection,
    viewer: &CurrentUser,
    c: &Change<'_>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO activity_changes (id, activity_id, what, before_value, after_value, reason, \
           changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(c.activity_id)
    .bind(match c.what {
        ChangeKind::Cancel => "cancel",
        ChangeKind::Kind => "kind",
    })
    .bind(c.before)
    .bind(c.after)
    .bind(c.reason)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A new secret for an activity's rotating code: 32 random bytes, hex.
pub fn new_proof_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn audience_columns(audience: &Audience) -> (&'static str, Option<String>) {
    match audience {
        Audience::Branch => ("branch", None),
        Audience::Committee => ("committee", None),
        Audience::Group(g) => ("group", Some(g.clone())),
    }
}

/// Schedules an activity; its 应到 is the audience's members now.
pub async fn create(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    form: &ActivityForm,
) -> Result<Result<String, Vec<FieldError>>, AppError> {
    let branch = organised_branch(db, viewer, branch_id).await?;
    let v = match validate(form) {
        Ok(v) => v,
        Err(errors) => return Ok(Err(errors)),
    };
    let mut tx = db.begin_write().await?;
    crate::org::server::refuse_if_closed(&mut tx, &branch.id, v.starts_at).await?;
    let members = match check_audience(&mut tx, &branch.id, &v.audience).await? {
        Ok(m) => m,
        Err(errors) => return Ok(Err(errors)),
    };
    let id = Uuid::now_v7().to_string();
    let version = next_version(&mut tx).await?;
    let (audience, group) = audience_columns(&v.audience);
    let expected: Vec<&str> = members.iter().map(String::as_str).collect();
    insert_activity(
        &mut tx,
        &NewActivity {
            id: &id,
            org_id: &branch.id,
            kind: v.kind.as_str(),
            topic: &v.topic,
            starts_at: v.starts_at,
            ends_at: v.ends_at,
            place: &v.place,
            chair: &v.chair,
            recorder: &v.recorder,
            audience,
            audience_group: group.as_deref(),
            status: "scheduled",
            proof_secret: &new_proof_secret(),
            minutes: "",
            created_by: Some(&viewer.id),
            created_at: now_ms(),
            version,
            expected: &expected,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Edits an activity. Until it starts everything may change and 应到 follows the audience;
/// once it has started, its time and 应到 are part of the record and stay.
pub async fn update(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    form: &ActivityForm,
    now: i64,
) -> Result<Result<(), Vec<FieldError>>, AppError> {
    let loaded = load_organised(db, viewer, id).await?;
    if loaded.row.cancelled() {
        return Ok(Err(field_error("topic", "活动已取消，不能再修改")));
    }
    let v: Validated = match validate(form) {
        Ok(v) => v,
        Err(errors) => return Ok(Err(errors)),
    };
    let old_start = loaded.row.starts_at;
    let old_end = loaded.row.ends_at;
    let old_audience = loaded.row.audience();
    let started = old_start <= now;
    // A datetime-local input has minute precision: the same minute is no change.
    let same_minute = |a: i64, b: i64| a.div_euclid(60_000) == b.div_euclid(60_000);
    if started && !(same_minute(v.starts_at, old_start) && same_minute(v.ends_at, old_end)) {
        return Ok(Err(field_error("starts_at", "活动已开始，时间不能再改")));
    }
    let (starts_at, ends_at) = if started {
        (old_start, old_end)
    } else {
        (v.starts_at, v.ends_at)
    };
    if started && v.audience != old_audience {
        return Ok(Err(field_error("audience", "活动已开始，应到名单不能再改")));
    }
    let old_kind = ActivityKind::parse(&loaded.row.kind).unwrap_or(ActivityKind::Other);
    let reason = form.change_reason.trim();
    let kind_changed_after_start = started && v.kind != old_kind;
    if kind_changed_after_start && reason.is_empty() {
        return Ok(Err(field_error(
            "change_reason",
            "活动已开始，修改活动类型须写明原因",
        )));
    }
    if reason.chars().count() > MAX_REASON {
        return Ok(Err(field_error("change_reason", "原因最多 200 字")));
    }
    let mut tx = db.begin_write().await?;
    loaded.refuse_if_closed(&mut tx).await?;
    crate::org::server::refuse_if_closed(&mut tx, &loaded.branch.id, starts_at).await?;
    if kind_changed_after_start {
        let change = Change {
            activity_id: id,
            what: ChangeKind::Kind,
            before: old_kind.label(),
            after: v.kind.label(),
            reason,
        };
        record_change(&mut tx, viewer, &change, now).await?;
    }
    if !started {
        match check_audience(&mut tx, &loaded.branch.id, &v.audience).await? {
            Ok(members) => {
                let members: Vec<&str> = members.iter().map(String::as_str).collect();
                set_expected(&mut tx, id, &members).await?
            }
            Err(errors) => return Ok(Err(errors)),
        }
    }
    let version = next_version(&mut tx).await?;
    let (audience, group) = audience_columns(&v.audience);
    sqlx::query(
        "UPDATE activities SET kind = $2, topic = $3, starts_at = $4, ends_at = $5, place = $6, \
           chair = $7, recorder = $8, audience = $9, audience_group = $10, version = $11 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(v.kind.as_str())
    .bind(&v.topic)
    .bind(starts_at)
    .bind(ends_at)
    .bind(&v.place)
    .bind(&v.chair)
    .bind(&v.recorder)
    .bind(audience)
    .bind(group)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    // A new start may move it into another year.
    super::retally(&mut tx, &[id]).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Cancels an activity: it stays on record, out of every figure, and takes no check-ins. One
/// that has started goes into its trail too (`activity_changes`), which the 总支's to-do shows.
pub async fn cancel(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    let loaded = load_organised(db, viewer, id).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Invalid("请写明取消的原因".into()));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::Invalid("原因最多 200 字".into()));
    }
    if loaded.row.cancelled() {
        return Err(AppError::Invalid("活动已经取消了".into()));
    }
    let mut tx = db.begin_write().await?;
    loaded.refuse_if_closed(&mut tx).await?;
    if loaded.row.starts_at <= now {
        let change = Change {
            activity_id: id,
            what: ChangeKind::Cancel,
            before: "正常",
            after: "已取消",
            reason,
        };
        record_change(&mut tx, viewer, &change, now).await?;
    }
    let version = next_version(&mut tx).await?;
    sqlx::query(
        "UPDATE activities SET status = 'cancelled', cancel_reason = $2, version = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(reason)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    super::retally(&mut tx, &[id]).await?;
    tx.commit().await?;
    Ok(())
}

/// What the schedule/edit form starts from.
pub async fn form_context(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: Option<&str>,
    activity_id: Option<&str>,
    now: i64,
) -> Result<FormContext, AppError> {
    let (branch, values, started) = match (activity_id, branch_id) {
        (Some(id), _) => {
            let Loaded { branch, row } = load_organised(db, viewer, id).await?;
            let starts_at = row.starts_at;
            let values = ActivityForm {
                audience: row.audience().encode(),
                kind: row.kind,
                topic: row.topic,
                starts_at: to_local_datetime(starts_at),
                ends_at: to_local_datetime(row.ends_at),
                place: row.place,
                chair: row.chair,
                recorder: row.recorder,
                change_reason: String::new(),
            };
            (branch, values, starts_at <= now)
        }
        (None, Some(b)) => {
            let branch = organised_branch(db, viewer, b).await?;
            // Tomorrow at 14:30 for two hours: a sensible start the secretary adjusts.
            let (_, tomorrow) = crate::domain::time::day_bounds_ms(now);
            let start = tomorrow + (14 * 60 + 30) * 60_000;
            let values = ActivityForm {
                kind: ActivityKind::ThemeDay.as_str().into(),
                topic: String::new(),
                starts_at: to_local_datetime(start),
                ends_at: to_local_datetime(start + 2 * 3_600_000),
                place: "党员活动室".into(),
                chair: viewer.display_name.clone(),
                recorder: String::new(),
                audience: Audience::Branch.encode(),
                change_reason: String::new(),
            };
            (branch, values, false)
        }
        (None, None) => return Err(AppError::NotFound),
    };
    let groups: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, name FROM organisations WHERE parent_id = $1 AND kind = 'group' \
         AND archived_at IS NULL \
         ORDER BY sort_order, name",
    )
    .bind(&branch.id)
    .fetch_all(db.pool())
    .await?;
    Ok(FormContext {
        viewer: viewer.clone(),
        branch_id: branch.id,
        branch_name: branch.name,
        groups,
        values,
        started,
    })
}
