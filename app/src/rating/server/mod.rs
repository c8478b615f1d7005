//! The server side of the rating (feature `ssr`):
//!
//! - this file: who may read and change what, and the report the page and the JSON API show;
//! - [`gather`]: the rules' inputs, read from storage;
//! - [`write`]: attested evidence, submitted and decided, with its trail;
//! - [`registers`]: honours, violations, evaluations, assessments, baselines and targets.

pub mod archive;
mod charts;
mod evidence_view;
pub mod files;
mod frozen;
pub mod gather;
mod general;
pub mod overview;
pub mod register_view;
pub mod registers;
pub mod targets;
pub mod write;

pub use targets::steps_to;
use targets::{judged, target_rows};

use super::{ActivityRef, LastYear, RatingReport, RatingView};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::rating::{CriterionKind, Level, Rating, RuleSet, State, best_case, rate, trend};
use crate::domain::role::{Role, may_organise};
use crate::domain::time::{format_day_time, year_of};
use crate::error::AppError;
use crate::org::server::Branch;
use crate::state::RuntimeConfig;

/// What the viewer may do with a branch's rating.
pub struct Scope {
    pub branch: Branch,
    /// Enter and submit evidence: the branch's organisers.
    pub may_submit: bool,
    /// Approve or return evidence, keep the registers and targets: the school's admin.
    pub may_decide: bool,
    /// Read the violations' details: the school's admin and the branch's secretary.
    pub sees_violations: bool,
    /// A 总支's own rating (every criterion attested; see [`general`]), not a branch's.
    pub general: bool,
}

impl Scope {
    /// The rules this rating follows: the deployment's, every criterion attested for a 总支.
    pub fn rules(&self, config: &RuntimeConfig) -> std::sync::Arc<RuleSet> {
        if self.general {
            std::sync::Arc::new(config.rating_rules.attested())
        } else {
            config.rating_rules.clone()
        }
    }
}

/// The branch `org_id` if `viewer` may read its rating: whoever reads the branch's figures
/// (its organisers, its school's admin, the bureau above) and the branch's own members. For a
/// school, its 总支's own rating ([`general::reading`]).
pub async fn reading(db: &Db, viewer: &CurrentUser, org_id: &str) -> Result<Scope, AppError> {
    if let Some(scope) = general::reading(db, viewer, org_id).await? {
        return Ok(scope);
    }
    let branch = match crate::org::server::readable_branch(db, viewer, org_id).await {
        Ok(b) => b,
        Err(AppError::Forbidden) if viewer.role == Role::Member && viewer.org_id == org_id => {
            sqlx::query_as("SELECT id, name, parent_id FROM organisations WHERE id = $1")
                .bind(org_id)
                .fetch_one(db.pool())
                .await?
        }
        Err(e) => return Err(e),
    };
    let may_submit = may_organise(
        viewer.role,
        &viewer.org_id,
        &branch.id,
        branch.parent_id.as_deref(),
    );
    let may_decide = decides(viewer, &branch);
    let sees_violations = sees_violations(viewer, &branch);
    Ok(Scope {
        branch,
        may_submit,
        may_decide,
        sees_violations,
        general: false,
    })
}

/// Whether `viewer` keeps the branch's registers and decides its evidence: its school's admin.
fn decides(viewer: &CurrentUser, branch: &Branch) -> bool {
    viewer.role == Role::Admin && branch.parent_id.as_deref() == Some(viewer.org_id.as_str())
}

/// Whether `viewer` reads the details of the branch's violations: its school's admin and its
/// secretary (members and the bureau see only that the criterion is not met).
pub fn sees_violations(viewer: &CurrentUser, branch: &Branch) -> bool {
    decides(viewer, branch) || (viewer.role == Role::Secretary && viewer.org_id == branch.id)
}

