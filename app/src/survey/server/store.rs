//! Campaign storage: who may run a campaign, creating it, its name and dates, new versions of
//! its definition, and reading campaigns back.

use super::codes::new_token;
use crate::audit::Action;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::ballot::Definition;
use crate::domain::role::{Role, may_organise};
use crate::error::AppError;
use crate::survey::{CampaignDetails, CampaignInfo, NewCampaign};
use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

/// Whether `viewer` runs surveys for organisation `org` (whose parent is `parent`): the one
/// rule, `domain::role::may_organise`.
pub fn may_run(viewer: &CurrentUser, org: &str, parent: Option<&str>) -> bool {
    may_organise(viewer.role, &viewer.org_id, org, parent)
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    parent_id: Option<String>,
}

/// The parent of organisation `org`, if it has one.
async fn parent_of(db: &Db, org: &str) -> Result<Option<String>, AppError> {
    let row: OrgRow = sqlx::query_as("SELECT name, parent_id FROM organisations WHERE id = $1")
        .bind(org)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(row.parent_id)
}

#[derive(sqlx::FromRow)]
struct OrgName {
    id: String,
    name: String,
}

/// The organisations `viewer` may run a campaign for: their branch, or their school and its
/// branches. `(id, name)`.
pub async fn runnable_orgs(
    db: &Db,
    viewer: &CurrentUser,
) -> Result<Vec<(String, String)>, AppError> {
    let rows: Vec<OrgName> = match viewer.role {
        Role::Member | Role::BureauViewer | Role::BureauAdmin => return Err(AppError::Forbidden),
        Role::Secretary => {
            sqlx::query_as("SELECT id, name FROM organisations WHERE id = $1")
                .bind(&viewer.org_id)
                .fetch_all(db.pool())
                .await?
        }
        Role::Admin => {
            sqlx::query_as(
                "SELECT id, name FROM organisations \
                 WHERE (id = $1 OR parent_id = $1) AND archived_at IS NULL \
                 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END, sort_order, name",
            )
            .bind(&viewer.org_id)
            .fetch_all(db.pool())
            .await?
        }
    };
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

fn parse_day(s: &str, what: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid(format!("{what}应为 年-月-日，如 2026-12-01")))
}

impl CampaignDetails {
    /// Trimmed and checked, the dates in their one spelling (YYYY-MM-DD), or why not.
    fn checked(&self) -> Result<CampaignDetails, AppError> {
        let title = self.title.trim();
        let period = self.period.trim();
        if title.is_empty() || title.chars().count() > 60 {
            return Err(AppError::Invalid("请填写测评名称（最多 60 字）".into()));
        }
        if period.is_empty() || period.chars().count() > 30 {
            return Err(AppError::Invalid(
                "请填写测评期间，如“2026年度”（最多 30 字）".into(),
            ));
        }
        let opens = parse_day(&self.opens_on, "开始日期")?;
        let closes = parse_day(&self.closes_on, "结束日期")?;
        if closes < opens {
            return Err(AppError::Invalid("结束日期不能早于开始日期".into()));
        }
        // A campaign speaks of the year it runs in, or of the year just ended (a January
        // survey of last year's work).
        let years = opens.year() - 1..=closes.year();
        if let Some(y) = self.rating_year
            && !years.contains(&y)
        {
            return Err(AppError::Invalid(format!(
                "计入的评定年度应为 {} 年至 {} 年之间",
                years.start(),
                years.end()
            )));
        }
        Ok(CampaignDetails {
            title: title.to_owned(),
            period: period.to_owned(),
            opens_on: opens.to_string(),
            closes_on: closes.to_string(),
            rating_year: self.rating_year,
        })
    }
}

