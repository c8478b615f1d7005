//! Photos and documents as evidence of a task's progress: checked by their bytes like the
//! rating's evidence files (JPEG, PNG, PDF, .docx, .xlsx; at most 10 MB, 20 per task), kept
//! under the data folder, read by whoever reads the plan.

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::AppError;
use crate::rating::server::files::{MAX_FILE_BYTES, MAX_FILES, clean_name, kind};
use crate::rating::server::reading;
use crate::state::RuntimeConfig;
use uuid::Uuid;

fn folder(config: &RuntimeConfig) -> std::path::PathBuf {
    config.data_dir.join("plan")
}

/// What is uploaded, and to which task.
pub struct Upload<'a> {
    pub org_id: &'a str,
    pub year: i32,
    pub task_id: &'a str,
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Keeps a file for the task; the organisers only, the task must be in the year's plan, the
/// year open.
pub async fn add(
    db: &Db,
    config: &RuntimeConfig,
    viewer: &CurrentUser,
    u: &Upload<'_>,
    now: i64,
) -> Result<String, AppError> {
    let scope = reading(db, viewer, u.org_id).await?;
    if !scope.may_submit {
        return Err(AppError::Forbidden);
    }
    crate::rating::server::rating_year(Some(u.year), now)?;
    let org = scope.branch.id.as_str();
    let plan = crate::branch::plan_todos::plan_tasks(db, org, u.year).await?;
    if !plan.is_some_and(|p| p.tasks.iter().any(|(t, _)| t.id == u.task_id)) {
        return Err(AppError::NotFound);
    }
    if u.bytes.is_empty() {
        return Err(AppError::Invalid("请选择文件".into()));
    }
    if u.bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::Invalid("文件不能超过 10 MB".into()));
    }
    let Some(content_type) = kind(u.bytes, u.name) else {
        return Err(AppError::Invalid(
            "只支持照片（JPEG、PNG）、PDF、Word（.docx）和 Excel（.xlsx）文件".into(),
        ));
    };
    let mut conn = db.pool().acquire().await?;
    let (from, _) = crate::domain::time::year_bounds_ms(u.year);
    crate::org::server::refuse_if_closed(&mut conn, org, from).await?;
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM plan_photos WHERE org_id = $1 AND year = $2 AND task_id = $3",
    )
    .bind(org)
    .bind(u.year)
    .bind(u.task_id)
    .fetch_one(&mut *conn)
    .await?;
    if n >= MAX_FILES {
        return Err(AppError::Invalid(format!(
            "每项任务最多 {MAX_FILES} 个文件"
        )));
    }
    drop(conn);
    let id = Uuid::now_v7().to_string();
    let dir = folder(config);
    tokio::fs::create_dir_all(&dir).await.map_err(|e| {
        tracing::error!(error = %e, "cannot create the plan files' folder");
        AppError::Internal
    })?;
    // The file first, so a row never names a missing file.
    tokio::fs::write(dir.join(&id), u.bytes)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot write a plan file");
            AppError::Internal
        })?;
    use sha2::Digest;
    let insert = sqlx::query(
        "INSERT INTO plan_photos (id, org_id, year, task_id, name, content_type, size_bytes, \
           sha256, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.clone())
    .bind(org.to_owned())
    .bind(u.year)
    .bind(u.task_id.to_owned())
    .bind(clean_name(u.name))
    .bind(content_type.to_owned())
    .bind(u.bytes.len() as i64)
    .bind(hex::encode(sha2::Sha256::digest(u.bytes)))
    .bind(viewer.id.clone())
    .bind(now);
    db.execute_write(insert).await?;
    Ok(id)
}

/// A file's name, type and path, if `viewer` reads its plan.
pub async fn file(
    db: &Db,
    config: &RuntimeConfig,
    viewer: &CurrentUser,
    id: &str,
) -> Result<(String, String, std::path::PathBuf), AppError> {
    let (org_id, name, content_type): (String, String, String) =
        sqlx::query_as("SELECT org_id, name, content_type FROM plan_photos WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?
            .ok_or(AppError::NotFound)?;
    reading(db, viewer, &org_id).await?;
    // The id is a UUID we made; parsing it again keeps any path out of the file name.
    let file = Uuid::parse_str(id)
        .map_err(|_| AppError::NotFound)?
        .to_string();
    Ok((name, content_type, folder(config).join(file)))
}

/// The files of each task of a plan: (task id, file id, name).
pub async fn of_plan(
    db: &Db,
    org_id: &str,
    year: i32,
) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT task_id, id, name FROM plan_photos WHERE org_id = $1 AND year = $2 \
         ORDER BY uploaded_at, id",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?)
}
