//! Storage of the roster: files read into tables, imports checked and confirmed, members kept
//! by hand, and invite codes.

use super::{ImportPreview, Invite, MemberForm, MemberList, MemberView};
use crate::activity::FieldError;
use crate::auth::CurrentUser;
use crate::auth::server::{Password, hash_password};
use crate::branch::server::{Branch, organised_branch};
use crate::db::{Db, next_version};
use crate::domain::roster::{CheckedRow, MemberRow, check_member, check_table};
use crate::domain::time::date_of;
use crate::error::AppError;
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

/// The largest roster file accepted.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// How long an invite code works.
pub const INVITE_TTL_MS: i64 = 14 * 24 * 3_600_000;

/// Reads a CSV or XLSX file into rows of text. CSV may be UTF-8 (with or without BOM) or the
/// GB18030/GBK that Excel writes on Chinese Windows.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    if bytes.is_empty() {
        return Err("文件是空的".into());
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err("文件太大（最多 2 MB）".into());
    }
    let lower = file_name.to_lowercase();
    if bytes.starts_with(b"PK") || lower.ends_with(".xlsx") {
        return read_xlsx(bytes);
    }
    if lower.ends_with(".xls") {
        return Err("请把旧版 .xls 文件另存为 .xlsx 或 .csv 后再导入".into());
    }
    let text = match bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes) {
        utf8 if std::str::from_utf8(utf8).is_ok() => String::from_utf8_lossy(utf8).into_owned(),
        other => encoding_rs::GB18030.decode(other).0.into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|rec| rec.iter().map(|c| c.trim().to_owned()).collect())
                .map_err(|e| format!("CSV 文件无法读取：{e}"))
        })
        .collect()
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| format!("Excel 文件无法读取：{e}"))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or("Excel 文件里没有工作表")?
        .map_err(|e| format!("Excel 文件无法读取：{e}"))?;
    Ok(sheet
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    // Phone numbers typed into Excel become numbers: no ".0", no exponent.
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        format!("{}", *f as i64)
                    }
                    Data::DateTime(d) => format!("{}", d.as_f64().trunc() as i64),
                    other => other.to_string().trim().to_owned(),
                })
                .collect()
        })
        .collect())
}

