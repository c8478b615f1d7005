//! Storage reads behind the branch pages, and the figures computed from them.

pub use super::counted::Detail;
pub(crate) use super::lookup::{shape, years};
use super::{ActivityFigure, BranchOverview, BranchSummary, Figure, MyBranches, PeriodFigure};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::AttendanceState;
use crate::domain::cadence::{Held, PeriodParticipation, Rule, check, participation_by_period};
use crate::domain::participation::{Attendance, SEED_PARTICIPATION_BAR};
use crate::domain::time::{year_bounds_ms, year_of};
use crate::domain::todo::{Item, todos};
use crate::error::AppError;
use crate::org::server::{Branch, readable_branch};
use futures::TryFutureExt;

/// An activity of the year, as the branch page counts it.
#[derive(sqlx::FromRow)]
struct YearActivityRow {
    id: String,
    kind: String,
    topic: String,
    starts_at: i64,
    ends_at: i64,
    place: String,
    minutes: String,
    audience_group: Option<String>,
    roll_closed_at: Option<i64>,
}

/// The branch's activities of `year` with each expected member's state (`Detail::Names`) or
/// their counts alone (`Detail::Counts`, from the kept tallies).
async fn year_activities(
    db: &Db,
    branch_id: &str,
    year: i32,
    now: i64,
    detail: Detail,
) -> Result<Vec<ActivityFigure>, AppError> {
    if detail == Detail::Counts {
        return super::counted::year_activities(db, branch_id, year, now).await;
    }
    let (from, to) = year_bounds_ms(year);
    let activities = sqlx::query_as::<_, YearActivityRow>(
        "SELECT id, kind, topic, starts_at, ends_at, place, minutes, audience_group, roll_closed_at \
         FROM activities \
         WHERE org_id = $1 AND status = 'scheduled' AND starts_at >= $2 AND starts_at < $3 \
         ORDER BY starts_at DESC, id",
    )
    .bind(branch_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.pool());
    // The activities and their rolls side by side, each on a connection of its own.
    let (activities, mut rolls) = futures::try_join!(
        activities.err_into::<AppError>(),
        crate::activity::server::rolls_of_branch(db, branch_id, from, to),
    )?;
    Ok(activities
        .into_iter()
        .map(|r| {
            let id = r.id;
            let starts_at = r.starts_at;
            let roll = rolls.remove(&id).unwrap_or_default();
            let names = |s: AttendanceState| {
                roll.iter()
                    .filter(|e| e.state == s)
                    .map(|e| e.name.clone())
                    .collect::<Vec<_>>()
            };
            // The same rule the stored tallies follow.
            let (counts, held) =
                crate::activity::server::roll_tally(&roll, r.roll_closed_at.is_some());
            ActivityFigure {
                id,
                kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Other),
                topic: r.topic,
                starts_at,
                place: r.place,
                started: starts_at <= now,
                held,
                group: r.audience_group,
                ends_at: r.ends_at,
                has_minutes: !r.minutes.is_empty(),
                counts,
                figure: Figure::of(counts.attendance(), SEED_PARTICIPATION_BAR),
                present: names(AttendanceState::Present),
                excused: names(AttendanceState::Excused),
                absent: names(AttendanceState::Absent),
                conflicts: roll
                    .iter()
                    .filter(|e| e.conflict)
                    .map(|e| e.name.clone())
                    .collect(),
            }
        })
        .collect())
}

fn summarise(branch: &Branch, year: i32, activities: &[ActivityFigure]) -> BranchSummary {
    let held: Vec<_> = activities.iter().filter(|a| a.held).collect();
    BranchSummary {
        id: branch.id.clone(),
        name: branch.name.clone(),
        year,
        school: None,
        held: held.len() as u32,
        year_figure: Figure::of(
            Attendance::total(held.iter().map(|a| a.figure.attendance)),
            SEED_PARTICIPATION_BAR,
        ),
    }
}

fn period_figures(periods: Vec<PeriodParticipation>) -> Vec<PeriodFigure> {
    periods
        .into_iter()
        .map(|p| PeriodFigure {
            name: p.name,
            figure: Figure::of(p.attendance, SEED_PARTICIPATION_BAR),
        })
        .collect()
}

