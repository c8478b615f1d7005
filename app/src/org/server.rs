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
             ORDER BY sort_order, name"
        }
    };
    Ok(sqlx::query_as(sql)
        .bind(&viewer.org_id)
        .fetch_all(db.pool())
        .await?)
}
