//! Attested evidence: the branch saves and submits it, the 总支 approves or returns it; every
//! step goes into the criterion's trail in the same transaction.

use super::{deciding, reading};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::rating::{CriterionKind, EvidenceState, RuleSet};
use crate::error::AppError;
use crate::state::RuntimeConfig;

/// Longest evidence text and comment, in characters; most links per criterion.
pub const MAX_BODY_CHARS: usize = 4000;
pub const MAX_COMMENT_CHARS: usize = 500;
pub const MAX_LINKS: usize = 50;

pub struct NewEvidence<'a> {
    pub org_id: &'a str,
    pub year: i32,
    pub criterion: &'a str,
    pub body: &'a str,
    /// Activity ids, separated by spaces or commas.
    pub links: &'a str,
    pub submit: bool,
}

/// The attested criterion `key` of `rules`, or why not.
pub(super) fn attested(rules: &RuleSet, key: &str) -> Result<(), AppError> {
    match rules.criterion(key) {
        Some(c) if matches!(c.kind, CriterionKind::Attested { .. }) => Ok(()),
        Some(_) => Err(AppError::Invalid(
            "该条件由系统根据数据计算，不需要提交佐证".into(),
        )),
        None => Err(AppError::Invalid(format!("评定规则中没有条件“{key}”"))),
    }
}

/// Refuses a change to a closed year's rating.
pub(super) async fn open_year(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    year: i32,
) -> Result<(), AppError> {
    let (from, _) = crate::domain::time::year_bounds_ms(year);
    crate::org::server::refuse_if_closed(conn, org_id, from).await
}

/// One criterion's evidence: whose, which year, which criterion.
struct Of<'a>(&'a str, i32, &'a str);

