//! Revising what a campaign asks: a new version of its definition. Once a campaign has answers,
//! the branch secretary being rated may only *ask* for a revision — the school's 总支 approves
//! or refuses it — so the rated cannot reshape a survey that is already telling against them.
//! Every revision (asked, approved, refused, applied) is in the audit log, and every version
//! stays in the campaign (`survey_versions`), its answers counted apart.

use super::store::{audit_campaign, campaign_for_organiser};
use crate::audit::Action;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::ballot::Definition;
use crate::error::AppError;
use crate::survey::{CampaignInfo, PendingRevision};

/// What became of a revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revised {
    /// In force now, as this version.
    Applied(i64),
    /// Waiting for the 总支's approval (the campaign has answers).
    AwaitingApproval,
}

/// Changes what a campaign asks or how it counts: a new version of its definition, which new
/// forms show from now on. Answers keep the version they were given under and are counted per
/// version; a form still showing the old version is refused with `wrong_version` (the phone
/// keeps that answer and says why). A secretary's revision of a campaign with answers waits for
/// the 总支 ([`decide_revision`]); the 总支's own applies at once.
pub async fn revise_campaign(
    db: &Db,
    viewer: &CurrentUser,
    campaign_id: &str,
    definition: &Definition,
    now: i64,
) -> Result<Revised, AppError> {
    let info = campaign_for_organiser(db, viewer, campaign_id).await?;
    definition.check().map_err(AppError::Invalid)?;
    if *definition == info.definition {
        return Err(AppError::Invalid("问卷没有改动".into()));
    }
    let json = serde_json::to_string(definition).map_err(|_| AppError::Internal)?;
    let answered: i64 =
        sqlx::query_scalar("SELECT COUNT(*) AS n FROM survey_answers WHERE campaign_id = $1")
            .bind(campaign_id)
            .fetch_one(db.pool())
            .await?;
    let by_school = crate::org::server::own_school(db, viewer).await.is_ok();
    let mut tx = db.begin_write().await?;
    super::store::refuse_if_year_closed(&mut tx, &info.org_id, &info.opens_on).await?;
    if answered > 0 && !by_school {
        // One request at a time: a newer one replaces a pending one.
        sqlx::query("DELETE FROM survey_revision_requests WHERE campaign_id = $1")
            .bind(campaign_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO survey_revision_requests \
               (campaign_id, definition, requested_by, requested_by_name, requested_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(campaign_id)
        .bind(&json)
        .bind(&viewer.id)
        .bind(&viewer.display_name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let detail = format!("已有 {answered} 份答卷，修改问卷须经总支批准：已提交申请");
        audit_campaign(&mut tx, viewer, &info, Action::CampaignRevision, detail).await?;
        tx.commit().await?;
        return Ok(Revised::AwaitingApproval);
    }
    let next = apply(&mut tx, &info, &json, now).await?;
    let detail = format!(
        "第 {} 版改为第 {next} 版（两版问卷均保存在测评中）",
        next - 1
    );
    audit_campaign(&mut tx, viewer, &info, Action::CampaignRevision, detail).await?;
    tx.commit().await?;
    Ok(Revised::Applied(next))
}

/// The 总支 approves (the revision becomes the next version) or refuses a pending revision.
pub async fn decide_revision(
    db: &Db,
    viewer: &CurrentUser,
    campaign_id: &str,
    approve: bool,
    now: i64,
) -> Result<Revised, AppError> {
    let info = campaign_for_organiser(db, viewer, campaign_id).await?;
    // The 总支 decides: the admin of the campaign's school (it runs the campaign, above).
    crate::org::server::own_school(db, viewer).await?;
    let mut tx = db.begin_write().await?;
    let pending: Option<(String, String)> = sqlx::query_as(
        "SELECT definition, requested_by_name FROM survey_revision_requests WHERE campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((json, asked_by)) = pending else {
        return Err(AppError::Invalid("没有待批准的修改".into()));
    };
    sqlx::query("DELETE FROM survey_revision_requests WHERE campaign_id = $1")
        .bind(campaign_id)
        .execute(&mut *tx)
        .await?;
    let outcome = if approve {
        super::store::refuse_if_year_closed(&mut tx, &info.org_id, &info.opens_on).await?;
        let next = apply(&mut tx, &info, &json, now).await?;
        let detail = format!("批准{asked_by}的修改：第 {} 版改为第 {next} 版", next - 1);
        audit_campaign(&mut tx, viewer, &info, Action::CampaignRevision, detail).await?;
        Revised::Applied(next)
    } else {
        let detail = format!("驳回{asked_by}的修改，问卷不变");
        audit_campaign(&mut tx, viewer, &info, Action::CampaignRevision, detail).await?;
        Revised::AwaitingApproval
    };
    tx.commit().await?;
    Ok(outcome)
}

/// The revision waiting for the 总支, if any.
pub async fn pending_revision(
    db: &Db,
    campaign_id: &str,
) -> Result<Option<PendingRevision>, AppError> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT requested_by_name, requested_at FROM survey_revision_requests \
         WHERE campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(requested_by, requested_at)| PendingRevision {
        requested_by,
        requested_at,
    }))
}

/// Writes the definition `json` as the campaign's next version; returns it.
async fn apply(
    tx: &mut sqlx::AnyConnection,
    info: &CampaignInfo,
    json: &str,
    now: i64,
) -> Result<i64, AppError> {
    let current: i64 = sqlx::query_scalar("SELECT version FROM survey_campaigns WHERE id = $1")
        .bind(&info.id)
        .fetch_one(&mut *tx)
        .await?;
    let next = current + 1;
    sqlx::query(
        "INSERT INTO survey_versions (campaign_id, version, definition, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&info.id)
    .bind(next)
    .bind(json)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(revised_meanwhile)?;
    sqlx::query("UPDATE survey_campaigns SET version = $2 WHERE id = $1")
        .bind(&info.id)
        .bind(next)
        .execute(&mut *tx)
        .await?;
    Ok(next)
}

/// Two organisers saving a revision at once (possible on PostgreSQL; SQLite's write lock
/// orders them): both read the same version and both claim the next one. The key of
/// `survey_versions` lets one in; the other is told, not shown a server error.
fn revised_meanwhile(e: sqlx::Error) -> AppError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::Invalid("问卷刚刚被他人修改过，请刷新页面后重新修改".into())
        }
        _ => e.into(),
    }
}
