//! The activity record page (活动记录, prints on A4) and the schedule / edit form.

mod form;
mod minutes;
mod record;
mod roll;

pub use form::{ActivityEditPage, ActivityNewPage};
pub use record::ActivityRecordPage;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}
