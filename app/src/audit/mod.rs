//! The audit log: administrative acts — role changes, password resets, invitations, roster
//! imports, member edits, campaign revisions, record corrections — with who, when and from
//! where, written in the same transaction as the act (an act is logged exactly when it
//! happened), readable by the school's 总支 and kept for a configurable number of years.

use crate::auth::CurrentUser;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod server;

mod page;
pub use page::AuditPage;

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A member's role (党员 / 支部书记) changed.
    RoleChange,
    /// An invitation (first password) issued for accounts never activated.
    Invite,
    /// A password reset of an activated account: every session of it ends.
    PasswordReset,
    /// A member added or edited by hand.
    MemberEdit,
    /// A member deactivated or reactivated.
    MemberActive,
    /// A roster file imported.
    RosterImport,
    /// A campaign's questions revised (a new version).
    CampaignRevision,
    /// A campaign renamed or its dates moved.
    CampaignChange,
    /// Survey invitation codes issued.
    SurveyCodes,
    /// Attendance set by hand (a record corrected).
    RecordCorrection,
    /// The school set up (first run), or its organisation tree changed.
    OrgSetup,
    /// A member moved to another branch or school (组织关系转接).
    MemberMove,
    /// A rating register changed: honour, violation, evaluation, assessment, baseline, target.
    RatingRegister,
    /// The 争创活动's years and phases set.
    DriveSetup,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::RoleChange,
        Action::Invite,
        Action::PasswordReset,
        Action::MemberEdit,
        Action::MemberActive,
        Action::RosterImport,
        Action::CampaignRevision,
        Action::CampaignChange,
        Action::SurveyCodes,
        Action::RecordCorrection,
        Action::OrgSetup,
        Action::MemberMove,
        Action::RatingRegister,
        Action::DriveSetup,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Action::RoleChange => "role_change",
            Action::Invite => "invite",
            Action::PasswordReset => "password_reset",
            Action::MemberEdit => "member_edit",
            Action::MemberActive => "member_active",
            Action::RosterImport => "roster_import",
            Action::CampaignRevision => "campaign_revision",
            Action::CampaignChange => "campaign_change",
            Action::SurveyCodes => "survey_codes",
            Action::RecordCorrection => "record_correction",
            Action::OrgSetup => "org_setup",
            Action::MemberMove => "member_move",
            Action::RatingRegister => "rating_register",
            Action::DriveSetup => "drive_setup",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::RoleChange => "变更角色",
            Action::Invite => "发放激活码",
            Action::PasswordReset => "重置密码",
            Action::MemberEdit => "编辑党员信息",
            Action::MemberActive => "停用/启用账号",
            Action::RosterImport => "导入名单",
            Action::CampaignRevision => "修改测评问卷",
            Action::CampaignChange => "修改测评名称或日期",
            Action::SurveyCodes => "生成测评邀请码",
            Action::RecordCorrection => "更正出席记录",
            Action::OrgSetup => "设置学校与组织",
            Action::MemberMove => "组织关系转接",
            Action::RatingRegister => "评定登记",
            Action::DriveSetup => "设置争创活动",
        }
    }
}

/// One entry as the 总支 reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: Action,
    /// Who or what the act was about, in words ("张三（m1-01）", a campaign's title).
    pub target: String,
    pub detail: String,
    /// The address the act came from (as the server saw it).
    pub from: String,
}

/// A page of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLog {
    pub viewer: CurrentUser,
    pub entries: Vec<AuditEntry>,
    /// How many years entries are kept.
    pub kept_years: u32,
    /// Whether older entries exist beyond this page.
    pub more: bool,
}

/// The log of the viewer's school, newest first, `page` 0 onwards.
#[leptos::server(endpoint = "audit_log")]
pub async fn load_audit(page: u32) -> Result<AuditLog, crate::error::AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    server::read(&state.db, &viewer, page, state.config.audit_years)
        .await
        .map_err(crate::error::AppError::respond)
}
