//! The roster pages: the list with its actions, the add / edit form, an import's preview, and
//! the public page where an invited member sets a first password.

mod form;
mod import;
mod invite;
mod list;
mod moves;

pub use form::MemberFormPage;
pub use import::ImportPreviewPage;
pub use invite::InvitePage;
pub use list::MembersPage;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}
