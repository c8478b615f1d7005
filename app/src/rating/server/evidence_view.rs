//! The attested criteria's evidence as the rating page shows it: text, linked records, files
//! and the trail.

use crate::db::Db;
use crate::domain::rating::{CriterionKind, RuleSet};
use crate::error::AppError;
use crate::rating::{ActivityRef, EvidenceView, TrailEntry};
use futures::TryFutureExt;

pub(super) async fn evidence_views(
    db: &Db,
    rules: &RuleSet,
    org_id: &str,
    year: i32,
    activities: &[ActivityRef],
) -> Result<Vec<EvidenceView>, AppError> {
    let rows = sqlx::query_as::<_, (String, String, String, String, String)>(
        "SELECT criterion, state, body, links, comment FROM rating_evidence \
         WHERE org_id = $1 AND year = $2",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool());
    let trail = sqlx::query_as::<_, (String, String, String, String, i64)>(
        "SELECT t.criterion, t.act, t.note, u.display_name, t.at FROM rating_trail t \
         JOIN users u ON u.id = t.by_user WHERE t.org_id = $1 AND t.year = $2 ORDER BY t.at, t.id",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool());
    // The members' commitments the branch approved (岗位承诺 / 设岗定责).
    let pledges = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM post_commitments WHERE org_id = $1 AND year = $2 \
         AND state = 'approved'",
    )
    .bind(org_id)
    .bind(year)
    .fetch_one(db.pool());
    // Side by side, each on a connection of its own.
    let (rows, trail, files, pledges) = futures::try_join!(
        rows.err_into::<AppError>(),
        trail.err_into(),
        super::files::files_of(db, org_id, year),
        pledges.err_into(),
    )?;
    Ok(rules
        .criteria()
        .filter_map(|(_, c)| match &c.kind {
            CriterionKind::Attested { checklist } => Some((c, checklist)),
            _ => None,
        })
        .map(|(c, checklist)| {
            let row = rows.iter().find(|r| r.0 == c.key);
            let links: Vec<String> = row
                .and_then(|r| serde_json::from_str(&r.3).ok())
                .unwrap_or_default();
            EvidenceView {
                criterion: c.key.clone(),
                name: c.name.clone(),
                checklist: checklist.clone(),
                state: row.and_then(|r| crate::domain::rating::EvidenceState::parse(&r.1)),
                body: row.map(|r| r.2.clone()).unwrap_or_default(),
                links: links
                    .iter()
                    .filter_map(|id| activities.iter().find(|a| &a.id == id).cloned())
                    .collect(),
                files: files
                    .iter()
                    .filter(|(k, _)| *k == c.key)
                    .map(|(_, f)| f.clone())
                    .collect(),
                comment: row.map(|r| r.4.clone()).unwrap_or_default(),
                from_records: if c.key == POST_COMMITMENTS && pledges > 0 {
                    format!("支部已审核党员岗位承诺 {pledges} 份（见本年度承诺书页面）")
                } else {
                    String::new()
                },
                trail: trail
                    .iter()
                    .filter(|t| t.0 == c.key)
                    .map(|t| TrailEntry {
                        act: t.1.clone(),
                        note: t.2.clone(),
                        by_name: t.3.clone(),
                        at: t.4,
                    })
                    .collect(),
            }
        })
        .collect())
}

/// The rectification tasks of the organisation's plan of `year`, to link as evidence like its
/// activity records (`task:<id>`; the page links them to the plan).
pub(super) async fn task_refs(
    db: &Db,
    org_id: &str,
    year: i32,
) -> Result<Vec<ActivityRef>, AppError> {
    let plan = crate::branch::plan_todos::plan_tasks(db, org_id, year).await?;
    Ok(plan
        .map(|p| p.tasks)
        .unwrap_or_default()
        .into_iter()
        .map(|(t, status)| ActivityRef {
            id: format!("{}{}", crate::domain::plan::TASK_LINK_PREFIX, t.id),
            label: format!("整改任务：{}（{}）", t.title, status.label()),
        })
        .collect())
}

/// The criterion the members' own commitments are evidence for.
const POST_COMMITMENTS: &str = "post_commitments";