/// The branch `org_id` if `viewer` keeps its registers (its school's admin).
pub async fn deciding(db: &Db, viewer: &CurrentUser, org_id: &str) -> Result<Branch, AppError> {
    let scope = reading(db, viewer, org_id).await?;
    if scope.may_decide {
        Ok(scope.branch)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Checks a rating year asked for: from the first year xingqi shows to next year.
pub fn rating_year(year: Option<i32>, now: i64) -> Result<i32, AppError> {
    crate::domain::time::figure_year(year, now).map_err(AppError::Invalid)
}

/// The year's rating and its targets, without last year's level and 晋位升级 (the overview
/// shows neither, and each costs a second year's reads).
async fn rated(
    db: &Db,
    config: &RuntimeConfig,
    branch: &Branch,
    this: &gather::Gathered,
    now: i64,
) -> Result<RatingReport, AppError> {
    let year = this.overview.summary.year;
    let rules = &config.rating_rules;
    let (rating, targets) = futures::try_join!(
        frozen::closed_or(db, branch, year, now, || rate(rules, &this.inputs())),
        target_rows(db, &branch.id),
    )?;
    Ok(RatingReport {
        org_id: branch.id.clone(),
        org_name: branch.name.clone(),
        year,
        year_over: year < year_of(now),
        trend: None,
        last_year: None,
        targets: judged(rules, &rating, targets, year, now),
        rating,
    })
}

/// The rating of what was gathered, with its targets, last year's level and 晋位升级.
async fn report_of(
    db: &Db,
    config: &RuntimeConfig,
    branch: &Branch,
    this: &gather::Gathered,
    last_year: Option<LastYear>,
    now: i64,
) -> Result<RatingReport, AppError> {
    let mut report = rated(db, config, branch, this, now).await?;
    report.trend = last_year
        .as_ref()
        .map(|l| trend(report.rating.level, l.level));
    report.last_year = last_year;
    Ok(report)
}

/// The inputs of `branch`'s `year` and last year's level, read side by side.
async fn gather_with_last(
    db: &Db,
    viewer: &CurrentUser,
    config: &RuntimeConfig,
    branch: &Branch,
    year: i32,
    now: i64,
) -> Result<(gather::Gathered, Option<LastYear>), AppError> {
    futures::try_join!(
        gather::gather(db, viewer, config, branch, year, now),
        last_year(db, viewer, config, branch, year, now),
    )
}

/// The baseline level the 总支 (or the bureau) entered for `org_id`'s year `year`, if any.
async fn baseline(db: &Db, org_id: &str, year: i32) -> Result<Option<LastYear>, AppError> {
    let level: Option<String> =
        sqlx::query_scalar("SELECT level FROM baseline_levels WHERE org_id = $1 AND year = $2")
            .bind(org_id)
            .bind(year)
            .fetch_optional(db.pool())
            .await?;
    Ok(level
        .as_deref()
        .and_then(Level::parse)
        .map(|level| LastYear {
            year,
            level,
            baseline: true,
        }))
}

/// Last year's level: the baseline entered for it, else its rating if the branch recorded
/// any activity that year.
async fn last_year(
    db: &Db,
    viewer: &CurrentUser,
    config: &RuntimeConfig,
    branch: &Branch,
    year: i32,
    now: i64,
) -> Result<Option<LastYear>, AppError> {
    let prev = year - 1;
    if let Some(baseline) = baseline(db, &branch.id, prev).await? {
        return Ok(Some(baseline));
    }
    if prev < crate::domain::time::FIRST_YEAR {
        return Ok(None);
    }
    let before = gather::gather(db, viewer, config, branch, prev, now).await?;
    if before.overview.summary.held == 0 {
        return Ok(None);
    }
    Ok(Some(LastYear {
        year: prev,
        level: frozen::closed_or(db, branch, prev, now, || {
            rate(&config.rating_rules, &before.inputs())
        })
        .await?
        .level,
        baseline: false,
    }))
}

/// The best level the branch can still reach this year (for the dashboard).
pub fn reachable(rules: &RuleSet, rating: &Rating) -> Level {
    best_case(rules, rating, |c| !c.lost)
}

/// The rating page of `org_id` for `year`.
pub async fn view(
    db: &Db,
    viewer: &CurrentUser,
    config: &RuntimeConfig,
    org_id: &str,
    year: Option<i32>,
    now: i64,
) -> Result<RatingView, AppError> {
    let scope = reading(db, viewer, org_id).await?;
    let year = rating_year(year, now)?;
    if scope.general {
        return general::view(db, viewer, config, &scope, year, now).await;
    }
    let branch = &scope.branch;
    let ids = [branch.id.as_str()];
    // What does not depend on the year's inputs is read beside them.
    let ((gathered, last), tasks, registers, years) = futures::try_join!(
        gather_with_last(db, viewer, config, branch, year, now),
        evidence_view::task_refs(db, &branch.id, year),
        register_view::read(db, &branch.id, year, scope.sees_violations),
        crate::branch::server::years(db, &ids, year, now),
    )?;
    let charts = charts::charts(&gathered);
    let overview = &gathered.overview;
    let mut activities: Vec<ActivityRef> = overview
        .activities
        .iter()
        .map(|a| ActivityRef {
            id: a.id.clone(),
            label: format!(
                "{} {} {}",
                format_day_time(a.starts_at),
                a.kind.label(),
                a.topic
            ),
        })
        .collect();
    activities.extend(tasks);
    let (report, evidence) = futures::try_join!(
        shown(db, config, &scope, &gathered, last, now),
        evidence_view::evidence_views(db, &config.rating_rules, &branch.id, year, &activities),
    )?;
    Ok(RatingView {
        viewer: viewer.clone(),
        years,
        report,
        may_submit: scope.may_submit,
        may_decide: scope.may_decide,
        evidence,
        registers,
        activities,
        charts,
        general: false,
    })
}

/// Members and the bureau see that a violation criterion is not met, never how many.
pub fn hide_violations(rules: &RuleSet, rating: &mut Rating) {
    let keys: Vec<&str> = rules
        .criteria()
        .filter(|(_, c)| matches!(c.kind, CriterionKind::NoViolation { .. }))
        .map(|(_, c)| c.key.as_str())
        .collect();
    for c in rating
        .indicators
        .iter_mut()
        .flat_map(|i| i.criteria.iter_mut())
        .chain(rating.red_flag.iter_mut())
        .filter(|c| keys.contains(&c.key.as_str()))
    {
        if c.state != State::Met {
            c.figure = "本年度有违纪违法记录（详情仅总支和支部书记可见）".into();
        }
    }
}

/// `GET /api/v1/orgs/{id}/rating?year=YYYY`: the report as JSON, permission-checked like the
/// page (violations' counts hidden from those who may not see them).
pub async fn report_json(
    db: &Db,
    viewer: &CurrentUser,
    config: &RuntimeConfig,
    org_id: &str,
    year: Option<i32>,
    now: i64,
) -> Result<RatingReport, AppError> {
    let scope = reading(db, viewer, org_id).await?;
    let year = rating_year(year, now)?;
    if scope.general {
        return general::report(db, config, &scope, year, now).await;
    }
    let (gathered, last) = gather_with_last(db, viewer, config, &scope.branch, year, now).await?;
    shown(db, config, &scope, &gathered, last, now).await
}

/// The report as `scope`'s viewer may read it (violations' counts hidden unless they see them).
async fn shown(
    db: &Db,
    config: &RuntimeConfig,
    scope: &Scope,
    gathered: &gather::Gathered,
    last_year: Option<LastYear>,
    now: i64,
) -> Result<RatingReport, AppError> {
    let mut report = report_of(db, config, &scope.branch, gathered, last_year, now).await?;
    if !scope.sees_violations {
        hide_violations(&config.rating_rules, &mut report.rating);
    }
    Ok(report)
}
