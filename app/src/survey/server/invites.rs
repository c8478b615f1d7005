//! One-time codes (printed slips and personal links) of a campaign: issuing them and listing
//! the unused ones.

use super::codes::{code_hash, new_code};
use super::store::campaign_for_organiser;
use crate::audit::Action;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::ballot::Audience;
use crate::error::AppError;
use crate::survey::{CampaignInfo, InviteSlip};

/// The most one-time codes one request may make.
pub const MAX_INVITES_PER_BATCH: u32 = 500;

/// Makes `count` one-time codes for `audience`.
pub async fn create_invites(
    db: &Db,
    viewer: &CurrentUser,
    campaign_id: &str,
    audience: Audience,
    count: u32,
) -> Result<u32, AppError> {
    let info = campaign_for_organiser(db, viewer, campaign_id).await?;
    if !info.definition.audiences.contains(&audience) {
        return Err(AppError::Invalid(format!(
            "本次测评不面向{}",
            audience.label()
        )));
    }
    if count == 0 || count > MAX_INVITES_PER_BATCH {
        return Err(AppError::Invalid(format!(
            "每次可生成 1 到 {MAX_INVITES_PER_BATCH} 个邀请码"
        )));
    }
    let mut tx = db.begin_write().await?;
    let mut made = 0;
    while made < count {
        let code = new_code();
        let done = sqlx::query(
            "INSERT INTO survey_invites (code_hash, campaign_id, audience, code) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (code_hash) DO NOTHING",
        )
        .bind(code_hash(&code))
        .bind(campaign_id)
        .bind(audience.key())
        .bind(&code)
        .execute(&mut *tx)
        .await?;
        made += u32::try_from(done.rows_affected()).unwrap_or(0);
    }
    let detail = format!("{}：{made} 个", audience.label());
    super::store::audit_campaign(&mut tx, viewer, &info, Action::SurveyCodes, detail).await?;
    tx.commit().await?;
    Ok(made)
}

#[derive(sqlx::FromRow)]
struct SlipRow {
    code: String,
    audience: String,
}

/// Every code of a campaign, used or not and without saying which, for the print sheet and
/// personal links: a list that lost a code the moment it was used would tell the organiser
/// (who is being rated) when the person handed that code answered.
pub async fn invite_slips(
    db: &Db,
    viewer: &CurrentUser,
    campaign_id: &str,
) -> Result<(CampaignInfo, Vec<InviteSlip>), AppError> {
    let info = campaign_for_organiser(db, viewer, campaign_id).await?;
    let rows: Vec<SlipRow> = sqlx::query_as(
        "SELECT code, audience FROM survey_invites WHERE campaign_id = $1 \
         ORDER BY audience, code",
    )
    .bind(campaign_id)
    .fetch_all(db.pool())
    .await?;
    let slips = rows
        .into_iter()
        .map(|r| InviteSlip {
            code: r.code,
            audience: Audience::parse(&r.audience).unwrap_or(Audience::Others),
        })
        .collect();
    Ok((info, slips))
}
