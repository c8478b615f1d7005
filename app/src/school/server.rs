//! The school's organisation tree on the server: its 党支部 and their 党小组 added, renamed,
//! reordered and archived, and secretaries appointed — by the school's admin (总支) only, each
//! act audited. An archived branch or group keeps its history (its activities, check-ins and
//! figures stay readable by id) and drops out of lists and new work.

use super::{GroupNode, OrgKind, Person, SchoolTree, TreeNode};
use crate::audit::Action;
use crate::audit::server::{Act, record};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::role::Role;
use crate::domain::setup::checked_name;
use crate::error::AppError;
use crate::org::server::{NewOrg, insert_org};

/// The viewer's school, if they are its 总支 (the one scope check, `org::server::own_school`).
async fn school_admin(db: &Db, viewer: &CurrentUser) -> Result<String, AppError> {
    Ok(crate::org::server::own_school(db, viewer).await?.id)
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: String,
    parent_id: Option<String>,
    kind: String,
    name: String,
    archived_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    org_id: String,
    display_name: String,
    role: String,
    active: i64,
}

/// The viewer's school: its branches in order, each with its groups and active members
/// (secretaries marked); archived ones after the rest.
pub async fn tree(db: &Db, viewer: &CurrentUser) -> Result<SchoolTree, AppError> {
    let school = school_admin(db, viewer).await?;
    let school = school.as_str();
    let rows: Vec<OrgRow> = sqlx::query_as(
        "SELECT id, parent_id, kind, name, archived_at FROM organisations \
         WHERE parent_id = $1 OR parent_id IN \
           (SELECT id FROM organisations WHERE parent_id = $1 AND kind = 'branch') \
         ORDER BY sort_order, name",
    )
    .bind(school)
    .fetch_all(db.pool())
    .await?;
    let people: Vec<PersonRow> = sqlx::query_as(
        "SELECT u.id, u.org_id, u.display_name, u.role, u.active FROM users u \
         JOIN organisations o ON o.id = u.org_id WHERE o.parent_id = $1 ORDER BY u.display_name",
    )
    .bind(school)
    .fetch_all(db.pool())
    .await?;
    let mut branches: Vec<TreeNode> = rows
        .iter()
        .filter(|r| r.kind == "branch" && r.parent_id.as_deref() == Some(school))
        .map(|b| TreeNode {
            id: b.id.clone(),
            name: b.name.clone(),
            archived: b.archived_at.is_some(),
            people: people
                .iter()
                .filter(|p| p.org_id == b.id && p.active == 1)
                .map(|p| Person {
                    id: p.id.clone(),
                    name: p.display_name.clone(),
                    secretary: p.role == "secretary",
                })
                .collect(),
            groups: rows
                .iter()
                .filter(|g| g.kind == "group" && g.parent_id.as_deref() == Some(b.id.as_str()))
                .map(|g| GroupNode {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    archived: g.archived_at.is_some(),
                })
                .collect(),
        })
        .collect();
    branches.sort_by_key(|b| b.archived);
    Ok(SchoolTree {
        viewer: viewer.clone(),
        branches,
    })
}

