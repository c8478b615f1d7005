//! The add / edit form of one member.

use super::param;
use crate::domain::roster::CommitteeRole;
use crate::error::FieldError;
use crate::roster::{MemberList, MemberView, SaveMember, load_member, load_members};
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// `/branch/:id/members/new` and `/member/:user/edit`
#[component]
pub fn MemberFormPage() -> impl IntoView {
    let branch = param("id");
    let user = param("user");
    let data = Resource::new(
        move || (branch(), user()),
        |(branch, user)| async move {
            if user.is_empty() {
                load_members(branch).await.map(|l| (l, None))
            } else {
                load_member(user).await.map(|(l, m)| (l, Some(m)))
            }
        },
    );
    view! {
        <Title text="党员信息 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((list, member)) => view! { <MemberFormView list=list member=member/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MemberFormView(list: MemberList, member: Option<MemberView>) -> impl IntoView {
    let action = ServerAction::<SaveMember>::new();
    let errors = crate::ui::field_errors(action);
    let heading = if member.is_some() {
        "编辑党员信息"
    } else {
        "添加党员"
    };
    let m = member.clone().unwrap_or(MemberView {
        id: String::new(),
        name: String::new(),
        username: String::new(),
        phone: None,
        gender: None,
        birth_date: None,
        join_date: None,
        standing: "full".into(),
        post: None,
        committee_role: None,
        group_id: None,
        group_name: None,
        staff: true,
        full_date: None,
        role: "member".into(),
        active: true,
        activated: false,
    });
    let group = m.group_id.clone().unwrap_or_default();
    let seat = m.committee();
    view! {
        <TopBar user=list.viewer.clone()/>
        <main class="page">
            <p class="crumbs"><A href=format!("/branch/{}/members", list.branch_id)>{list.branch_name.clone()}" 党员名册"</A>" › "{heading}</p>
            <h1>{heading}</h1>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
            {move || {
                let errs: Vec<FieldError> = errors();
                (!errs.is_empty()).then(|| view! {
                    <ul class="alert alert-error" role="alert">
                        {errs.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}
                    </ul>
                })
            }}
            <ActionForm action=action attr:class="card form">
                <input type="hidden" name="branch_id" value=list.branch_id.clone()/>
                <input type="hidden" name="user_id" value=m.id.clone()/>
                <label class="field"><span>"姓名"</span><input name="form[name]" value=m.name.clone() maxlength="20" required/></label>
                <div class="field-row">
                    <label class="field"><span>"用户名（可不填，用手机号登录）"</span><input name="form[username]" value=m.username.clone() autocapitalize="off"/></label>
                    <label class="field"><span>"手机号"</span><input name="form[phone]" value=m.phone.clone().unwrap_or_default() inputmode="tel"/></label>
                </div>
                <div class="field-row">
                    <label class="field"><span>"性别"</span>
                        <select name="form[gender]">
                            <option value="" selected=m.gender.is_none()>"—"</option>
                            <option value="男" selected=m.gender.as_deref() == Some("male")>"男"</option>
                            <option value="女" selected=m.gender.as_deref() == Some("female")>"女"</option>
                        </select>
                    </label>
                    <label class="field"><span>"党员类别"</span>
                        <select name="form[standing]">
                            <option value="正式" selected=m.standing == "full">"正式党员"</option>
                            <option value="预备" selected=m.standing == "probationary">"预备党员"</option>
                        </select>
                    </label>
                </div>
                <div class="field-row">
                    <label class="field"><span>"出生日期"</span><input type="date" name="form[birth_date]" value=m.birth_date.clone().unwrap_or_default()/></label>
                    <label class="field"><span>"入党日期"</span><input type="date" name="form[join_date]" value=m.join_date.clone().unwrap_or_default()/></label>
                </div>
                <div class="field-row">
                    <label class="field"><span>"转正日期（预备党员留空）"</span><input type="date" name="form[full_date]" value=m.full_date.clone().unwrap_or_default()/></label>
                    <label class="field"><span>"是否教职工"</span>
                        <select name="form[staff]">
                            <option value="是" selected=m.staff>"是"</option>
                            <option value="否" selected=!m.staff>"否（离退休等）"</option>
                        </select>
                    </label>
                </div>
                <label class="field"><span>"职务（无职请留空）"</span><input name="form[post]" value=m.post.clone().unwrap_or_default() maxlength="30"/></label>
                <div class="field-row">
                    <label class="field"><span>"党小组"</span>
                        <select name="form[group_id]">
                            <option value="" selected=group.is_empty()>"—"</option>
                            {list.groups.iter().map(|(id, name)| {
                                let selected = *id == group;
                                view! { <option value=id.clone() selected=selected>{name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field"><span>"支委职务"</span>
                        <select name="form[committee]">
                            <option value="" selected=seat.is_none()>"不是支委"</option>
                            {CommitteeRole::ALL.into_iter().map(|c| {
                                view! { <option value=c.label() selected=seat == Some(c)>{c.label()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                <button type="submit" class="btn btn-primary btn-block">"保存"</button>
            </ActionForm>
            {member.map(|m| view! { <super::moves::MovesCard user_id=m.id/> })}
        </main>
    }
}
