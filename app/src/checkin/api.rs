//! Server functions of the member's page: thin adapters over `server.rs`.

use super::MyActivities;
use crate::error::AppError;
use leptos::prelude::*;

/// Today's and the upcoming activities of the signed-in member.
#[server(endpoint = "my_activities")]
pub async fn load_my_activities() -> Result<MyActivities, AppError> {
    use crate::auth::server::current_user;
    use crate::state::app_state;
    let state = app_state()?;
    let user = current_user().await.map_err(AppError::respond)?;
    super::server::member_activities(&state.db, &user, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
