//! Who is asking: the signed-in user of a request, for plain handlers (the [`Viewer`]
//! extractor) and for server functions ([`viewer_context`]).

use super::{session_token, user_for_token};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use http::HeaderMap;

/// The signed-in user of a request, or `Unauthorized` (no session, or one that expired or sat
/// idle too long).
pub async fn user_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<CurrentUser, AppError> {
    match session_token(headers) {
        Some(token) => user_for_token(&state.db, &token, state.config.session_idle_ms)
            .await?
            .ok_or(AppError::Unauthorized),
        None => Err(AppError::Unauthorized),
    }
}

/// The signed-in viewer of a request, as an axum extractor: a handler that takes it runs only
/// for a signed-in user, and every other request gets 401 with the app's error body. Take
/// `Option<Viewer>` where anonymous requests are welcome too. The one way a plain handler
/// learns who is asking.
pub struct Viewer(pub CurrentUser);

impl axum::extract::FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Self, AppError> {
        request_user(state, parts).await.map(Viewer)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    /// `None` for a request without a valid session; a storage failure stays an error.
    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        match request_user(state, parts).await {
            Ok(user) => Ok(Some(Viewer(user))),
            Err(AppError::Unauthorized) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The application state and the signed-in viewer, from inside a server function, with the
/// error already shaped for the response: the one way a server function learns who is asking.
pub async fn viewer_context() -> Result<(AppState, CurrentUser), AppError> {
    let state = crate::state::app_state()?;
    let viewer = current_user().await.map_err(AppError::respond)?;
    Ok((state, viewer))
}

/// The signed-in user, from inside a server function: looked up once per request (the
/// request's [`ViewerCache`]; a page's server-side render runs several server functions, each
/// asking).
pub async fn current_user() -> Result<CurrentUser, AppError> {
    let state = crate::state::app_state()?;
    let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from the Leptos context");
        AppError::Internal
    })?;
    request_user(&state, &parts).await
}

/// The signed-in user of a request: from its [`ViewerCache`] when the server gave it one.
async fn request_user(
    state: &AppState,
    parts: &http::request::Parts,
) -> Result<CurrentUser, AppError> {
    match parts.extensions.get::<ViewerCache>() {
        Some(cache) => cache.user(state, &parts.headers).await,
        None => user_from_headers(state, &parts.headers).await,
    }
}

/// The signed-in user of one request, looked up at most once. The server puts a fresh one in
/// every request's extensions (the pages' sign-in guard, which fills it when it checks the
/// session): nothing outlives the request, so a session signed out or expired is not seen by
/// the next one, and a failed lookup is not kept.
#[derive(Clone, Default)]
pub struct ViewerCache(std::sync::Arc<tokio::sync::OnceCell<CurrentUser>>);

impl ViewerCache {
    /// The request's signed-in user, looked up the first time it is asked for.
    pub async fn user(
        &self,
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<CurrentUser, AppError> {
        self.0
            .get_or_try_init(|| user_from_headers(state, headers))
            .await
            .cloned()
    }
}
