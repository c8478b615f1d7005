//! What a respondent's link opens: the campaign behind a one-time code or an open-link token,
//! whether it takes answers today, and why not ([`Refusal`], worded for the respondent).

use super::codes::code_hash;
use super::store::campaign_row;
use crate::db::Db;
use crate::domain::ballot::{Audience, BallotError};
use crate::domain::time::date_of;
use crate::error::AppError;
use crate::survey::CampaignInfo;

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
            Refusal::NoDevice => {
                write!(
                    f,
                    "请从问卷链接重新打开本页后作答（需允许浏览器保存 Cookie）"
                )
            }
            Refusal::NoAudience => write!(f, "请选择您的身份"),
            Refusal::Ballot(e) => write!(f, "{e}"),
        }
    }
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

/// The China date of `now`, as the campaigns' dates are written.
pub(super) fn today(now: i64) -> String {
    date_of(now).map(|d| d.to_string()).unwrap_or_default()
}

/// What a respondent's link leads to.
#[derive(Clone, Debug)]
pub struct Entry {
    pub info: CampaignInfo,
    /// Fixed by the code; `None` for the open link (the respondent says).
    pub audience: Option<Audience>,
}

#[derive(sqlx::FromRow)]
struct InviteRow {
    campaign_id: String,
    audience: String,
    used: i64,
}

/// Looks up a one-time code: its campaign, if the code is unused and the campaign open. The
/// outer error is the server's (the database); the inner one is why this link can't be answered.
pub async fn entry_by_code(
    db: &Db,
    code: &str,
    now: i64,
) -> Result<Result<Entry, Refusal>, AppError> {
    let row: Option<InviteRow> = sqlx::query_as(
        "SELECT campaign_id, audience, used FROM survey_invites WHERE code_hash = $1",
    )
    .bind(code_hash(code))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(Err(Refusal::UnknownCode));
    };
    Ok(match open_campaign(db, &row.campaign_id, now).await? {
        Ok(_) if row.used != 0 => Err(Refusal::UsedCode),
        Ok(info) => Ok(Entry {
            info,
            audience: Audience::parse(&row.audience),
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
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM survey_campaigns WHERE open_token = $1")
            .bind(token)
            .fetch_optional(db.pool())
            .await?;
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
