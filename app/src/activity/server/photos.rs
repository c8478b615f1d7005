//! Photos of an activity: checked by their bytes, kept as files, listed on the record.

use super::load_organised;
use crate::auth::CurrentUser;
use crate::db::{Db, now_ms};
use crate::error::AppError;
use uuid::Uuid;

/// The largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

fn photo_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        _ => None,
    }
}

/// Keeps a photo of an activity under `dir`; the file is written before the row, so a row
/// never names a missing file.
pub async fn add_photo(
    db: &Db,
    dir: &std::path::Path,
    viewer: &CurrentUser,
    activity_id: &str,
    bytes: &[u8],
    caption: &str,
) -> Result<String, AppError> {
    let loaded = load_organised(db, viewer, activity_id).await?;
    loaded
        .refuse_if_closed(&mut *db.pool().acquire().await?)
        .await?;
    if bytes.is_empty() {
        return Err(AppError::Invalid("请选择照片".into()));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::Invalid("照片不能超过 5 MB".into()));
    }
    let Some(content_type) = photo_kind(bytes) else {
        return Err(AppError::Invalid(
            "只支持 JPEG、PNG 或 WebP 格式的照片".into(),
        ));
    };
    let id = Uuid::now_v7().to_string();
    tokio::fs::create_dir_all(dir).await.map_err(|e| {
        tracing::error!(error = %e, dir = %dir.display(), "cannot create the photo folder");
        AppError::Internal
    })?;
    tokio::fs::write(dir.join(&id), bytes).await.map_err(|e| {
        tracing::error!(error = %e, "cannot write a photo");
        AppError::Internal
    })?;
    use sha2::Digest;
    let insert = sqlx::query(
        "INSERT INTO activity_photos (id, activity_id, content_type, size_bytes, sha256, caption, \
           uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.clone())
    .bind(activity_id.to_owned())
    .bind(content_type.to_owned())
    .bind(bytes.len() as i64)
    .bind(hex::encode(sha2::Sha256::digest(bytes)))
    .bind(caption.trim().chars().take(100).collect::<String>())
    .bind(viewer.id.clone())
    .bind(now_ms());
    db.execute_write(insert).await?;
    Ok(id)
}

/// A photo's type and file, if `viewer` runs its activity's branch.
pub async fn photo(
    db: &Db,
    dir: &std::path::Path,
    viewer: &CurrentUser,
    photo_id: &str,
) -> Result<(String, std::path::PathBuf), AppError> {
    let (activity_id, content_type): (String, String) =
        sqlx::query_as("SELECT activity_id, content_type FROM activity_photos WHERE id = $1")
            .bind(photo_id)
            .fetch_optional(db.pool())
            .await?
            .ok_or(AppError::NotFound)?;
    super::load_readable(db, viewer, &activity_id).await?;
    // The id is a UUID we made; parsing it again keeps any path out of the file name.
    let file = Uuid::parse_str(photo_id)
        .map_err(|_| AppError::NotFound)?
        .to_string();
    Ok((content_type, dir.join(file)))
}
