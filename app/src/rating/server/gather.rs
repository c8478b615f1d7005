//! The inputs of a branch's rating of one year, read from storage: its activities (a closed
//! year's snapshot), roster, registers, survey campaigns and evidence.

use crate::auth::CurrentUser;
use crate::branch::BranchOverview;
use crate::db::Db;
use crate::domain::cadence::{Held, Shape};
use crate::domain::rating::{
    Assessment, Evaluation, Evidence, EvidenceState, Honour, HonourLevel, Inputs, Member,
    SurveyInput, Violation,
};
use crate::error::AppError;
use crate::org::server::Branch;
use crate::state::RuntimeConfig;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What was read; [`Gathered::inputs`] lends it to the rules.
pub struct Gathered {
    pub overview: BranchOverview,
    pub shape: Shape,
    pub members: Vec<Member>,
    pub violations: Vec<Violation>,
    pub honours: Vec<Honour>,
    pub evaluation: Option<Evaluation>,
    pub assessments: Vec<(String, Option<Assessment>)>,
    pub surveys: Vec<SurveyInput>,
    pub evidence: BTreeMap<String, Evidence>,
    pub now: i64,
    pub cadence: Vec<crate::domain::cadence::Rule>,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl Gathered {
    pub fn inputs(&self) -> Inputs<'_> {
        let now = self.now;
        let acts = &self.overview.activities;
        let held = acts
            .iter()
            .filter(|a| a.held)
            .map(|a| {
                (
                    Held {
                        kind: a.kind,
                        starts_at: a.starts_at,
                        group: a.group.as_deref(),
                    },
                    a.has_minutes,
                )
            })
            .collect();
        let ahead: Vec<_> = acts
            .iter()
            .filter(|a| !a.held && a.starts_at > now)
            .collect();
        Inputs {
            year: self.overview.summary.year,
            now,
            participation: self.overview.summary.year_figure.attendance,
            scheduled_expected: ahead.iter().map(|a| a.counts.expected).sum(),
            held,
            scheduled: ahead
                .iter()
                .map(|a| Held {
                    kind: a.kind,
                    starts_at: a.starts_at,
                    group: a.group.as_deref(),
                })
                .collect(),
            cadence: self.cadence.clone(),
            shape: self.shape.clone(),
            members: self.members.clone(),
            violations: self.violations.clone(),
            honours: self.honours.clone(),
            evaluation: self.evaluation,
            assessments: self.assessments.clone(),
            surveys: self.surveys.clone(),
            evidence: self.evidence.clone(),
        }
    }
}

/// The evidence of `org_id`'s attested criteria of `year`, by criterion.
pub async fn evidence(
    db: &Db,
    org_id: &str,
    year: i32,
) -> Result<BTreeMap<String, Evidence>, AppError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT criterion, state, comment FROM rating_evidence WHERE org_id = $1 AND year = $2",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, s, comment)| {
            Some((
                k,
                Evidence {
                    state: EvidenceState::parse(&s)?,
                    comment,
                },
            ))
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    display_name: String,
    staff: i64,
    birth_date: Option<String>,
    join_date: Option<String>,
}

/// Reads everything the rules need about `branch` in `year`. The caller has checked that
/// `viewer` may read the branch.
pub async fn gather(
    db: &Db,
    viewer: &CurrentUser,
    config: &RuntimeConfig,
    branch: &Branch,
    year: i32,
    now: i64,
) -> Result<Gathered, AppError> {
    // Every part is read on a connection of its own, side by side: on PostgreSQL a round trip
    // each, on SQLite a connection's thread each — one at a time they added up (issue 13).
    // The counts of each activity, not who was there: the rules count, and the page names no one.
    let (overview, shape, members, violations, honours, evaluation, assessments, surveys, evidence) =
        futures::try_join!(
            crate::branch::server::year_of_branch(
                db,
                viewer,
                branch,
                &config.cadence,
                now,
                Some(year),
                crate::branch::server::Detail::Counts,
            ),
            crate::branch::server::shape(db, &branch.id),
            members(db, &branch.id),
            violations(db, &branch.id),
            honours(db, &branch.id),
            evaluation(db, &branch.id, year),
            assessments(db, &branch.id, year),
            surveys(db, &branch.id, year, now),
            evidence(db, &branch.id, year),
        )?;
    Ok(Gathered {
        shape,
        members,
        violations,
        honours,
        evaluation,
        assessments,
        surveys,
        evidence,
        overview,
        now,
        cadence: config.cadence.clone(),
    })
}

