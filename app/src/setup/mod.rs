//! First run: a school from an empty database. The server logs a one-time set-up link; the
//! page it opens asks for the school, its 总支 and the first admin's account, then signs the
//! admin in (`POST /auth/setup`, in the server crate). `xingqi setup` does the same from the
//! command line and prints the admin's invite code instead.

mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::error::AppError;
use leptos::prelude::*;
pub use page::SetupPage;

/// Whether the database still waits for its school (no organisation yet). Anyone may ask: the
/// answer is what the set-up page and the sign-in page show.
#[server(endpoint = "setup_state")]
pub async fn setup_state() -> Result<bool, AppError> {
    let state = expect_context::<crate::state::AppState>();
    server::needs_setup(&state.db)
        .await
        .map_err(AppError::respond)
}
