//! Storage of the roster: files read into tables, imports checked and confirmed, members kept
//! by hand, and invite codes.

mod import;
mod invites;
mod members;
mod moves;
mod template;
mod users;

pub use crate::domain::table::{MAX_FILE_BYTES, read_table};
pub use import::{commit_import, load_import, preview};
pub use invites::{INVITE_TTL_MS, accept_invite, create_invites, store_invite};
pub use members::{member, members, save_member, set_active};
pub use moves::{move_member, moves};
pub use template::template_xlsx;
use users::school_of_org;
pub use users::{NewUser, USER_UNIQUE, insert_user};

use super::MemberView;
use crate::auth::CurrentUser;
use crate::db::{Db, next_version};
use crate::domain::roster::{CommitteeRole, MemberRow};
use crate::error::{AppError, FieldError};
use crate::org::server::{Branch, organised_branch};
use uuid::Uuid;

/// Whether a username or phone number is in use in the school of the branch `branch_id`, for
/// the import's preview to show before anything is written (the writes themselves are guarded
/// by the unique constraints). Other schools' accounts are not looked at: they may use the
/// same names, and nothing here may tell that they exist.
async fn taken(
    tx: &mut sqlx::AnyConnection,
    branch_id: &str,
    username: &str,
    phone: Option<&str>,
) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar(concat!(
        "SELECT COUNT(*) FROM users WHERE (username = $1 OR phone = $2) AND school_id = ",
        school_of_org!("$3")
    ))
    .bind(username)
    // No phone binds NULL, which equals nothing.
    .bind(phone.map(str::to_owned))
    .bind(branch_id)
    .fetch_one(&mut *tx)
    .await?;
    Ok(n > 0)
}

/// The message for a username or phone number another account holds.
fn taken_message(username: &str) -> String {
    format!("用户名或手机号“{username}”已有人使用")
}

/// Writes a new member of `branch_id`, in `group_id`, with the app role `role` (`member`, or
/// `secretary` for a 书记 the 总支 imports).
async fn insert_member(
    tx: &mut sqlx::AnyConnection,
    branch_id: &str,
    m: &MemberRow,
    role: &str,
    group_id: Option<&str>,
    now: i64,
) -> Result<String, sqlx::Error> {
    let id = Uuid::now_v7().to_string();
    let version = next_version(tx).await?;
    let birth_date = m.birth_date.map(|d| d.to_string());
    let join_date = m.join_date.map(|d| d.to_string());
    let full_date = m.full_date.map(|d| d.to_string());
    insert_user(
        tx,
        &NewUser {
            id: &id,
            org_id: branch_id,
            username: &m.username,
            display_name: &m.name,
            created_at: now,
            phone: m.phone.as_deref(),
            gender: m.gender.map(|g| g.as_str()),
            birth_date: birth_date.as_deref(),
            join_date: join_date.as_deref(),
            standing: m.standing.as_str(),
            post: m.post.as_deref(),
            role,
            committee_role: m.committee.map(CommitteeRole::as_str),
            group_id,
            staff: m.staff,
            full_date: full_date.as_deref(),
            version,
            ..NewUser::default()
        },
    )
    .await?;
    Ok(id)
}

/// A member's row in `users`, with their group's name.
#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    display_name: String,
    username: String,
    phone: Option<String>,
    gender: Option<String>,
    birth_date: Option<String>,
    join_date: Option<String>,
    standing: String,
    post: Option<String>,
    committee_role: Option<String>,
    group_id: Option<String>,
    group_name: Option<String>,
    staff: i64,
    full_date: Option<String>,
    role: String,
    active: i64,
    password_hash: String,
}

impl From<UserRow> for MemberView {
    fn from(r: UserRow) -> Self {
        MemberView {
            id: r.id,
            name: r.display_name,
            username: r.username,
            phone: r.phone,
            gender: r.gender,
            birth_date: r.birth_date,
            join_date: r.join_date,
            standing: r.standing,
            post: r.post,
            committee_role: r.committee_role,
            group_id: r.group_id,
            group_name: r.group_name,
            staff: r.staff != 0,
            full_date: r.full_date,
            role: r.role,
            active: r.active != 0,
            activated: !r.password_hash.is_empty(),
        }
    }
}

/// A member's row with the branch they belong to.
#[derive(sqlx::FromRow)]
struct OrgUserRow {
    org_id: String,
    #[sqlx(flatten)]
    user: UserRow,
}

async fn groups_of(db: &Db, branch_id: &str) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name FROM organisations WHERE parent_id = $1 AND kind = 'group' \
         AND archived_at IS NULL ORDER BY sort_order, name",
    )
    .bind(branch_id)
    .fetch_all(db.pool())
    .await?)
}

/// The member `user_id`, with the branch they belong to, if `viewer` runs it.
async fn organised_member(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
) -> Result<(Branch, MemberView), AppError> {
    let row: OrgUserRow = sqlx::query_as(
        "SELECT u.id, u.org_id, u.display_name, u.username, u.phone, u.gender, u.birth_date, \
           u.join_date, u.standing, u.post, u.committee_role, u.group_id, g.name AS group_name, \
           u.role, u.active, u.password_hash, u.staff, u.full_date \
         FROM users u LEFT JOIN organisations g ON g.id = u.group_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let branch = organised_branch(db, viewer, &row.org_id).await?;
    Ok((branch, row.user.into()))
}

/// The branch's 书记 other than `except`, by name, if it has one.
async fn secretary_of(
    tx: &mut sqlx::AnyConnection,
    branch_id: &str,
    except: Option<&str>,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT display_name FROM users WHERE org_id = $1 AND committee_role = 'secretary' \
         AND active = 1 AND id <> $2",
    )
    .bind(branch_id)
    .bind(except.unwrap_or("").to_owned())
    .fetch_optional(&mut *tx)
    .await?)
}

/// The message for a second 书记.
fn second_secretary(branch: &str, secretary: &str) -> String {
    format!("{branch}已有书记{secretary}：一个支部只有一位书记，请先把其改为委员")
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