/// The branch's active members (the 党员 the rules count, staff or not, with their dates).
async fn members(db: &Db, org_id: &str) -> Result<Vec<Member>, AppError> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT display_name, staff, birth_date, join_date FROM users \
         WHERE org_id = $1 AND active = 1 AND role IN ('member', 'secretary')",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|m| Member {
            name: m.display_name,
            staff: m.staff != 0,
            birth_date: m.birth_date.as_deref().and_then(date),
            join_date: m.join_date.as_deref().and_then(date),
        })
        .collect())
}

/// The branch's registered violations, every year's (the rules pick the year's).
async fn violations(db: &Db, org_id: &str) -> Result<Vec<Violation>, AppError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT occurred_on, committee FROM violations WHERE org_id = $1")
            .bind(org_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(d, c)| {
            Some(Violation {
                date: date(&d)?,
                committee: c != 0,
            })
        })
        .collect())
}

/// The branch's registered honours, every year's.
async fn honours(db: &Db, org_id: &str) -> Result<Vec<Honour>, AppError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT awarded_on, level, title FROM honours WHERE org_id = $1")
            .bind(org_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(d, level, title)| {
            Some(Honour {
                date: date(&d)?,
                level: HonourLevel::parse(&level)?,
                title,
            })
        })
        .collect())
}

/// The grade the school gave the branch for `year`, if any.
async fn evaluation(db: &Db, org_id: &str, year: i32) -> Result<Option<Evaluation>, AppError> {
    let grade: Option<String> =
        sqlx::query_scalar("SELECT grade FROM evaluations WHERE org_id = $1 AND year = $2")
            .bind(org_id)
            .bind(year)
            .fetch_optional(db.pool())
            .await?;
    Ok(grade.as_deref().and_then(Evaluation::parse))
}

/// The committee members and the secretary, each with their grade of `year` if given.
async fn assessments(
    db: &Db,
    org_id: &str,
    year: i32,
) -> Result<Vec<(String, Option<Assessment>)>, AppError> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT u.display_name, a.grade FROM users u \
         LEFT JOIN assessments a ON a.user_id = u.id AND a.year = $2 \
         WHERE u.org_id = $1 AND u.active = 1 AND (u.committee_role IS NOT NULL OR u.role = 'secretary') \
         ORDER BY u.display_name",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(n, g)| (n, g.as_deref().and_then(Assessment::parse)))
        .collect())
}

/// The branch's campaigns of `year`, with their counts once closed (an open campaign's
/// figures are withheld, as on its results page).
async fn surveys(db: &Db, org_id: &str, year: i32, now: i64) -> Result<Vec<SurveyInput>, AppError> {
    let today = crate::domain::time::date_of(now)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let mut out = Vec::new();
    for info in crate::survey::server::store::campaigns_of_org(db, org_id).await? {
        if info.rating_year() != Some(year) {
            continue;
        }
        let closed = today.as_str() > info.closes_on.as_str();
        let tallies = if closed {
            let (t, _) = crate::survey::server::tallies(db, &info).await?;
            t.into_iter().map(|((a, q), t)| (a, q, t)).collect()
        } else {
            Vec::new()
        };
        out.push(SurveyInput {
            campaign_id: info.id,
            title: info.title,
            closes_on: info.closes_on,
            closed,
            audiences: info.definition.audiences.clone(),
            questions: info
                .definition
                .questions
                .iter()
                .map(|q| q.key.clone())
                .collect(),
            convention: info.definition.convention.clone(),
            min_group: info.definition.min_group,
            tallies,
        });
    }
    Ok(out)
}
