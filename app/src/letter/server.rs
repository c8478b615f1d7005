//! The letters' storage. Who may read, write and approve is the rating's rule
//! ([`crate::rating::server::reading`]); publishing is the organisers' once the 总支 approved.
//! Each step is in the letter's trail, in its transaction; a closed year's letter takes no
//! change.

use super::{LetterRecord, LetterView};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::letter::{LetterState, checked, seed};
use crate::domain::time::format_full;
use crate::error::AppError;
use crate::rating::server::{Scope, reading};

/// Longest comment of the 总支's.
pub const MAX_COMMENT_CHARS: usize = 500;

/// The public page of a letter with `token`.
pub fn public_path(token: &str) -> String {
    format!("/public/letter/{token}")
}

#[derive(sqlx::FromRow)]
struct Row {
    state: String,
    version: i64,
    published_version: Option<i64>,
    public_token: Option<String>,
    comment: String,
}

async fn row(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    year: i32,
) -> Result<Option<Row>, AppError> {
    Ok(sqlx::query_as(
        "SELECT state, version, published_version, public_token, comment FROM letters \
         WHERE org_id = $1 AND year = $2",
    )
    .bind(org)
    .bind(year)
    .fetch_optional(&mut *conn)
    .await?)
}

async fn words(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    year: i32,
    version: i64,
) -> Result<(String, String), AppError> {
    Ok(sqlx::query_as(
        "SELECT title, body FROM letter_versions WHERE org_id = $1 AND year = $2 AND version = $3",
    )
    .bind(org)
    .bind(year)
    .bind(version)
    .fetch_one(&mut *conn)
    .await?)
}

fn act_label(act: &str) -> &'static str {
    match act {
        "save" => "保存",
        "submit" => "提交审批",
        "approve" => "审批通过",
        "return" => "退回修改",
        "publish" => "公开",
        _ => "其他",
    }
}

