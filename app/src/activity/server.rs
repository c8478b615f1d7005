//! Storage of activities and their records, with every permission checked against the branch.

use super::{
    ActivityForm, ActivityRecord, Audience, FieldError, FormContext, MarkEntry, PhotoView,
    ProofScreen, RollEntry, Validated, validate,
};
use crate::auth::CurrentUser;
use crate::branch::Figure;
use crate::branch::server::{Branch, organised_branch};
use crate::db::{Db, next_version, now_ms};
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::{AttendanceState, Facts, LeaveStatus, Mark, RollCounts, state};
use crate::domain::participation::SEED_PARTICIPATION_BAR;
use crate::domain::time::to_local_datetime;
use crate::error::AppError;
use rand::RngCore;
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::collections::HashMap;
use uuid::Uuid;

/// The columns of a roll row: each expected member with the facts that decide their state.
macro_rules! roll_select {
    ($where:literal) => {
        concat!(
            "SELECT e.activity_id, e.user_id, u.display_name, \
               (SELECT MIN(c.method) FROM checkins c \
                 WHERE c.activity_id = e.activity_id AND c.user_id = e.user_id) AS checkin_method, \
               (SELECT MAX(CASE l.status WHEN 'approved' THEN 3 WHEN 'pending' THEN 2 ELSE 1 END) \
                 FROM leave_requests l \
                 WHERE l.activity_id = e.activity_id AND l.user_id = e.user_id) AS leave, \
               (SELECT MAX(l.reason) FROM leave_requests l \
                 WHERE l.activity_id = e.activity_id AND l.user_id = e.user_id) AS leave_reason, \
               (SELECT m.mark FROM attendance_marks m \
                 WHERE m.activity_id = e.activity_id AND m.user_id = e.user_id \
                 ORDER BY m.marked_at DESC, m.id DESC LIMIT 1) AS latest_mark \
             FROM activity_expected e JOIN activities a ON a.id = e.activity_id \
             JOIN users u ON u.id = e.user_id ",
            $where
        )
    };
}

fn roll_entry(row: &sqlx::any::AnyRow) -> Result<(String, RollEntry), AppError> {
    let method: Option<String> = row.try_get("checkin_method")?;
    let leave = row
        .try_get::<Option<i64>, _>("leave")?
        .map(crate::leave::status_from_rank);
    let mark: Option<String> = row.try_get("latest_mark")?;
    let latest_mark = mark.as_deref().and_then(Mark::parse);
    let facts = Facts {
        checked_in: method.is_some(),
        leave_approved: leave == Some(LeaveStatus::Approved),
        latest_mark,
    };
    Ok((
        row.try_get("activity_id")?,
        RollEntry {
            user_id: row.try_get("user_id")?,
            name: row.try_get("display_name")?,
            state: state(facts),
            checkin_method: method,
            leave,
            leave_reason: row.try_get("leave_reason")?,
            marked: latest_mark.is_some_and(|m| m != Mark::Auto),
        },
    ))
}

