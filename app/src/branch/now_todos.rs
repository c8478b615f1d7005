//! What a branch's to-do list says about now rather than its year: wiped phones, the 争创活动's
//! phase and the plan's overdue tasks, and for the 总支 the changes made after activities began.

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::AppError;
use futures::TryFutureExt;

/// What the to-do list says about now rather than the year: wiped phones, the 争创活动's
/// phase, and for the 总支 the changes made to activities after they started.
pub(super) async fn now_todos(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    now: i64,
) -> Result<Vec<crate::domain::todo::Todo>, AppError> {
    let wiped = sqlx::query_scalar::<_, String>(
        "SELECT DISTINCT u.display_name FROM devices d JOIN users u ON u.id = d.user_id \
         WHERE u.org_id = $1 AND d.resets > 0 ORDER BY u.display_name",
    )
    .bind(branch_id)
    .fetch_all(db.pool());
    let changes = async {
        if viewer.role == crate::domain::role::Role::Admin {
            crate::activity::server::changes_after_start(db, branch_id, now - CHANGES_SHOWN_MS)
                .await
        } else {
            Ok(Vec::new())
        }
    };
    // What the 争创活动's current phase asks of the branch, and the plan's overdue tasks.
    let plan = async {
        match crate::domain::time::date_of(now) {
            Some(today) => {
                let drive = crate::drive::server::of_branch(db, branch_id).await?;
                super::plan_todos::plan_todos(db, branch_id, drive.as_ref(), today).await
            }
            None => Ok(Vec::new()),
        }
    };
    // Side by side, each on a connection of its own.
    let (wiped, changes, plan) = futures::try_join!(wiped.err_into::<AppError>(), changes, plan)?;
    let mut todos: Vec<_> = crate::domain::todo::wiped_phones(&wiped)
        .into_iter()
        .collect();
    todos.extend(changes);
    todos.extend(plan);
    Ok(todos)
}

/// How long a change made after an activity started stays on the 总支's to-do list.
pub(super) const CHANGES_SHOWN_MS: i64 = 30 * 24 * 3_600_000;
