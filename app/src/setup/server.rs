//! First run on the server: the one-time set-up token, and the school, its 总支 and its first
//! admin (or an education bureau and its first admin) written in one transaction — from the
//! set-up page or from `xingqi setup`.

use crate::audit::Action;
use crate::audit::server::Act;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::role::Role;
use crate::domain::setup::SchoolSetup;
use crate::error::AppError;
use crate::org::server::{NewOrg, insert_org};
use crate::roster::server::{NewUser, USER_UNIQUE, insert_user, store_invite};
use rand::RngCore;
use sha2::{Digest, Sha256};

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Whether the database holds no organisation yet: the server then offers its set-up link.
pub async fn needs_setup(db: &Db) -> Result<bool, AppError> {
    let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
        .fetch_one(db.pool())
        .await?;
    Ok(orgs == 0)
}

/// A new one-time set-up token, while the database is empty (else `None`). Every token made is
/// valid until the school is set up; only its hash is stored, so the token is seen once, in
/// the server's log.
pub async fn issue_token(db: &Db, now: i64) -> Result<Option<String>, AppError> {
    if !needs_setup(db).await? {
        return Ok(None);
    }
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
        .bind(token_hash(&token))
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(Some(token))
}

/// What set-up made.
#[derive(Debug)]
pub struct SetUp {
    pub admin: CurrentUser,
    /// The admin's invite code (set-up without a password: `xingqi setup`).
    pub invite: Option<String>,
}

/// How the first admin gets a password.
pub enum FirstPassword<'a> {
    /// Chosen on the set-up page (already hashed), with the page's token.
    Chosen { hash: &'a str, token: &'a str },
    /// None yet: an invite code is made (the command line, run by whoever runs the server).
    Invite,
}

/// Writes the school (its 总支 as the organisation the branches will belong to) and its first
/// admin, in one transaction, only into an empty database. With a token, the token must be one
/// the server issued; every token goes once the school exists.
pub async fn set_up(
    db: &Db,
    setup: &SchoolSetup,
    password: FirstPassword<'_>,
    now: i64,
) -> Result<SetUp, AppError> {
    let refused = || AppError::Forbidden;
    let mut tx = db.begin_write().await?;
    if let FirstPassword::Chosen { token, .. } = &password {
        let spent = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if spent != 1 {
            tx.rollback().await?;
            return Err(refused());
        }
    }
    let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
        .fetch_one(&mut *tx)
        .await?;
    if orgs > 0 {
        tx.rollback().await?;
        return Err(AppError::Invalid("学校已经设置过了，请直接登录".into()));
    }
    let school_id = uuid::Uuid::now_v7().to_string();
    let (kind, role) = if setup.bureau {
        ("bureau", Role::BureauAdmin)
    } else {
        ("school", Role::Admin)
    };
    insert_org(
        &mut tx,
        &NewOrg {
            id: &school_id,
            parent_id: None,
            kind,
            name: &setup.committee_name,
            sort_order: 0,
        },
    )
    .await?;
    sqlx::query("UPDATE organisations SET school_name = $2 WHERE id = $1")
        .bind(&school_id)
        .bind(&setup.school_name)
        .execute(&mut *tx)
        .await?;
    let admin = CurrentUser {
        id: uuid::Uuid::now_v7().to_string(),
        username: setup.admin_username.clone(),
        display_name: setup.admin_name.clone(),
        role,
        org_id: school_id.clone(),
        org_name: setup.committee_name.clone(),
    };
    let hash = match &password {
        FirstPassword::Chosen { hash, .. } => *hash,
        FirstPassword::Invite => "",
    };
    let inserted = insert_user(
        &mut tx,
        &NewUser {
            id: &admin.id,
            org_id: &school_id,
            username: &admin.username,
            display_name: &admin.display_name,
            password_hash: hash,
            role: role.as_str(),
            created_at: now,
            ..NewUser::default()
        },
    )
    .await;
    if let Err(e) = inserted {
        tx.rollback().await?;
        return Err(if crate::db::is_unique_violation(&e, USER_UNIQUE) {
            AppError::Invalid("该用户名已被使用".into())
        } else {
            e.into()
        });
    }
    let invite = match password {
        FirstPassword::Invite => Some(store_invite(&mut tx, &admin.id, &admin.id, now).await?),
        FirstPassword::Chosen { .. } => None,
    };
    sqlx::query("DELETE FROM setup_tokens")
        .execute(&mut *tx)
        .await?;
    let act = Act {
        action: Action::OrgSetup,
        school_id: &school_id,
        branch_id: None,
        target: setup.school_name.clone(),
        detail: format!(
            "首次设置：{}，管理员 {}（{}）",
            setup.committee_name, admin.display_name, admin.username
        ),
    };
    crate::audit::server::record(&mut tx, &admin, act, now).await?;
    tx.commit().await?;
    Ok(SetUp { admin, invite })
}

/// Whether `token` is a set-up token the server issued and nobody has used: checked before
/// the password is hashed, so made-up tokens cost no hashing.
pub async fn token_is_open(db: &Db, token: &str) -> Result<bool, AppError> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT token_hash FROM setup_tokens WHERE token_hash = $1")
            .bind(token_hash(token))
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}
