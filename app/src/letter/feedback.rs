//! Supervision by the masses (接受群众监督): anyone leaves feedback on a published letter — no
//! account, rate-limited per address, length-limited, and checked against spam without an
//! outside service (a signed form stamp that must be a few seconds old and less than a day, an
//! empty hidden field a person never fills, and [`feedback_checked`]'s rules). The branch reads
//! it and replies; feedback and replies reach the public page only once the 总支 approves
//! them. Nothing stored names or traces the sender.

use super::FeedbackItem;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::letter::{feedback_checked, stamp_age_ok};
use crate::error::AppError;
use crate::guard::{keyed_hash, server_secret};
use crate::rating::server::reading;

/// The secret that signs feedback forms' stamps.
const STAMP_KEY: &str = "feedback-stamp";

/// A stamp for a form of the letter `token` served at `now`: "issued.signature".
pub async fn stamp(db: &Db, token: &str, now: i64) -> Result<String, AppError> {
    let key = server_secret(db, STAMP_KEY).await?;
    Ok(format!(
        "{now}.{}",
        keyed_hash(&key, format!("{token}:{now}").as_bytes())
    ))
}

async fn stamp_ok(db: &Db, token: &str, stamp: &str, now: i64) -> Result<(), AppError> {
    let refused = || AppError::Invalid("表单已失效，请刷新页面后重新填写".into());
    let (issued, signature) = stamp.split_once('.').ok_or_else(refused)?;
    let issued: i64 = issued.parse().map_err(|_| refused())?;
    let key = server_secret(db, STAMP_KEY).await?;
    if keyed_hash(&key, format!("{token}:{issued}").as_bytes()) != signature {
        return Err(refused());
    }
    stamp_age_ok(issued, now).map_err(AppError::Invalid)
}

/// What a visitor sends.
pub struct Sent<'a> {
    pub token: &'a str,
    pub body: &'a str,
    pub stamp: &'a str,
    /// The hidden field: a person leaves it empty.
    pub trap: &'a str,
}

/// Takes a visitor's feedback on the published letter `token`. The caller has counted the
/// request against the address's limit (in its own statement, apart from this one).
pub async fn send(db: &Db, s: &Sent<'_>, now: i64) -> Result<(), AppError> {
    if !s.trap.is_empty() {
        return Err(AppError::Invalid("留言未能提交".into()));
    }
    let body = feedback_checked(s.body).map_err(AppError::Invalid)?;
    let letter: Option<(String, i32)> = sqlx::query_as(
        "SELECT org_id, year FROM letters WHERE public_token = $1 AND published_version IS NOT NULL",
    )
    .bind(s.token)
    .fetch_optional(db.pool())
    .await?;
    let (org, year) = letter.ok_or(AppError::NotFound)?;
    stamp_ok(db, s.token, s.stamp, now).await?;
    let today = crate::domain::time::date_of(now)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let same: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM letter_feedback WHERE org_id = $1 AND year = $2 AND body = $3",
    )
    .bind(&org)
    .bind(year)
    .bind(&body)
    .fetch_one(db.pool())
    .await?;
    if same > 0 {
        return Err(AppError::Invalid("同样的留言已经收到".into()));
    }
    let insert = sqlx::query(
        "INSERT INTO letter_feedback (id, org_id, year, body, received_on) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(org.clone())
    .bind(year)
    .bind(body.clone())
    .bind(today);
    db.execute_write(insert).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    received_on: String,
    body: String,
    shown: i64,
    reply: Option<String>,
    reply_shown: i64,
}

/// Every feedback on `org_id`'s letter of `year`, newest day first (for its readers).
pub async fn all(db: &Db, org_id: &str, year: i32) -> Result<Vec<FeedbackItem>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, received_on, body, shown, reply, reply_shown FROM letter_feedback \
         WHERE org_id = $1 AND year = $2 ORDER BY received_on DESC, id",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| FeedbackItem {
            id: r.id,
            received_on: r.received_on,
            body: r.body,
            shown: r.shown != 0,
            reply: r.reply,
            reply_shown: r.reply_shown != 0,
        })
        .collect())
}

/// What the public page shows: approved feedback, with its reply once that is approved.
pub async fn public(
    db: &Db,
    org_id: &str,
    year: i32,
) -> Result<Vec<(String, String, Option<String>)>, AppError> {
    Ok(all(db, org_id, year)
        .await?
        .into_iter()
        .filter(|f| f.shown)
        .map(|f| (f.received_on, f.body, f.reply.filter(|_| f.reply_shown)))
        .collect())
}

/// The feedback `id` and the scope of its letter's organisation for `viewer`.
async fn item(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
) -> Result<crate::rating::server::Scope, AppError> {
    let org: Option<String> =
        sqlx::query_scalar("SELECT org_id FROM letter_feedback WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    reading(db, viewer, &org.ok_or(AppError::NotFound)?).await
}

/// The branch's organisers reply (or change their reply, which then awaits approval again).
pub async fn reply(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    text: &str,
    now: i64,
) -> Result<(), AppError> {
    if !item(db, viewer, id).await?.may_submit {
        return Err(AppError::Forbidden);
    }
    let text = text.trim();
    if text.is_empty() || text.chars().count() > crate::domain::letter::MAX_FEEDBACK_CHARS {
        return Err(AppError::Invalid(format!(
            "回复请写 1 至 {} 字",
            crate::domain::letter::MAX_FEEDBACK_CHARS
        )));
    }
    let update = sqlx::query(
        "UPDATE letter_feedback SET reply = $2, replied_by = $3, replied_at = $4, \
         reply_shown = 0 WHERE id = $1",
    )
    .bind(id.to_owned())
    .bind(text.to_owned())
    .bind(viewer.id.clone())
    .bind(now);
    db.execute_write(update).await?;
    Ok(())
}

/// The 总支 shows or hides a feedback (`reply`: its reply) on the public page.
pub async fn decide(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    reply: bool,
    show: bool,
) -> Result<(), AppError> {
    if !item(db, viewer, id).await?.may_decide {
        return Err(AppError::Forbidden);
    }
    let sql = if reply {
        "UPDATE letter_feedback SET reply_shown = $2 WHERE id = $1 AND reply IS NOT NULL"
    } else {
        "UPDATE letter_feedback SET shown = $2 WHERE id = $1"
    };
    let changed = db
        .execute_write(sqlx::query(sql).bind(id.to_owned()).bind(i64::from(show)))
        .await?;
    if changed == 0 {
        return Err(AppError::Invalid("这条留言还没有回复".into()));
    }
    Ok(())
}
