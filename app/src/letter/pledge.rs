//! Members' own commitments (岗位承诺 / 设岗定责): each member of a branch writes theirs for the
//! year and submits it; the branch's organisers approve it or return it with a comment (a
//! change after approval is submitted again). Approved ones are published with the branch's
//! letter and summed up as evidence for the 作用发挥 criterion.

use super::PledgeItem;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::rating::server::reading;

pub const MAX_POST_CHARS: usize = 40;
pub const MAX_PLEDGE_CHARS: usize = 500;

/// A member's commitment as written.
pub struct Pledge<'a> {
    pub year: i32,
    pub with_post: bool,
    pub post: &'a str,
    pub pledge: &'a str,
}

/// The viewer writes (or rewrites) their own commitment for the year and submits it: a
/// member or secretary of a branch.
pub async fn submit(
    db: &Db,
    viewer: &CurrentUser,
    p: &Pledge<'_>,
    now: i64,
) -> Result<(), AppError> {
    if !matches!(viewer.role, Role::Member | Role::Secretary) {
        return Err(AppError::Forbidden);
    }
    crate::rating::server::rating_year(Some(p.year), now)?;
    let (post, pledge) = (p.post.trim(), p.pledge.trim());
    if post.is_empty() || post.chars().count() > MAX_POST_CHARS {
        return Err(AppError::Invalid(format!(
            "请填写岗位（最多 {MAX_POST_CHARS} 字）"
        )));
    }
    if pledge.is_empty() || pledge.chars().count() > MAX_PLEDGE_CHARS {
        return Err(AppError::Invalid(format!(
            "请填写承诺内容（最多 {MAX_PLEDGE_CHARS} 字）"
        )));
    }
    let mut tx = db.begin_write().await?;
    let (from, _) = crate::domain::time::year_bounds_ms(p.year);
    crate::org::server::refuse_if_closed(&mut tx, &viewer.org_id, from).await?;
    sqlx::query(
        "INSERT INTO post_commitments (user_id, year, org_id, with_post, post, pledge, state, \
         comment, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'submitted', '', $7) \
         ON CONFLICT (user_id, year) DO UPDATE SET org_id = excluded.org_id, \
           with_post = excluded.with_post, post = excluded.post, pledge = excluded.pledge, \
           state = 'submitted', comment = '', updated_at = excluded.updated_at",
    )
    .bind(&viewer.id)
    .bind(p.year)
    .bind(&viewer.org_id)
    .bind(i64::from(p.with_post))
    .bind(post)
    .bind(pledge)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The branch's organisers approve a member's commitment, or return it with a comment.
pub async fn decide(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
    year: i32,
    approve: bool,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    let org: Option<String> =
        sqlx::query_scalar("SELECT org_id FROM post_commitments WHERE user_id = $1 AND year = $2")
            .bind(user_id)
            .bind(year)
            .fetch_optional(db.pool())
            .await?;
    let org = org.ok_or(AppError::NotFound)?;
    if !reading(db, viewer, &org).await?.may_submit {
        return Err(AppError::Forbidden);
    }
    let comment = comment.trim();
    if !approve && comment.is_empty() {
        return Err(AppError::Invalid("退回时请写明需要修改的地方".into()));
    }
    if comment.chars().count() > MAX_PLEDGE_CHARS {
        return Err(AppError::Invalid("意见太长".into()));
    }
    let mut tx = db.begin_write().await?;
    let (from, _) = crate::domain::time::year_bounds_ms(year);
    crate::org::server::refuse_if_closed(&mut tx, &org, from).await?;
    sqlx::query(
        "UPDATE post_commitments SET state = $3, comment = $4, decided_by = $5, decided_at = $6 \
         WHERE user_id = $1 AND year = $2",
    )
    .bind(user_id)
    .bind(year)
    .bind(if approve { "approved" } else { "returned" })
    .bind(comment)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    user_id: String,
    name: String,
    with_post: i64,
    post: String,
    pledge: String,
    state: String,
    comment: String,
}

/// The commitments of `org_id`'s members for `year`, by name.
pub async fn of_org(db: &Db, org_id: &str, year: i32) -> Result<Vec<PledgeItem>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.user_id, u.display_name AS name, p.with_post, p.post, p.pledge, p.state, \
         p.comment FROM post_commitments p JOIN users u ON u.id = p.user_id \
         WHERE p.org_id = $1 AND p.year = $2 ORDER BY u.display_name",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PledgeItem {
            user_id: r.user_id,
            name: r.name,
            with_post: r.with_post != 0,
            post: r.post,
            pledge: r.pledge,
            approved: r.state == "approved",
            returned: r.state == "returned",
            comment: r.comment,
        })
        .collect())
}
