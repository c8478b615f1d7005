//! Files and photos of an attested criterion's evidence: checked by their bytes (photos,
//! PDF, Word and Excel files), kept under the data folder, read by whoever reads the rating.

use super::{reading, write};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::rating::EvidenceState;
use crate::error::AppError;
use crate::rating::EvidenceFile;
use crate::state::RuntimeConfig;
use uuid::Uuid;

/// The largest evidence file, in bytes, and the most files per criterion.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_FILES: i64 = 20;

/// The type of an evidence file, from its first bytes (never from its name).
pub fn kind(bytes: &[u8], name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'%', b'P', b'D', b'F', ..] => Some("application/pdf"),
        // A zip: an Office file, by the name it was given.
        [b'P', b'K', 3, 4, ..] if lower.ends_with(".docx") => {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        [b'P', b'K', 3, 4, ..] if lower.ends_with(".xlsx") => {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        _ => None,
    }
}

/// A file name safe to show and to offer back: its last path part, no control characters.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).take(100).collect();
    if clean.trim().is_empty() {
        "附件".into()
    } else {
        clean
    }
}

/// Keeps a file of the evidence of `criterion`; refused once the evidence is submitted or
/// approved, in a closed year, and for anyone but the branch's organisers.
#[allow(clippy::too_many_arguments)]
pub async fn add_file(
    db: &Db,
    config: &RuntimeConfig,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    criterion: &str,
    name: &str,
    bytes: &[u8],
    now: i64,
) -> Result<String, AppError> {
    let scope = reading(db, viewer, org_id).await?;
    if !scope.may_submit {
        return Err(AppError::Forbidden);
    }
    super::rating_year(Some(year), now)?;
    write::attested(&scope.rules(config), criterion)?;
    if bytes.is_empty() {
        return Err(AppError::Invalid("请选择文件".into()));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::Invalid("文件不能超过 10 MB".into()));
    }
    let Some(content_type) = kind(bytes, name) else {
        return Err(AppError::Invalid(
            "只支持照片（JPEG、PNG）、PDF、Word（.docx）和 Excel（.xlsx）文件".into(),
        ));
    };
    let mut conn = db.pool().acquire().await?;
    write::open_year(&mut conn, &scope.branch.id, year).await?;
    let state: Option<String> = sqlx::query_scalar(
        "SELECT state FROM rating_evidence WHERE org_id = $1 AND year = $2 AND criterion = $3",
    )
    .bind(&scope.branch.id)
    .bind(year)
    .bind(criterion)
    .fetch_optional(&mut *conn)
    .await?;
    if matches!(
        state.as_deref().and_then(EvidenceState::parse),
        Some(EvidenceState::Submitted | EvidenceState::Approved)
    ) {
        return Err(AppError::Invalid(
            "佐证已提交或已审核通过，不能再添加文件".into(),
        ));
    }
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM rating_evidence_files WHERE org_id = $1 AND year = $2 AND criterion = $3",
    )
    .bind(&scope.branch.id)
    .bind(year)
    .bind(criterion)
    .fetch_one(&mut *conn)
    .await?;
    if n >= MAX_FILES {
        return Err(AppError::Invalid(format!(
            "每项佐证最多 {MAX_FILES} 个文件"
        )));
    }
    drop(conn);
    let id = Uuid::now_v7().to_string();
    let dir = config.data_dir.join("evidence");
    tokio::fs::create_dir_all(&dir).await.map_err(|e| {
        tracing::error!(error = %e, "cannot create the evidence folder");
        AppError::Internal
    })?;
    // The file first, so a row never names a missing file.
    tokio::fs::write(dir.join(&id), bytes).await.map_err(|e| {
        tracing::error!(error = %e, "cannot write an evidence file");
        AppError::Internal
    })?;
    use sha2::Digest;
    let insert = sqlx::query(
        "INSERT INTO rating_evidence_files (id, org_id, year, criterion, name, content_type, \
           size_bytes, sha256, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.clone())
    .bind(scope.branch.id.clone())
    .bind(year)
    .bind(criterion.to_owned())
    .bind(clean_name(name))
    .bind(content_type.to_owned())
    .bind(bytes.len() as i64)
    .bind(hex::encode(sha2::Sha256::digest(bytes)))
    .bind(viewer.id.clone())
    .bind(now);
    db.execute_write(insert).await?;
    Ok(id)
}

/// A file's name, type and path, if `viewer` reads its branch's rating.
pub async fn file(
    db: &Db,
    config: &RuntimeConfig,
    viewer: &CurrentUser,
    id: &str,
) -> Result<(String, String, std::path::PathBuf), AppError> {
    let (org_id, name, content_type): (String, String, String) = sqlx::query_as(
        "SELECT org_id, name, content_type FROM rating_evidence_files WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    reading(db, viewer, &org_id).await?;
    // The id is a UUID we made; parsing it again keeps any path out of the file name.
    let file = Uuid::parse_str(id)
        .map_err(|_| AppError::NotFound)?
        .to_string();
    Ok((
        name,
        content_type,
        config.data_dir.join("evidence").join(file),
    ))
}

/// The files of each criterion's evidence of a branch's year.
pub async fn files_of(
    db: &Db,
    org_id: &str,
    year: i32,
) -> Result<Vec<(String, EvidenceFile)>, AppError> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT criterion, id, name, size_bytes FROM rating_evidence_files \
         WHERE org_id = $1 AND year = $2 ORDER BY uploaded_at, id",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(criterion, id, name, size)| {
            (
                criterion,
                EvidenceFile {
                    id,
                    name,
                    size_bytes: size,
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_judged_by_its_bytes_and_its_name_is_cleaned() {
        assert_eq!(kind(b"%PDF-1.7", "x.exe"), Some("application/pdf"));
        assert_eq!(
            kind(b"PK\x03\x04rest", "预算表.xlsx").map(|k| k.contains("sheet")),
            Some(true)
        );
        assert_eq!(kind(b"PK\x03\x04rest", "a.zip"), None);
        assert_eq!(kind(b"<html>", "a.pdf"), None);
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\x\\名单.pdf"), "名单.pdf");
        assert_eq!(clean_name("\n"), "附件");
    }
}
