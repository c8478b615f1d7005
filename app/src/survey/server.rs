//! Survey storage: campaigns, one-time codes, anonymous answers stored exactly once, and the
//! counts the figures are computed from.
//!
//! The anonymity rule is enforced here: [`submit`] consumes the code (or the device's open-link
//! use) and stores the answer in one transaction, and writes nothing that joins the two — the
//! answer row has no code, person, device, address or time, and its key is a hash of the
//! phone's record id.

use super::{
    CampaignDetails, CampaignInfo, CampaignResults, GroupFigures, InviteSlip, NewCampaign,
    QuestionFigure,
};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::ballot::{Audience, Ballot, BallotError, Definition};
use crate::domain::role::Role;
use crate::domain::survey::{Tally, figure};
use crate::domain::time::date_of;
use crate::error::AppError;
use chrono::NaiveDate;
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// The most one-time codes one request may make.
pub const MAX_INVITES_PER_BATCH: u32 = 500;

/// How a respondent is let in: a one-time code, or the open link from a device.
#[derive(Clone, Debug)]
pub enum Credential {
    Code(String),
    Open { token: String, device: String },
}

/// An answer as it arrives, from the form or through sync.
#[derive(Clone, Debug)]
pub struct Submission {
    /// The record id the phone (or the rendered form) made.
    pub id: Uuid,
    pub campaign_id: String,
    pub version: i64,
    pub credential: Credential,
    /// The respondent's group; for a code it comes from the code and this is ignored.
    pub audience: Option<Audience>,
    pub choices: BTreeMap<String, u8>,
    pub comment: Option<String>,
}

/// What happened to a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// The same id with the same content was stored before: a success.
    Duplicate,
    /// The same id with other content: nothing overwritten.
    Conflict,
    Rejected(Refusal),
}

/// Why an answer was refused, worded for the respondent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    UnknownCampaign,
    NotYetOpen(String),
    Closed(String),
    WrongVersion { current: i64 },
    UnknownCode,
    UsedCode,
    DeviceUsed,
    NoDevice,
    NoAudience,
    Ballot(BallotError),
}

impl Refusal {
    /// A stable name for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownCampaign => "unknown_campaign",
            Refusal::NotYetOpen(_) => "not_open",
            Refusal::Closed(_) => "closed",
            Refusal::WrongVersion { .. } => "wrong_version",
            Refusal::UnknownCode => "unknown_code",
            Refusal::UsedCode => "used_code",
            Refusal::DeviceUsed => "device_used",
            Refusal::NoDevice => "no_device",
            Refusal::NoAudience => "no_audience",
            Refusal::Ballot(_) => "invalid_answer",
        }
    }
}

impl Refusal {
    /// The sync protocol's code for this refusal.
    pub fn reject_code(&self) -> crate::sync::protocol::RejectCode {
        use crate::sync::protocol::RejectCode as C;
        match self {
            Refusal::UnknownCampaign | Refusal::NotYetOpen(_) | Refusal::Closed(_) => {
                C::SurveyUnavailable
            }
            Refusal::WrongVersion { .. } => C::WrongVersion,
            Refusal::UnknownCode => C::CodeUnknown,
            Refusal::UsedCode => C::CodeUsed,
            Refusal::DeviceUsed | Refusal::NoDevice => C::DeviceUsed,
            Refusal::NoAudience | Refusal::Ballot(_) => C::BadAnswer,
        }
    }
}

