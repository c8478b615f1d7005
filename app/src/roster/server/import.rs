//! Roster imports: a file checked into a preview, then confirmed all at once or not at all.

use super::super::ImportPreview;
use super::{USER_UNIQUE, insert_member, taken, taken_message};
use crate::auth::CurrentUser;
use crate::db::{Db, is_unique_violation};
use crate::domain::roster::{CheckedRow, MemberRow, check_table};
use crate::domain::table::read_table;
use crate::domain::time::date_of;
use crate::error::AppError;
use crate::org::server::{Branch, organised_branch};
use uuid::Uuid;

/// Checks a file for `branch_id` and keeps the checked rows for the secretary to confirm.
pub async fn preview(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    file_name: &str,
    bytes: &[u8],
    now: i64,
) -> Result<String, AppError> {
    let branch = organised_branch(db, viewer, branch_id).await?;
    // Unpacking and parsing a workbook is CPU work: off the async workers, so one upload
    // never stalls the requests around it.
    let (name, data) = (file_name.to_owned(), bytes.to_vec());
    let table = tokio::task::spawn_blocking(move || read_table(&name, &data))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "reading a roster file failed");
            AppError::Internal
        })?
        .map_err(AppError::Invalid)?;
    let today = date_of(now).unwrap_or_default();
    let mut rows = check_table(&table, today).map_err(AppError::Invalid)?;
    let mut tx = db.begin_write().await?;
    for row in &mut rows {
        let mut problems = Vec::new();
        if let Ok(m) = &row.result {
            if m.branch != branch.name {
                problems.push(format!(
                    "不是本支部（{}）的党员：写的是“{}”",
                    branch.name, m.branch
                ));
            }
            if taken(&mut tx, &m.username, m.phone.as_deref()).await? {
                problems.push(taken_message(&m.username));
            }
        }
        if !problems.is_empty() {
            row.result = Err(problems);
        }
    }
    let ok = rows.iter().all(|r| r.result.is_ok());
    let id = Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO roster_imports (id, branch_id, file_name, rows_json, ok, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&branch.id)
    .bind(file_name.chars().take(100).collect::<String>())
    .bind(serde_json::to_string(&rows).map_err(|_| AppError::Internal)?)
    .bind(i32::from(ok))
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A stored import, as checked at its preview.
#[derive(sqlx::FromRow)]
struct ImportRow {
    branch_id: String,
    file_name: String,
    rows_json: String,
    ok: i64,
    committed_at: Option<i64>,
}

async fn load_import_row(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
) -> Result<(Branch, ImportRow), AppError> {
    let row: ImportRow = sqlx::query_as(
        "SELECT branch_id, file_name, rows_json, ok, committed_at FROM roster_imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let branch = organised_branch(db, viewer, &row.branch_id).await?;
    Ok((branch, row))
}

fn rows_of(row: &ImportRow) -> Result<Vec<CheckedRow>, AppError> {
    serde_json::from_str(&row.rows_json).map_err(|e| {
        tracing::error!(error = %e, "a stored import is unreadable");
        AppError::Internal
    })
}

pub async fn load_import(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
) -> Result<ImportPreview, AppError> {
    let (branch, row) = load_import_row(db, viewer, id).await?;
    Ok(ImportPreview {
        viewer: viewer.clone(),
        id: id.to_owned(),
        branch_id: branch.id,
        branch_name: branch.name,
        rows: rows_of(&row)?,
        file_name: row.file_name,
        ok: row.ok != 0,
        committed: row.committed_at.is_some(),
    })
}

/// Stores every member of a checked import in one transaction — or none, if any row is bad
/// or (since the preview) a username was taken.
pub async fn commit_import(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    now: i64,
) -> Result<usize, AppError> {
    let (branch, row) = load_import_row(db, viewer, id).await?;
    if row.committed_at.is_some() {
        return Err(AppError::Invalid("这份名单已经导入过了".into()));
    }
    let rows = rows_of(&row)?;
    let members: Vec<&MemberRow> = rows.iter().filter_map(|r| r.result.as_ref().ok()).collect();
    if members.len() != rows.len() {
        return Err(AppError::Invalid(
            "名单里还有错误的行，没有导入任何党员。请改正文件后重新上传。".into(),
        ));
    }
    let mut tx = db.begin_write().await?;
    for m in &members {
        match insert_member(&mut tx, &branch.id, m, false, None, now).await {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e, USER_UNIQUE) => {
                return Err(AppError::Invalid(format!(
                    "用户名或手机号“{}”在预览之后已被使用，没有导入任何党员。请重新上传。",
                    m.username
                )));
            }
            Err(e) => return Err(e.into()),
        }
    }
    sqlx::query("UPDATE roster_imports SET committed_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    // The new members are expected at what has not started yet.
    crate::activity::server::follow_roster(&mut tx, &branch.id, now).await?;
    let school = crate::audit::server::school_of(&mut tx, &branch.id).await?;
    let act = crate::audit::server::Act {
        action: crate::audit::Action::RosterImport,
        school_id: &school,
        branch_id: Some(&branch.id),
        target: branch.name.clone(),
        detail: format!("从“{}”导入 {} 名党员", row.file_name, members.len()),
    };
    crate::audit::server::record(&mut tx, viewer, act, now).await?;
    tx.commit().await?;
    Ok(members.len())
}
