//! Closing a year (年度封存): the 总支 closes a year once its rating is done. Each branch's
//! figures of that year are snapshotted and read from the snapshot from then on, so a closed
//! year reads the same forever; every change to that year's records is refused
//! (`org::server::refuse_if_closed`). The 总支 may reopen it with a reason; closing again
//! redoes the snapshot. Every close and reopen stays in the year's trail.

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::cadence::Rule;
use crate::domain::time::year_of;
use crate::error::AppError;
use crate::org::server::own_school;
use uuid::Uuid;

const MAX_REASON: usize = 200;

/// The 总支 closes `year` (one that is over): each of its branches' figures are snapshotted
/// in one transaction with the close, and the close goes into the year's trail. Closing a
/// closed year is refused; after a reopen it redoes the snapshot.
pub async fn close_year(
    db: &Db,
    viewer: &CurrentUser,
    rules: &[Rule],
    year: i32,
    now: i64,
) -> Result<(), AppError> {
    let school = own_school(db, viewer).await?;
    if year >= year_of(now) {
        return Err(AppError::Invalid("只能封存已经结束的年度".into()));
    }
    crate::domain::time::figure_year(Some(year), now).map_err(AppError::Invalid)?;
    let branches: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM organisations WHERE parent_id = $1 AND kind = 'branch' ORDER BY id",
    )
    .bind(&school.id)
    .fetch_all(db.pool())
    .await?;
    let mut figures = Vec::new();
    for b in &branches {
        let mut o = super::server::computed_year(db, viewer, b, rules, now, year).await?;
        o.closing = None;
        figures.push((
            b,
            serde_json::to_string(&o).map_err(|_| AppError::Internal)?,
        ));
    }
    let mut tx = db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO year_closures (school_id, year, closed_at, closed_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (school_id, year) DO NOTHING",
    )
    .bind(&school.id)
    .bind(year)
    .bind(now)
    .bind(&viewer.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(AppError::Invalid(format!("{year}年度已经封存")));
    }
    sqlx::query("DELETE FROM year_snapshots WHERE school_id = $1 AND year = $2")
        .bind(&school.id)
        .bind(year)
        .execute(&mut *tx)
        .await?;
    for (branch, json) in figures {
        sqlx::query(
            "INSERT INTO year_snapshots (school_id, year, branch_id, figures, taken_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&school.id)
        .bind(year)
        .bind(branch)
        .bind(json)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    trail(&mut tx, &school.id, year, "close", "", viewer, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The 总支 reopens a closed `year` to correct it, saying why; the year's records take changes
/// again until it is closed again (which redoes the snapshot).
pub async fn reopen_year(
    db: &Db,
    viewer: &CurrentUser,
    year: i32,
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    let school = own_school(db, viewer).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::Invalid("请写明重新开启的原因".into()));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::Invalid("原因最多 200 字".into()));
    }
    let mut tx = db.begin_write().await?;
    let removed = sqlx::query("DELETE FROM year_closures WHERE school_id = $1 AND year = $2")
        .bind(&school.id)
        .bind(year)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::Invalid(format!("{year}年度没有封存")));
    }
    trail(&mut tx, &school.id, year, "reopen", reason, viewer, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn trail(
    tx: &mut sqlx::AnyConnection,
    school_id: &str,
    year: i32,
    act: &str,
    reason: &str,
    viewer: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO year_trail (id, school_id, year, act, reason, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(school_id)
    .bind(year)
    .bind(act)
    .bind(reason)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let act_label = if act == "close" {
        "封存年度"
    } else {
        "重新开启年度"
    };
    let audit = crate::audit::server::Act {
        action: crate::audit::Action::OrgSetup,
        school_id,
        branch_id: None,
        target: format!("{year}年度"),
        detail: if reason.is_empty() {
            act_label.to_owned()
        } else {
            format!("{act_label}，原因：{reason}")
        },
    };
    crate::audit::server::record(tx, viewer, audit, now).await
}
