//! The registers the rules read, kept by the 总支: honours, violations, 班子年度测评, each
//! committee member's 考核, the baseline level and the targets. Each write is audited.

use super::deciding;
use crate::audit::Action;
use crate::audit::server::{Act, record};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::rating::{Assessment, Evaluation, HonourLevel, Level};
use crate::error::AppError;
use crate::org::server::Branch;

/// Longest text of a register's field, in characters.
pub const MAX_TEXT_CHARS: usize = 500;

pub(super) fn day(s: &str, what: &str) -> Result<chrono::NaiveDate, AppError> {
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid(format!("{what}应写成 YYYY-MM-DD")))?;
    crate::domain::time::figure_year(Some(chrono::Datelike::year(&d)), crate::db::now_ms())
        .map_err(|_| AppError::Invalid(format!("{what}不在可登记的年份内")))?;
    Ok(d)
}

fn text<'a>(s: &'a str, what: &str, required: bool) -> Result<&'a str, AppError> {
    let s = s.trim();
    if required && s.is_empty() {
        return Err(AppError::Invalid(format!("请填写{what}")));
    }
    if s.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::Invalid(format!("{what}最多 {MAX_TEXT_CHARS} 字")));
    }
    Ok(s)
}

/// Refuses a register change dated in a closed year.
async fn open_on(
    conn: &mut sqlx::AnyConnection,
    branch: &str,
    date: chrono::NaiveDate,
) -> Result<(), AppError> {
    crate::org::server::refuse_if_closed(conn, branch, crate::domain::time::start_of_day_ms(date))
        .await
}

pub(super) async fn audit(
    conn: &mut sqlx::AnyConnection,
    viewer: &CurrentUser,
    branch: &Branch,
    detail: String,
    now: i64,
) -> Result<(), AppError> {
    let school = branch.parent_id.clone().unwrap_or_default();
    record(
        conn,
        viewer,
        Act {
            action: Action::RatingRegister,
            school_id: &school,
            branch_id: Some(&branch.id),
            target: branch.name.clone(),
            detail,
        },
        now,
    )
    .await
}

pub struct NewHonour<'a> {
    pub org_id: &'a str,
    pub awarded_on: &'a str,
    pub level: &'a str,
    pub title: &'a str,
    pub issuer: &'a str,
    pub evidence: &'a str,
}

