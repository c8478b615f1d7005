//! The bureau on the server: its schools and viewers read, and schools (each with a first
//! admin) and viewers added — by the bureau's admin only, each act audited. A bureau's people
//! run no school: every write in a school checks `domain::role::may_organise`, which no bureau
//! role passes.

use super::{Account, BureauView, SchoolItem};
use crate::audit::Action;
use crate::audit::server::{Act, record};
use crate::auth::CurrentUser;
use crate::db::{Db, is_unique_violation};
use crate::domain::role::Role;
use crate::domain::setup::{check_setup, checked_name};
use crate::error::AppError;
use crate::org::server::{NewOrg, insert_org};
use crate::roster::Invite;
use crate::roster::server::{INVITE_TTL_MS, NewUser, USER_UNIQUE, insert_user, store_invite};
use uuid::Uuid;

/// The viewer's bureau (id, name), if they are one of its people; `Forbidden` for anyone else.
pub(super) async fn own_bureau(
    db: &Db,
    viewer: &CurrentUser,
) -> Result<(String, String), AppError> {
    if !viewer.role.is_bureau() {
        return Err(AppError::Forbidden);
    }
    sqlx::query_as(
        "SELECT id, COALESCE(school_name, name) FROM organisations \
         WHERE id = $1 AND kind = 'bureau'",
    )
    .bind(&viewer.org_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::Forbidden)
}

/// The bureau's admin's bureau; `Forbidden` for its viewers and everyone else.
async fn bureau_admin(db: &Db, viewer: &CurrentUser) -> Result<String, AppError> {
    let (id, _) = own_bureau(db, viewer).await?;
    if viewer.role == Role::BureauAdmin {
        Ok(id)
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    org_id: String,
    display_name: String,
    username: String,
    password_hash: String,
}

impl From<&AccountRow> for Account {
    fn from(r: &AccountRow) -> Self {
        Account {
            id: r.id.clone(),
            name: r.display_name.clone(),
            username: r.username.clone(),
            activated: !r.password_hash.is_empty(),
        }
    }
}

/// The bureau's schools (each with its branches, members and admins) and its viewers.
pub async fn overview(db: &Db, viewer: &CurrentUser) -> Result<BureauView, AppError> {
    let (bureau, name) = own_bureau(db, viewer).await?;
    let schools: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT s.id, COALESCE(s.school_name, s.name), s.name, \
           (SELECT COUNT(*) FROM organisations b WHERE b.parent_id = s.id AND b.kind = 'branch' \
              AND b.archived_at IS NULL), \
           (SELECT COUNT(*) FROM users u JOIN organisations b ON b.id = u.org_id \
              WHERE b.parent_id = s.id AND b.kind = 'branch' AND u.active = 1) \
         FROM organisations s WHERE s.parent_id = $1 AND s.kind = 'school' \
         AND s.archived_at IS NULL ORDER BY s.sort_order, s.name",
    )
    .bind(&bureau)
    .fetch_all(db.pool())
    .await?;
    let accounts: Vec<AccountRow> = sqlx::query_as(
        "SELECT u.id, u.org_id, u.display_name, u.username, u.password_hash FROM users u \
         JOIN organisations o ON o.id = u.org_id \
         WHERE u.active = 1 AND ((o.parent_id = $1 AND o.kind = 'school' AND u.role = 'admin') \
           OR (o.id = $1 AND u.role = 'bureau_viewer')) \
         ORDER BY u.display_name",
    )
    .bind(&bureau)
    .fetch_all(db.pool())
    .await?;
    Ok(BureauView {
        viewer: viewer.clone(),
        name,
        may_add: viewer.role == Role::BureauAdmin,
        schools: schools
            .into_iter()
            .map(|(id, name, committee_name, branches, members)| SchoolItem {
                admins: accounts
                    .iter()
                    .filter(|a| a.org_id == id)
                    .map(Account::from)
                    .collect(),
                id,
                name,
                committee_name,
                branches,
                members,
            })
            .collect(),
        viewers: accounts
            .iter()
            .filter(|a| a.org_id == bureau)
            .map(Account::from)
            .collect(),
    })
}

/// A school the bureau adds, as its form sends it.
pub struct NewSchool<'a> {
    pub school_name: &'a str,
    /// Empty: "<school>党总支".
    pub committee_name: &'a str,
    pub admin_name: &'a str,
    pub admin_username: &'a str,
}