/// One branch's current year, if `viewer` may read it, checked against the cadence `rules`.
pub async fn branch_overview(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    rules: &[Rule],
    now: i64,
) -> Result<BranchOverview, AppError> {
    branch_year(db, viewer, branch_id, rules, now, None).await
}

/// One branch's `year` (the current one when `None`): a closed year (年度封存) as its
/// snapshot; any other as it stands, each activity with its own 应到 (fixed when it started),
/// checked against the cadence `rules`.
pub async fn branch_year(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    rules: &[Rule],
    now: i64,
    year: Option<i32>,
) -> Result<BranchOverview, AppError> {
    let branch = readable_branch(db, viewer, branch_id).await?;
    year_of_branch(db, viewer, &branch, rules, now, year, Detail::Names).await
}

/// [`branch_year`] of a branch whose reading the caller has already checked (the rating page,
/// which the branch's own members read too).
pub async fn year_of_branch(
    db: &Db,
    viewer: &CurrentUser,
    branch: &Branch,
    rules: &[Rule],
    now: i64,
    year: Option<i32>,
    detail: Detail,
) -> Result<BranchOverview, AppError> {
    let year = crate::domain::time::figure_year(year, now).map_err(AppError::Invalid)?;
    let overview = async {
        match super::frozen::snapshot(db, &branch.id, year, now).await? {
            Some(mut frozen) => {
                frozen.viewer = viewer.clone();
                frozen.current = false;
                if detail == Detail::Names {
                    frozen.years = years(db, &[&branch.id], year, now).await?;
                }
                Ok(frozen)
            }
            None => computed_for(db, viewer, branch, rules, now, year, detail).await,
        }
    };
    // The year's closing, beside it.
    let closing = async {
        match (&branch.parent_id, detail) {
            (Some(school), Detail::Names) => {
                super::frozen::year_state(db, viewer, school, year, now)
                    .await
                    .map(Some)
            }
            _ => Ok(None),
        }
    };
    let (mut overview, closing) = futures::try_join!(overview, closing)?;
    if closing.is_some() {
        overview.closing = closing;
    }
    Ok(overview)
}

/// One branch's `year` computed from its records now (what a closed year's snapshot keeps).
pub async fn computed_year(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    rules: &[Rule],
    now: i64,
    year: i32,
) -> Result<BranchOverview, AppError> {
    let branch = readable_branch(db, viewer, branch_id).await?;
    computed_for(db, viewer, &branch, rules, now, year, Detail::Names).await
}

async fn computed_for(
    db: &Db,
    viewer: &CurrentUser,
    branch: &Branch,
    rules: &[Rule],
    now: i64,
    year: i32,
    detail: Detail,
) -> Result<BranchOverview, AppError> {
    let current = year == year_of(now);
    // What only the branch page shows (its to-dos about now, leave requests, years to pick).
    let page = detail == Detail::Names;
    // Side by side, each on a connection of its own; what only the branch page shows is read
    // only for it.
    let leave_requests = async {
        if current && page {
            crate::leave::server::branch_requests(db, &branch.id, now - 30 * 24 * 3_600_000).await
        } else {
            Ok(Vec::new())
        }
    };
    let now_todos = async {
        if current && page {
            super::now_todos::now_todos(db, viewer, &branch.id, now).await
        } else {
            Ok(Vec::new())
        }
    };
    let years = async {
        if page {
            years(db, &[&branch.id], year, now).await
        } else {
            Ok(Vec::new())
        }
    };
    let (activities, leave_requests, shape, now_todos, years) = futures::try_join!(
        year_activities(db, &branch.id, year, now, detail),
        leave_requests,
        shape(db, &branch.id),
        now_todos,
        years,
    )?;
    let held: Vec<_> = activities.iter().filter(|a| a.held).collect();
    let (months, quarters) = participation_by_period(
        &held
            .iter()
            .map(|a| (a.starts_at, a.figure.attendance))
            .collect::<Vec<_>>(),
        year,
    );
    let cadence = check(
        rules,
        &held
            .iter()
            .map(|a| Held {
                kind: a.kind,
                starts_at: a.starts_at,
                group: a.group.as_deref(),
            })
            .collect::<Vec<_>>(),
        year,
        now,
        &shape,
    );
    let items: Vec<_> = activities
        .iter()
        .map(|a| Item {
            id: &a.id,
            kind: a.kind,
            topic: &a.topic,
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            has_minutes: a.has_minutes,
            group: a.group.as_deref(),
            roll_taken: a.held,
        })
        .collect();
    let pending_leave = leave_requests
        .iter()
        .filter(|l| l.status == crate::domain::attendance::LeaveStatus::Pending)
        .count();
    let mut todos = todos(&cadence, &items, pending_leave, &branch.id, now);
    todos.extend(now_todos);
    todos.extend(activities.iter().filter_map(|a| {
        crate::domain::todo::conflicts(&a.id, &a.topic, a.starts_at, &a.conflicts)
    }));
    todos.sort_by_key(|t| t.urgency);
    Ok(BranchOverview {
        viewer: viewer.clone(),
        bar: SEED_PARTICIPATION_BAR,
        summary: summarise(branch, year, &activities),
        years,
        current,
        closing: None,
        months: period_figures(months),
        quarters: period_figures(quarters),
        cadence,
        todos,
        activities,
        leave_requests,
    })
}

