//! Branches looked up and checked against the viewer's role.

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::role::{Role, may_organise, may_read};
use crate::error::AppError;

/// A 党支部 row: its id, name and the 总支 above it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Branch {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
}

/// An organisation as the scope checks see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Org {
    pub id: String,
    pub name: String,
    /// `bureau`, `school`, `branch` or `group`.
    pub kind: String,
    pub parent_id: Option<String>,
}

/// The organisation `org_id` with its parent's parent (what the scope checks need).
#[derive(sqlx::FromRow)]
struct Found {
    #[sqlx(flatten)]
    org: Org,
    grandparent: Option<String>,
}

async fn lookup(db: &Db, org_id: &str) -> Result<Found, AppError> {
    sqlx::query_as(
        "SELECT o.id, o.name, o.kind, o.parent_id, p.parent_id AS grandparent \
         FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id WHERE o.id = $1",
    )
    .bind(org_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)
}

/// **The scope check** every server function and handler goes through (directly or through
/// [`organised_branch`] and [`own_school`]): the organisation `org_id`, if `viewer` runs it
/// (`domain::role::may_organise`). Unknown: `NotFound`; someone else's: `Forbidden`.
pub async fn organised(db: &Db, viewer: &CurrentUser, org_id: &str) -> Result<Org, AppError> {
    let Found { org, .. } = lookup(db, org_id).await?;
    let parent = org.parent_id.as_deref();
    if may_organise(viewer.role, &viewer.org_id, &org.id, parent) {
        Ok(org)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The organisation `org_id`, if `viewer` may read it (`domain::role::may_read`): whoever runs
/// it, and the bureau above its school. Unknown: `NotFound`; someone else's: `Forbidden`.
pub async fn readable(db: &Db, viewer: &CurrentUser, org_id: &str) -> Result<Org, AppError> {
    let Found { org, grandparent } = lookup(db, org_id).await?;
    let (parent, grandparent) = (org.parent_id.as_deref(), grandparent.as_deref());
    if may_read(viewer.role, &viewer.org_id, &org.id, parent, grandparent) {
        Ok(org)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The branch `branch_id`, if `viewer` runs it (its secretary, or an admin of its school).
pub async fn organised_branch(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
) -> Result<Branch, AppError> {
    Branch::of(organised(db, viewer, branch_id).await?)
}

/// The branch `branch_id`, if `viewer` may read it: its organisers, and the bureau above.
pub async fn readable_branch(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
) -> Result<Branch, AppError> {
    Branch::of(readable(db, viewer, branch_id).await?)
}

impl Branch {
    /// `org` as a branch; anything else is not found (a school or group asked for as one).
    fn of(org: Org) -> Result<Self, AppError> {
        if org.kind != "branch" {
            return Err(AppError::NotFound);
        }
        Ok(Branch {
            id: org.id,
            name: org.name,
            parent_id: org.parent_id,
        })
    }
}

/// The viewer's school, if they run it (its 总支's admin): the scope of the 总支's own acts
/// (its audit log, its organisation tree, its decisions on revisions).
pub async fn own_school(db: &Db, viewer: &CurrentUser) -> Result<Org, AppError> {
    let org = organised(db, viewer, &viewer.org_id).await?;
    if org.kind == "school" {
        Ok(org)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The branches `viewer` may read: a secretary's own, every branch of an admin's school, every
/// branch of every school under a bureau (school by school).
pub async fn readable_branches(db: &Db, viewer: &CurrentUser) -> Result<Vec<Branch>, AppError> {
    let sql = match viewer.role {
        Role::Member => return Ok(Vec::new()),
        Role::BureauViewer | Role::BureauAdmin => {
            "SELECT b.id, b.name, b.parent_id FROM organisations b \
             JOIN organisations s ON s.id = b.parent_id \
             WHERE s.parent_id = $1 AND s.kind = 'school' AND b.kind = 'branch' \
             AND b.archived_at IS NULL AND s.archived_at IS NULL \
             ORDER BY s.sort_order, s.name, b.sort_order, b.name"
        }
        Role::Secretary => {
            "SELECT id, name, parent_id FROM organisations WHERE id = $1 AND kind = 'branch'"
        }
        Role::Admin => return school_branches(db, &viewer.org_id).await,
    };
    Ok(sqlx::query_as(sql)
        .bind(&viewer.org_id)
        .fetch_all(db.pool())
        .await?)
}

/// The branches of a school in use, in the school's order (the caller has checked the reader).
pub async fn school_branches(db: &Db, school_id: &str) -> Result<Vec<Branch>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name, parent_id FROM organisations WHERE parent_id = $1 AND kind = 'branch' \
         AND archived_at IS NULL ORDER BY sort_order, name",
    )
    .bind(school_id)
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

/// The years closed (年度封存) that bind an organisation `o`: its school's (the school above a
/// branch, or a school's own), as `year_closures y`, for `concat!`/`format!` into the queries
/// that ask (`closed_year` here, `activity::server::load_targets`).
macro_rules! closures_binding_org {
    () => {
        "year_closures y JOIN organisations o ON (o.parent_id = y.school_id OR o.id = y.school_id)"
    };
}
pub(crate) use closures_binding_org;

/// The year of the instant `at` if the school above `branch_id` has closed it (年度封存): the
/// records of a closed year take no change, so every write about an activity asks first.
pub async fn closed_year(
    conn: &mut sqlx::AnyConnection,
    branch_id: &str,
    at: i64,
) -> Result<Option<i32>, AppError> {
    let year = crate::domain::time::year_of(at);
    let closed: i64 = sqlx::query_scalar(concat!(
        "SELECT COUNT(*) FROM ",
        closures_binding_org!(),
        " WHERE o.id = $1 AND y.year = $2"
    ))
    .bind(branch_id)
    .bind(year)
    .fetch_one(&mut *conn)
    .await?;
    Ok((closed > 0).then_some(year))
}

/// Why a change to a closed year's record is refused.
pub fn closed_message(year: i32) -> String {
    format!("{year}年度已封存，当年的记录不能再更改；如确需更正，请总支先重新开启该年度并写明原因")
}

/// Refuses (`Invalid`, with the reason) a change to a record of `branch_id` dated `at` when
/// its year is closed.
pub async fn refuse_if_closed(
    conn: &mut sqlx::AnyConnection,
    branch_id: &str,
    at: i64,
) -> Result<(), AppError> {
    match closed_year(conn, branch_id, at).await? {
        Some(year) => Err(AppError::Invalid(closed_message(year))),
        None => Ok(()),
    }
}