async fn trail(
    conn: &mut sqlx::AnyConnection,
    Of(org_id, year, criterion): Of<'_>,
    act: &str,
    note: &str,
    by: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO rating_trail (id, org_id, year, criterion, act, note, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(org_id)
    .bind(year)
    .bind(criterion)
    .bind(act)
    .bind(note)
    .bind(&by.id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Saves (and with `submit`, submits) a branch's evidence. Approved evidence is changed only
/// after the 总支 returns it; submitted evidence waits for the decision.
pub async fn save_evidence(
    db: &Db,
    viewer: &CurrentUser,
    config: &RuntimeConfig,
    e: &NewEvidence<'_>,
    now: i64,
) -> Result<(), AppError> {
    let scope = reading(db, viewer, e.org_id).await?;
    if !scope.may_submit {
        return Err(AppError::Forbidden);
    }
    super::rating_year(Some(e.year), now)?;
    attested(&scope.rules(config), e.criterion)?;
    let body = e.body.trim();
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::Invalid(format!(
            "佐证说明最多 {MAX_BODY_CHARS} 字"
        )));
    }
    let links: Vec<String> = e
        .links
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if links.len() > MAX_LINKS {
        return Err(AppError::Invalid(format!(
            "最多关联 {MAX_LINKS} 条活动记录"
        )));
    }
    if e.submit && body.is_empty() && links.is_empty() {
        return Err(AppError::Invalid(
            "请先填写佐证说明或关联活动记录，再提交".into(),
        ));
    }
    let mut tx = db.pool().begin().await?;
    open_year(&mut tx, &scope.branch.id, e.year).await?;
    let tasks = crate::branch::plan_todos::plan_tasks(db, &scope.branch.id, e.year).await?;
    for id in &links {
        // A task of the year's plan, or an activity record of the organisation's own.
        if let Some(task) = id.strip_prefix(crate::domain::plan::TASK_LINK_PREFIX) {
            if !tasks
                .as_ref()
                .is_some_and(|p| p.tasks.iter().any(|(t, _)| t.id == task))
            {
                return Err(AppError::Invalid(format!(
                    "整改任务“{task}”不在本年度方案中"
                )));
            }
            continue;
        }
        let ours: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE id = $1 AND org_id = $2")
                .bind(id)
                .bind(&scope.branch.id)
                .fetch_one(&mut *tx)
                .await?;
        if ours == 0 {
            return Err(AppError::Invalid(format!("活动记录“{id}”不是本支部的")));
        }
    }
    let state: Option<String> = sqlx::query_scalar(
        "SELECT state FROM rating_evidence WHERE org_id = $1 AND year = $2 AND criterion = $3",
    )
    .bind(&scope.branch.id)
    .bind(e.year)
    .bind(e.criterion)
    .fetch_optional(&mut *tx)
    .await?;
    match state.as_deref().and_then(EvidenceState::parse) {
        Some(EvidenceState::Submitted) => {
            return Err(AppError::Invalid("佐证已提交，正在等待总支审核".into()));
        }
        Some(EvidenceState::Approved) => {
            return Err(AppError::Invalid("佐证已审核通过，不能再修改".into()));
        }
        _ => {}
    }
    let new_state = if e.submit {
        EvidenceState::Submitted
    } else {
        EvidenceState::Draft
    };
    let links_json = serde_json::to_string(&links).map_err(|_| AppError::Internal)?;
    sqlx::query(
        "INSERT INTO rating_evidence (org_id, year, criterion, state, body, links, comment, \
           updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8) \
         ON CONFLICT (org_id, year, criterion) DO UPDATE SET state = excluded.state, \
           body = excluded.body, links = excluded.links, updated_by = excluded.updated_by, \
           updated_at = excluded.updated_at",
    )
    .bind(&scope.branch.id)
    .bind(e.year)
    .bind(e.criterion)
    .bind(new_state.as_str())
    .bind(body)
    .bind(&links_json)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let act = if e.submit { "提交" } else { "保存草稿" };
    let note = format!("{}（关联活动 {} 条）", clip(body, 60), links.len());
    trail(
        &mut tx,
        Of(&scope.branch.id, e.year, e.criterion),
        act,
        &note,
        viewer,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// The 总支 approves submitted evidence or returns it with a comment (a comment is required
/// to return it).
#[allow(clippy::too_many_arguments)]
pub async fn decide_evidence(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    criterion: &str,
    approve: bool,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    let branch = deciding(db, viewer, org_id).await?;
    super::rating_year(Some(year), now)?;
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::Invalid(format!(
            "意见最多 {MAX_COMMENT_CHARS} 字"
        )));
    }
    if !approve && comment.is_empty() {
        return Err(AppError::Invalid(
            "退回时请写明意见，支部才知道要补充什么".into(),
        ));
    }
    let mut tx = db.pool().begin().await?;
    open_year(&mut tx, &branch.id, year).await?;
    let state: Option<String> = sqlx::query_scalar(
        "SELECT state FROM rating_evidence WHERE org_id = $1 AND year = $2 AND criterion = $3",
    )
    .bind(&branch.id)
    .bind(year)
    .bind(criterion)
    .fetch_optional(&mut *tx)
    .await?;
    if state.as_deref() != Some(EvidenceState::Submitted.as_str()) {
        return Err(AppError::Invalid("只有已提交、待审核的佐证可以审核".into()));
    }
    let to = if approve {
        EvidenceState::Approved
    } else {
        EvidenceState::Returned
    };
    sqlx::query(
        "UPDATE rating_evidence SET state = $1, comment = $2, updated_by = $3, updated_at = $4 \
         WHERE org_id = $5 AND year = $6 AND criterion = $7",
    )
    .bind(to.as_str())
    .bind(comment)
    .bind(&viewer.id)
    .bind(now)
    .bind(&branch.id)
    .bind(year)
    .bind(criterion)
    .execute(&mut *tx)
    .await?;
    let act = if approve { "审核通过" } else { "退回" };
    trail(
        &mut tx,
        Of(&branch.id, year, criterion),
        act,
        comment,
        viewer,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
