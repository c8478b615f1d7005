//! Storage behind the activity pages: scheduling, the roll and hand marks, the record with its
//! minutes and photos, and the checks a phone's record about an activity must pass.

mod expected;
mod insert;
mod photos;
mod record;
#[macro_use]
mod roll_sql;
mod roll;
mod rolls;
mod schedule;
mod tally;
mod target;

pub use expected::follow_roster;
pub use insert::{NewActivity, insert_activity, set_expected};
pub use photos::{MAX_PHOTO_BYTES, add_photo, photo};
pub use record::{MAX_MINUTES_CHARS, changes_after_start, proof_screen, record, save_minutes};
pub use roll::{close_roll, mark, review_held};
pub use rolls::rolls_of_branch;
pub use schedule::{cancel, create, form_context, new_proof_secret, update};
pub use tally::{Recount, Scope, TallyRow, recount, retally, roll_tally, stored_tallies};
pub use target::{
    Claim, Refusal, Target, check_claim, claimed_target, closed_refusal, judge_target, load_targets,
};

use super::Audience;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::org::server::{Branch, organised_branch};
use sqlx::AnyConnection;

/// An activity's row, as its organisers' pages read it.
#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: String,
    org_id: String,
    kind: String,
    topic: String,
    starts_at: i64,
    ends_at: i64,
    place: String,
    chair: String,
    recorder: String,
    audience: String,
    audience_group: Option<String>,
    status: String,
    cancel_reason: String,
    minutes: String,
    minutes_at: Option<i64>,
    proof_secret: String,
    roll_closed_at: Option<i64>,
    created_at: i64,
}

impl ActivityRow {
    fn audience(&self) -> Audience {
        match (self.audience.as_str(), &self.audience_group) {
            ("committee", _) => Audience::Committee,
            ("group", Some(g)) => Audience::Group(g.clone()),
            _ => Audience::Branch,
        }
    }

    fn cancelled(&self) -> bool {
        self.status == "cancelled"
    }
}

/// An activity's row with its branch, after checking `viewer` runs that branch.
struct Loaded {
    branch: Branch,
    row: ActivityRow,
}

impl Loaded {
    /// Refuses a change to this activity's record when its year is closed (年度封存).
    async fn refuse_if_closed(&self, conn: &mut sqlx::AnyConnection) -> Result<(), AppError> {
        crate::org::server::refuse_if_closed(conn, &self.branch.id, self.row.starts_at).await
    }
}

async fn load_organised(db: &Db, viewer: &CurrentUser, id: &str) -> Result<Loaded, AppError> {
    let row = activity_row(db, id).await?;
    let branch = organised_branch(db, viewer, &row.org_id).await?;
    Ok(Loaded { branch, row })
}

/// The activity `id` with its branch, if `viewer` may read it (its organisers, the bureau).
async fn load_readable(db: &Db, viewer: &CurrentUser, id: &str) -> Result<Loaded, AppError> {
    let row = activity_row(db, id).await?;
    let branch = crate::org::server::readable_branch(db, viewer, &row.org_id).await?;
    Ok(Loaded { branch, row })
}

async fn activity_row(db: &Db, id: &str) -> Result<ActivityRow, AppError> {
    sqlx::query_as(
        "SELECT id, org_id, kind, topic, starts_at, ends_at, place, chair, recorder, audience, \
           audience_group, status, cancel_reason, minutes, minutes_at, proof_secret, \
           roll_closed_at, created_at \
         FROM activities WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)
}

async fn group_name(
    conn: &mut AnyConnection,
    branch_id: &str,
    group: &str,
) -> Result<Option<String>, AppError> {
    let name: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM organisations WHERE id = $1 AND parent_id = $2 AND kind = 'group'",
    )
    .bind(group)
    .bind(branch_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(name.map(|(n,)| n))
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
