//! A published letter as anyone reads it: its last published version, the earlier ones, the
//! approved feedback and the stamp of the feedback form.

use super::PublicLetter;
use super::server::public_path;
use crate::db::Db;
use crate::domain::time::format_full;
use crate::error::AppError;

/// The published letter with `token`, for anyone: its last published version and the earlier
/// ones. `origin` makes the full address for the poster's QR code.
pub async fn public(
    db: &Db,
    token: &str,
    origin: &str,
    now: i64,
) -> Result<PublicLetter, AppError> {
    if token.len() != 32 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let found: Option<(String, i32, String, Option<String>)> = sqlx::query_as(
        "SELECT l.org_id, l.year, o.name, COALESCE(p.school_name, p.name) FROM letters l \
         JOIN organisations o ON o.id = l.org_id \
         LEFT JOIN organisations p ON p.id = o.parent_id AND p.kind = 'school' \
         WHERE l.public_token = $1 AND l.published_version IS NOT NULL",
    )
    .bind(token)
    .fetch_optional(db.pool())
    .await?;
    let Some((org, year, name, school)) = found else {
        return Err(AppError::NotFound);
    };
    let versions: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT published_at, title, body FROM letter_versions \
         WHERE org_id = $1 AND year = $2 AND published_at IS NOT NULL \
         ORDER BY version DESC",
    )
    .bind(&org)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let mut versions = versions
        .into_iter()
        .map(|(at, title, body)| (format_full(at), title, body));
    let (published_at, title, body) = versions.next().ok_or(AppError::NotFound)?;
    let path = public_path(token);
    Ok(PublicLetter {
        org_name: match school {
            Some(s) => format!("{s} · {name}"),
            None => name,
        },
        year,
        title,
        body,
        published_at,
        history: versions.collect(),
        url: format!("{origin}{path}"),
        path,
        feedback: super::feedback::public(db, &org, year).await?,
        stamp: super::feedback::stamp(db, token, now).await?,
        pledges: super::pledge::of_org(db, &org, year)
            .await?
            .into_iter()
            .filter(|p| p.approved)
            .map(|p| (p.name, p.with_post, p.post, p.pledge))
            .collect(),
    })
}
