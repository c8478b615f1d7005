//! A branch's targets (a level by a deadline): set and removed by the 总支, judged on the
//! year's rating.

use super::deciding;
use super::registers::{audit, day};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::rating::{Level, Outlook, Rating, RuleSet, State, target_check};
use crate::domain::time::date_of;
use crate::error::AppError;
use crate::rating::TargetView;
use chrono::Datelike;

/// Most targets a branch keeps.
pub const MAX_TARGETS: i64 = 10;

pub async fn set_target(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    level: &str,
    deadline: &str,
    now: i64,
) -> Result<(), AppError> {
    let branch = deciding(db, viewer, org_id).await?;
    let l = Level::parse(level.trim())
        .ok_or_else(|| AppError::Invalid("目标等次应为 红旗/先进/一般".into()))?;
    if l == Level::Lagging {
        return Err(AppError::Invalid("目标等次应为 红旗/先进/一般".into()));
    }
    let d = day(deadline, "目标期限")?;
    let mut tx = db.pool().begin().await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rating_targets WHERE org_id = $1")
        .bind(&branch.id)
        .fetch_one(&mut *tx)
        .await?;
    if n >= MAX_TARGETS {
        return Err(AppError::Invalid(format!(
            "每个支部最多 {MAX_TARGETS} 个目标"
        )));
    }
    sqlx::query(
        "INSERT INTO rating_targets (id, org_id, level, deadline, set_by, set_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&branch.id)
    .bind(l.as_str())
    .bind(d.to_string())
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit(
        &mut tx,
        viewer,
        &branch,
        format!("设定目标：{d} 前达到{}", l.label()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_target(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    id: &str,
) -> Result<(), AppError> {
    let branch = deciding(db, viewer, org_id).await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT level, deadline FROM rating_targets WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(&branch.id)
            .fetch_optional(db.pool())
            .await?;
    let (level, deadline) = row.ok_or(AppError::NotFound)?;
    let now = crate::db::now_ms();
    let mut tx = db.pool().begin().await?;
    sqlx::query("DELETE FROM rating_targets WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let label = Level::parse(&level).map_or("", Level::label);
    audit(
        &mut tx,
        viewer,
        &branch,
        format!("取消目标：{deadline} 前达到{label}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The branch's targets: id, level, deadline.
pub(super) async fn target_rows(
    db: &Db,
    org_id: &str,
) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, level, deadline FROM rating_targets WHERE org_id = $1 ORDER BY deadline, id",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?)
}

/// The targets (`rows`) whose deadline falls in `year` or later, each judged on `rating`.
pub(super) fn judged(
    rules: &RuleSet,
    rating: &Rating,
    rows: Vec<(String, String, String)>,
    year: i32,
    now: i64,
) -> Vec<TargetView> {
    let today = date_of(now).unwrap_or_default();
    rows.into_iter()
        .filter_map(|(id, level, deadline)| {
            let level = Level::parse(&level)?;
            let day = chrono::NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").ok()?;
            if day.year() < year {
                return None;
            }
            let check = if day.year() == year {
                target_check(rules, rating, level, day, today)
            } else {
                // A later year's target: this year's standing, never at risk yet.
                crate::domain::rating::TargetCheck {
                    outlook: if rating.level >= level {
                        Outlook::Achieved
                    } else {
                        Outlook::OnTrack
                    },
                    reasons: Vec::new(),
                }
            };
            Some(TargetView {
                id,
                level,
                deadline,
                outlook: check.outlook,
                reasons: check.reasons,
                steps: steps_to(rules, rating, level),
            })
        })
        .collect()
}

/// What still stands between the rating and `level`: the next step of each unmet criterion
/// the level needs (the red flag's only for 红旗).
pub fn steps_to(rules: &RuleSet, rating: &Rating, level: Level) -> Vec<String> {
    if rating.level >= level {
        return Vec::new();
    }
    let red: Vec<&str> = rules.red_flag.iter().map(|c| c.key.as_str()).collect();
    rating
        .criteria()
        .filter(|c| c.state != State::Met)
        .filter(|c| level == Level::RedFlag || !red.contains(&c.key.as_str()))
        .map(|c| {
            let what = if c.next_step.is_empty() {
                c.state.label().to_owned()
            } else {
                c.next_step.clone()
            };
            format!("{}：{}", c.name, what)
        })
        .collect()
}
