//! The plain HTTP routes beside the Leptos pages and server functions, as one table: the
//! router is built from it, and the authorization matrix test (`tests/suite/matrix.rs`) reads
//! it, so a route added here without a row in that test fails the test.

use crate::{files, offline, plan_files, rating, roster, same_site, setup, sync};
use app::auth::server::{login_handler, logout_handler};
use app::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{MethodRouter, get, post};

/// One route: the methods it answers (as the matrix test names them), its path, its handler.
pub struct Route {
    pub methods: &'static str,
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
}

fn route(methods: &'static str, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route {
        methods,
        path,
        handler,
    }
}

/// Every plain route, with the service worker listing `app_files`.
pub fn table(app_files: offline::AppFiles) -> Vec<Route> {
    let mut routes = vec![
        route(
            "GET",
            "/sw.js",
            get(move || async move { offline::service_worker(&app_files) }),
        ),
        route("POST", "/auth/login", post(login_handler)),
        route("POST", "/auth/logout", post(logout_handler)),
        route(
            "POST",
            app::sync::protocol::PUSH_PATH,
            post(sync::push)
                .layer(DefaultBodyLimit::max(app::sync::protocol::MAX_BODY_BYTES))
                .layer(middleware::from_fn(same_site::json_only)),
        ),
        route("GET", app::sync::protocol::PULL_PATH, get(sync::pull)),
        route("GET", app::sync::protocol::OPENAPI_PATH, get(sync::openapi)),
        route(
            "POST",
            "/activity/{id}/photos",
            post(files::upload).layer(DefaultBodyLimit::max(files::UPLOAD_LIMIT)),
        ),
        route("GET", "/photos/{id}", get(files::serve)),
        route(
            "POST",
            "/branch/{id}/members/import",
            post(roster::upload).layer(DefaultBodyLimit::max(roster::UPLOAD_LIMIT)),
        ),
        route(
            "GET",
            "/branch/{id}/members/template.xlsx",
            get(roster::template),
        ),
        route("POST", "/auth/invite", post(roster::accept)),
        route("POST", "/auth/setup", post(setup::submit)),
        route("GET", "/healthz", get(|| async { "ok" })),
        route("GET", "/api/v1/orgs/{id}/rating", get(rating::rating)),
        route("GET", "/rating/archive.xlsx", get(rating::archive)),
        route(
            "POST",
            "/branch/{id}/rating/{year}/evidence/{criterion}/files",
            post(rating::upload).layer(DefaultBodyLimit::max(rating::UPLOAD_LIMIT)),
        ),
        route("GET", "/evidence-files/{id}", get(rating::serve_file)),
        route(
            "POST",
            "/branch/{id}/plan/{year}/tasks/{task}/files",
            post(plan_files::upload).layer(DefaultBodyLimit::max(rating::UPLOAD_LIMIT)),
        ),
        route("GET", "/plan-files/{id}", get(plan_files::serve_file)),
        route(
            "POST",
            app::survey::ANSWER_POST_PATH,
            post(crate::answer_form::answer_form),
        ),
    ];
    routes.extend(
        app::survey::http::routes()
            .into_iter()
            .map(|(methods, path, handler)| route(methods, path, handler)),
    );
    routes
}

/// The methods and path of every plain route (for the matrix test).
pub fn list() -> Vec<(&'static str, &'static str)> {
    table(offline::AppFiles {
        version: String::new(),
        files: Vec::new(),
    })
    .into_iter()
    .map(|r| (r.methods, r.path))
    .collect()
}
