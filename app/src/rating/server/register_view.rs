//! The registers of a branch's year as its rating page shows them.

use crate::db::Db;
use crate::domain::rating::{Assessment, Evaluation, HonourLevel, Level};
use crate::error::AppError;
use crate::rating::{AssessmentView, HonourView, LastYear, Registers, ViolationView};

/// The registers of `org_id` for `year` as the page shows them.
pub async fn read(
    db: &Db,
    org_id: &str,
    year: i32,
    with_violations: bool,
) -> Result<Registers, AppError> {
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let honours = sqlx::query_as::<_, (String, String, String, String, String, String)>(
        "SELECT id, awarded_on, level, title, issuer, evidence FROM honours \
         WHERE org_id = $1 AND awarded_on >= $2 AND awarded_on <= $3 ORDER BY awarded_on, id",
    )
    .bind(org_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(db.pool());
    let violations = async {
        if !with_violations {
            return Ok::<_, sqlx::Error>(None);
        }
        let rows: Vec<(String, String, String, i64, String)> = sqlx::query_as(
            "SELECT id, occurred_on, person, committee, note FROM violations \
             WHERE org_id = $1 AND occurred_on >= $2 AND occurred_on <= $3 ORDER BY occurred_on, id",
        )
        .bind(org_id)
        .bind(&from)
        .bind(&to)
        .fetch_all(db.pool())
        .await?;
        Ok(Some(
            rows.into_iter()
                .map(|(id, occurred_on, person, committee, note)| ViolationView {
                    id,
                    occurred_on,
                    person,
                    committee: committee != 0,
                    note,
                })
                .collect(),
        ))
    };
    let evaluation = sqlx::query_scalar::<_, String>(
        "SELECT grade FROM evaluations WHERE org_id = $1 AND year = $2",
    )
    .bind(org_id)
    .bind(year)
    .fetch_optional(db.pool());
    let assessments = sqlx::query_as::<_, (String, String, Option<String>, Option<String>)>(
        "SELECT u.id, u.display_name, CASE WHEN u.role = 'secretary' THEN COALESCE(u.committee_role, 'secretary') ELSE u.committee_role END, a.grade FROM users u \
         LEFT JOIN assessments a ON a.user_id = u.id AND a.year = $2 \
         WHERE u.org_id = $1 AND u.active = 1 AND (u.committee_role IS NOT NULL OR u.role = 'secretary') \
         ORDER BY u.display_name",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool());
    let baseline = sqlx::query_as::<_, (i64, String)>(
        "SELECT year, level FROM baseline_levels WHERE org_id = $1 ORDER BY year DESC LIMIT 1",
    )
    .bind(org_id)
    .fetch_optional(db.pool());
    // Side by side, each on a connection of its own.
    let (honours, violations, evaluation, assessments, baseline) =
        futures::try_join!(honours, violations, evaluation, assessments, baseline)?;
    Ok(Registers {
        honours: honours
            .into_iter()
            .filter_map(|(id, awarded_on, level, title, issuer, evidence)| {
                Some(HonourView {
                    id,
                    awarded_on,
                    level: HonourLevel::parse(&level)?,
                    title,
                    issuer,
                    evidence,
                })
            })
            .collect(),
        violations,
        evaluation: evaluation.as_deref().and_then(Evaluation::parse),
        assessments: assessments
            .into_iter()
            .map(|(user_id, name, seat, grade)| AssessmentView {
                user_id,
                name,
                seat: match seat.as_deref() {
                    Some("secretary") => "书记",
                    Some("deputy") => "副书记",
                    _ => "委员",
                }
                .to_owned(),
                grade: grade.as_deref().and_then(Assessment::parse),
            })
            .collect(),
        baseline: baseline.and_then(|(year, level)| {
            Some(LastYear {
                year: i32::try_from(year).ok()?,
                level: Level::parse(&level)?,
                baseline: true,
            })
        }),
    })
}