/// Renames a campaign or moves its dates — to extend it, or to end it early by making today
/// its last day. Takes effect at once: the answer pages read the dates on every request.
/// Answers already given are kept whatever the new dates say.
pub async fn change_details(
    db: &Db,
    viewer: &CurrentUser,
    campaign_id: &str,
    details: &CampaignDetails,
) -> Result<(), AppError> {
    let info = campaign_for_organiser(db, viewer, campaign_id).await?;
    let d = details.checked()?;
    let mut tx = db.begin_write().await?;
    // Neither a campaign of a closed year nor one moved into it.
    refuse_if_year_closed(&mut tx, &info.org_id, &info.opens_on).await?;
    refuse_if_year_closed(&mut tx, &info.org_id, &d.opens_on).await?;
    // Nor one whose figures move into or out of a closed year's rating.
    let counts_for = d
        .rating_year
        .or_else(|| crate::domain::time::year_named(&d.period, &d.closes_on));
    for year in [info.rating_year(), counts_for].into_iter().flatten() {
        refuse_if_year_closed(&mut tx, &info.org_id, &format!("{year}-01-01")).await?;
    }
    sqlx::query(
        "UPDATE survey_campaigns SET title = $2, period = $3, opens_on = $4, closes_on = $5, \
         rating_year = $6 WHERE id = $1",
    )
    .bind(campaign_id)
    .bind(&d.title)
    .bind(&d.period)
    .bind(&d.opens_on)
    .bind(&d.closes_on)
    .bind(d.rating_year)
    .execute(&mut *tx)
    .await?;
    let counts = d
        .rating_year
        .map(|y| format!("，计入 {y} 年度评定"))
        .unwrap_or_default();
    let detail = format!(
        "{}（{}），{} 至 {}{counts}",
        d.title, d.period, d.opens_on, d.closes_on
    );
    audit_campaign(&mut tx, viewer, &info, Action::CampaignChange, detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Refuses (with the reason) a change to a campaign of `org_id` whose first day `opens_on`
/// (`YYYY-MM-DD`) falls in a year its school has closed (年度封存): its figures are part of
/// that year's record.
pub(super) async fn refuse_if_year_closed(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    opens_on: &str,
) -> Result<(), AppError> {
    let Some(year) = opens_on.get(..4).and_then(|y| y.parse::<i32>().ok()) else {
        return Ok(());
    };
    let school = crate::audit::server::school_of(conn, org_id).await?;
    let closed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM year_closures WHERE school_id = $1 AND year = $2")
            .bind(&school)
            .bind(year)
            .fetch_one(&mut *conn)
            .await?;
    if closed > 0 {
        return Err(AppError::Invalid(crate::org::server::closed_message(year)));
    }
    Ok(())
}

/// Logs an act on a campaign in the audit log, in the act's transaction.
pub(super) async fn audit_campaign(
    conn: &mut sqlx::AnyConnection,
    viewer: &CurrentUser,
    info: &CampaignInfo,
    action: Action,
    detail: String,
) -> Result<(), AppError> {
    let school = crate::audit::server::school_of(conn, &info.org_id).await?;
    let branch = (school != info.org_id).then_some(info.org_id.as_str());
    let act = crate::audit::server::Act {
        action,
        school_id: &school,
        branch_id: branch,
        target: info.title.clone(),
        detail,
    };
    crate::audit::server::record(conn, viewer, act, crate::db::now_ms()).await
}

/// Creates a campaign with its first definition; returns its id.
pub async fn create_campaign(
    db: &Db,
    viewer: &CurrentUser,
    new: &NewCampaign,
    now: i64,
) -> Result<String, AppError> {
    let parent = parent_of(db, &new.org_id).await?;
    if !may_run(viewer, &new.org_id, parent.as_deref()) {
        return Err(AppError::Forbidden);
    }
    let details = CampaignDetails {
        title: new.title.clone(),
        period: new.period.clone(),
        opens_on: new.opens_on.clone(),
        closes_on: new.closes_on.clone(),
        rating_year: new.rating_year,
    }
    .checked()?;
    new.definition.check().map_err(AppError::Invalid)?;
    let id = Uuid::now_v7().to_string();
    let definition = serde_json::to_string(&new.definition).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    // Its figures would change a closed year's rating.
    let counts_for = details
        .rating_year
        .or_else(|| crate::domain::time::year_named(&details.period, &details.closes_on));
    if let Some(year) = counts_for {
        refuse_if_year_closed(&mut tx, &new.org_id, &format!("{year}-01-01")).await?;
    }
    sqlx::query(
        "INSERT INTO survey_campaigns \
         (id, org_id, title, period, opens_on, closes_on, version, open_token, created_by, \
          created_at, rating_year) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(&new.org_id)
    .bind(&details.title)
    .bind(&details.period)
    .bind(&details.opens_on)
    .bind(&details.closes_on)
    .bind(new.open_link.then(new_token))
    .bind(&viewer.id)
    .bind(now)
    .bind(details.rating_year)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO survey_versions (campaign_id, version, definition, created_at) \
         VALUES ($1, 1, $2, $3)",
    )
    .bind(&id)
    .bind(definition)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A campaign with its current definition, and its organisation's parent (for [`may_run`]).
pub(super) struct CampaignRow {
    pub info: CampaignInfo,
    pub parent: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CampaignRecord {
    id: String,
    org_id: String,
    org_name: String,
    parent_id: Option<String>,
    title: String,
    period: String,
    opens_on: String,
    closes_on: String,
    rating_year: Option<i32>,
    version: i64,
    open_token: Option<String>,
    definition: String,
}

pub(super) async fn campaign_row(db: &Db, id: &str) -> Result<Option<CampaignRow>, AppError> {
    let mut conn = db.pool().acquire().await?;
    campaign_row_on(&mut conn, id).await
}

/// A campaign with its organisation and current definition; `WHERE` follows.
const CAMPAIGN_SELECT: &str = "SELECT c.id, c.org_id, o.name AS org_name, o.parent_id, c.title, \
     c.period, c.opens_on, c.closes_on, c.rating_year, c.version, c.open_token, v.definition \
     FROM survey_campaigns c JOIN organisations o ON o.id = c.org_id \
     JOIN survey_versions v ON v.campaign_id = c.id AND v.version = c.version ";

pub(super) async fn campaign_row_on(
    conn: &mut sqlx::AnyConnection,
    id: &str,
) -> Result<Option<CampaignRow>, AppError> {
    let row: Option<CampaignRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CAMPAIGN_SELECT} WHERE c.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(CampaignRecord::into_row).transpose()
}

impl CampaignRecord {
    fn into_row(self) -> Result<CampaignRow, AppError> {
        let r = self;
        let definition: Definition = serde_json::from_str(&r.definition).map_err(|e| {
            tracing::error!(error = %e, campaign = r.id, "unreadable survey definition");
            AppError::Internal
        })?;
        Ok(CampaignRow {
            parent: r.parent_id,
            info: CampaignInfo {
                id: r.id,
                org_id: r.org_id,
                org_name: r.org_name,
                title: r.title,
                period: r.period,
                opens_on: r.opens_on,
                closes_on: r.closes_on,
                chosen_year: r.rating_year,
                version: r.version,
                open_token: r.open_token,
                definition,
            },
        })
    }
}

/// A campaign `viewer` runs.
pub async fn campaign_for_organiser(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
) -> Result<CampaignInfo, AppError> {
    let row = campaign_row(db, id).await?.ok_or(AppError::NotFound)?;
    if may_run(viewer, &row.info.org_id, row.parent.as_deref()) {
        Ok(row.info)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The campaigns of one organisation, oldest first; the caller has checked who reads them.
pub async fn campaigns_of_org(db: &Db, org_id: &str) -> Result<Vec<CampaignInfo>, AppError> {
    // One query for them all (the rating reads every campaign of the branch, each year).
    let rows: Vec<CampaignRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CAMPAIGN_SELECT} WHERE c.org_id = $1 ORDER BY c.created_at, c.id"
    )))
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| r.into_row().map(|row| row.info))
        .collect()
}

/// The campaigns `viewer` runs, newest first.
pub async fn campaigns(db: &Db, viewer: &CurrentUser) -> Result<Vec<CampaignInfo>, AppError> {
    let orgs = runnable_orgs(db, viewer).await?;
    let mut out = Vec::new();
    for (org, _) in orgs {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM survey_campaigns WHERE org_id = $1 ORDER BY created_at DESC",
        )
        .bind(&org)
        .fetch_all(db.pool())
        .await?;
        for id in ids {
            if let Some(row) = campaign_row(db, &id).await? {
                out.push(row.info);
            }
        }
    }
    out.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(out)
}
