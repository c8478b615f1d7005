//! Signing in with a username that may name accounts in several schools.

use super::{Password, hash_password};
use super::{SignInRow, open_session, password::verify_password};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::AppError;

/// At most this many accounts of one username (in as many schools) are checked at one
/// sign-in; a name more common than that needs its school chosen on the form.
const MAX_NAMESAKES: i64 = 4;

/// Why a sign-in did not open a session.
#[derive(Debug)]
pub enum SignInError {
    /// Unknown username, account not activated, or wrong password: one answer for all three.
    Credentials,
    /// The password fits accounts of that username in several schools (or more share the name
    /// than one sign-in checks): the school must be chosen.
    ChooseSchool,
    Server(AppError),
}

impl From<AppError> for SignInError {
    fn from(e: AppError) -> Self {
        SignInError::Server(e)
    }
}

impl From<sqlx::Error> for SignInError {
    fn from(e: sqlx::Error) -> Self {
        SignInError::Server(e.into())
    }
}

/// Checks the password and opens a session. Returns the session token (for the cookie; only
/// its hash is stored) and the user.
///
/// Usernames are unique within a school, so a username may name accounts in several schools:
/// with `school` the one of that school is checked; without, each of them (at most
/// [`MAX_NAMESAKES`]) and the one the password fits signs in. Two that fit the same password
/// ask for the school — which tells the person nothing a sign-in to the other school with that
/// password would not.
pub async fn sign_in_at(
    db: &Db,
    username: &str,
    school: Option<&str>,
    password: Password,
    ttl_ms: i64,
) -> Result<(String, CurrentUser), SignInError> {
    let rows: Vec<SignInRow> = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        ", u.password_hash FROM users u \
         JOIN organisations o ON o.id = u.org_id WHERE u.username = $1 AND u.active = 1 \
         AND u.password_hash <> '' AND ($2 = '' OR u.school_id = $2) ORDER BY u.id LIMIT $3"
    ))
    .bind(username)
    .bind(school.unwrap_or_default())
    .bind(MAX_NAMESAKES + 1)
    .fetch_all(db.pool())
    .await?;
    if rows.len() as i64 > MAX_NAMESAKES {
        return Err(SignInError::ChooseSchool);
    }
    // An unknown username and an account not yet activated (no password: its member sets
    // one with an invite code) answer exactly like a wrong password, after the same work, so
    // neither the answer nor its time tells which usernames exist.
    if rows.is_empty() {
        hash_password(password).await?;
        return Err(SignInError::Credentials);
    }
    let mut fits = Vec::new();
    for row in rows {
        if verify_password(password.clone(), row.password_hash).await? {
            fits.push(row.user);
        }
    }
    let user = match fits.len() {
        0 => return Err(SignInError::Credentials),
        1 => fits.remove(0).into_user()?,
        _ => return Err(SignInError::ChooseSchool),
    };
    let token = open_session(db, &user.id, ttl_ms).await?;
    Ok((token, user))
}

/// [`sign_in_at`] without a school, its refusals as [`AppError`]s (`BadCredentials`, or
/// `Invalid` when the school must be chosen).
pub async fn sign_in(
    db: &Db,
    username: &str,
    password: Password,
    ttl_ms: i64,
) -> Result<(String, CurrentUser), AppError> {
    sign_in_at(db, username, None, password, ttl_ms)
        .await
        .map_err(|e| match e {
            SignInError::Credentials => AppError::BadCredentials,
            SignInError::ChooseSchool => AppError::Invalid("请选择学校".into()),
            SignInError::Server(e) => e,
        })
}

/// The schools (and bureaus) a sign-in may name, as (id, name), for the form to offer when a
/// username and password fit accounts in several. Their names are public; nothing about the
/// accounts in them is.
pub async fn sign_in_schools(db: &Db) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, COALESCE(school_name, name) AS label FROM organisations \
         WHERE (kind = 'school' OR kind = 'bureau') AND archived_at IS NULL \
         ORDER BY kind DESC, label, id LIMIT 5000",
    )
    .fetch_all(db.pool())
    .await?)
}