/// Stores a pushed survey answer in the batch's transaction: the protocol's view of [`submit`].
pub async fn store_pushed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: Uuid,
    body: &crate::sync::protocol::SurveyAnswerBody,
    device: Option<&str>,
    now: i64,
) -> Result<crate::sync::protocol::PushResult, AppError> {
    use crate::sync::protocol::{PushResult, PushStatus, RejectCode};
    let credential = match (&body.code, &body.open_token) {
        (Some(code), None) => Credential::Code(code.clone()),
        (None, Some(token)) => Credential::Open {
            token: token.clone(),
            device: device.unwrap_or_default().to_owned(),
        },
        _ => {
            return Ok(PushResult::rejected(
                Some(id.to_string()),
                RejectCode::Malformed,
                "答卷须带邀请码或开放链接之一",
            ));
        }
    };
    let submission = Submission {
        id,
        campaign_id: body.campaign_id.clone(),
        version: body.version,
        credential,
        audience: body.audience,
        choices: body.choices.clone(),
        comment: body.comment.clone(),
    };
    Ok(match submit_in(tx, &submission, now).await? {
        Outcome::Accepted => PushResult::stored(id, PushStatus::Accepted),
        Outcome::Duplicate => PushResult::stored(id, PushStatus::Duplicate),
        Outcome::Conflict => PushResult::conflict(id),
        Outcome::Rejected(r) => {
            PushResult::rejected(Some(id.to_string()), r.reject_code(), r.to_string())
        }
    })
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::UnknownCampaign => write!(f, "没有找到这次测评，请核对链接"),
            Refusal::NotYetOpen(d) => write!(f, "本次测评 {d} 开始，现在还不能作答"),
            Refusal::Closed(d) => write!(f, "本次测评已于 {d} 结束"),
            Refusal::WrongVersion { .. } => {
                write!(f, "问卷在您作答期间更新了，请刷新页面后重新作答")
            }
            Refusal::UnknownCode => write!(f, "邀请码不正确，请核对纸条或链接"),
            Refusal::UsedCode => write!(f, "这个邀请码已经使用过了，每个邀请码只能作答一次"),
            Refusal::DeviceUsed => write!(f, "这部手机已经通过此链接作答过了"),
            Refusal::NoDevice => write!(f, "请允许浏览器保存 Cookie 后重新打开链接"),
            Refusal::NoAudience => write!(f, "请选择您的身份"),
            Refusal::Ballot(e) => write!(f, "{e}"),
        }
    }
}

/// `scheme://host` of a request (behind a proxy, its `X-Forwarded-Proto`), for absolute links
/// in QR codes.
pub fn origin_of(headers: &http::HeaderMap) -> String {
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:3000");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// A code as typed on a slip: case, spaces and dashes don't matter.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn code_hash(code: &str) -> String {
    sha256_hex(normalise_code(code).as_bytes())
}

/// The key an answer is stored under: a hash of the record id, which (a UUIDv7) carries the
/// moment it was made.
pub fn answer_key(id: &Uuid) -> String {
    sha256_hex(format!("survey-answer:{id}").as_bytes())
}

/// The hash of a device cookie, as the open-link limit keeps it.
pub fn device_hash(device: &str) -> String {
    sha256_hex(format!("survey-device:{device}").as_bytes())
}

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A new slip code: 8 characters from 32 (40 bits), shown as `ABCD-EFGH`.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..8)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// A new open-link token: 22 characters (≈ 110 bits).
pub fn new_token() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..22)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether `viewer` runs surveys for organisation `org` (whose parent is `parent`): a
/// secretary for their own branch, an admin for their school and its branches.
pub fn may_run(viewer: &CurrentUser, org: &str, parent: Option<&str>) -> bool {
    match viewer.role {
        Role::Member => false,
        Role::Secretary => viewer.org_id == org,
        Role::Admin => viewer.org_id == org || parent == Some(viewer.org_id.as_str()),
    }
}

async fn org_of(db: &Db, org: &str) -> Result<(String, Option<String>), AppError> {
    let row = sqlx::query("SELECT name, parent_id FROM organisations WHERE id = $1")
        .bind(org)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((row.try_get("name")?, row.try_get("parent_id")?))
}

