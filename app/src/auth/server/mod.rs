//! Server side of sign-in: sessions, the handlers of the sign-in form, and (in [`password`]) passwords.

use super::{CurrentUser, landing_path};
use crate::db::{Db, now_ms};
use crate::domain::limits::Bucket;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::guard::ClientAddr;
use crate::state::AppState;
use argon2::password_hash::rand_core::OsRng;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

mod password;
mod viewer;
pub use password::{Password, hash_password};
pub use sign_in::{SignInError, sign_in, sign_in_at, sign_in_schools};
pub use viewer::{Viewer, ViewerCache, current_user, user_from_headers, viewer_context};

pub const SESSION_COOKIE: &str = "xingqi_session";

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The columns of a [`CurrentUser`], for `concat!` into queries (sqlx takes only literal SQL).
macro_rules! user_columns {
    () => {
        "u.id, u.username, u.display_name, u.role, u.org_id, o.name AS org_name"
    };
}

// After the macro, which they use.
mod later;
mod sign_in;
pub use later::{SessionKey, users_in};

/// The row of [`user_columns!`].
#[derive(Clone, sqlx::FromRow)]
struct UserRow {
    id: String,
    username: String,
    display_name: String,
    role: String,
    org_id: String,
    org_name: String,
}

impl UserRow {
    fn into_user(self) -> Result<CurrentUser, AppError> {
        let role = self.role;
        Ok(CurrentUser {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: Role::parse(&role).ok_or_else(|| {
                tracing::error!(role, "unknown role in users table");
                AppError::Internal
            })?,
            org_id: self.org_id,
            org_name: self.org_name,
        })
    }
}

/// A user signing in, with the hash their password is checked against.
#[derive(sqlx::FromRow)]
struct SignInRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

/// Opens a session for `user_id` (after a checked password, or the school's set-up) and
/// returns its token for the cookie; only the token's hash is stored.
pub async fn open_session(db: &Db, user_id: &str, ttl_ms: i64) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// How stale a session's last use may get before it is written again: at most one write a
/// minute per session, however many requests it makes.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    seen: i64,
}

/// The user of a live session, if the token names one: not expired, and used within
/// `idle_ms` (the idle timeout). Each use moves the idle clock on.
pub async fn user_for_token(
    db: &Db,
    token: &str,
    idle_ms: i64,
) -> Result<Option<CurrentUser>, AppError> {
    let now = now_ms();
    let hash = token_hash(token);
    let row: Option<SessionRow> = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        ", COALESCE(s.last_seen_at, s.created_at) AS seen \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         JOIN organisations o ON o.id = u.org_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1 \
           AND COALESCE(s.last_seen_at, s.created_at) > $3"
    ))
    .bind(&hash)
    .bind(now)
    .bind(now - idle_ms)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if now - row.seen > TOUCH_EVERY_MS {
        // Through the writer: on SQLite a lone write beside a stream of grouped pushes would
        // wait for a gap that may not come.
        let touch = sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(hash)
            .bind(now);
        db.execute_write(touch).await?;
    }
    row.user.into_user().map(Some)
}

pub async fn sign_out(db: &Db, token: &str) -> Result<(), AppError> {
    let delete = sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token));
    db.execute_write(delete).await?;
    Ok(())
}

/// The session token from the request's cookies.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE)
        .map(|c| c.value().to_owned())
}