async fn taken(
    tx: &mut Transaction<'static, Any>,
    username: &str,
    phone: Option<&str>,
    except: Option<&str>,
) -> Result<bool, AppError> {
    let n: i64 =
        sqlx::query("SELECT COUNT(*) FROM users WHERE (username = $1 OR phone = $2) AND id <> $3")
            .bind(username)
            // No phone binds NULL, which equals nothing.
            .bind(phone.map(str::to_owned))
            .bind(except.unwrap_or(""))
            .fetch_one(&mut **tx)
            .await?
            .try_get(0)?;
    Ok(n > 0)
}

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
    let table = read_table(file_name, bytes).map_err(AppError::Invalid)?;
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
            if taken(&mut tx, &m.username, m.phone.as_deref(), None).await? {
                problems.push(format!("用户名或手机号“{}”已有人使用", m.username));
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

async fn load_import_row(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
) -> Result<(Branch, sqlx::any::AnyRow), AppError> {
    let row = sqlx::query(
        "SELECT branch_id, file_name, rows_json, ok, committed_at FROM roster_imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let branch = organised_branch(db, viewer, &row.try_get::<String, _>("branch_id")?).await?;
    Ok((branch, row))
}

fn rows_of(row: &sqlx::any::AnyRow) -> Result<Vec<CheckedRow>, AppError> {
    serde_json::from_str(&row.try_get::<String, _>("rows_json")?).map_err(|e| {
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
        file_name: row.try_get("file_name")?,
        rows: rows_of(&row)?,
        ok: row.try_get::<i64, _>("ok")? != 0,
        committed: row.try_get::<Option<i64>, _>("committed_at")?.is_some(),
    })
}

async fn insert_member(
    tx: &mut Transaction<'static, Any>,
    branch_id: &str,
    m: &MemberRow,
    committee: bool,
    group_id: Option<&str>,
    now: i64,
) -> Result<String, AppError> {
    let id = Uuid::now_v7().to_string();
    let version = next_version(tx).await?;
    sqlx::query(
        "INSERT INTO users (id, org_id, username, display_name, password_hash, role, active, \
           created_at, phone, gender, birth_date, join_date, standing, post, committee, group_id, version) \
         VALUES ($1, $2, $3, $4, '', 'member', 1, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&id)
    .bind(branch_id)
    .bind(&m.username)
    .bind(&m.name)
    .bind(now)
    .bind(m.phone.clone())
    .bind(m.gender.map(|g| g.as_str().to_owned()))
    .bind(m.birth_date.map(|d| d.to_string()))
    .bind(m.join_date.map(|d| d.to_string()))
    .bind(m.standing.as_str())
    .bind(m.post.clone())
    .bind(i32::from(committee))
    .bind(group_id.map(str::to_owned))
    .bind(version)
    .execute(&mut **tx)
    .await?;
    Ok(id)
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
    if row.try_get::<Option<i64>, _>("committed_at")?.is_some() {
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
        if taken(&mut tx, &m.username, m.phone.as_deref(), None).await? {
            return Err(AppError::Invalid(format!(
                "用户名或手机号“{}”在预览之后已被使用，没有导入任何党员。请重新上传。",
                m.username
            )));
        }
        insert_member(&mut tx, &branch.id, m, false, None, now).await?;
    }
    sqlx::query("UPDATE roster_imports SET committed_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(members.len())
}

fn member_from_row(r: &sqlx::any::AnyRow) -> Result<MemberView, AppError> {
    Ok(MemberView {
        id: r.try_get("id")?,
        name: r.try_get("display_name")?,
        username: r.try_get("username")?,
        phone: r.try_get("phone")?,
        gender: r.try_get("gender")?,
        birth_date: r.try_get("birth_date")?,
        join_date: r.try_get("join_date")?,
        standing: r.try_get("standing")?,
        post: r.try_get("post")?,
        committee: r.try_get::<i64, _>("committee")? != 0,
        group_id: r.try_get("group_id")?,
        group_name: r.try_get("group_name")?,
        role: r.try_get("role")?,
        active: r.try_get::<i64, _>("active")? != 0,
        activated: !r.try_get::<String, _>("password_hash")?.is_empty(),
    })
}

async fn groups_of(db: &Db, branch_id: &str) -> Result<Vec<(String, String)>, AppError> {
    sqlx::query("SELECT id, name FROM organisations WHERE parent_id = $1 AND kind = 'group' ORDER BY sort_order, name")
        .bind(branch_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

/// The branch's roster, active members first.
pub async fn members(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
) -> Result<MemberList, AppError> {
    let branch = organised_branch(db, viewer, branch_id).await?;
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.username, u.phone, u.gender, u.birth_date, u.join_date, \
           u.standing, u.post, u.committee, u.group_id, g.name AS group_name, u.role, u.active, \
           u.password_hash \
         FROM users u LEFT JOIN organisations g ON g.id = u.group_id \
         WHERE u.org_id = $1 ORDER BY u.active DESC, u.committee DESC, u.display_name",
    )
    .bind(&branch.id)
    .fetch_all(db.pool())
    .await?;
    Ok(MemberList {
        viewer: viewer.clone(),
        groups: groups_of(db, &branch.id).await?,
        branch_id: branch.id,
        branch_name: branch.name,
        members: rows.iter().map(member_from_row).collect::<Result<_, _>>()?,
    })
}

/// The member `user_id`, with the branch they belong to, if `viewer` runs it.
async fn organised_member(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
) -> Result<(Branch, MemberView), AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.org_id, u.display_name, u.username, u.phone, u.gender, u.birth_date, \
           u.join_date, u.standing, u.post, u.committee, u.group_id, g.name AS group_name, u.role, \
           u.active, u.password_hash \
         FROM users u LEFT JOIN organisations g ON g.id = u.group_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let branch = organised_branch(db, viewer, &row.try_get::<String, _>("org_id")?).await?;
    Ok((branch, member_from_row(&row)?))
}

pub async fn member(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
) -> Result<(MemberList, MemberView), AppError> {
    let (branch, m) = organised_member(db, viewer, user_id).await?;
    let list = MemberList {
        viewer: viewer.clone(),
        groups: groups_of(db, &branch.id).await?,
        branch_id: branch.id,
        branch_name: branch.name,
        members: Vec::new(),
    };
    Ok((list, m))
}

fn to_field_errors(errors: Vec<String>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|message| FieldError {
            field: "form".into(),
            message,
        })
        .collect()
}

/// Adds a member (no `user_id`) or edits one. Returns the member's id, or what is wrong.
pub async fn save_member(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    user_id: Option<&str>,
    form: &MemberForm,
    now: i64,
) -> Result<Result<String, Vec<FieldError>>, AppError> {
    let branch = match user_id {
        Some(id) => organised_member(db, viewer, id).await?.0,
        None => organised_branch(db, viewer, branch_id).await?,
    };
    let today = date_of(now).unwrap_or_default();
    let has_post = if form.post.trim().is_empty() {
        "无职"
    } else {
        "有职"
    };
    let m = match check_member(
        &branch.name,
        &form.name,
        &form.username,
        &form.phone,
        &form.gender,
        &form.birth_date,
        &form.join_date,
        &form.standing,
        has_post,
        &form.post,
        today,
    ) {
        Ok(m) => m,
        Err(errors) => return Ok(Err(to_field_errors(errors))),
    };
    let group = Some(form.group_id.trim()).filter(|g| !g.is_empty());
    if let Some(g) = group
        && !groups_of(db, &branch.id)
            .await?
            .iter()
            .any(|(id, _)| id == g)
    {
        return Ok(Err(to_field_errors(vec!["所选党小组不属于本支部".into()])));
    }
    let committee = form
        .committee
        .as_deref()
        .is_some_and(|c| !c.is_empty() && c != "false");
    let mut tx = db.begin_write().await?;
    if taken(&mut tx, &m.username, m.phone.as_deref(), user_id).await? {
        return Ok(Err(to_field_errors(vec![format!(
            "用户名或手机号“{}”已有人使用",
            m.username
        )])));
    }
    let id = match user_id {
        None => insert_member(&mut tx, &branch.id, &m, committee, group, now).await?,
        Some(id) => {
            let version = next_version(&mut tx).await?;
            sqlx::query(
                "UPDATE users SET username = $2, display_name = $3, phone = $4, gender = $5, \
                   birth_date = $6, join_date = $7, standing = $8, post = $9, committee = $10, \
                   group_id = $11, version = $12 WHERE id = $1",
            )
            .bind(id)
            .bind(&m.username)
            .bind(&m.name)
            .bind(m.phone.clone())
            .bind(m.gender.map(|g| g.as_str().to_owned()))
            .bind(m.birth_date.map(|d| d.to_string()))
            .bind(m.join_date.map(|d| d.to_string()))
            .bind(m.standing.as_str())
            .bind(m.post.clone())
            .bind(i32::from(committee))
            .bind(group.map(str::to_owned))
            .bind(version)
            .execute(&mut *tx)
            .await?;
            id.to_owned()
        }
    };
    tx.commit().await?;
    Ok(Ok(id))
}

/// Deactivates (or reactivates) a member. A deactivated member signs in no more and is taken
/// off activities that have not started; their past records stay as they were.
pub async fn set_active(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
    active: bool,
    now: i64,
) -> Result<(), AppError> {
    let (_, m) = organised_member(db, viewer, user_id).await?;
    if m.id == viewer.id && !active {
        return Err(AppError::Invalid("不能停用自己的账号".into()));
    }
    let mut tx = db.begin_write().await?;
    let version = next_version(&mut tx).await?;
    sqlx::query("UPDATE users SET active = $2, version = $3 WHERE id = $1")
        .bind(user_id)
        .bind(i32::from(active))
        .bind(version)
        .execute(&mut *tx)
        .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM activity_expected WHERE user_id = $1 AND activity_id IN \
             (SELECT id FROM activities WHERE starts_at > $2)",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..10)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// A code as typed: case and dashes and spaces don't matter.
fn code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

/// New invite codes for `user_ids` of the branch (earlier unused codes stop working).
pub async fn create_invites(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    user_ids: &[String],
    now: i64,
) -> Result<Vec<Invite>, AppError> {
    let list = members(db, viewer, branch_id).await?;
    let mut tx = db.begin_write().await?;
    let mut invites = Vec::new();
    for id in user_ids {
        let m = list
            .members
            .iter()
            .find(|m| &m.id == id && m.active)
            .ok_or_else(|| AppError::Invalid("只能为本支部在册的党员生成邀请码".into()))?;
        sqlx::query("DELETE FROM invites WHERE user_id = $1 AND used_at IS NULL")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let code = new_code();
        sqlx::query(
            "INSERT INTO invites (code_hash, user_id, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(code_hash(&code))
        .bind(id)
        .bind(&viewer.id)
        .bind(now)
        .bind(now + INVITE_TTL_MS)
        .execute(&mut *tx)
        .await?;
        invites.push(Invite {
            name: m.name.clone(),
            username: m.username.clone(),
            code,
            expires_at: now + INVITE_TTL_MS,
        });
    }
    tx.commit().await?;
    Ok(invites)
}

/// Sets a member's password with a one-time invite code. Any mismatch gets the same answer,
/// so the form reveals neither usernames nor codes.
pub async fn accept_invite(
    db: &Db,
    username: &str,
    code: &str,
    password: Password,
    now: i64,
) -> Result<(), AppError> {
    let invalid = || AppError::Invalid("邀请码无效、已用过或已过期；请向支部书记重新索取".into());
    let row = sqlx::query(
        "SELECT i.user_id FROM invites i JOIN users u ON u.id = i.user_id \
         WHERE i.code_hash = $1 AND (u.username = $2 OR u.phone = $2) AND u.active = 1 \
           AND i.used_at IS NULL AND i.expires_at > $3",
    )
    .bind(code_hash(code))
    .bind(username.trim())
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Err(invalid());
    };
    let user_id: String = row.try_get("user_id")?;
    let hash = hash_password(password).await?;
    let mut tx = db.begin_write().await?;
    let used =
        sqlx::query("UPDATE invites SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL")
            .bind(code_hash(code))
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if used != 1 {
        return Err(invalid());
    }
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(&user_id)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_bom_and_in_gbk_reads_alike() {
        let text = "支部,姓名,手机号\n第一党支部,王丽,13800138000\n";
        let utf8 = read_table("a.csv", format!("\u{feff}{text}").as_bytes()).unwrap();
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(read_table("a.csv", &gbk).unwrap(), utf8);
        assert_eq!(utf8[1], ["第一党支部", "王丽", "13800138000"]);
    }

    #[test]
    fn files_that_cannot_be_read_say_why() {
        assert_eq!(read_table("a.csv", b"").unwrap_err(), "文件是空的");
        assert!(
            read_table("a.xls", b"\xD0\xCF\x11\xE0")
                .unwrap_err()
                .contains(".xlsx")
        );
        assert!(
            read_table("a.xlsx", b"PK\x03\x04 not really")
                .unwrap_err()
                .contains("Excel")
        );
        assert!(
            read_table("big.csv", &vec![b'a'; MAX_FILE_BYTES + 1])
                .unwrap_err()
                .contains("2 MB")
        );
    }

    #[test]
    fn invite_codes_are_typed_forgivingly() {
        let code = new_code();
        assert_eq!(code.len(), 11);
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_lowercase().replace('-', " "))
        );
        assert!(!code.contains(['0', '1', 'I', 'O']));
    }
}
