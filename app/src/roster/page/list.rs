//! The roster list (`/branch/:id/members`): every member with their actions.

use super::invite::InviteSlips;
use super::param;
use crate::domain::roster::{Gender, Standing};
use crate::roster::{CreateInvites, MemberList, MemberView, SetMemberActive, load_members};
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// `/branch/:id/members`
#[component]
pub fn MembersPage() -> impl IntoView {
    let branch = param("id");
    let data = Resource::new(branch, load_members);
    provide_reload(move || data.refetch());
    view! {
        <Title text="党员名册 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <MembersView list=list/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MembersView(list: MemberList) -> impl IntoView {
    let query = use_query_map();
    let import_error = move || query.read().get("import_error");
    let invites = ServerAction::<CreateInvites>::new();
    let branch_id = list.branch_id.clone();
    let waiting = list
        .members
        .iter()
        .filter(|m| m.active && !m.activated)
        .count();
    let active = list.members.iter().filter(|m| m.active).count();
    let upload = format!("/branch/{}/members/import", list.branch_id);
    let template = format!("/branch/{}/members/template.xlsx", list.branch_id);
    let (crumb, title) = (
        list.branch_name.clone(),
        format!("{}党员名册", list.branch_name),
    );
    let rows = list
        .members
        .into_iter()
        .map(|m| view! { <MemberRowView member=m branch_id=branch_id.clone() invites=invites/> })
        .collect_view();
    view! {
        <div class="no-print"><TopBar user=list.viewer.clone()/></div>
        <main class="page">
            <p class="crumbs no-print"><A href=format!("/branch/{}", list.branch_id)>{crumb}</A>" › 党员名册"</p>
            <h1>{title}</h1>
            <p class="hint-left">{format!("在册党员 {active} 人，其中 {waiting} 人尚未设置密码。")}</p>
            <div class="actions no-print">
                <A href=format!("/branch/{}/members/new", list.branch_id) attr:class="btn btn-primary">"添加党员"</A>
                <ActionForm action=invites attr:class="inline-form">
                    <input type="hidden" name="branch_id" value=list.branch_id.clone()/>
                    <button type="submit" class="btn" disabled=waiting == 0>"为未设置密码的党员生成邀请码"</button>
                </ActionForm>
            </div>
            <InviteSlips invites=invites/>
            <details class="card import no-print" open=move || import_error().is_some()>
                <summary>"从 Excel 或 CSV 导入名单"</summary>
                {move || import_error().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
                <p class="hint-left">
                    "第一行为表头：支部、姓名、用户名（或手机号）、性别、出生日期、入党日期、党员类别（正式/预备）、有职/无职、职务、转正日期、支委职务（书记/副书记/委员）、党小组、是否教职工。"
                    "上传后先预览检查，全部无误才会导入；有任何一行错误都不会导入。"
                </p>
                <p><a href=template rel="external" download="">"下载 Excel 模板"</a>"（已填好本支部名称和党小组，附填写说明）"</p>
                <form method="post" action=upload enctype="multipart/form-data" class="form">
                    <label class="field">
                        <span>"名单文件（.xlsx 或 .csv，不超过 2 MB）"</span>
                        <input type="file" name="file" accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required/>
                    </label>
                    <button type="submit" class="btn btn-primary">"上传并预览"</button>
                </form>
            </details>
            <table class="roster-table">
                <thead><tr><th>"姓名"</th><th>"账号"</th><th>"类别"</th><th>"职务"</th><th>"状态"</th><th class="no-print">"操作"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </main>
    }
}

#[component]
fn MemberRowView(
    member: MemberView,
    branch_id: String,
    invites: ServerAction<CreateInvites>,
) -> impl IntoView {
    let toggle = ServerAction::<SetMemberActive>::new();
    reload_after(move || matches!(toggle.value().get(), Some(Ok(_))));
    let standing = Standing::parse(&member.standing).map_or("—", |s| s.label());
    let mut tags = Vec::new();
    if let Some(c) = member.committee() {
        tags.push(format!("支委·{}", c.label()));
    }
    if !member.staff {
        tags.push("非教职工".to_owned());
    }
    if let Some(g) = &member.group_name {
        tags.push(g.clone());
    }
    let status = match (member.active, member.activated) {
        (false, _) => "已停用",
        (true, true) => "已激活",
        (true, false) => "待设置密码",
    };
    let (id, id2, id3) = (member.id.clone(), member.id.clone(), member.id.clone());
    let active = member.active;
    view! {
        <tr class:inactive=!member.active>
            <td>
                <strong>{member.name.clone()}</strong>
                {member.gender.as_deref().and_then(Gender::parse).map(|g| format!("（{}）", g.label()))}
                <div class="tags">{tags.join(" · ")}</div>
            </td>
            <td>{member.username.clone()}</td>
            <td>{standing}{member.full_date.clone().map(|d| format!("（{d} 转正）"))}</td>
            <td>{member.post.clone().unwrap_or_else(|| "无职".into())}</td>
            <td>{status}</td>
            <td class="no-print row-actions">
                <A href=format!("/member/{id}/edit")>"编辑"</A>
                <ActionForm action=toggle attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id2/>
                    <input type="hidden" name="active" value=if active { "false" } else { "true" }/>
                    <button type="submit" class="btn btn-link">{if active { "停用" } else { "恢复" }}</button>
                </ActionForm>
                <Show when=move || active>
                    {
                        let (branch_id, id3) = (branch_id.clone(), id3.clone());
                        move || {
                            let (branch_id, id3) = (branch_id.clone(), id3.clone());
                            view! {
                                <ActionForm action=invites attr:class="inline-form">
                                    <input type="hidden" name="branch_id" value=branch_id/>
                                    <input type="hidden" name="user_id" value=id3/>
                                    <button type="submit" class="btn btn-link">"邀请码"</button>
                                </ActionForm>
                            }
                        }
                    }
                </Show>
            </td>
        </tr>
    }
}
