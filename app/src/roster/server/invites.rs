//! One-time invite codes with which a member sets a first password.

use super::super::Invite;
use super::members::members;
use crate::audit::Action;
use crate::audit::server::Act;
use crate::auth::CurrentUser;
use crate::auth::server::{Password, hash_password};
use crate::db::Db;
use crate::error::AppError;
use rand::Rng;
use sha2::{Digest, Sha256};

/// How long an invite code works.
pub const INVITE_TTL_MS: i64 = 14 * 24 * 3_600_000;

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..10)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// A code as typed: case and dashes and spaces don't matter.
fn code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

/// Stores a new invite code for `user_id`, made by `created_by`, and returns it (the only time
/// it is seen: only its hash is kept).
pub async fn store_invite(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    created_by: &str,
    now: i64,
) -> Result<String, AppError> {
    let code = new_code();
    sqlx::query(
        "INSERT INTO invites (code_hash, user_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(code_hash(&code))
    .bind(user_id)
    .bind(created_by)
    .bind(now)
    .bind(now + INVITE_TTL_MS)
    .execute(&mut *conn)
    .await?;
    Ok(code)
}

/// New invite codes for `user_ids` of the branch (earlier unused codes stop working).
pub async fn create_invites(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    user_ids: &[String],
    now: i64,
) -> Result<Vec<Invite>, AppError> {
    let list = members(db, viewer, branch_id).await?;
    let mut tx = db.begin_write().await?;
    let school = crate::audit::server::school_of(&mut tx, branch_id).await?;
    let mut invites = Vec::new();
    for id in user_ids {
        let m = list
            .members
            .iter()
            .find(|m| &m.id == id && m.active)
            .ok_or_else(|| AppError::Invalid("只能为本支部在册的党员生成邀请码".into()))?;
        sqlx::query("DELETE FROM invites WHERE user_id = $1 AND used_at IS NULL")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // A code for an account that has a password is a reset: audited, and every session of
        // the account ends now (whoever holds the code sets the next password).
        let activated: Option<String> =
            sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND password_hash <> ''")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let action = if activated.is_some() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Action::PasswordReset
        } else {
            Action::Invite
        };
        let act = Act {
            action,
            school_id: &school,
            branch_id: Some(branch_id),
            target: format!("{}（{}）", m.name, m.username),
            detail: match action {
                Action::PasswordReset => "已登录的设备全部退出；凭新激活码设置新密码".into(),
                _ => "凭激活码设置首次密码".into(),
            },
        };
        crate::audit::server::record(&mut tx, viewer, act, now).await?;
        let code = store_invite(&mut tx, id, &viewer.id, now).await?;
        invites.push(Invite {
            name: m.name.clone(),
            username: m.username.clone(),
            code,
            expires_at: now + INVITE_TTL_MS,
        });
    }
    tx.commit().await?;
    Ok(invites)
}

/// Sets a member's password with a one-time invite code. Any mismatch gets the same answer,
/// so the form reveals neither usernames nor codes.
pub async fn accept_invite(
    db: &Db,
    username: &str,
    code: &str,
    password: Password,
    now: i64,
) -> Result<(), AppError> {
    let invalid = || AppError::Invalid("邀请码无效、已用过或已过期；请向支部书记重新索取".into());
    let found: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT i.user_id, u.username, u.phone FROM invites i JOIN users u ON u.id = i.user_id \
         WHERE i.code_hash = $1 AND (u.username = $2 OR u.phone = $2) AND u.active = 1 \
           AND i.used_at IS NULL AND i.expires_at > $3",
    )
    .bind(code_hash(code))
    .bind(username.trim())
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some((user_id, username, phone)) = found else {
        return Err(invalid());
    };
    if let Some(weak) = password.weakness(&[&username, phone.as_deref().unwrap_or_default()]) {
        return Err(AppError::Invalid(weak.message().into()));
    }
    let hash = hash_password(password).await?;
    let mut tx = db.begin_write().await?;
    let used =
        sqlx::query("UPDATE invites SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL")
            .bind(code_hash(code))
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if used != 1 {
        tx.rollback().await?;
        return Err(invalid());
    }
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(&user_id)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    // A new password ends every earlier sign-in of the account.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_codes_are_typed_forgivingly() {
        let code = new_code();
        assert_eq!(code.len(), 11);
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_lowercase().replace('-', " "))
        );
        assert!(!code.contains(['0', '1', 'I', 'O']));
    }
}
