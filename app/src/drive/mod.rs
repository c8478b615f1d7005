//! The 争创活动 in the app (issue 11 point 1): the 总支 — or a bureau for all its schools — sets
//! its years and phases (`/drive`); every page says where today falls ([`PhaseBanner`]), and the
//! phase's deadline reaches the branches' to-do lists. Server functions are thin adapters over
//! `server.rs`; the form posts to them directly, so it works without JavaScript too.

mod api;
mod form;
mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::auth::CurrentUser;
use crate::domain::drive::Drive;
use serde::{Deserialize, Serialize};

pub use api::*;
pub use form::{DriveForm, PhaseForm};
pub use page::{DrivePage, PhaseBanner};

/// What the banner on every page says to the viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriveNow {
    /// The 争创活动's title (empty while none is set).
    pub title: String,
    /// "第二阶段：公开承诺，还有 6 天"; `None` once every phase is over.
    pub line: Option<String>,
    /// Whether the viewer sets the 争创活动 (a school's or a bureau's admin): the banner links
    /// to `/drive`.
    pub may_set: bool,
}

/// Whose 争创活动 the setup page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// The viewer's own organisation set it.
    Own,
    /// The bureau above set it; saving here makes the school's own.
    Bureau,
    /// None is set: the form shows the seed plan's shape for this year.
    Suggested,
}

/// The setup page's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriveSetup {
    pub viewer: CurrentUser,
    /// The school or bureau the viewer sets it for.
    pub org_name: String,
    pub drive: Drive,
    pub source: Source,
    /// Who saved it last, and when (own only).
    pub updated: Option<String>,
}