async fn trail(
    conn: &mut sqlx::AnyConnection,
    (org, year, version): (&str, i32, i64),
    act: &str,
    note: &str,
    by: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO letter_trail (id, org_id, year, act, note, version, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(org)
    .bind(year)
    .bind(act)
    .bind(note)
    .bind(version)
    .bind(&by.id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn scope(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    now: i64,
) -> Result<Scope, AppError> {
    let scope = reading(db, viewer, org_id).await?;
    crate::rating::server::rating_year(Some(year), now)?;
    Ok(scope)
}

async fn open(conn: &mut sqlx::AnyConnection, org: &str, year: i32) -> Result<(), AppError> {
    let (from, _) = crate::domain::time::year_bounds_ms(year);
    crate::org::server::refuse_if_closed(conn, org, from).await
}

/// The letter's page.
pub async fn view(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: Option<i32>,
    now: i64,
) -> Result<LetterView, AppError> {
    let scope = reading(db, viewer, org_id).await?;
    let year = crate::rating::server::rating_year(year, now)?;
    let org = &scope.branch;
    let mut conn = db.pool().acquire().await?;
    let row = row(&mut conn, &org.id, year).await?;
    let (title, body) = match &row {
        Some(r) => words(&mut conn, &org.id, year, r.version).await?,
        None => seed(&org.name, year),
    };
    let steps: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT t.at, u.display_name, t.act, t.note, t.version FROM letter_trail t \
         JOIN users u ON u.id = t.by_user WHERE t.org_id = $1 AND t.year = $2 \
         ORDER BY t.at DESC, t.id DESC",
    )
    .bind(&org.id)
    .bind(year)
    .fetch_all(&mut *conn)
    .await?;
    Ok(LetterView {
        viewer: viewer.clone(),
        org_id: org.id.clone(),
        org_name: org.name.clone(),
        year,
        general: scope.general,
        may_edit: scope.may_submit,
        may_decide: scope.may_decide,
        record: row.map(|r| LetterRecord {
            state: LetterState::parse(&r.state).unwrap_or(LetterState::Draft),
            version: r.version,
            published_version: r.published_version,
            public_path: r.public_token.as_deref().map(public_path),
            comment: r.comment,
        }),
        title,
        body,
        feedback: super::feedback::all(db, &org.id, year).await?,
        pledges: super::pledge::of_org(db, &org.id, year).await?,
        may_pledge: matches!(
            viewer.role,
            crate::domain::role::Role::Member | crate::domain::role::Role::Secretary
        ) && viewer.org_id == org.id,
        trail: steps
            .into_iter()
            .map(|(at, who, act, note, v)| {
                let note = if note.is_empty() {
                    String::new()
                } else {
                    format!("：{note}")
                };
                format!(
                    "{} · {who} · {}（第 {v} 版）{note}",
                    format_full(at),
                    act_label(&act)
                )
            })
            .collect(),
    })
}

/// The organisers save the letter (with `submit`, submit it). A submitted letter waits for
/// the 总支; a change to an approved or published one is a new draft (the public page keeps
/// the published version until the new one is published).
pub async fn save(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    (title, body): (&str, &str),
    submit: bool,
    now: i64,
) -> Result<(), AppError> {
    let scope = scope(db, viewer, org_id, year, now).await?;
    if !scope.may_submit {
        return Err(AppError::Forbidden);
    }
    let (title, body) = checked(title, body).map_err(AppError::Invalid)?;
    let org = scope.branch.id.as_str();
    let mut tx = db.begin_write().await?;
    open(&mut tx, org, year).await?;
    let current = row(&mut tx, org, year).await?;
    let state = current.as_ref().and_then(|r| LetterState::parse(&r.state));
    if state == Some(LetterState::Submitted) {
        return Err(AppError::Invalid(
            "承诺书已提交，正在等待审批；审批或退回后才能修改".into(),
        ));
    }
    let unchanged = match &current {
        Some(r) => words(&mut tx, org, year, r.version).await? == (title.clone(), body.clone()),
        None => false,
    };
    let next = match (submit, state, unchanged) {
        (true, Some(LetterState::Approved | LetterState::Published), true) => {
            return Err(AppError::Invalid(
                "承诺书已审批，内容没有改动，无需再次提交".into(),
            ));
        }
        (true, _, _) => LetterState::Submitted,
        (false, Some(s), true) => s,
        _ => LetterState::Draft,
    };
    let version = current.as_ref().map_or(0, |r| r.version) + i64::from(!unchanged);
    if !unchanged {
        sqlx::query(
            "INSERT INTO letter_versions (org_id, year, version, title, body, saved_by, saved_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(org)
        .bind(year)
        .bind(version)
        .bind(&title)
        .bind(&body)
        .bind(&viewer.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        trail(&mut tx, (org, year, version), "save", "", viewer, now).await?;
    }
    sqlx::query(
        "INSERT INTO letters (org_id, year, state, version, comment, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, '', $5, $6) ON CONFLICT (org_id, year) DO UPDATE SET \
         state = excluded.state, version = excluded.version, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(org)
    .bind(year)
    .bind(next.key())
    .bind(version)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if submit {
        trail(&mut tx, (org, year, version), "submit", "", viewer, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The 总支 approves a submitted letter, or returns it with a comment.
pub async fn decide(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    approve: bool,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    let scope = scope(db, viewer, org_id, year, now).await?;
    if !scope.may_decide {
        return Err(AppError::Forbidden);
    }
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::Invalid(format!(
            "意见最多 {MAX_COMMENT_CHARS} 字"
        )));
    }
    if !approve && comment.is_empty() {
        return Err(AppError::Invalid("退回时请写明需要修改的地方".into()));
    }
    let org = scope.branch.id.as_str();
    let mut tx = db.begin_write().await?;
    open(&mut tx, org, year).await?;
    let Some(r) = row(&mut tx, org, year)
        .await?
        .filter(|r| r.state == LetterState::Submitted.key())
    else {
        return Err(AppError::Invalid("没有等待审批的承诺书".into()));
    };
    let (state, act) = if approve {
        (LetterState::Approved, "approve")
    } else {
        (LetterState::Returned, "return")
    };
    sqlx::query("UPDATE letters SET state = $3, comment = $4 WHERE org_id = $1 AND year = $2")
        .bind(org)
        .bind(year)
        .bind(state.key())
        .bind(comment)
        .execute(&mut *tx)
        .await?;
    trail(&mut tx, (org, year, r.version), act, comment, viewer, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The organisers publish an approved letter: it gets its public address (kept across
/// versions) and the public page shows this version from now on.
pub async fn publish(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    now: i64,
) -> Result<String, AppError> {
    let scope = scope(db, viewer, org_id, year, now).await?;
    if !scope.may_submit {
        return Err(AppError::Forbidden);
    }
    let org = scope.branch.id.as_str();
    let mut tx = db.begin_write().await?;
    open(&mut tx, org, year).await?;
    let Some(r) = row(&mut tx, org, year)
        .await?
        .filter(|r| r.state == LetterState::Approved.key())
    else {
        return Err(AppError::Invalid("承诺书须经审批后才能公开".into()));
    };
    let token = r
        .public_token
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    sqlx::query(
        "UPDATE letters SET state = $3, published_version = version, public_token = $4 \
         WHERE org_id = $1 AND year = $2",
    )
    .bind(org)
    .bind(year)
    .bind(LetterState::Published.key())
    .bind(&token)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE letter_versions SET published_at = $4 \
         WHERE org_id = $1 AND year = $2 AND version = $3",
    )
    .bind(org)
    .bind(year)
    .bind(r.version)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    trail(&mut tx, (org, year, r.version), "publish", "", viewer, now).await?;
    tx.commit().await?;
    Ok(public_path(&token))
}
