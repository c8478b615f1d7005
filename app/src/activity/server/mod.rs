//! Storage behind the activity pages: scheduling, the roll and hand marks, the record with its
//! minutes and photos, and the checks a phone's record about an activity must pass.

mod insert;
mod photos;
mod record;
mod roll;
mod schedule;
mod target;

pub use insert::{NewActivity, insert_activity, set_expected};
pub use photos::{MAX_PHOTO_BYTES, add_photo, photo};
pub use record::{MAX_MINUTES_CHARS, proof_screen, record, save_minutes};
pub use roll::{mark, rolls_of_branch};
pub use schedule::{cancel, create, form_context, new_proof_secret, update};
pub use target::{Target, load_target};

use super::Audience;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::org::server::{Branch, organised_branch};
use sqlx::{AnyConnection, Row};

/// An activity's row with its branch, after checking `viewer` runs that branch.
struct Loaded {
    branch: Branch,
    row: sqlx::any::AnyRow,
}

async fn load_organised(db: &Db, viewer: &CurrentUser, id: &str) -> Result<Loaded, AppError> {
    let row = sqlx::query(
        "SELECT id, org_id, kind, topic, starts_at, ends_at, place, chair, recorder, audience, \
           audience_group, status, cancel_reason, minutes, minutes_at, proof_secret \
         FROM activities WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let org: String = row.try_get("org_id")?;
    let branch = organised_branch(db, viewer, &org).await?;
    Ok(Loaded { branch, row })
}

fn audience_of(row: &sqlx::any::AnyRow) -> Result<Audience, AppError> {
    let kind: String = row.try_get("audience")?;
    let group: Option<String> = row.try_get("audience_group")?;
    Ok(match (kind.as_str(), group) {
        ("committee", _) => Audience::Committee,
        ("group", Some(g)) => Audience::Group(g),
        _ => Audience::Branch,
    })
}

async fn group_name(
    conn: &mut AnyConnection,
    branch_id: &str,
    group: &str,
) -> Result<Option<String>, AppError> {
    let row = sqlx::query(
        "SELECT name FROM organisations WHERE id = $1 AND parent_id = $2 AND kind = 'group'",
    )
    .bind(group)
    .bind(branch_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.try_get("name")).transpose()?)
}

async fn audience_label(
    conn: &mut AnyConnection,
    branch: &Branch,
    audience: &Audience,
) -> Result<String, AppError> {
    Ok(match audience {
        Audience::Branch => format!("{}全体党员", branch.name),
        Audience::Committee => "支部委员会委员".to_owned(),
        Audience::Group(g) => group_name(conn, &branch.id, g)
            .await?
            .unwrap_or_else(|| "党小组".to_owned()),
    })
}

fn field_error(field: &str, message: &str) -> Vec<FieldError> {
    vec![FieldError {
        field: field.into(),
        message: message.into(),
    }]
}
