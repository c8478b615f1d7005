//! Branches looked up and checked against the viewer's role.

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::role::{Role, may_read_branch};
use crate::error::AppError;

/// A 党支部 row: its id, name and the 总支 above it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Branch {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
}

async fn load_branch(db: &Db, id: &str) -> Result<Option<Branch>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name, parent_id FROM organisations WHERE id = $1 AND kind = 'branch'",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?)
}

/// The branch `branch_id`, if `viewer` runs it (its secretary, or an admin of its school).
pub async fn organised_branch(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
) -> Result<Branch, AppError> {
    let branch = load_branch(db, branch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_read_branch(
        viewer.role,
        &viewer.org_id,
        &branch.id,
        branch.parent_id.as_deref(),
    ) {
        Ok(branch)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The branches `viewer` may read: a secretary's own, every branch of an admin's school.
pub async fn readable_branches(db: &Db, viewer: &CurrentUser) -> Result<Vec<Branch>, AppError> {
    let sql = match viewer.role {
        Role::Member => return Ok(Vec::new()),
        Role::Secretary => {
            "SELECT id, name, parent_id FROM organisations WHERE id = $1 AND kind = 'branch'"
        }
        Role::Admin => {
            "SELECT id, name, parent_id FROM organisations WHERE parent_id = $1 AND kind = 'branch' \
             AND archived_at IS NULL \
             ORDER BY sort_order, name"
        }
    };
    Ok(sqlx::query_as(sql)
        .bind(&viewer.org_id)
        .fetch_all(db.pool())
        .await?)
}

/// An organisation as it is first stored: a school's 总支, a 党支部 or a 党小组.
pub struct NewOrg<'a> {
    pub id: &'a str,
    pub parent_id: Option<&'a str>,
    /// `school`, `branch` or `group`.
    pub kind: &'a str,
    pub name: &'a str,
    pub sort_order: i32,
}

/// The one place an organisation row is written (set-up, the demo and the test fixtures).
pub async fn insert_org(conn: &mut sqlx::AnyConnection, org: &NewOrg<'_>) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO organisations (id, parent_id, kind, name, sort_order) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org.id)
    .bind(org.parent_id.map(str::to_owned))
    .bind(org.kind)
    .bind(org.name)
    .bind(org.sort_order)
    .execute(conn)
    .await?;
    Ok(())
}
