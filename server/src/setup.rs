//! First run over HTTP: `POST /auth/setup`, the set-up page's plain form (it works without
//! JavaScript). Sets up the school, signs its first admin in and sends them to their page.

use app::auth::server::{Password, hash_password, open_session, secure_cookies, session_cookie};
use app::domain::limits::Bucket;
use app::domain::setup::{check_bureau_setup, check_setup};
use app::error::AppError;
use app::setup::server::{FirstPassword, set_up, token_is_open};
use app::state::AppState;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use http::HeaderMap;
use http::header::SET_COOKIE;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SetupForm {
    pub token: String,
    pub school_name: String,
    #[serde(default)]
    pub committee_name: String,
    pub admin_name: String,
    pub username: String,
    pub password: Password,
    pub confirm: Password,
    /// Set (to anything) for an education bureau rather than a school.
    #[serde(default)]
    pub bureau: Option<String>,
}

/// `POST /auth/setup`. A refused form goes back to the page with the reason's code (never the
/// password); a made-up token costs no password hashing and is counted per address.
pub async fn submit(
    State(state): State<AppState>,
    client: app::guard::ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Response {
    let token = form.token.trim();
    let back = |code: &str| {
        Redirect::to(&format!(
            "/setup?token={}&error={code}",
            app::auth::server::urlencode(token)
        ))
        .into_response()
    };
    let now = app::db::now_ms();
    let limits = &state.config.limits;
    match app::guard::count(&state.db, limits, Bucket::SignInAddress, &client.0, now).await {
        Ok(()) => {}
        Err(AppError::TooMany(wait)) => return app::guard::too_many_page(wait, "/setup"),
        Err(e) => return e.into_response(),
    }
    match token_is_open(&state.db, token).await {
        Ok(true) => {}
        Ok(false) => return back("token"),
        Err(e) => return e.into_response(),
    }
    let check = if form.bureau.is_some() {
        check_bureau_setup
    } else {
        check_setup
    };
    let setup = match check(
        &form.school_name,
        &form.committee_name,
        &form.admin_name,
        &form.username,
    ) {
        Ok(s) => s,
        Err(e) => return back(e.code()),
    };
    if let Some(weak) = form.password.weakness(&[setup.admin_username.as_str()]) {
        return back(weak.code());
    }
    if !form.password.same_as(&form.confirm) {
        return back("mismatch");
    }
    let hash = match hash_password(form.password).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let chosen = FirstPassword::Chosen { hash: &hash, token };
    let done = match set_up(&state.db, &setup, chosen, now).await {
        Ok(done) => done,
        Err(AppError::Forbidden) => return back("token"),
        Err(AppError::Invalid(_)) => return back("taken"),
        Err(e) => return e.into_response(),
    };
    let ttl = state.config.session_ttl_ms;
    match open_session(&state.db, &done.admin.id, ttl).await {
        Ok(session) => {
            let home = if setup.bureau { "/bureau" } else { "/branch" };
            let mut res = Redirect::to(home).into_response();
            let secure = secure_cookies(&state.config, &headers);
            res.headers_mut()
                .append(SET_COOKIE, session_cookie(&session, secure, ttl));
            res
        }
        // The school exists; signing in by hand still works.
        Err(_) => Redirect::to("/login?setup=1").into_response(),
    }
}

/// `xingqi setup`: the school from the command line. Prints the admin's invite code and where
/// to use it; fails (exit status 1) on a database that has a school already.
pub async fn run_cli(
    config: &crate::config::Config,
    args: &crate::config::SetupArgs,
) -> anyhow::Result<()> {
    use secrecy::ExposeSecret;
    let check = if args.bureau {
        check_bureau_setup
    } else {
        check_setup
    };
    let setup = check(&args.school, &args.committee, &args.admin_name, &args.admin)
        .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    let db = crate::storage::open(config.database_url.expose_secret()).await?;
    let done = set_up(&db, &setup, FirstPassword::Invite, app::db::now_ms()).await;
    db.close().await;
    let done = done.map_err(|e| match e {
        AppError::Invalid(m) => anyhow::anyhow!(m),
        other => anyhow::anyhow!("设置失败：{other}"),
    })?;
    let base = config
        .public_url
        .as_ref()
        .map_or_else(|| "http://<服务器地址>".to_owned(), |u| u.origin());
    println!(
        "已设置：{}（{}）\n管理员：{}，用户名 {}\n邀请码：{}\n请在 14 天内打开 {base}/invite，用用户名和邀请码设置密码。",
        setup.school_name,
        setup.committee_name,
        done.admin.display_name,
        done.admin.username,
        done.invite.unwrap_or_default()
    );
    Ok(())
}
