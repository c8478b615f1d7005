//! The 争创活动's storage: one per organisation that runs it (a school's 总支, or a bureau for
//! its schools; a school's own comes first), saved whole and audited.

use super::{DriveNow, DriveSetup, Source};
use crate::audit::Action;
use crate::audit::server::{Act, record};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::drive::Drive;
use crate::domain::role::Role;
use crate::domain::time::{date_of, format_full, year_of};
use crate::error::AppError;

/// Whether `viewer` sets the 争创活动 of their own organisation: a school's admin for the
/// school, a bureau's admin for the bureau.
fn sets(viewer: &CurrentUser) -> bool {
    matches!(viewer.role, Role::Admin | Role::BureauAdmin)
}

fn parse(json: &str, org_id: &str) -> Result<Drive, AppError> {
    serde_json::from_str(json).map_err(|e| {
        tracing::error!(error = %e, org = org_id, "unreadable 争创活动");
        AppError::Internal
    })
}

/// The 争创活动 that applies to the school (or bureau) `org_id`: its own, else its bureau's;
/// with whose it is.
pub async fn of_org(db: &Db, org_id: &str) -> Result<Option<(Drive, Source)>, AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT org_id, drive FROM drives WHERE org_id = $1 \
            OR org_id = (SELECT parent_id FROM organisations WHERE id = $1 AND kind = 'school') \
         ORDER BY CASE WHEN org_id = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(org_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|(owner, json)| {
        let source = if owner == org_id {
            Source::Own
        } else {
            Source::Bureau
        };
        parse(&json, &owner).map(|d| (d, source))
    })
    .transpose()
}

/// The 争创活动 that applies to a branch: its school's, else its bureau's.
pub async fn of_branch(db: &Db, branch_id: &str) -> Result<Option<Drive>, AppError> {
    let school: Option<Option<String>> =
        sqlx::query_scalar("SELECT parent_id FROM organisations WHERE id = $1")
            .bind(branch_id)
            .fetch_optional(db.pool())
            .await?;
    match school.flatten() {
        Some(school) => Ok(of_org(db, &school).await?.map(|(d, _)| d)),
        None => Ok(None),
    }
}

/// The school (or bureau) whose 争创活动 applies to `viewer`.
async fn home_org(db: &Db, viewer: &CurrentUser) -> Result<Option<String>, AppError> {
    let school: Option<Option<String>> =
        sqlx::query_scalar("SELECT school_id FROM users WHERE id = $1")
            .bind(&viewer.id)
            .fetch_optional(db.pool())
            .await?;
    Ok(school.flatten())
}

/// What the banner says to `viewer` at `now`.
pub async fn now_for(
    db: &Db,
    viewer: &CurrentUser,
    now: i64,
) -> Result<Option<DriveNow>, AppError> {
    let may_set = sets(viewer);
    let Some(org) = home_org(db, viewer).await? else {
        return Ok(None);
    };
    let Some(today) = date_of(now) else {
        return Ok(None);
    };
    Ok(match of_org(db, &org).await? {
        Some((drive, _)) => Some(DriveNow {
            line: crate::domain::drive::banner(&drive.at(today), today),
            title: drive.title,
            may_set,
        })
        .filter(|n| n.line.is_some() || may_set),
        None if may_set => Some(DriveNow {
            title: String::new(),
            line: None,
            may_set,
        }),
        None => None,
    })
}

/// The setup page's data: the viewer's own 争创活动, else the bureau's, else the seed's shape.
pub async fn setup(db: &Db, viewer: &CurrentUser, now: i64) -> Result<DriveSetup, AppError> {
    if !sets(viewer) {
        return Err(AppError::Forbidden);
    }
    let (drive, source) = of_org(db, &viewer.org_id)
        .await?
        .unwrap_or_else(|| (Drive::seed(year_of(now)), Source::Suggested));
    let updated: Option<(String, i64)> = sqlx::query_as(
        "SELECT u.display_name, d.updated_at FROM drives d JOIN users u ON u.id = d.updated_by \
         WHERE d.org_id = $1",
    )
    .bind(&viewer.org_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(DriveSetup {
        viewer: viewer.clone(),
        org_name: viewer.org_name.clone(),
        drive,
        source,
        updated: updated.map(|(who, at)| format!("{who} 于 {} 保存", format_full(at))),
    })
}

/// Saves `drive` as the viewer's organisation's 争创活动, checked as a whole; the audit log
/// keeps the change.
pub async fn save(db: &Db, viewer: &CurrentUser, drive: Drive, now: i64) -> Result<(), AppError> {
    if !sets(viewer) {
        return Err(AppError::Forbidden);
    }
    let drive = drive.checked().map_err(AppError::Invalid)?;
    let json = serde_json::to_string(&drive).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO drives (org_id, drive, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id) DO UPDATE SET drive = excluded.drive, \
           updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(&viewer.org_id)
    .bind(&json)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let phases: Vec<String> = drive
        .phases
        .iter()
        .map(|p| format!("{} {} 至 {}", p.name, p.starts_on, p.ends_on))
        .collect();
    record(
        &mut tx,
        viewer,
        Act {
            action: Action::DriveSetup,
            school_id: &viewer.org_id,
            branch_id: None,
            target: drive.title.clone(),
            detail: phases.join("；"),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