/// The current year so far of every branch `viewer` may read.
pub async fn my_branches(db: &Db, viewer: &CurrentUser, now: i64) -> Result<MyBranches, AppError> {
    branches_year(db, viewer, now, None, None).await
}

/// `year` (the current one when `None`) of every branch `viewer` may read, or of `school`'s
/// alone (a bureau's viewer: none until a school is picked, see [`super::lookup::listed_branches`]).
pub async fn branches_year(
    db: &Db,
    viewer: &CurrentUser,
    now: i64,
    year: Option<i32>,
    school: Option<&str>,
) -> Result<MyBranches, AppError> {
    if !viewer.role.reads_branches() {
        return Err(AppError::Forbidden);
    }
    let year = crate::domain::time::figure_year(year, now).map_err(AppError::Invalid)?;
    let current = year == year_of(now);
    let mut branches = Vec::new();
    let mut todos = Vec::new();
    let schools = super::lookup::bureau_schools(db, viewer).await?;
    let readable = super::lookup::listed_branches(db, viewer, &schools, school).await?;
    for branch in &readable {
        let mut summary = match super::frozen::snapshot(db, &branch.id, year, now).await? {
            Some(frozen) => frozen.summary,
            None => {
                // A summary only: the counts, not who was there.
                let activities = year_activities(db, &branch.id, year, now, Detail::Counts).await?;
                summarise(branch, year, &activities)
            }
        };
        summary.school = branch
            .parent_id
            .as_ref()
            .and_then(|s| schools.iter().find(|x| x.id == *s))
            .map(|x| x.name.clone());
        branches.push(summary);
        if current && viewer.role == crate::domain::role::Role::Admin {
            todos.extend(
                crate::activity::server::changes_after_start(
                    db,
                    &branch.id,
                    now - super::now_todos::CHANGES_SHOWN_MS,
                )
                .await?,
            );
        }
    }
    if current
        && viewer.role == crate::domain::role::Role::Admin
        && let Some(today) = crate::domain::time::date_of(now)
    {
        let named: Vec<_> = readable
            .iter()
            .map(|b| (b.id.as_str(), b.name.as_str()))
            .collect();
        todos.extend(super::plan_todos::general_todos(db, &viewer.org_id, &named, today).await?);
    }
    let ids: Vec<&str> = readable.iter().map(|b| b.id.as_str()).collect();
    // The 总支's closing of the year; a bureau reads each school's on its branches' pages.
    let closing = match readable.first().and_then(|b| b.parent_id.clone()) {
        Some(school) if !viewer.role.is_bureau() => {
            Some(super::frozen::year_state(db, viewer, &school, year, now).await?)
        }
        _ => None,
    };
    Ok(MyBranches {
        viewer: viewer.clone(),
        bar: SEED_PARTICIPATION_BAR,
        branches,
        year,
        years: years(db, &ids, year, now).await?,
        closing,
        todos,
        schools,
        school: school.map(str::to_owned),
    })
}
