//! Roster imports: a file checked into a preview, then confirmed all at once or not at all.

use super::super::ImportPreview;
use super::{
    USER_UNIQUE, groups_of, insert_member, second_secretary, secretary_of, taken, taken_message,
};
use crate::auth::CurrentUser;
use crate::db::{Db, is_unique_violation};
use crate::domain::import::{CheckedRow, check_table};
use crate::domain::role::Role;
use crate::domain::roster::{CommitteeRole, MemberRow};
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
    let groups = groups_of(db, &branch.id).await?;
    let mut tx = db.begin_write().await?;
    let secretary = secretary_of(&mut tx, &branch.id, None).await?;
    for row in &mut rows {
        let mut problems = Vec::new();
        if let Ok(m) = &row.result {
            if m.branch != branch.name {
                problems.push(format!(
                    "不是本支部（{}）的党员：写的是“{}”",
                    branch.name, m.branch
                ));
            }
            if taken(&mut tx, &branch.id, &m.username, m.phone.as_deref()).await? {
                problems.push(taken_message(&m.username));
            }
            if let Err(e) = group_id(&groups, m) {
                problems.push(e);
            }
            if m.committee == Some(CommitteeRole::Secretary)
                && let Some(other) = &secretary
            {
                problems.push(second_secretary(&branch.name, other));
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

/// The id of the 党小组 a row names, among the branch's `groups` (id, name).
fn group_id<'a>(groups: &'a [(String, String)], m: &MemberRow) -> Result<Option<&'a str>, String> {
    let Some(name) = &m.group else {
        return Ok(None);
    };
    match groups.iter().find(|(_, n)| n == name) {
        Some((id, _)) => Ok(Some(id)),
        None if groups.is_empty() => Err(format!(
            "本支部还没有党小组“{name}”：请先在「组织」页添加党小组"
        )),
        None => Err(format!(
            "本支部没有党小组“{name}”：现有 {}",
            groups
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join("、")
        )),
    }
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
    let groups = groups_of(db, &branch.id).await?;
    let mut tx = db.begin_write().await?;
    // What the preview checked may have changed since: a group archived, a 书记 appointed.
    let changed = |e: String| {
        AppError::Invalid(format!(
            "{e}（预览之后有了变化），没有导入任何党员。请重新上传。"
        ))
    };
    let secretary = secretary_of(&mut tx, &branch.id, None).await?;
    for m in &members {
        let group = group_id(&groups, m).map_err(changed)?;
        if m.committee == Some(CommitteeRole::Secretary)
            && let Some(other) = &secretary
        {
            return Err(changed(second_secretary(&branch.name, other)));
        }
        // The 书记 the 总支 imports runs the branch in the app too; a secretary's import only
        // records the seat (appointing is the 总支's: 组织 › 设为书记).
        let role = if m.committee == Some(CommitteeRole::Secretary) && viewer.role == Role::Admin {
            Role::Secretary
        } else {
            Role::Member
        };
        match insert_member(&mut tx, &branch.id, m, role.as_str(), group, now).await {
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
