//! The branch's members, kept by hand: listed, added, edited, deactivated.

use super::super::{MemberForm, MemberList, MemberView};
use super::{
    USER_UNIQUE, UserRow, groups_of, insert_member, organised_member, second_secretary,
    secretary_of, taken_message, to_field_errors,
};
use crate::auth::CurrentUser;
use crate::db::{Db, is_unique_violation, next_version};
use crate::domain::roster::{CommitteeRole, MemberCells, MemberRow, check_member};
use crate::domain::time::date_of;
use crate::error::{AppError, FieldError};
use crate::org::server::organised_branch;

/// The branch's roster, active members first.
pub async fn members(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
) -> Result<MemberList, AppError> {
    let branch = organised_branch(db, viewer, branch_id).await?;
    let rows: Vec<UserRow> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.username, u.phone, u.gender, u.birth_date, u.join_date, \
           u.standing, u.post, u.committee_role, u.group_id, g.name AS group_name, u.role, \
           u.active, u.password_hash, u.staff, u.full_date \
         FROM users u LEFT JOIN organisations g ON g.id = u.group_id \
         WHERE u.org_id = $1 ORDER BY u.active DESC, u.committee DESC, \
           CASE u.committee_role WHEN 'secretary' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, \
           u.display_name",
    )
    .bind(&branch.id)
    .fetch_all(db.pool())
    .await?;
    Ok(MemberList {
        viewer: viewer.clone(),
        groups: groups_of(db, &branch.id).await?,
        branch_id: branch.id,
        branch_name: branch.name,
        members: rows.into_iter().map(MemberView::from).collect(),
    })
}

pub async fn member(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
) -> Result<(MemberList, MemberView), AppError> {
    let (branch, m) = organised_member(db, viewer, user_id).await?;
    let list = MemberList {
        viewer: viewer.clone(),
        groups: groups_of(db, &branch.id).await?,
        branch_id: branch.id,
        branch_name: branch.name,
        members: Vec::new(),
    };
    Ok((list, m))
}

/// Adds a member (no `user_id`) or edits one. Returns the member's id, or what is wrong.
pub async fn save_member(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    user_id: Option<&str>,
    form: &MemberForm,
    now: i64,
) -> Result<Result<String, Vec<FieldError>>, AppError> {
    let branch = match user_id {
        Some(id) => organised_member(db, viewer, id).await?.0,
        None => organised_branch(db, viewer, branch_id).await?,
    };
    let today = date_of(now).unwrap_or_default();
    let has_post = if form.post.trim().is_empty() {
        "无职"
    } else {
        "有职"
    };
    let m = match check_member(
        &MemberCells {
            branch: &branch.name,
            name: &form.name,
            username: &form.username,
            phone: &form.phone,
            gender: &form.gender,
            birth: &form.birth_date,
            join: &form.join_date,
            standing: &form.standing,
            full: &form.full_date,
            has_post,
            post: &form.post,
            committee: form.committee.as_deref().unwrap_or(""),
            group: "",
            staff: &form.staff,
        },
        today,
    ) {
        Ok(m) => m,
        Err(errors) => return Ok(Err(to_field_errors(errors))),
    };
    let group = Some(form.group_id.trim()).filter(|g| !g.is_empty());
    if let Some(g) = group
        && !groups_of(db, &branch.id)
            .await?
            .iter()
            .any(|(id, _)| id == g)
    {
        return Ok(Err(to_field_errors(vec!["所选党小组不属于本支部".into()])));
    }
    let mut tx = db.begin_write().await?;
    if m.committee == Some(CommitteeRole::Secretary)
        && let Some(other) = secretary_of(&mut tx, &branch.id, user_id).await?
    {
        return Ok(Err(to_field_errors(vec![second_secretary(
            &branch.name,
            &other,
        )])));
    }
    let saved = match user_id {
        None => insert_member(&mut tx, &branch.id, &m, "member", group, now).await,
        Some(id) => update_member(&mut tx, id, &m, group).await,
    };
    let id = match saved {
        Ok(id) => id,
        // The constraint decides (also between two secretaries saving at once).
        Err(e) if is_unique_violation(&e, USER_UNIQUE) => {
            return Ok(Err(to_field_errors(vec![taken_message(&m.username)])));
        }
        Err(e) => return Err(e.into()),
    };
    // A new member, or one who changed group or committee, is expected at what has not started.
    crate::activity::server::follow_roster(&mut tx, &branch.id, now).await?;
    let school = crate::audit::server::school_of(&mut tx, &branch.id).await?;
    let act = crate::audit::server::Act {
        action: crate::audit::Action::MemberEdit,
        school_id: &school,
        branch_id: Some(&branch.id),
        target: format!("{}（{}）", m.name, m.username),
        detail: format!(
            "{}{}",
            if user_id.is_some() {
                "修改信息"
            } else {
                "添加党员"
            },
            m.committee
                .map(|c| format!("；支委：{}", c.label()))
                .unwrap_or_default()
        ),
    };
    crate::audit::server::record(&mut tx, viewer, act, now).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Writes the edited fields of a member.
async fn update_member(
    tx: &mut sqlx::AnyConnection,
    id: &str,
    m: &MemberRow,
    group: Option<&str>,
) -> Result<String, sqlx::Error> {
    let version = next_version(tx).await?;
    sqlx::query(
        "UPDATE users SET username = $2, display_name = $3, phone = $4, gender = $5, \
           birth_date = $6, join_date = $7, standing = $8, post = $9, committee = $10, \
           group_id = $11, version = $12, committee_role = $13, staff = $14, full_date = $15 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(&m.username)
    .bind(&m.name)
    .bind(m.phone.clone())
    .bind(m.gender.map(|g| g.as_str().to_owned()))
    .bind(m.birth_date.map(|d| d.to_string()))
    .bind(m.join_date.map(|d| d.to_string()))
    .bind(m.standing.as_str())
    .bind(m.post.clone())
    .bind(i32::from(m.committee.is_some()))
    .bind(group.map(str::to_owned))
    .bind(version)
    .bind(m.committee.map(|c| c.as_str().to_owned()))
    .bind(i32::from(m.staff))
    .bind(m.full_date.map(|d| d.to_string()))
    .execute(&mut *tx)
    .await?;
    Ok(id.to_owned())
}

/// Deactivates (or reactivates) a member. A deactivated member signs in no more and is taken
/// off activities that have not started; their past records stay as they were.
pub async fn set_active(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
    active: bool,
    now: i64,
) -> Result<(), AppError> {
    let (branch, m) = organised_member(db, viewer, user_id).await?;
    if m.id == viewer.id && !active {
        return Err(AppError::Invalid("不能停用自己的账号".into()));
    }
    let mut tx = db.begin_write().await?;
    let version = next_version(&mut tx).await?;
    sqlx::query("UPDATE users SET active = $2, version = $3 WHERE id = $1")
        .bind(user_id)
        .bind(i32::from(active))
        .bind(version)
        .execute(&mut *tx)
        .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    // Off (or back on) the activities that have not started.
    crate::activity::server::follow_roster(&mut tx, &branch.id, now).await?;
    let school = crate::audit::server::school_of(&mut tx, &branch.id).await?;
    let act = crate::audit::server::Act {
        action: crate::audit::Action::MemberActive,
        school_id: &school,
        branch_id: Some(&branch.id),
        target: format!("{}（{}）", m.name, m.username),
        detail: if active {
            "启用账号"
        } else {
            "停用账号，已登录的设备全部退出"
        }
        .into(),
    };
    crate::audit::server::record(&mut tx, viewer, act, now).await?;
    tx.commit().await?;
    Ok(())
}
