//! 应到 (who an activity expects): the members its audience names, following the roster until
//! the activity starts and fixed from then on.

use super::super::Audience;
use super::insert::set_expected;
use super::{field_error, group_name};
use crate::db::next_version;
use crate::error::{AppError, FieldError};

/// The members an audience names today: fixed into 应到 when the activity is scheduled.
pub(super) async fn audience_members(
    tx: &mut sqlx::AnyConnection,
    branch_id: &str,
    audience: &Audience,
) -> Result<Vec<String>, AppError> {
    let ids: Vec<String> = match audience {
        Audience::Branch => {
            sqlx::query_scalar(
                "SELECT id FROM users WHERE org_id = $1 AND active = 1 AND role <> 'admin'",
            )
            .bind(branch_id)
            .fetch_all(&mut *tx)
            .await?
        }
        Audience::Committee => {
            sqlx::query_scalar(
                "SELECT id FROM users WHERE org_id = $1 AND active = 1 AND committee = 1 \
                 AND role <> 'admin'",
            )
            .bind(branch_id)
            .fetch_all(&mut *tx)
            .await?
        }
        Audience::Group(g) => {
            sqlx::query_scalar(
                "SELECT id FROM users WHERE org_id = $1 AND active = 1 AND group_id = $2 \
                 AND role <> 'admin'",
            )
            .bind(branch_id)
            .bind(g)
            .fetch_all(&mut *tx)
            .await?
        }
    };
    Ok(ids)
}

/// Checks what the form can't know alone: the group belongs to the branch and has members.
pub(super) async fn check_audience(
    tx: &mut sqlx::AnyConnection,
    branch_id: &str,
    audience: &Audience,
) -> Result<Result<Vec<String>, Vec<FieldError>>, AppError> {
    if let Audience::Group(g) = audience
        && group_name(&mut *tx, branch_id, g).await?.is_none()
    {
        return Ok(Err(field_error("audience", "所选党小组不属于本支部")));
    }
    let members = audience_members(tx, branch_id, audience).await?;
    if members.is_empty() {
        return Ok(Err(field_error(
            "audience",
            "参加对象中没有党员，请先维护党员名册",
        )));
    }
    Ok(Ok(members))
}

/// 应到 follows the roster until an activity starts (`../shared/domain.md`): after a member of
/// `branch_id` joins, returns, leaves or changes group or committee, every scheduled activity of
/// the branch not yet started takes its audience's members again; those already started keep
/// theirs. Runs in the roster change's transaction. Returns how many activities changed.
pub async fn follow_roster(
    tx: &mut sqlx::AnyConnection,
    branch_id: &str,
    now: i64,
) -> Result<u32, AppError> {
    let upcoming: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, audience, audience_group FROM activities \
         WHERE org_id = $1 AND status = 'scheduled' AND starts_at > $2",
    )
    .bind(branch_id)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    let mut changed = 0;
    for (id, audience, group) in upcoming {
        let audience = match (audience.as_str(), group) {
            ("committee", _) => Audience::Committee,
            ("group", Some(g)) => Audience::Group(g),
            _ => Audience::Branch,
        };
        let mut members = audience_members(tx, branch_id, &audience).await?;
        let mut before: Vec<String> =
            sqlx::query_scalar("SELECT user_id FROM activity_expected WHERE activity_id = $1")
                .bind(&id)
                .fetch_all(&mut *tx)
                .await?;
        members.sort();
        before.sort();
        if members == before {
            continue;
        }
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        set_expected(tx, &id, &members).await?;
        let version = next_version(tx).await?;
        sqlx::query("UPDATE activities SET version = $2 WHERE id = $1")
            .bind(&id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        changed += 1;
    }
    Ok(changed)
}
