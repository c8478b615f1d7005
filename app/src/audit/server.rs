//! Writing and reading the audit log. [`record`] runs inside the act's own transaction.

use super::{Action, AuditEntry, AuditLog};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::AppError;

/// Entries shown per page.
pub const PAGE_SIZE: u32 = 50;

/// What an act was about.
pub struct Act<'a> {
    pub action: Action,
    /// The school (总支) the act belongs to: whose 总支 reads it.
    pub school_id: &'a str,
    /// The branch, when the act is a branch's.
    pub branch_id: Option<&'a str>,
    pub target: String,
    pub detail: String,
}

/// Writes `act` by `actor` at `now` in the act's transaction. Where it came from is the
/// request's client address when the act runs in a server function (else "—").
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    actor: &CurrentUser,
    act: Act<'_>,
    now: i64,
) -> Result<(), AppError> {
    let from = leptos::prelude::use_context::<crate::state::AppState>()
        .map(|s| crate::guard::ClientAddr::of_context(&s.config.trusted_proxies).0)
        .filter(|a| a != "unknown")
        .unwrap_or_else(|| "—".into());
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_name, school_id, branch_id, action, \
           target, detail, from_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(now)
    .bind(&actor.id)
    .bind(format!("{}（{}）", actor.display_name, actor.username))
    .bind(act.school_id)
    .bind(act.branch_id)
    .bind(act.action.key())
    .bind(&act.target)
    .bind(&act.detail)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The school (总支) of an organisation: itself for a school, its parent for a branch.
pub async fn school_of(conn: &mut sqlx::AnyConnection, org_id: &str) -> Result<String, AppError> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT kind, parent_id FROM organisations WHERE id = $1")
            .bind(org_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match row {
        Some((kind, Some(parent))) if kind != "school" => parent,
        _ => org_id.to_owned(),
    })
}

#[derive(sqlx::FromRow)]
struct Row {
    at: i64,
    actor_name: String,
    action: String,
    target: String,
    detail: String,
    from_addr: String,
}

/// The log of the viewer's school (its 总支 only), newest first; entries older than
/// `kept_years` are removed first.
pub async fn read(
    db: &Db,
    viewer: &CurrentUser,
    page: u32,
    kept_years: u32,
) -> Result<AuditLog, AppError> {
    crate::org::server::own_school(db, viewer).await?;
    prune(db, kept_years, crate::db::now_ms()).await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT at, actor_name, action, target, detail, from_addr FROM audit_log \
         WHERE school_id = $1 ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3",
    )
    .bind(&viewer.org_id)
    .bind(i64::from(PAGE_SIZE) + 1)
    .bind(i64::from(page.min(10_000)) * i64::from(PAGE_SIZE))
    .fetch_all(db.pool())
    .await?;
    let more = rows.len() > PAGE_SIZE as usize;
    let entries = rows
        .into_iter()
        .take(PAGE_SIZE as usize)
        .filter_map(|r| {
            Some(AuditEntry {
                at: r.at,
                actor: r.actor_name,
                action: Action::parse(&r.action)?,
                target: r.target,
                detail: r.detail,
                from: r.from_addr,
            })
        })
        .collect();
    Ok(AuditLog {
        viewer: viewer.clone(),
        entries,
        kept_years,
        more,
    })
}

/// Removes entries older than `kept_years`.
pub async fn prune(db: &Db, kept_years: u32, now: i64) -> Result<u64, AppError> {
    let cutoff = now - i64::from(kept_years) * 366 * 24 * 3_600_000;
    Ok(sqlx::query("DELETE FROM audit_log WHERE at < $1")
        .bind(cutoff)
        .execute(db.pool())
        .await?
        .rows_affected())
}
