//! Server functions of the member's page: thin adapters over `server.rs`.

use super::MyActivities;
use crate::error::AppError;
use leptos::prelude::*;

/// Today's and the upcoming activities of the signed-in member.
#[server(endpoint = "my_activities")]
pub async fn load_my_activities() -> Result<MyActivities, AppError> {
    let (state, user) = crate::auth::server::viewer_context().await?;
    super::server::member_activities(&state.db, &user, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