/// An organisation of the viewer's school, with its kind: a branch of the school, or a group
/// of one of its branches. Another school's is refused; the school itself is not one.
async fn own_org(db: &Db, school: &str, id: &str) -> Result<OrgRow, AppError> {
    let row: OrgRow = sqlx::query_as(
        "SELECT id, parent_id, kind, name, archived_at FROM organisations \
         WHERE id = $1 AND kind IN ('branch', 'group')",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let school_of_row = match row.kind.as_str() {
        "branch" => row.parent_id.clone(),
        _ => sqlx::query_scalar::<_, Option<String>>(
            "SELECT parent_id FROM organisations WHERE id = $1 AND kind = 'branch'",
        )
        .bind(row.parent_id.as_deref().unwrap_or_default())
        .fetch_optional(db.pool())
        .await?
        .flatten(),
    };
    if school_of_row.as_deref() == Some(school) {
        Ok(row)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Adds a branch to the viewer's school (`parent` empty) or a group to one of its branches.
/// Returns the new organisation's id.
pub async fn add(
    db: &Db,
    viewer: &CurrentUser,
    kind: OrgKind,
    parent: &str,
    name: &str,
    now: i64,
) -> Result<String, AppError> {
    let school = school_admin(db, viewer).await?;
    let name =
        checked_name(name).ok_or_else(|| AppError::Invalid("请填写名称（最多 60 字）".into()))?;
    let parent = match kind {
        OrgKind::Branch => school.clone(),
        OrgKind::Group => {
            let branch = own_org(db, &school, parent).await?;
            if branch.kind != "branch" || branch.archived_at.is_some() {
                return Err(AppError::Invalid("党小组只能加在未归档的支部下".into()));
            }
            branch.id
        }
    };
    let id = uuid::Uuid::now_v7().to_string();
    let mut tx = db.begin_write().await?;
    let last: Option<i64> =
        sqlx::query_scalar("SELECT MAX(sort_order) FROM organisations WHERE parent_id = $1")
            .bind(&parent)
            .fetch_one(&mut *tx)
            .await?;
    insert_org(
        &mut tx,
        &NewOrg {
            id: &id,
            parent_id: Some(&parent),
            kind: kind.as_str(),
            name: &name,
            sort_order: i32::try_from(last.unwrap_or(0) + 1).unwrap_or(i32::MAX),
        },
    )
    .await?;
    let act = Act {
        action: Action::OrgSetup,
        school_id: &school,
        branch_id: (kind == OrgKind::Group).then_some(parent.as_str()),
        target: name.clone(),
        detail: format!("新增{}", kind.label()),
    };
    record(&mut tx, viewer, act, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames a branch or group of the viewer's school.
pub async fn rename(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    name: &str,
    now: i64,
) -> Result<(), AppError> {
    let school = school_admin(db, viewer).await?;
    let name =
        checked_name(name).ok_or_else(|| AppError::Invalid("请填写名称（最多 60 字）".into()))?;
    let org = own_org(db, &school, id).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE organisations SET name = $2 WHERE id = $1")
        .bind(id)
        .bind(&name)
        .execute(&mut *tx)
        .await?;
    let act = Act {
        action: Action::OrgSetup,
        school_id: &school,
        branch_id: None,
        target: name.clone(),
        detail: format!("改名（原名：{}）", org.name),
    };
    record(&mut tx, viewer, act, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a branch or group one place up (or down) among its siblings.
pub async fn move_one(db: &Db, viewer: &CurrentUser, id: &str, up: bool) -> Result<(), AppError> {
    let school = school_admin(db, viewer).await?;
    let org = own_org(db, &school, id).await?;
    let mut tx = db.begin_write().await?;
    let siblings: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, sort_order FROM organisations WHERE parent_id = $1 AND kind = $2 \
         ORDER BY sort_order, name",
    )
    .bind(org.parent_id.as_deref().unwrap_or_default())
    .bind(&org.kind)
    .fetch_all(&mut *tx)
    .await?;
    let mut ids: Vec<String> = siblings.into_iter().map(|(id, _)| id).collect();
    if let Some(at) = ids.iter().position(|s| s == id) {
        let to = if up {
            at.checked_sub(1)
        } else {
            Some(at + 1).filter(|&t| t < ids.len())
        };
        if let Some(to) = to {
            ids.swap(at, to);
        }
    }
    // Renumbered whole, so earlier ties (equal sort orders) come apart too.
    for (n, sibling) in ids.iter().enumerate() {
        sqlx::query("UPDATE organisations SET sort_order = $2 WHERE id = $1")
            .bind(sibling)
            .bind(i64::try_from(n).unwrap_or(i64::MAX) + 1)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Archives (or brings back) a branch or group. A branch with members still in it cannot be
/// archived: they are moved or deactivated first, so nobody is left in a branch nobody sees.
pub async fn archive(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    archived: bool,
    now: i64,
) -> Result<(), AppError> {
    let school = school_admin(db, viewer).await?;
    let org = own_org(db, &school, id).await?;
    if archived && org.kind == "branch" {
        let members: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE org_id = $1 AND active = 1")
                .bind(id)
                .fetch_one(db.pool())
                .await?;
        if members > 0 {
            return Err(AppError::Invalid(format!(
                "该支部还有 {members} 名在册党员，请先转出或停用后再归档"
            )));
        }
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE organisations SET archived_at = $2 WHERE id = $1")
        .bind(id)
        .bind(archived.then_some(now))
        .execute(&mut *tx)
        .await?;
    if archived && org.kind == "group" {
        // Its members stay in the branch, outside any group.
        sqlx::query("UPDATE users SET group_id = NULL WHERE group_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let act = Act {
        action: Action::OrgSetup,
        school_id: &school,
        branch_id: None,
        target: org.name.clone(),
        detail: if archived { "归档" } else { "取消归档" }.to_owned(),
    };
    record(&mut tx, viewer, act, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Appoints a member of one of the school's branches as its secretary (`secretary` true), or
/// makes a secretary an ordinary member again. Takes effect on their next request.
pub async fn set_secretary(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
    secretary: bool,
    now: i64,
) -> Result<(), AppError> {
    let school = school_admin(db, viewer).await?;
    let found: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT u.display_name, u.username, u.role, o.id FROM users u \
         JOIN organisations o ON o.id = u.org_id \
         WHERE u.id = $1 AND o.parent_id = $2 AND o.kind = 'branch' AND u.active = 1",
    )
    .bind(user_id)
    .bind(&school)
    .fetch_optional(db.pool())
    .await?;
    // Someone not in one of the viewer's branches (another school's, or nobody) is not theirs.
    let (name, username, role, branch) = found.ok_or(AppError::Forbidden)?;
    let to = if secretary {
        Role::Secretary
    } else {
        Role::Member
    };
    if role == to.as_str() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
        .bind(user_id)
        .bind(to.as_str())
        .execute(&mut *tx)
        .await?;
    let from = Role::parse(&role).map_or("?", Role::label);
    let act = Act {
        action: Action::RoleChange,
        school_id: &school,
        branch_id: Some(&branch),
        target: format!("{name}（{username}）"),
        detail: format!("{from} → {}", to.label()),
    };
    record(&mut tx, viewer, act, now).await?;
    tx.commit().await?;
    Ok(())
}
