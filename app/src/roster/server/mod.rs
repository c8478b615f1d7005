//! Storage of the roster: files read into tables, imports checked and confirmed, members kept
//! by hand, and invite codes.

mod import;
mod invites;
mod members;
mod table;
mod users;

pub use import::{commit_import, load_import, preview};
pub use invites::{INVITE_TTL_MS, accept_invite, create_invites};
pub use members::{member, members, save_member, set_active};
pub use table::{MAX_FILE_BYTES, read_table};
pub use users::{NewUser, insert_user};

use super::MemberView;
use crate::auth::CurrentUser;
use crate::db::{Db, next_version};
use crate::domain::roster::MemberRow;
use crate::error::{AppError, FieldError};
use crate::org::server::{Branch, organised_branch};
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

async fn taken(
    tx: &mut Transaction<'static, Any>,
    username: &str,
    phone: Option<&str>,
    except: Option<&str>,
) -> Result<bool, AppError> {
    let n: i64 =
        sqlx::query("SELECT COUNT(*) FROM users WHERE (username = $1 OR phone = $2) AND id <> $3")
            .bind(username)
            // No phone binds NULL, which equals nothing.
            .bind(phone.map(str::to_owned))
            .bind(except.unwrap_or(""))
            .fetch_one(&mut **tx)
            .await?
            .try_get(0)?;
    Ok(n > 0)
}

async fn insert_member(
    tx: &mut Transaction<'static, Any>,
    branch_id: &str,
    m: &MemberRow,
    committee: bool,
    group_id: Option<&str>,
    now: i64,
) -> Result<String, AppError> {
    let id = Uuid::now_v7().to_string();
    let version = next_version(tx).await?;
    sqlx::query(
        "INSERT INTO users (id, org_id, username, display_name, password_hash, role, active, \
           created_at, phone, gender, birth_date, join_date, standing, post, committee, group_id, version) \
         VALUES ($1, $2, $3, $4, '', 'member', 1, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&id)
    .bind(branch_id)
    .bind(&m.username)
    .bind(&m.name)
    .bind(now)
    .bind(m.phone.clone())
    .bind(m.gender.map(|g| g.as_str().to_owned()))
    .bind(m.birth_date.map(|d| d.to_string()))
    .bind(m.join_date.map(|d| d.to_string()))
    .bind(m.standing.as_str())
    .bind(m.post.clone())
    .bind(i32::from(committee))
    .bind(group_id.map(str::to_owned))
    .bind(version)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

fn member_from_row(r: &sqlx::any::AnyRow) -> Result<MemberView, AppError> {
    Ok(MemberView {
        id: r.try_get("id")?,
        name: r.try_get("display_name")?,
        username: r.try_get("username")?,
        phone: r.try_get("phone")?,
        gender: r.try_get("gender")?,
        birth_date: r.try_get("birth_date")?,
        join_date: r.try_get("join_date")?,
        standing: r.try_get("standing")?,
        post: r.try_get("post")?,
        committee: r.try_get::<i64, _>("committee")? != 0,
        group_id: r.try_get("group_id")?,
        group_name: r.try_get("group_name")?,
        role: r.try_get("role")?,
        active: r.try_get::<i64, _>("active")? != 0,
        activated: !r.try_get::<String, _>("password_hash")?.is_empty(),
    })
}

async fn groups_of(db: &Db, branch_id: &str) -> Result<Vec<(String, String)>, AppError> {
    sqlx::query("SELECT id, name FROM organisations WHERE parent_id = $1 AND kind = 'group' ORDER BY sort_order, name")
        .bind(branch_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

/// The member `user_id`, with the branch they belong to, if `viewer` runs it.
async fn organised_member(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
) -> Result<(Branch, MemberView), AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.org_id, u.display_name, u.username, u.phone, u.gender, u.birth_date, \
           u.join_date, u.standing, u.post, u.committee, u.group_id, g.name AS group_name, u.role, \
           u.active, u.password_hash \
         FROM users u LEFT JOIN organisations g ON g.id = u.group_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let branch = organised_branch(db, viewer, &row.try_get::<String, _>("org_id")?).await?;
    Ok((branch, member_from_row(&row)?))
}

fn to_field_errors(errors: Vec<String>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|message| FieldError {
            field: "form".into(),
            message,
        })
        .collect()
}
