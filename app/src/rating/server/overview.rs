//! The rating overview: every branch the viewer reads, side by side.

use super::super::{OverviewRow, RatingOverview};
use super::{charts, gather, rated, rating_year, reachable};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::rating::{CriterionKind, Outlook, State};
use crate::error::AppError;
use crate::state::RuntimeConfig;

/// The most branches one overview (or archive) rates: each costs a few dozen queries, so a
/// bureau of hundreds of schools reads its schools' branches school by school (issue 13's
/// roll-up) rather than in one request.
pub const MAX_BRANCHES: usize = 100;

pub async fn overview(
    db: &Db,
    viewer: &CurrentUser,
    config: &RuntimeConfig,
    year: Option<i32>,
    now: i64,
) -> Result<RatingOverview, AppError> {
    if !viewer.role.reads_branches() {
        return Err(AppError::Forbidden);
    }
    let year = rating_year(year, now)?;
    let rules = &config.rating_rules;
    let mut branches = crate::org::server::readable_branches(db, viewer).await?;
    let total = branches.len();
    branches.truncate(MAX_BRANCHES);
    let schools: Vec<(String, String)> = if viewer.role.is_bureau() {
        sqlx::query_as(
            "SELECT id, COALESCE(school_name, name) FROM organisations \
             WHERE parent_id = $1 AND kind = 'school'",
        )
        .bind(&viewer.org_id)
        .fetch_all(db.pool())
        .await?
    } else {
        Vec::new()
    };
    let satisfaction_keys: Vec<&str> = rules
        .criteria()
        .filter(|(_, c)| matches!(c.kind, CriterionKind::Satisfaction { .. }))
        .map(|(_, c)| c.key.as_str())
        .collect();
    let participation_key = rules
        .criteria()
        .find(|(_, c)| matches!(c.kind, CriterionKind::Participation { .. }))
        .map(|(_, c)| c.key.clone());
    let today = crate::domain::time::date_of(now).unwrap_or_default();
    let mut rows = Vec::with_capacity(branches.len());
    for branch in &branches {
        let gathered = gather::gather(db, viewer, config, branch, year, now).await?;
        let mut r = rated(db, config, branch, &gathered, now).await?;
        let sees = super::sees_violations(viewer, branch);
        if !sees {
            super::hide_violations(rules, &mut r.rating);
        }
        let rating = &r.rating;
        let participation = participation_key
            .as_ref()
            .and_then(|k| rating.criteria().find(|c| &c.key == k))
            .map_or((State::Pending, "—".to_owned()), |c| {
                (c.state, c.figure.clone())
            });
        let satisfaction = rating
            .criteria()
            .filter(|c| satisfaction_keys.contains(&c.key.as_str()))
            .map(|c| (c.name.clone(), c.state, c.figure.clone(), c.detail.clone()))
            .collect();
        let awaiting_approval = rating
            .criteria()
            .filter(|c| c.state == State::AwaitingApproval)
            .map(|c| c.name.clone())
            .collect();
        let target = r
            .targets
            .iter()
            .find(|t| t.outlook != Outlook::Missed)
            .or(r.targets.first())
            .cloned();
        rows.push(OverviewRow {
            branch_id: branch.id.clone(),
            name: branch.name.clone(),
            school: branch
                .parent_id
                .as_ref()
                .and_then(|s| schools.iter().find(|(id, _)| id == s))
                .map(|(_, n)| n.clone()),
            stars: rating.stars,
            max_stars: rating.max_stars,
            level: rating.level,
            reachable: reachable(rules, rating),
            target,
            participation,
            satisfaction,
            awaiting_approval,
            charts: charts::charts(&gathered),
            plan: crate::branch::plan_todos::plan_tasks(db, &branch.id, year)
                .await?
                .map(|p| (p.state, p.progress(today))),
            letter: letter_state(db, &branch.id, year).await?,
        });
    }
    let ids: Vec<&str> = branches.iter().map(|b| b.id.as_str()).collect();
    Ok(RatingOverview {
        viewer: viewer.clone(),
        year,
        years: crate::branch::server::years(db, &ids, year, now).await?,
        rows,
        more: total.saturating_sub(MAX_BRANCHES),
    })
}

/// The state of `org_id`'s commitment letter of `year`, if drafted.
async fn letter_state(
    db: &Db,
    org_id: &str,
    year: i32,
) -> Result<Option<crate::domain::letter::LetterState>, AppError> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM letters WHERE org_id = $1 AND year = $2")
            .bind(org_id)
            .bind(year)
            .fetch_optional(db.pool())
            .await?;
    Ok(state
        .as_deref()
        .and_then(crate::domain::letter::LetterState::parse))
}