/// The roll of every scheduled activity of a branch starting in [from, to), by activity id,
/// each sorted by name.
pub async fn rolls_of_branch(
    db: &Db,
    branch_id: &str,
    from: i64,
    to: i64,
) -> Result<HashMap<String, Vec<RollEntry>>, AppError> {
    let rows = sqlx::query(roll_select!(
        "WHERE a.org_id = $1 AND a.status = 'scheduled' AND a.starts_at >= $2 AND a.starts_at < $3"
    ))
    .bind(branch_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    let mut rolls: HashMap<String, Vec<RollEntry>> = HashMap::new();
    for row in &rows {
        let (activity, entry) = roll_entry(row)?;
        rolls.entry(activity).or_default().push(entry);
    }
    for roll in rolls.values_mut() {
        roll.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(rolls)
}

async fn roll_of(conn: &mut AnyConnection, activity_id: &str) -> Result<Vec<RollEntry>, AppError> {
    let rows = sqlx::query(roll_select!("WHERE e.activity_id = $1"))
        .bind(activity_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut roll = rows
        .iter()
        .map(|r| roll_entry(r).map(|(_, e)| e))
        .collect::<Result<Vec<_>, _>>()?;
    roll.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(roll)
}

/// An activity's row with its branch, after checking `viewer` runs that branch.
struct Loaded {
    branch: Branch,
    row: sqlx::any::AnyRow,
}

async fn load_organised(db: &Db, viewer: &CurrentUser, id: &str) -> Result<Loaded, AppError> {
    let row = sqlx::query(
        "SELECT id, org_id, kind, topic, starts_at, ends_at, place, chair, recorder, audience, \
           audience_group, status, cancel_reason, minutes, minutes_at, proof_secret \
         FROM activities WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let org: String = row.try_get("org_id")?;
    let branch = organised_branch(db, viewer, &org).await?;
    Ok(Loaded { branch, row })
}

fn audience_of(row: &sqlx::any::AnyRow) -> Result<Audience, AppError> {
    let kind: String = row.try_get("audience")?;
    let group: Option<String> = row.try_get("audience_group")?;
    Ok(match (kind.as_str(), group) {
        ("committee", _) => Audience::Committee,
        ("group", Some(g)) => Audience::Group(g),
        _ => Audience::Branch,
    })
}

async fn group_name(
    conn: &mut AnyConnection,
    branch_id: &str,
    group: &str,
) -> Result<Option<String>, AppError> {
    let row = sqlx::query(
        "SELECT name FROM organisations WHERE id = $1 AND parent_id = $2 AND kind = 'group'",
    )
    .bind(group)
    .bind(branch_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.try_get("name")).transpose()?)
}

async fn audience_label(
    conn: &mut AnyConnection,
    branch: &Branch,
    audience: &Audience,
) -> Result<String, AppError> {
    Ok(match audience {
        Audience::Branch => format!("{}全体党员", branch.name),
        Audience::Committee => "支部委员会委员".to_owned(),
        Audience::Group(g) => group_name(conn, &branch.id, g)
            .await?
            .unwrap_or_else(|| "党小组".to_owned()),
    })
}

/// The members an audience names today: fixed into 应到 when the activity is scheduled.
async fn audience_members(
    tx: &mut Transaction<'static, Any>,
    branch_id: &str,
    audience: &Audience,
) -> Result<Vec<String>, AppError> {
    let rows = match audience {
        Audience::Branch => {
            sqlx::query("SELECT id FROM users WHERE org_id = $1 AND active = 1 AND role <> 'admin'")
                .bind(branch_id)
                .fetch_all(&mut **tx)
                .await?
        }
        Audience::Committee => {
            sqlx::query(
                "SELECT id FROM users WHERE org_id = $1 AND active = 1 AND committee = 1 \
                 AND role <> 'admin'",
            )
            .bind(branch_id)
            .fetch_all(&mut **tx)
            .await?
        }
        Audience::Group(g) => {
            sqlx::query(
                "SELECT id FROM users WHERE org_id = $1 AND active = 1 AND group_id = $2 \
                 AND role <> 'admin'",
            )
            .bind(branch_id)
            .bind(g)
            .fetch_all(&mut **tx)
            .await?
        }
    };
    rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
}

fn field_error(field: &str, message: &str) -> Vec<FieldError> {
    vec![FieldError {
        field: field.into(),
        message: message.into(),
    }]
}

/// Checks what the form can't know alone: the group belongs to the branch and has members.
async fn check_audience(
    tx: &mut Transaction<'static, Any>,
    branch_id: &str,
    audience: &Audience,
) -> Result<Result<Vec<String>, Vec<FieldError>>, AppError> {
    if let Audience::Group(g) = audience
        && group_name(&mut *tx, branch_id, g).await?.is_none()
    {
        return Ok(Err(field_error("audience", "所选党小组不属于本支部")));
    }
    let members = audience_members(tx, branch_id, audience).await?;
    if members.is_empty() {
        return Ok(Err(field_error(
            "audience",
            "参加对象中没有党员，请先维护党员名册",
        )));
    }
    Ok(Ok(members))
}

async fn set_expected(
    tx: &mut Transaction<'static, Any>,
    activity_id: &str,
    members: &[String],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM activity_expected WHERE activity_id = $1")
        .bind(activity_id)
        .execute(&mut **tx)
        .await?;
    for m in members {
        sqlx::query("INSERT INTO activity_expected (activity_id, user_id) VALUES ($1, $2)")
            .bind(activity_id)
            .bind(m)
            .execute(&mut **tx)
            .await?;
    }
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
    let members = match check_audience(&mut tx, &branch.id, &v.audience).await? {
        Ok(m) => m,
        Err(errors) => return Ok(Err(errors)),
    };
    let id = Uuid::now_v7().to_string();
    let version = next_version(&mut tx).await?;
    let (audience, group) = audience_columns(&v.audience);
    sqlx::query(
        "INSERT INTO activities (id, org_id, kind, topic, starts_at, ends_at, place, chair, \
           recorder, audience, audience_group, status, proof_secret, created_by, created_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'scheduled', $12, $13, $14, $15)",
    )
    .bind(&id)
    .bind(&branch.id)
    .bind(v.kind.as_str())
    .bind(&v.topic)
    .bind(v.starts_at)
    .bind(v.ends_at)
    .bind(&v.place)
    .bind(&v.chair)
    .bind(&v.recorder)
    .bind(audience)
    .bind(group)
    .bind(new_proof_secret())
    .bind(&viewer.id)
    .bind(now_ms())
    .bind(version)
    .execute(&mut *tx)
    .await?;
    set_expected(&mut tx, &id, &members).await?;
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
    if loaded.row.try_get::<String, _>("status")? == "cancelled" {
        return Ok(Err(field_error("topic", "活动已取消，不能再修改")));
    }
    let v: Validated = match validate(form) {
        Ok(v) => v,
        Err(errors) => return Ok(Err(errors)),
    };
    let old_start: i64 = loaded.row.try_get("starts_at")?;
    let old_end: i64 = loaded.row.try_get("ends_at")?;
    let old_audience = audience_of(&loaded.row)?;
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
    let mut tx = db.begin_write().await?;
    if !started {
        match check_audience(&mut tx, &loaded.branch.id, &v.audience).await? {
            Ok(members) => set_expected(&mut tx, id, &members).await?,
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
    tx.commit().await?;
    Ok(Ok(()))
}

/// Cancels an activity: it stays on record, out of every figure, and takes no check-ins.
pub async fn cancel(db: &Db, viewer: &CurrentUser, id: &str, reason: &str) -> Result<(), AppError> {
    load_organised(db, viewer, id).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Invalid("请写明取消的原因".into()));
    }
    let mut tx = db.begin_write().await?;
    let version = next_version(&mut tx).await?;
    sqlx::query(
        "UPDATE activities SET status = 'cancelled', cancel_reason = $2, version = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(reason)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The longest minutes, in characters.
pub const MAX_MINUTES_CHARS: usize = 20_000;

/// Keeps the minutes (会议记录) of an activity that has started.
pub async fn save_minutes(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    minutes: &str,
    now: i64,
) -> Result<(), AppError> {
    let loaded = load_organised(db, viewer, id).await?;
    if loaded.row.try_get::<i64, _>("starts_at")? > now {
        return Err(AppError::Invalid("活动开始后才能填写记录".into()));
    }
    if minutes.chars().count() > MAX_MINUTES_CHARS {
        return Err(AppError::Invalid("记录最多 20000 字".into()));
    }
    sqlx::query("UPDATE activities SET minutes = $2, minutes_at = $3 WHERE id = $1")
        .bind(id)
        .bind(minutes.trim())
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Sets a member's attendance by hand, keeping who did it, when, and the state before and after.
pub async fn mark(
    db: &Db,
    viewer: &CurrentUser,
    activity_id: &str,
    user_id: &str,
    mark: Mark,
    note: &str,
    now: i64,
) -> Result<AttendanceState, AppError> {
    let loaded = load_organised(db, viewer, activity_id).await?;
    if loaded.row.try_get::<String, _>("status")? == "cancelled" {
        return Err(AppError::Invalid("活动已取消".into()));
    }
    if loaded.row.try_get::<i64, _>("starts_at")? > now + crate::domain::proof::WINDOW_TOLERANCE_MS
    {
        return Err(AppError::Invalid("活动尚未开始，不能标记出席".into()));
    }
    if note.chars().count() > 200 {
        return Err(AppError::Invalid("备注最多 200 字".into()));
    }
    let mut tx = db.begin_write().await?;
    let roll = roll_of(&mut tx, activity_id).await?;
    let before = roll
        .iter()
        .find(|e| e.user_id == user_id)
        .ok_or_else(|| AppError::Invalid("该党员不在本次活动的应到名单中".into()))?
        .state;
    sqlx::query(
        "INSERT INTO attendance_marks (id, activity_id, user_id, mark, before_state, after_state, \
           note, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(activity_id)
    .bind(user_id)
    .bind(mark.as_str())
    .bind(before.as_str())
    .bind(note.trim())
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // What the record shows now follows from the rule; keep it beside the mark.
    let after = roll_of(&mut tx, activity_id)
        .await?
        .into_iter()
        .find(|e| e.user_id == user_id)
        .map_or(before, |e| e.state);
    sqlx::query(
        "UPDATE attendance_marks SET after_state = $1 WHERE activity_id = $2 AND user_id = $3 \
         AND after_state = ''",
    )
    .bind(after.as_str())
    .bind(activity_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The activity's full record (活动记录), for its organisers.
pub async fn record(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    now: i64,
) -> Result<ActivityRecord, AppError> {
    let Loaded { branch, row } = load_organised(db, viewer, id).await?;
    let mut conn = db.pool().acquire().await?;
    let roll = roll_of(&mut conn, id).await?;
    let counts = RollCounts::of(roll.iter().map(|e| e.state));
    let marks = sqlx::query(
        "SELECT u.display_name AS member, m.mark, m.before_state, m.after_state, m.note, \
           b.display_name AS by_name, m.marked_at \
         FROM attendance_marks m JOIN users u ON u.id = m.user_id JOIN users b ON b.id = m.marked_by \
         WHERE m.activity_id = $1 ORDER BY m.marked_at, m.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let parse_state = |s: String| AttendanceState::parse(&s).unwrap_or(AttendanceState::Absent);
        Ok(MarkEntry {
            member_name: r.try_get("member")?,
            mark: Mark::parse(&r.try_get::<String, _>("mark")?).unwrap_or(Mark::Auto),
            before: parse_state(r.try_get("before_state")?),
            after: parse_state(r.try_get("after_state")?),
            note: r.try_get("note")?,
            by_name: r.try_get("by_name")?,
            at: r.try_get("marked_at")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let photos = sqlx::query(
        "SELECT id, caption, uploaded_at FROM activity_photos WHERE activity_id = $1 \
         ORDER BY uploaded_at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(PhotoView {
            id: r.try_get("id")?,
            caption: r.try_get("caption")?,
            uploaded_at: r.try_get("uploaded_at")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let audience = audience_of(&row)?;
    let audience_label = audience_label(&mut conn, &branch, &audience).await?;
    let kind: String = row.try_get("kind")?;
    let starts_at: i64 = row.try_get("starts_at")?;
    Ok(ActivityRecord {
        viewer: viewer.clone(),
        id: row.try_get("id")?,
        branch_id: branch.id.clone(),
        branch_name: branch.name.clone(),
        kind: ActivityKind::parse(&kind).unwrap_or(ActivityKind::Other),
        topic: row.try_get("topic")?,
        starts_at,
        ends_at: row.try_get("ends_at")?,
        place: row.try_get("place")?,
        chair: row.try_get("chair")?,
        recorder: row.try_get("recorder")?,
        audience: audience.encode(),
        audience_label,
        cancelled: row.try_get::<String, _>("status")? == "cancelled",
        cancel_reason: row.try_get("cancel_reason")?,
        minutes: row.try_get("minutes")?,
        minutes_at: row.try_get("minutes_at")?,
        held: starts_at <= now,
        counts,
        figure: Figure::of(counts.attendance(), SEED_PARTICIPATION_BAR),
        roll,
        marks,
        photos,
    })
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
            let starts_at: i64 = row.try_get("starts_at")?;
            let values = ActivityForm {
                kind: row.try_get("kind")?,
                topic: row.try_get("topic")?,
                starts_at: to_local_datetime(starts_at),
                ends_at: to_local_datetime(row.try_get("ends_at")?),
                place: row.try_get("place")?,
                chair: row.try_get("chair")?,
                recorder: row.try_get("recorder")?,
                audience: audience_of(&row)?.encode(),
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
            };
            (branch, values, false)
        }
        (None, None) => return Err(AppError::NotFound),
    };
    let groups = sqlx::query(
        "SELECT id, name FROM organisations WHERE parent_id = $1 AND kind = 'group' \
         ORDER BY sort_order, name",
    )
    .bind(&branch.id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
    .collect::<Result<Vec<_>, AppError>>()?;
    Ok(FormContext {
        viewer: viewer.clone(),
        branch_id: branch.id,
        branch_name: branch.name,
        groups,
        values,
        started,
    })
}

/// The secret and window of an activity, for its organisers' rotating code screen.
pub async fn proof_screen(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    now: i64,
) -> Result<ProofScreen, AppError> {
    let Loaded { branch, row } = load_organised(db, viewer, id).await?;
    if row.try_get::<String, _>("status")? == "cancelled" {
        return Err(AppError::Invalid("活动已取消，不能签到".into()));
    }
    Ok(ProofScreen {
        activity_id: row.try_get("id")?,
        topic: row.try_get("topic")?,
        branch_name: branch.name,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        secret: row.try_get("proof_secret")?,
        server_now: now,
    })
}

/// The largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

fn photo_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        _ => None,
    }
}

/// Keeps a photo of an activity under `dir`; the file is written before the row, so a row
/// never names a missing file.
pub async fn add_photo(
    db: &Db,
    dir: &std::path::Path,
    viewer: &CurrentUser,
    activity_id: &str,
    bytes: &[u8],
    caption: &str,
) -> Result<String, AppError> {
    load_organised(db, viewer, activity_id).await?;
    if bytes.is_empty() {
        return Err(AppError::Invalid("请选择照片".into()));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::Invalid("照片不能超过 5 MB".into()));
    }
    let Some(content_type) = photo_kind(bytes) else {
        return Err(AppError::Invalid(
            "只支持 JPEG、PNG 或 WebP 格式的照片".into(),
        ));
    };
    let id = Uuid::now_v7().to_string();
    tokio::fs::create_dir_all(dir).await.map_err(|e| {
        tracing::error!(error = %e, dir = %dir.display(), "cannot create the photo folder");
        AppError::Internal
    })?;
    tokio::fs::write(dir.join(&id), bytes).await.map_err(|e| {
        tracing::error!(error = %e, "cannot write a photo");
        AppError::Internal
    })?;
    use sha2::Digest;
    sqlx::query(
        "INSERT INTO activity_photos (id, activity_id, content_type, size_bytes, sha256, caption, \
           uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(activity_id)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(hex::encode(sha2::Sha256::digest(bytes)))
    .bind(caption.trim().chars().take(100).collect::<String>())
    .bind(&viewer.id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(id)
}

/// A photo's type and file, if `viewer` runs its activity's branch.
pub async fn photo(
    db: &Db,
    dir: &std::path::Path,
    viewer: &CurrentUser,
    photo_id: &str,
) -> Result<(String, std::path::PathBuf), AppError> {
    let row = sqlx::query("SELECT activity_id, content_type FROM activity_photos WHERE id = $1")
        .bind(photo_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    load_organised(db, viewer, &row.try_get::<String, _>("activity_id")?).await?;
    // The id is a UUID we made; parsing it again keeps any path out of the file name.
    let file = Uuid::parse_str(photo_id)
        .map_err(|_| AppError::NotFound)?
        .to_string();
    Ok((row.try_get("content_type")?, dir.join(file)))
}
