//! The education bureau above the schools (`/bureau`, 教育局): its schools with their first
//! admins and its read-only viewers. The bureau's admin adds schools (each with a first admin,
//! who gets an invite code) and viewers; both roles read every school's figures
//! (`/branch`, read-only) and change nothing in a school. Server functions are thin adapters
//! over `server.rs`; the forms post to them directly, so they work without JavaScript too.

mod page;
#[cfg(feature = "ssr")]
pub mod rollup;
#[cfg(feature = "ssr")]
mod satisfaction;
#[cfg(feature = "ssr")]
pub mod server;

use crate::auth::CurrentUser;
use crate::domain::participation::Figure;
use crate::domain::rating::Level;
use crate::error::AppError;
use crate::roster::Invite;
use leptos::prelude::*;
pub use page::BureauPage;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::server::viewer_context as context;

/// An account the bureau made: a school's admin or a viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub username: String,
    /// Whether they have set a password (else they need their invite code).
    pub activated: bool,
}

/// One school of the bureau.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolItem {
    pub id: String,
    pub name: String,
    /// Its 总支 (the organisation its branches belong to).
    pub committee_name: String,
    pub branches: i64,
    /// Active members of its branches.
    pub members: i64,
    pub admins: Vec<Account>,
}

/// The bureau as its people see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BureauView {
    pub viewer: CurrentUser,
    pub name: String,
    /// Whether the viewer may add schools and viewers (the bureau's admin).
    pub may_add: bool,
    pub schools: Vec<SchoolItem>,
    pub viewers: Vec<Account>,
}

/// How many of a school's branches were rated at one level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCount {
    pub level: Level,
    pub branches: u32,
}

/// A school's pooled masses' satisfaction with the Party organisation (群众对党组织满意率).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    pub figure: crate::domain::survey::Figure,
    /// The rate and its 95 % interval as shown ("96.2%", "94.1%–97.6%").
    pub rate_text: String,
    pub interval_text: String,
    /// Campaigns pooled; campaigns scored by weights, left out.
    pub campaigns: u32,
    pub weighted: u32,
}

/// One school's figures of a year in the bureau's roll-up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchoolFigures {
    pub id: String,
    pub name: String,
    /// Its branches (not archived).
    pub branches: u32,
    /// Activities its branches held in the year (their roll taken).
    pub held: u32,
    /// Its branches' 实到 over 应到, summed over those activities.
    pub participation: Figure,
    /// Branches that held at least one activity, and those of them at ≥ 90 %.
    pub branches_counted: u32,
    pub branches_met: u32,
    /// The masses' satisfaction with the Party organisation, pooled over the year's campaigns
    /// that are over (`None`: no such campaign).
    pub satisfaction: Option<Satisfaction>,
    /// Whether the school has closed the year (年度封存).
    pub closed: bool,
    /// Branches whose rating of the closed year has been kept so far.
    pub rated: u32,
    /// Their levels (红旗 first), once the year is closed; `None` while it is open.
    pub levels: Option<Vec<LevelCount>>,
}

/// The bureau's schools side by side for one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RollUp {
    pub viewer: CurrentUser,
    pub year: i32,
    /// The years that can be picked, newest first.
    pub years: Vec<i32>,
    /// Every school's activities together.
    pub total: Figure,
    pub schools: Vec<SchoolFigures>,
}

/// The bureau's roll-up of `year` (the current one when left out): participation per school
/// with its branches' levels once the school has closed the year. Read by both bureau roles.
#[server(endpoint = "bureau_rollup")]
pub async fn load_rollup(year: Option<i32>) -> Result<RollUp, AppError> {
    let (state, viewer) = context().await?;
    rollup::rollup(&state.db, &viewer, year, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

#[server(endpoint = "bureau")]
pub async fn load_bureau() -> Result<BureauView, AppError> {
    let (state, viewer) = context().await?;
    server::overview(&state.db, &viewer)
        .await
        .map_err(AppError::respond)
}

/// Adds a school to the bureau with its first admin; the admin's invite code comes back once.
#[server(endpoint = "bureau_add_school")]
pub async fn add_school(
    school_name: String,
    committee_name: String,
    admin_name: String,
    admin_username: String,
) -> Result<Invite, AppError> {
    let (state, viewer) = context().await?;
    let new = server::NewSchool {
        school_name: &school_name,
        committee_name: &committee_name,
        admin_name: &admin_name,
        admin_username: &admin_username,
    };
    server::add_school(&state.db, &viewer, &new, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// Adds a read-only viewer to the bureau; their invite code comes back once.
#[server(endpoint = "bureau_add_viewer")]
pub async fn add_viewer(name: String, username: String) -> Result<Invite, AppError> {
    let (state, viewer) = context().await?;
    server::add_viewer(&state.db, &viewer, &name, &username, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