/// Adds a school (its 总支) to the viewer's bureau with its first admin, in one transaction;
/// the admin sets a password with the invite code that comes back (shown once).
pub async fn add_school(
    db: &Db,
    viewer: &CurrentUser,
    new: &NewSchool<'_>,
    now: i64,
) -> Result<Invite, AppError> {
    let bureau = bureau_admin(db, viewer).await?;
    let setup = check_setup(
        new.school_name,
        new.committee_name,
        new.admin_name,
        new.admin_username,
    )
    .map_err(|e| AppError::Invalid(e.message().to_owned()))?;
    let mut tx = db.begin_write().await?;
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM organisations WHERE parent_id = $1 AND kind = 'school' \
         AND COALESCE(school_name, name) = $2",
    )
    .bind(&bureau)
    .bind(&setup.school_name)
    .fetch_one(&mut *tx)
    .await?;
    if taken > 0 {
        return Err(AppError::Invalid(format!(
            "已有学校“{}”",
            setup.school_name
        )));
    }
    let order: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM organisations WHERE parent_id = $1 AND kind = 'school'",
    )
    .bind(&bureau)
    .fetch_one(&mut *tx)
    .await?;
    let school = Uuid::now_v7().to_string();
    insert_org(
        &mut tx,
        &NewOrg {
            id: &school,
            parent_id: Some(&bureau),
            kind: "school",
            name: &setup.committee_name,
            sort_order: i32::try_from(order).unwrap_or(i32::MAX),
        },
    )
    .await?;
    sqlx::query("UPDATE organisations SET school_name = $2 WHERE id = $1")
        .bind(&school)
        .bind(&setup.school_name)
        .execute(&mut *tx)
        .await?;
    let invite = new_account(
        &mut tx,
        viewer,
        &school,
        Role::Admin,
        &setup.admin_name,
        &setup.admin_username,
        now,
    )
    .await?;
    let act = Act {
        action: Action::OrgSetup,
        school_id: &school,
        branch_id: None,
        target: setup.school_name.clone(),
        detail: format!(
            "教育局设立学校：{}，管理员 {}（{}）",
            setup.committee_name, setup.admin_name, setup.admin_username
        ),
    };
    record(&mut tx, viewer, act, now).await?;
    tx.commit().await?;
    Ok(invite)
}

/// Adds a read-only viewer to the viewer's bureau; their invite code comes back (shown once).
pub async fn add_viewer(
    db: &Db,
    viewer: &CurrentUser,
    name: &str,
    username: &str,
    now: i64,
) -> Result<Invite, AppError> {
    let bureau = bureau_admin(db, viewer).await?;
    let name =
        checked_name(name).ok_or_else(|| AppError::Invalid("请填写姓名（最多 60 字）".into()))?;
    let username = username.trim();
    if !crate::domain::roster::valid_username(username) {
        return Err(AppError::Invalid(
            "用户名为 3–32 位字母、数字或 . _ -".into(),
        ));
    }
    let mut tx = db.begin_write().await?;
    let invite = new_account(
        &mut tx,
        viewer,
        &bureau,
        Role::BureauViewer,
        &name,
        username,
        now,
    )
    .await?;
    let act = Act {
        action: Action::RoleChange,
        school_id: &bureau,
        branch_id: None,
        target: format!("{name}（{username}）"),
        detail: format!("新增{}", Role::BureauViewer.label()),
    };
    record(&mut tx, viewer, act, now).await?;
    tx.commit().await?;
    Ok(invite)
}

/// Writes an account without a password in `org` and its invite code.
async fn new_account(
    tx: &mut sqlx::AnyConnection,
    by: &CurrentUser,
    org: &str,
    role: Role,
    name: &str,
    username: &str,
    now: i64,
) -> Result<Invite, AppError> {
    let id = Uuid::now_v7().to_string();
    let inserted = insert_user(
        tx,
        &NewUser {
            id: &id,
            org_id: org,
            username,
            display_name: name,
            role: role.as_str(),
            created_at: now,
            ..NewUser::default()
        },
    )
    .await;
    match inserted {
        Ok(()) => {}
        Err(e) if is_unique_violation(&e, USER_UNIQUE) => {
            return Err(AppError::Invalid(format!(
                "用户名“{username}”已被使用，请换一个"
            )));
        }
        Err(e) => return Err(e.into()),
    }
    let code = store_invite(tx, &id, &by.id, now).await?;
    Ok(Invite {
        name: name.to_owned(),
        username: username.to_owned(),
        code,
        expires_at: now + INVITE_TTL_MS,
    })
}
