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
        user_from_headers(state, &parts.headers).await.map(Viewer)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    /// `None` for a request without a valid session; a storage failure stays an error.
    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        match user_from_headers(state, &parts.headers).await {
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

/// The signed-in user, from inside a server function: looked up once per request when the
/// request carries a [`ViewerCache`] (a page's server-side render runs several server
/// functions, each asking).
pub async fn current_user() -> Result<CurrentUser, AppError> {
    let state = crate::state::app_state()?;
    let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from the Leptos context");
        AppError::Internal
    })?;
    if let Some(SignedIn(user)) = parts.extensions.get::<SignedIn>() {
        return Ok(user.clone());
    }
    let lookup = || user_from_headers(&state, &parts.headers);
    match leptos::prelude::use_context::<ViewerCache>() {
        Some(cache) => cache.0.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

/// The signed-in user, as the sign-in guard of the pages found it for this request (the
/// request's extensions: set by the server, never by the client).
#[derive(Clone, Debug)]
pub struct SignedIn(pub CurrentUser);

/// The signed-in user of one request, once found (provided fresh for every request: nothing
/// outlives it, so a session signed out or expired is not seen by the next request). A
/// failed lookup is not kept.
#[derive(Clone, Default)]
pub struct ViewerCache(std::sync::Arc<tokio::sync::OnceCell<CurrentUser>>);