/// The organisations `viewer` may run a campaign for: their branch, or their school and its
/// branches. `(id, name)`.
pub async fn runnable_orgs(
    db: &Db,
    viewer: &CurrentUser,
) -> Result<Vec<(String, String)>, AppError> {
    let rows = match viewer.role {
        Role::Member => return Err(AppError::Forbidden),
        Role::Secretary => {
            sqlx::query("SELECT id, name FROM organisations WHERE id = $1")
                .bind(&viewer.org_id)
                .fetch_all(db.pool())
                .await?
        }
        Role::Admin => {
            sqlx::query(
                "SELECT id, name FROM organisations WHERE id = $1 OR parent_id = $1 \
                 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END, sort_order, name",
            )
            .bind(&viewer.org_id)
            .fetch_all(db.pool())
            .await?
        }
    };
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
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
        Ok(CampaignDetails {
            title: title.to_owned(),
            period: period.to_owned(),
            opens_on: opens.to_string(),
            closes_on: closes.to_string(),
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
    campaign_for_organiser(db, viewer, campaign_id).await?;
    let d = details.checked()?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE survey_campaigns SET title = $2, period = $3, opens_on = $4, closes_on = $5 \
         WHERE id = $1",
    )
    .bind(campaign_id)
    .bind(&d.title)
    .bind(&d.period)
    .bind(&d.opens_on)
    .bind(&d.closes_on)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates a campaign with its first definition; returns its id.
pub async fn create_campaign(
    db: &Db,
    viewer: &CurrentUser,
    new: &NewCampaign,
    now: i64,
) -> Result<String, AppError> {
    let (_, parent) = org_of(db, &new.org_id).await?;
    if !may_run(viewer, &new.org_id, parent.as_deref()) {
        return Err(AppError::Forbidden);
    }
    let details = CampaignDetails {
        title: new.title.clone(),
        period: new.period.clone(),
        opens_on: new.opens_on.clone(),
        closes_on: new.closes_on.clone(),
    }
    .checked()?;
    new.definition.check().map_err(AppError::Invalid)?;
    let id = Uuid::now_v7().to_string();
    let definition = serde_json::to_string(&new.definition).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO survey_campaigns \
         (id, org_id, title, period, opens_on, closes_on, version, open_token, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9)",
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

struct CampaignRow {
    info: CampaignInfo,
    parent: Option<String>,
}

async fn campaign_row(db: &Db, id: &str) -> Result<Option<CampaignRow>, AppError> {
    let mut conn = db.pool().acquire().await?;
    campaign_row_on(&mut conn, id).await
}

async fn campaign_row_on(
    conn: &mut sqlx::AnyConnection,
    id: &str,
) -> Result<Option<CampaignRow>, AppError> {
    let row = sqlx::query(
        "SELECT c.id, c.org_id, o.name AS org_name, o.parent_id, c.title, c.period, c.opens_on, \
         c.closes_on, c.version, c.open_token, v.definition \
         FROM survey_campaigns c JOIN organisations o ON o.id = c.org_id \
         JOIN survey_versions v ON v.campaign_id = c.id AND v.version = c.version \
         WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let definition: String = r.try_get("definition")?;
    let definition: Definition = serde_json::from_str(&definition).map_err(|e| {
        tracing::error!(error = %e, campaign = id, "unreadable survey definition");
        AppError::Internal
    })?;
    Ok(Some(CampaignRow {
        parent: r.try_get("parent_id")?,
        info: CampaignInfo {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            org_name: r.try_get("org_name")?,
            title: r.try_get("title")?,
            period: r.try_get("period")?,
            opens_on: r.try_get("opens_on")?,
            closes_on: r.try_get("closes_on")?,
            version: r.try_get("version")?,
            open_token: r.try_get("open_token")?,
            definition,
        },
    }))
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

/// Changes what a campaign asks or how it counts: a new version of its definition, which new
/// forms show from now on. Answers keep the version they were given under and are counted per
/// version; a form still showing the old version is refused with `wrong_version` (the phone
/// keeps that answer and says why).
pub async fn revise_campaign(
    db: &Db,
    viewer: &CurrentUser,
    campaign_id: &str,
    definition: &Definition,
    now: i64,
) -> Result<i64, AppError> {
    let info = campaign_for_organiser(db, viewer, campaign_id).await?;
    definition.check().map_err(AppError::Invalid)?;
    if *definition == info.definition {
        return Err(AppError::Invalid("问卷没有改动".into()));
    }
    let json = serde_json::to_string(definition).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    let current: i64 = sqlx::query("SELECT version FROM survey_campaigns WHERE id = $1")
        .bind(campaign_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("version")?;
    let next = current + 1;
    sqlx::query(
        "INSERT INTO survey_versions (campaign_id, version, definition, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(campaign_id)
    .bind(next)
    .bind(json)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE survey_campaigns SET version = $2 WHERE id = $1")
        .bind(campaign_id)
        .bind(next)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(next)
}

/// The campaigns `viewer` runs, newest first.
pub async fn campaigns(db: &Db, viewer: &CurrentUser) -> Result<Vec<CampaignInfo>, AppError> {
    let orgs = runnable_orgs(db, viewer).await?;
    let mut out = Vec::new();
    for (org, _) in orgs {
        let ids = sqlx::query(
            "SELECT id FROM survey_campaigns WHERE org_id = $1 ORDER BY created_at DESC",
        )
        .bind(&org)
        .fetch_all(db.pool())
        .await?;
        for r in ids {
            let id: String = r.try_get("id")?;
            if let Some(row) = campaign_row(db, &id).await? {
                out.push(row.info);
            }
        }
    }
    out.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(out)
}

/// Whether the campaign takes answers on `today` (China date): `Err` says why not.
pub fn open_on(info: &CampaignInfo, today: &str) -> Result<(), Refusal> {
    if today < info.opens_on.as_str() {
        Err(Refusal::NotYetOpen(info.opens_on.clone()))
    } else if today > info.closes_on.as_str() {
        Err(Refusal::Closed(info.closes_on.clone()))
    } else {
        Ok(())
    }
}

fn today(now: i64) -> String {
    date_of(now).map(|d| d.to_string()).unwrap_or_default()
}

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
    tx.commit().await?;
    Ok(made)
}

/// The unused codes of a campaign, for the print sheet and personal links.
pub async fn unused_invites(
    db: &Db,
    viewer: &CurrentUser,
    campaign_id: &str,
) -> Result<(CampaignInfo, Vec<InviteSlip>), AppError> {
    let info = campaign_for_organiser(db, viewer, campaign_id).await?;
    let rows = sqlx::query(
        "SELECT code, audience FROM survey_invites WHERE campaign_id = $1 AND used = 0 \
         ORDER BY audience, code",
    )
    .bind(campaign_id)
    .fetch_all(db.pool())
    .await?;
    let slips = rows
        .iter()
        .map(|r| {
            let audience: String = r.try_get("audience")?;
            Ok(InviteSlip {
                code: r.try_get("code")?,
                audience: Audience::parse(&audience).unwrap_or(Audience::Others),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok((info, slips))
}

/// What a respondent's link leads to.
#[derive(Clone, Debug)]
pub struct Entry {
    pub info: CampaignInfo,
    /// Fixed by the code; `None` for the open link (the respondent says).
    pub audience: Option<Audience>,
}

/// Looks up a one-time code: its campaign, if the code is unused and the campaign open. The
/// outer error is the server's (the database); the inner one is why this link can't be answered.
pub async fn entry_by_code(
    db: &Db,
    code: &str,
    now: i64,
) -> Result<Result<Entry, Refusal>, AppError> {
    let row =
        sqlx::query("SELECT campaign_id, audience, used FROM survey_invites WHERE code_hash = $1")
            .bind(code_hash(code))
            .fetch_optional(db.pool())
            .await?;
    let Some(row) = row else {
        return Ok(Err(Refusal::UnknownCode));
    };
    let campaign: String = row.try_get("campaign_id")?;
    let audience: String = row.try_get("audience")?;
    let used: i64 = row.try_get("used")?;
    Ok(match open_campaign(db, &campaign, now).await? {
        Ok(_) if used != 0 => Err(Refusal::UsedCode),
        Ok(info) => Ok(Entry {
            info,
            audience: Audience::parse(&audience),
        }),
        Err(r) => Err(r),
    })
}

/// Looks up an open link's token, as [`entry_by_code`] does a code.
pub async fn entry_by_token(
    db: &Db,
    token: &str,
    now: i64,
) -> Result<Result<Entry, Refusal>, AppError> {
    let id: Option<String> = sqlx::query("SELECT id FROM survey_campaigns WHERE open_token = $1")
        .bind(token)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
    let Some(id) = id else {
        return Ok(Err(Refusal::UnknownCampaign));
    };
    Ok(open_campaign(db, &id, now).await?.map(|info| Entry {
        info,
        audience: None,
    }))
}

/// A campaign that takes answers today, or why it doesn't.
async fn open_campaign(
    db: &Db,
    id: &str,
    now: i64,
) -> Result<Result<CampaignInfo, Refusal>, AppError> {
    let Some(row) = campaign_row(db, id).await? else {
        return Ok(Err(Refusal::UnknownCampaign));
    };
    Ok(open_on(&row.info, &today(now)).map(|()| row.info))
}

/// The content stored under an answer's key, if any.
async fn stored_content(
    conn: &mut sqlx::AnyConnection,
    key: &str,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query("SELECT content_hash FROM survey_answers WHERE id_hash = $1")
            .bind(key)
            .fetch_optional(conn)
            .await?
            .map(|r| r.try_get("content_hash"))
            .transpose()?,
    )
}

/// A record id seen before: the same content is a duplicate, other content a conflict.
fn seen_before(stored: &str, content: &str) -> Outcome {
    if stored == content {
        Outcome::Duplicate
    } else {
        Outcome::Conflict
    }
}

fn content_hash(campaign: &str, version: i64, ballot: &Ballot) -> String {
    let canonical = serde_json::json!({
        "campaign": campaign,
        "version": version,
        "audience": ballot.audience.key(),
        "choices": ballot.choices,
        "comment": ballot.comment,
    });
    sha256_hex(canonical.to_string().as_bytes())
}

/// The definition of one version of a campaign, if that version exists.
async fn definition_of(
    conn: &mut sqlx::AnyConnection,
    campaign: &str,
    version: i64,
) -> Result<Option<Definition>, AppError> {
    let row = sqlx::query(
        "SELECT definition FROM survey_versions WHERE campaign_id = $1 AND version = $2",
    )
    .bind(campaign)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row
        .map(|r| r.try_get::<String, _>("definition"))
        .transpose()?
        .and_then(|d| serde_json::from_str(&d).ok()))
}

/// Stores an answer exactly once. The credential is consumed and the answer written in one
/// transaction, with nothing stored that joins them.
pub async fn submit(db: &Db, s: &Submission, now: i64) -> Result<Outcome, AppError> {
    let mut tx = db.begin_write().await?;
    let outcome = submit_in(&mut tx, s, now).await?;
    if outcome == Outcome::Accepted {
        tx.commit().await?;
        // The answer is stored; a failure here is logged and the next answer's pass covers it.
        let _ = restamp(db, std::slice::from_ref(&s.campaign_id)).await;
    }
    Ok(outcome)
}

/// Blurs the one trace the database itself keeps of which rows a transaction wrote. On
/// PostgreSQL every row carries the id of the transaction that wrote it (`xmin`): the answer
/// and the code or device row spent with it would share one. Rewriting every spent code and
/// device row of the campaign in a later transaction gives them all that transaction's id, so
/// none shares an id with any answer. (Superseded row versions linger until VACUUM, readable
/// only with page-inspection rights.) SQLite keeps no such column; nothing to do there.
pub async fn restamp(db: &Db, campaigns: &[String]) -> Result<(), AppError> {
    if db.backend() != crate::db::Backend::Postgres || campaigns.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    for campaign in campaigns {
        sqlx::query("UPDATE survey_invites SET used = used WHERE campaign_id = $1 AND used = 1")
            .bind(campaign)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE survey_open_uses SET device_hash = device_hash WHERE campaign_id = $1")
            .bind(campaign)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// [`submit`] inside the caller's transaction (a pushed batch). Writes only when the outcome
/// is `Accepted`, so a refusal leaves the rest of the batch as it was.
pub async fn submit_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    s: &Submission,
    now: i64,
) -> Result<Outcome, AppError> {
    let key = answer_key(&s.id);
    let Some(row) = campaign_row_on(tx, &s.campaign_id).await? else {
        return Ok(Outcome::Rejected(Refusal::UnknownCampaign));
    };
    let info = row.info;
    // A retry is recognised before anything else: it succeeds even after the code was used
    // (by this very answer) or the campaign closed.
    let earlier = stored_content(tx, &key).await?;
    // The audience a code carries, looked up without consuming it yet.
    let audience = match &s.credential {
        Credential::Code(code) => {
            let row = sqlx::query(
                "SELECT audience, campaign_id FROM survey_invites WHERE code_hash = $1",
            )
            .bind(code_hash(code))
            .fetch_optional(&mut **tx)
            .await?;
            match row {
                Some(r) if r.try_get::<String, _>("campaign_id")? == info.id => {
                    Audience::parse(&r.try_get::<String, _>("audience")?)
                }
                _ if earlier.is_some() => s.audience,
                _ => return Ok(Outcome::Rejected(Refusal::UnknownCode)),
            }
        }
        Credential::Open { .. } => s.audience,
    };
    let Some(audience) = audience else {
        return Ok(Outcome::Rejected(Refusal::NoAudience));
    };
    // A new answer must be given under the current version. A retry is read under the
    // version it was given under, so an answer stored before a revision is still its own
    // duplicate after it.
    if earlier.is_none() && s.version != info.version {
        return Ok(Outcome::Rejected(Refusal::WrongVersion {
            current: info.version,
        }));
    }
    let definition = if s.version == info.version {
        Some(info.definition.clone())
    } else {
        definition_of(tx, &info.id, s.version).await?
    };
    let Some(definition) = definition else {
        return Ok(Outcome::Conflict);
    };
    let ballot = match Ballot::parse(&definition, audience, s.choices.clone(), s.comment.clone()) {
        Ok(b) => b,
        Err(e) if earlier.is_none() => return Ok(Outcome::Rejected(Refusal::Ballot(e))),
        Err(_) => return Ok(Outcome::Conflict),
    };
    let content = content_hash(&info.id, s.version, &ballot);
    if let Some(earlier) = earlier {
        return Ok(seen_before(&earlier, &content));
    }
    if let Err(r) = open_on(&info, &today(now)) {
        return Ok(Outcome::Rejected(r));
    }
    let consumed = match &s.credential {
        Credential::Code(code) => sqlx::query(
            "UPDATE survey_invites SET used = 1 \
             WHERE code_hash = $1 AND campaign_id = $2 AND used = 0",
        )
        .bind(code_hash(code))
        .bind(&info.id)
        .execute(&mut **tx)
        .await?
        .rows_affected(),
        Credential::Open { token, device } => {
            if info.open_token.as_deref() != Some(token.as_str()) {
                return Ok(Outcome::Rejected(Refusal::UnknownCampaign));
            }
            if device.trim().is_empty() {
                return Ok(Outcome::Rejected(Refusal::NoDevice));
            }
            sqlx::query(
                "INSERT INTO survey_open_uses (campaign_id, device_hash) VALUES ($1, $2) \
                 ON CONFLICT (campaign_id, device_hash) DO NOTHING",
            )
            .bind(&info.id)
            .bind(device_hash(device))
            .execute(&mut **tx)
            .await?
            .rows_affected()
        }
    };
    if consumed != 1 {
        // The same answer sent twice at once (PostgreSQL lets both in until the code's row is
        // locked): the first one's commit is visible now, and this one is its duplicate.
        if let Some(stored) = stored_content(tx, &key).await? {
            return Ok(seen_before(&stored, &content));
        }
        return Ok(Outcome::Rejected(match s.credential {
            Credential::Code(_) => Refusal::UsedCode,
            Credential::Open { .. } => Refusal::DeviceUsed,
        }));
    }
    sqlx::query(
        "INSERT INTO survey_answers (id_hash, campaign_id, version, audience, comment, content_hash) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&key)
    .bind(&info.id)
    .bind(s.version)
    .bind(ballot.audience.key())
    .bind(ballot.comment.as_deref())
    .bind(&content)
    .execute(&mut **tx)
    .await?;
    for (question, choice) in &ballot.choices {
        sqlx::query("INSERT INTO survey_choices (answer_id, question, choice) VALUES ($1, $2, $3)")
            .bind(&key)
            .bind(question)
            .bind(i64::from(*choice))
            .execute(&mut **tx)
            .await?;
    }
    Ok(Outcome::Accepted)
}

/// The raw counts of a campaign's current version: per audience and question, votes per
/// choice; and answers per audience.
pub async fn tallies(
    db: &Db,
    info: &CampaignInfo,
) -> Result<(HashMap<(Audience, String), Tally>, BTreeMap<Audience, u32>), AppError> {
    let scale = info.definition.scale;
    let rows = sqlx::query(
        "SELECT a.audience, c.question, c.choice, COUNT(*) AS n \
         FROM survey_answers a JOIN survey_choices c ON c.answer_id = a.id_hash \
         WHERE a.campaign_id = $1 AND a.version = $2 \
         GROUP BY a.audience, c.question, c.choice",
    )
    .bind(&info.id)
    .bind(info.version)
    .fetch_all(db.pool())
    .await?;
    let mut tallies: HashMap<(Audience, String), Tally> = HashMap::new();
    for r in rows {
        let Some(audience) = Audience::parse(&r.try_get::<String, _>("audience")?) else {
            continue;
        };
        let question: String = r.try_get("question")?;
        let choice: i64 = r.try_get("choice")?;
        let n: i64 = r.try_get("n")?;
        let tally = tallies
            .entry((audience, question))
            .or_insert_with(|| Tally::empty(&scale));
        for _ in 0..n {
            tally.record(&scale, usize::try_from(choice).unwrap_or(usize::MAX));
        }
    }
    let counts = sqlx::query(
        "SELECT audience, COUNT(*) AS n FROM survey_answers \
         WHERE campaign_id = $1 AND version = $2 GROUP BY audience",
    )
    .bind(&info.id)
    .bind(info.version)
    .fetch_all(db.pool())
    .await?;
    let mut responses = BTreeMap::new();
    for r in counts {
        if let Some(a) = Audience::parse(&r.try_get::<String, _>("audience")?) {
            let n: i64 = r.try_get("n")?;
            responses.insert(a, u32::try_from(n).unwrap_or(u32::MAX));
        }
    }
    Ok((tallies, responses))
}

/// The campaign's counts and figures as the organiser reads them.
pub async fn results(
    db: &Db,
    viewer: &CurrentUser,
    campaign_id: &str,
    now: i64,
) -> Result<CampaignResults, AppError> {
    let info = campaign_for_organiser(db, viewer, campaign_id).await?;
    let (tallies, responses) = tallies(db, &info).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS issued, COALESCE(SUM(used), 0) AS used \
         FROM survey_invites WHERE campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_one(db.pool())
    .await?;
    let issued: i64 = row.try_get("issued")?;
    let used: i64 = row.try_get("used")?;
    let open_state = match open_on(&info, &today(now)) {
        Ok(()) => "进行中".to_owned(),
        Err(r @ Refusal::NotYetOpen(_)) | Err(r @ Refusal::Closed(_)) => r.to_string(),
        Err(r) => r.to_string(),
    };
    let groups = group_figures(&info.definition, &tallies);
    let earlier: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM survey_answers WHERE campaign_id = $1 AND version <> $2",
    )
    .bind(campaign_id)
    .bind(info.version)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok(CampaignResults {
        earlier_versions_answers: u32::try_from(earlier).unwrap_or(0),
        viewer: viewer.clone(),
        origin: String::new(),
        responses: responses.into_iter().collect(),
        invites_issued: u32::try_from(issued).unwrap_or(0),
        invites_used: u32::try_from(used).unwrap_or(0),
        open_state,
        groups,
        info,
    })
}

/// Figures per audience asked, the masses combined, and everyone combined.
pub fn group_figures(
    def: &Definition,
    tallies: &HashMap<(Audience, String), Tally>,
) -> Vec<GroupFigures> {
    let tally_of = |audiences: &[Audience], question: &str| {
        audiences
            .iter()
            .filter_map(|a| tallies.get(&(*a, question.to_owned())).cloned())
            .fold(Tally::empty(&def.scale), |acc, t| acc + t)
    };
    let group = |key: &str, label: &str, audiences: &[Audience]| GroupFigures {
        key: key.to_owned(),
        label: label.to_owned(),
        questions: def
            .questions
            .iter()
            .map(|q| {
                let tally = tally_of(audiences, &q.key);
                QuestionFigure {
                    key: q.key.clone(),
                    text: q.text.clone(),
                    figure: figure(&tally, &def.convention, def.min_group),
                    tally,
                }
            })
            .collect(),
    };
    let mut out = Vec::new();
    for a in &def.audiences {
        out.push(group(a.key(), a.label(), &[*a]));
    }
    let masses: Vec<Audience> = def
        .audiences
        .iter()
        .copied()
        .filter(|a| a.is_masses())
        .collect();
    if masses.len() > 1 {
        out.push(group("masses", "群众合计", &masses));
    }
    if def.audiences.len() > 1 && def.audiences.contains(&Audience::Members) && !masses.is_empty() {
        out.push(group("all", "党员和群众合计", &def.audiences));
    }
    out
}