/// The session cookie (empty `value` and no age: the cookie cleared).
pub fn session_cookie(value: &str, secure: bool, max_age_ms: i64) -> HeaderValue {
    let cookie = cookie::Cookie::build((SESSION_COOKIE, value.to_owned()))
        .http_only(true)
        // Lax, not Strict: a member who opens xingqi from a WeChat link must arrive signed in.
        .same_site(cookie::SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(cookie::time::Duration::milliseconds(max_age_ms))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie text is a valid header")
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: Password,
    /// The school (its organisation id) whose account this is; asked for only when the
    /// username and password fit accounts in several schools.
    #[serde(default)]
    pub school: Option<String>,
    #[serde(default)]
    pub next: Option<String>,
}

fn back_to_login(error: &str, next: Option<&str>) -> Response {
    let mut url = format!("/login?error={error}");
    if let Some(next) = next.filter(|n| !n.is_empty()) {
        url.push_str("&next=");
        url.push_str(&urlencode(next));
    }
    Redirect::to(&url).into_response()
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether a cookie set in answer to this request must be `Secure`: always, unless the
/// request came to this machine itself (`localhost` or a loopback address), where browsers
/// serve plain HTTP and would drop a Secure cookie — development, the tests, the demo.
/// `XINGQI_SECURE_COOKIES` makes them Secure there too.
pub fn secure_cookies_for(headers: &HeaderMap, forced: bool) -> bool {
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host
        .rsplit_once(':')
        .filter(|(h, port)| !h.is_empty() && port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    let name = name.trim_start_matches('[').trim_end_matches(']');
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    forced || !loopback
}

/// [`secure_cookies_for`] under the deployment's settings: with a public address set
/// (`XINGQI_PUBLIC_URL`), cookies are Secure exactly when that address is https.
pub fn secure_cookies(config: &crate::state::RuntimeConfig, headers: &HeaderMap) -> bool {
    match &config.public_url {
        Some(public) => public.is_https() || config.secure_cookies,
        None => secure_cookies_for(headers, config.secure_cookies),
    }
}

/// `POST /auth/login`: the sign-in form. Redirects to where the user was going, or back to the
/// form with a reason.
pub async fn login_handler(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let secure = secure_cookies(&state.config, &headers);
    let username = form.username.trim();
    if username.is_empty() || form.password.is_empty() {
        return back_to_login("empty", form.next.as_deref());
    }
    // Counted before any hashing: guessing stops at the limit, from one address or at one
    // account from many.
    let account = username.to_lowercase();
    let keys = [
        (Bucket::SignInAddress, client.0.as_str()),
        (Bucket::SignInAccount, account.as_str()),
    ];
    match crate::guard::count_many(&state.db, &state.config.limits, &keys, now_ms()).await {
        Ok(()) => {}
        Err(AppError::TooMany(wait)) => {
            let back = match form.next.as_deref().filter(|n| !n.is_empty()) {
                Some(next) => format!("/login?next={}", urlencode(next)),
                None => "/login".to_owned(),
            };
            return crate::guard::too_many_page(wait, &back);
        }
        Err(_) => return back_to_login("server", form.next.as_deref()),
    }
    let ttl = state.config.session_ttl_ms;
    let school = form
        .school
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match sign_in_at(&state.db, username, school, form.password, ttl).await {
        Ok((token, user)) => {
            let to = landing_path(form.next.as_deref(), user.role);
            let mut res = Redirect::to(&to).into_response();
            res.headers_mut()
                .append(SET_COOKIE, session_cookie(&token, secure, ttl));
            res
        }
        Err(SignInError::Credentials) => back_to_login("credentials", form.next.as_deref()),
        Err(SignInError::ChooseSchool) => back_to_login("school", form.next.as_deref()),
        Err(SignInError::Server(_)) => back_to_login("server", form.next.as_deref()),
    }
}

/// `POST /auth/logout`: ends the session and clears the cookie.
pub async fn logout_handler(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers)
        && let Err(e) = sign_out(&state.db, &token).await
    {
        tracing::warn!(error = %e, "sign-out could not delete the session");
    }
    let mut res = Redirect::to("/login?signed_out=1").into_response();
    res.headers_mut().append(
        SET_COOKIE,
        session_cookie("", secure_cookies(&state.config, &headers), 0),
    );
    // The pages the service worker kept for this member go with the session; never "storage",
    // which would also erase records the outbox has not sent yet.
    res.headers_mut().insert(
        http::HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"cache\", \"cookies\""),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_except_on_this_machine() {
        let with_host = |host: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(http::header::HOST, HeaderValue::from_static(host));
            h
        };
        for local in [
            "127.0.0.1:3107",
            "localhost",
            "LOCALHOST:3000",
            "[::1]:3000",
            "[::1]",
            "127.8.9.10",
        ] {
            assert!(!secure_cookies_for(&with_host(local), false), "{local}");
            assert!(
                secure_cookies_for(&with_host(local), true),
                "{local} forced"
            );
        }
        for public in [
            "xingqi.example.cn",
            "xingqi.example.cn:8443",
            "192.168.1.20:3000",
            "localhost.evil.example",
        ] {
            assert!(secure_cookies_for(&with_host(public), false), "{public}");
        }
        assert!(
            secure_cookies_for(&HeaderMap::new(), false),
            "no Host: Secure"
        );
    }
}