pub async fn add_honour(
    db: &Db,
    viewer: &CurrentUser,
    h: &NewHonour<'_>,
    now: i64,
) -> Result<(), AppError> {
    let branch = deciding(db, viewer, h.org_id).await?;
    let date = day(h.awarded_on, "表彰日期")?;
    let level = HonourLevel::parse(h.level.trim())
        .ok_or_else(|| AppError::Invalid("表彰级别应为 校级/县级/市级/省级/国家级".into()))?;
    let title = text(h.title, "表彰名称", true)?;
    let issuer = text(h.issuer, "授予单位", false)?;
    let evidence = text(h.evidence, "佐证", false)?;
    let mut tx = db.pool().begin().await?;
    open_on(&mut tx, &branch.id, date).await?;
    sqlx::query(
        "INSERT INTO honours (id, org_id, awarded_on, level, title, issuer, evidence, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&branch.id)
    .bind(date.to_string())
    .bind(level.as_str())
    .bind(title)
    .bind(issuer)
    .bind(evidence)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit(
        &mut tx,
        viewer,
        &branch,
        format!("登记表彰：{title}（{}，{date}）", level.label()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub struct NewViolation<'a> {
    pub org_id: &'a str,
    pub occurred_on: &'a str,
    pub user_id: Option<&'a str>,
    pub person: &'a str,
    pub committee: bool,
    pub note: &'a str,
}

pub async fn add_violation(
    db: &Db,
    viewer: &CurrentUser,
    v: &NewViolation<'_>,
    now: i64,
) -> Result<(), AppError> {
    let branch = deciding(db, viewer, v.org_id).await?;
    let date = day(v.occurred_on, "发生日期")?;
    let note = text(v.note, "情况说明", false)?;
    let (user_id, person, committee) = match v.user_id {
        Some(id) => {
            let row: Option<(String, Option<String>)> = sqlx::query_as(
                "SELECT display_name, CASE WHEN role = 'secretary' THEN COALESCE(committee_role, 'secretary') \
                 ELSE committee_role END FROM users WHERE id = $1 AND org_id = $2",
            )
            .bind(id)
            .bind(&branch.id)
            .fetch_optional(db.pool())
            .await?;
            let (name, seat) = row.ok_or_else(|| AppError::Invalid("该党员不在本支部".into()))?;
            (Some(id.to_owned()), name, v.committee || seat.is_some())
        }
        None => (
            None,
            text(v.person, "当事人", true)?.to_owned(),
            v.committee,
        ),
    };
    let mut tx = db.pool().begin().await?;
    open_on(&mut tx, &branch.id, date).await?;
    sqlx::query(
        "INSERT INTO violations (id, org_id, user_id, person, committee, occurred_on, note, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&branch.id)
    .bind(user_id)
    .bind(&person)
    .bind(i64::from(committee))
    .bind(date.to_string())
    .bind(note)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit(
        &mut tx,
        viewer,
        &branch,
        format!("登记违纪违法：{person}（{date}）"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One (key, year) row of a per-year register and the statement that writes it.
struct YearRow<'a> {
    sql: &'static str,
    key: &'a str,
    year: i32,
    value: &'a str,
    detail: String,
}

/// Writes one (key, year) row of a per-year register, replacing what was there.
async fn upsert_year(
    db: &Db,
    viewer: &CurrentUser,
    branch: &Branch,
    row: YearRow<'_>,
    now: i64,
) -> Result<(), AppError> {
    let YearRow {
        sql,
        key,
        year,
        value,
        detail,
    } = row;
    crate::domain::time::figure_year(Some(year), now).map_err(AppError::Invalid)?;
    let mut tx = db.pool().begin().await?;
    let (from, _) = crate::domain::time::year_bounds_ms(year);
    crate::org::server::refuse_if_closed(&mut tx, &branch.id, from).await?;
    sqlx::query(sql)
        .bind(key)
        .bind(year)
        .bind(value)
        .bind(&viewer.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    audit(&mut tx, viewer, branch, detail, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_evaluation(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    grade: &str,
    now: i64,
) -> Result<(), AppError> {
    let branch = deciding(db, viewer, org_id).await?;
    let g = Evaluation::parse(grade.trim())
        .ok_or_else(|| AppError::Invalid("班子年度测评应为 优秀/良好/一般/差".into()))?;
    upsert_year(
        db,
        viewer,
        &branch,
        YearRow {
            sql: "INSERT INTO evaluations (org_id, year, grade, set_by, set_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id, year) DO UPDATE SET grade = excluded.grade, set_by = excluded.set_by, \
         set_at = excluded.set_at",
            key: &branch.id,
            year,
            value: g.as_str(),
            detail: format!("{year}年度班子测评：{}", g.label()),
        },
        now,
    )
    .await
}

pub async fn set_assessment(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
    year: i32,
    grade: &str,
    now: i64,
) -> Result<(), AppError> {
    let row: Option<(String, String, Option<String>)> =
        sqlx::query_as(
            "SELECT org_id, display_name, CASE WHEN role = 'secretary' \
             THEN COALESCE(committee_role, 'secretary') ELSE committee_role END FROM users WHERE id = $1",
        )
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    let (org_id, name, seat) = row.ok_or(AppError::NotFound)?;
    let branch = deciding(db, viewer, &org_id).await?;
    if seat.is_none() {
        return Err(AppError::Invalid(format!(
            "{name}不是支委，无需录入支委考核"
        )));
    }
    let g = Assessment::parse(grade.trim())
        .ok_or_else(|| AppError::Invalid("考核结果应为 优秀/称职/基本称职/不称职".into()))?;
    upsert_year(
        db,
        viewer,
        &branch,
        YearRow {
            sql: "INSERT INTO assessments (user_id, year, grade, set_by, set_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, year) DO UPDATE SET grade = excluded.grade, set_by = excluded.set_by, \
         set_at = excluded.set_at",
            key: user_id,
            year,
            value: g.as_str(),
            detail: format!("{year}年度支委考核：{name} {}", g.label()),
        },
        now,
    )
    .await
}

pub async fn set_baseline(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    level: &str,
    now: i64,
) -> Result<(), AppError> {
    let branch = deciding(db, viewer, org_id).await?;
    let l = Level::parse(level.trim())
        .ok_or_else(|| AppError::Invalid("等次应为 红旗/先进/一般/后进".into()))?;
    if year >= crate::domain::time::year_of(now) {
        return Err(AppError::Invalid("基线等次只能登记已经过去的年份".into()));
    }
    upsert_year(
        db,
        viewer,
        &branch,
        YearRow {
            sql: "INSERT INTO baseline_levels (org_id, year, level, set_by, set_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id, year) DO UPDATE SET level = excluded.level, set_by = excluded.set_by, \
         set_at = excluded.set_at",
            key: &branch.id,
            year,
            value: l.as_str(),
            detail: format!("{year}年度基线等次：{}", l.label()),
        },
        now,
    )
    .await
}
