//! The 总支's own rating: the same indicators, stars, levels and red flag as its branches', every
//! criterion attested (`RuleSet::attested`). The 总支's admin enters and submits the evidence;
//! the bureau's admin approves or returns it — where there is no bureau, the 总支 decides its
//! own, and its trail says who did. The bureau's people read it; the branches do not.

use super::{Scope, baseline, evidence_view, frozen, gather, judged, register_view, target_rows};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::rating::{Inputs, rate, trend};
use crate::domain::role::Role;
use crate::domain::time::year_of;
use crate::error::AppError;
use crate::org::server::Branch;
use crate::rating::{Charts, LastYear, RatingReport, RatingView};
use crate::state::RuntimeConfig;

/// The school `org_id`'s 总支 rating as `viewer` may use it, `None` if `org_id` is no school:
/// its admin reads and submits; the bureau above reads, and its admin decides (the school's
/// admin decides where there is no bureau); anyone else is refused.
pub(super) async fn reading(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
) -> Result<Option<Scope>, AppError> {
    let school: Option<Branch> = sqlx::query_as(
        "SELECT id, name, parent_id FROM organisations WHERE id = $1 AND kind = 'school'",
    )
    .bind(org_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(school) = school else {
        return Ok(None);
    };
    let own_admin = viewer.role == Role::Admin && viewer.org_id == school.id;
    let bureau = viewer.role.is_bureau() && school.parent_id.as_deref() == Some(&viewer.org_id);
    if !own_admin && !bureau {
        return Err(AppError::Forbidden);
    }
    let may_decide = match school.parent_id {
        Some(_) => bureau && viewer.role == Role::BureauAdmin,
        None => own_admin,
    };
    Ok(Some(Scope {
        branch: school,
        may_submit: own_admin,
        may_decide,
        sees_violations: own_admin || may_decide,
        general: true,
    }))
}

/// The 总支's rating of `year`, with its targets and last year's level.
pub(super) async fn report(
    db: &Db,
    config: &RuntimeConfig,
    scope: &Scope,
    year: i32,
    now: i64,
) -> Result<RatingReport, AppError> {
    let rules = scope.rules(config);
    let school = &scope.branch;
    let rated = |evidence| {
        let inputs = Inputs {
            year,
            now,
            evidence,
            ..Inputs::default()
        };
        rate(&rules, &inputs)
    };
    let evidence = gather::evidence(db, &school.id, year).await?;
    let mut rating = frozen::closed_or(db, school, year, now, || rated(evidence)).await?;
    // The rules speak of the 总支 approving; here the bureau (or the 总支 itself) does.
    for c in rating
        .indicators
        .iter_mut()
        .flat_map(|i| i.criteria.iter_mut())
        .chain(rating.red_flag.iter_mut())
    {
        c.figure = c.figure.replace("待总支审核", "待上级审核");
        c.next_step = c.next_step.replace("等待总支审核", "等待上级审核");
    }
    let last_year = last_year(db, config, scope, year, now).await?;
    Ok(RatingReport {
        org_id: school.id.clone(),
        org_name: school.name.clone(),
        year,
        year_over: year < year_of(now),
        trend: last_year.as_ref().map(|l| trend(rating.level, l.level)),
        last_year,
        targets: judged(
            &rules,
            &rating,
            target_rows(db, &school.id).await?,
            year,
            now,
        ),
        rating,
    })
}

/// Last year's level: the baseline entered for it, else its rating if the 总支 entered any
/// evidence that year.
async fn last_year(
    db: &Db,
    config: &RuntimeConfig,
    scope: &Scope,
    year: i32,
    now: i64,
) -> Result<Option<LastYear>, AppError> {
    let prev = year - 1;
    let school = &scope.branch;
    if let Some(baseline) = baseline(db, &school.id, prev).await? {
        return Ok(Some(baseline));
    }
    let evidence = gather::evidence(db, &school.id, prev).await?;
    if evidence.is_empty() {
        return Ok(None);
    }
    let rules = scope.rules(config);
    let inputs = Inputs {
        year: prev,
        now,
        evidence,
        ..Inputs::default()
    };
    let rating = frozen::closed_or(db, school, prev, now, || rate(&rules, &inputs)).await?;
    Ok(Some(LastYear {
        year: prev,
        level: rating.level,
        baseline: false,
    }))
}

/// The 总支's rating page: the report, its evidence and registers (no branch charts).
pub(super) async fn view(
    db: &Db,
    viewer: &CurrentUser,
    config: &RuntimeConfig,
    scope: &Scope,
    year: i32,
    now: i64,
) -> Result<RatingView, AppError> {
    let school = &scope.branch;
    let rules = scope.rules(config);
    // The 总支's own plan's tasks, to link as evidence.
    let tasks = evidence_view::task_refs(db, &school.id, year).await?;
    Ok(RatingView {
        viewer: viewer.clone(),
        years: crate::branch::server::years(db, &[&school.id], year, now).await?,
        report: report(db, config, scope, year, now).await?,
        may_submit: scope.may_submit,
        may_decide: scope.may_decide,
        evidence: evidence_view::evidence_views(db, &rules, &school.id, year, &tasks).await?,
        registers: register_view::read(db, &school.id, year, scope.sees_violations).await?,
        activities: tasks,
        charts: Charts::default(),
        general: true,
    })
}
