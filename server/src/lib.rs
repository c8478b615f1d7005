//! The xingqi server: builds the state once, mounts the Leptos app, the sign-in handlers and the
//! sync API on one axum router, and serves it.
// The rating page's view type is deep (as in `app`): the lib's tests compute its layout too.
#![recursion_limit = "256"]

pub mod answer_form;
pub mod api_doc;
pub mod backup;
pub mod config;
pub mod demo;
pub mod files;
pub mod offline;
pub mod plan_files;
pub mod rating;
pub mod recount;
pub mod roster;
pub mod routes;
pub mod same_site;
pub mod setup;
pub mod storage;
pub mod sync;
pub mod telemetry;

use anyhow::Context;
use app::auth::landing_path;
use app::auth::server::ViewerCache;
use app::error::AppError;
use app::state::{AppState, RuntimeConfig};
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use secrecy::ExposeSecret;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// The whole HTTP surface of xingqi over `state`.
pub fn app_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let app_files = offline::app_files(&leptos_options);
    let hashed = leptos_options.hash_files;
    let mut router = Router::new();
    for r in routes::table(app_files) {
        router = router.route(r.path, r.handler);
    }
    router
        .route(
            "/api/{*fn_name}",
            post(server_fn_handler).get(server_fn_handler),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(bad_arguments_are_the_clients))
        .layer(middleware::from_fn_with_state(state.clone(), guard_pages))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            same_site::refuse_cross_site,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(move |req, next| {
            offline::cache_headers(hashed, req, next)
        }))
        // Brotli or gzip for whoever accepts it: the wasm shrinks to about a quarter, which is
        // what a phone on a weak signal notices most. Hashed files are then cached for good.
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The router as the listener serves it: each request knows the address it came from (rate
/// limits count by it).
pub fn into_service(
    router: Router,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, std::net::SocketAddr> {
    router.into_make_service_with_connect_info::<std::net::SocketAddr>()
}

/// Headers every response carries: no page of xingqi may be framed by another site, no
/// response is read as another type than it says, and links out carry only the origin.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("x-frame-options", "DENY"),
    ] {
        headers
            .entry(name)
            .or_insert(http::HeaderValue::from_static(value));
    }
    // Pages set their own policy with their nonce (the shell); everything else gets the
    // policy without inline scripts.
    if let Ok(policy) = http::HeaderValue::from_str(&app::domain::csp::default_policy()) {
        headers
            .entry(http::header::CONTENT_SECURITY_POLICY)
            .or_insert(policy);
    }
    res
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> Response {
    handle_server_fns_with_context(move || provide_context(state.clone()), req)
        .await
        .into_response()
}

/// Arguments a server function cannot read (a missing field, a malformed form) fail before
/// its body runs, and server_fn answers those with 500 — a server error for a client's
/// mistake. Such an answer (its body an `AppError::Invalid`) becomes `400 Bad Request`; a real
/// server error stays 500.
async fn bad_arguments_are_the_clients(req: Request, next: Next) -> Response {
    let server_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !server_fn || res.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(AppError::Invalid(_)) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = http::StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Pages for signed-in users send everyone else to the sign-in form, and `/` sends each user
/// home. Server functions and the sync API check the session themselves (401).
async fn guard_pages(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // Every request gets its own: the session is looked up once, here or by the first server
    // function that asks.
    let viewer = ViewerCache::default();
    req.extensions_mut().insert(viewer.clone());
    let path = req.uri().path();
    let protected = [
        "/me",
        "/branch",
        "/activity",
        "/member",
        "/surveys",
        "/audit",
        "/drive",
    ]
    .iter()
    .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if req.method() != http::Method::GET || !(protected || path == "/") {
        return next.run(req).await;
    }
    match viewer.user(&state, req.headers()).await {
        Ok(user) if path == "/" => Redirect::to(&landing_path(None, user.role)).into_response(),
        Ok(_) => next.run(req).await,
        // A server without a school yet sends visitors to the set-up page (which asks for
        // the link from the server's log); otherwise to sign in.
        Err(AppError::Unauthorized) if path == "/" => {
            match app::setup::server::needs_setup(&state.db).await {
                Ok(true) => Redirect::to("/setup").into_response(),
                _ => Redirect::to("/login").into_response(),
            }
        }
        Err(AppError::Unauthorized) => {
            // Keep the query: a scanned QR code's check-in must survive signing in.
            let target = req.uri().path_and_query().map_or(path, |p| p.as_str());
            Redirect::to(&format!(
                "/login?next={}",
                app::auth::server::urlencode(target)
            ))
            .into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Opens the database (migrating it), seeds the demo if asked, and serves until Ctrl-C.
pub async fn serve(config: config::Config) -> anyhow::Result<()> {
    let mut leptos_options = leptos::config::get_configuration(None)
        .context("reading the Leptos configuration")?
        .leptos_options;
    if offline::built_with_hashes(&leptos_options) {
        leptos_options.hash_files = true;
    }
    let addr = config.addr.unwrap_or(leptos_options.site_addr);
    let db = storage::open(config.database_url.expose_secret())
        .await
        .context("opening the database")?;
    if config.demo {
        let report = demo::seed_if_empty(&db, config.demo_password.expose_secret()).await?;
        report.print(addr);
    } else if let Some(token) = app::setup::server::issue_token(&db, app::db::now_ms()).await? {
        let base = config
            .public_url
            .as_ref()
            .map_or_else(|| format!("http://{addr}"), |u| u.origin());
        let link = format!("{base}/setup?token={token}");
        // Logged once: whoever can read the server's output sets the school up.
        tracing::warn!(
            "no school is set up yet; open the one-time set-up link printed on the console"
        );
        println!(
            "\n  星旗还没有设置学校。请用浏览器打开下面的一次性设置链接（只显示这一次）：\n\n  {link}\n\n  也可以运行：xingqi setup --school 学校名称 --admin-name 姓名 --admin 用户名\n"
        );
    }
    let state = AppState {
        leptos_options,
        db,
        config: RuntimeConfig {
            secure_cookies: config.secure_cookies,
            session_ttl_ms: i64::from(config.session_days) * 24 * 3_600_000,
            session_idle_ms: i64::from(config.session_idle_hours) * 3_600_000,
            data_dir: config.data_dir.clone(),
            cadence: config.cadence.clone(),
            limits: config.rate_limits.clone(),
            trusted_proxies: config.trusted_proxies.0.clone(),
            public_url: config.public_url.clone(),
            audit_years: config.audit_years.max(1),
            rating_rules: config.rating_rules.clone(),
        },
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!("xingqi is serving at http://{local}");
    println!("星旗 xingqi 已启动：http://{local}");
    axum::serve(listener, into_service(app_router(state.clone())))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    state.db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
}
