//! `POST /survey/answer`, the answer form without JavaScript: stored once and off to the thanks
//! page — or, refused, the form rendered again in this very response with the answers as they
//! were given and the reason (status 422). The answers never travel in a URL, where a comment
//! would sit in logs and browser history. The page is rendered without hydration scripts: a
//! plain form that works the same with JavaScript on or off.

use app::state::AppState;
use app::survey::http::{Answered, answer};
use app::survey::{RefusedAnswer, StaticPage};
use axum::Form;
use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode, header};
use leptos::prelude::provide_context;

pub async fn answer_form(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let client = app::guard::client::client_addr(&parts, &state.config.trusted_proxies);
    let posted = Request::from_parts(parts.clone(), body);
    let Form(pairs) = match Form::<Vec<(String, String)>>::from_request(posted, &state).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    match answer(&state, client, pairs).await {
        Answered::Done(res) => res,
        Answered::Refused { form_path, refused } => {
            render_form(state, parts, &form_path, refused).await
        }
    }
}

/// The answer page at `form_path`, rendered for this request with the refused answer in its
/// context.
async fn render_form(
    state: AppState,
    parts: http::request::Parts,
    form_path: &str,
    refused: RefusedAnswer,
) -> Response {
    let mut page = Request::from_parts(parts, Body::empty());
    *page.method_mut() = Method::GET;
    match form_path.parse() {
        Ok(uri) => *page.uri_mut() = uri,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    }
    page.headers_mut().remove(header::CONTENT_TYPE);
    page.headers_mut().remove(header::CONTENT_LENGTH);
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            provide_context(refused.clone());
            provide_context(StaticPage);
        },
        move || app::shell(options.clone()),
    );
    let mut res = render(page).await;
    if res.status() == StatusCode::OK {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}
