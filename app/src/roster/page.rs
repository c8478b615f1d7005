//! The roster pages: the list with its actions, the add / edit form, an import's preview, and
//! the public page where an invited member sets a first password.

use super::{
    CommitImport, CreateInvites, ImportPreview, Invite, MemberList, MemberView, SaveMember,
    SetMemberActive, load_import, load_member, load_members,
};
use crate::domain::roster::{Gender, Standing};
use crate::domain::time::format_full;
use crate::error::FieldError;
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

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
                    "第一行为表头：支部、姓名、用户名（或手机号）、性别、出生日期、入党日期、党员类别（正式/预备）、有职/无职、职务。"
                    "上传后先预览检查，全部无误才会导入；有任何一行错误都不会导入。"
                </p>
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
    if member.committee {
        tags.push("支委".to_owned());
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
            <td>{standing}</td>
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

/// Fresh invite codes, shown once, laid out to print and cut into slips.
#[component]
fn InviteSlips(invites: ServerAction<CreateInvites>) -> impl IntoView {
    view! {
        {move || invites.value().get().map(|result| match result {
            Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            Ok(list) if list.is_empty() => view! { <p class="alert alert-info">"没有需要邀请码的党员。"</p> }.into_any(),
            Ok(list) => view! {
                <section class="invites" aria-label="邀请码">
                    <p class="alert alert-success no-print">
                        {format!("已生成 {} 个邀请码（只显示这一次，可打印后剪开分发）。", list.len())}
                        <button type="button" class="btn btn-small" onclick="window.print()">"打印"</button>
                    </p>
                    <div class="slips">
                        {list.into_iter().map(|i: Invite| view! {
                            <div class="slip">
                                <p class="slip-name">{i.name.clone()}</p>
                                <p>"用户名："<strong>{i.username.clone()}</strong></p>
                                <p>"邀请码："<strong class="slip-code">{i.code.clone()}</strong></p>
                                <p class="slip-note">{format!("请在 {} 前打开 星旗 → “用邀请码设置密码”", format_full(i.expires_at))}</p>
                            </div>
                        }).collect_view()}
                    </div>
                </section>
            }.into_any(),
        })}
    }
}

/// `/branch/:id/members/import/:import`
#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let id = param("import");
    let data = Resource::new(id, load_import);
    view! {
        <Title text="导入预览 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <PreviewView preview=p/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PreviewView(preview: ImportPreview) -> impl IntoView {
    let commit = ServerAction::<CommitImport>::new();
    let bad = preview.rows.iter().filter(|r| r.result.is_err()).count();
    let total = preview.rows.len();
    let (ok, committed) = (preview.ok, preview.committed);
    let roster = format!("/branch/{}/members", preview.branch_id);
    let roster2 = roster.clone();
    let import_id = preview.id.clone();
    let rows = preview
        .rows
        .into_iter()
        .map(|r| {
            let (class, name, note) = match &r.result {
                Ok(m) => (
                    "row-ok",
                    m.name.clone(),
                    format!("{} · {}", m.username, m.standing.label()),
                ),
                Err(errors) => (
                    "row-bad",
                    r.cells.get(1).cloned().unwrap_or_default(),
                    errors.join("；"),
                ),
            };
            view! {
                <tr class=class>
                    <td>{format!("第 {} 行", r.line)}</td>
                    <td>{name}</td>
                    <td>{note}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TopBar user=preview.viewer.clone()/>
        <main class="page">
            <p class="crumbs"><A href=roster.clone()>{preview.branch_name.clone()}" 党员名册"</A>" › 导入预览"</p>
            <h1>"导入预览"</h1>
            <p class="hint-left">{format!("文件：{}，共 {total} 人", preview.file_name)}</p>
            {if committed {
                view! { <p class="alert alert-success">"这份名单已经导入。"</p> }.into_any()
            } else if ok {
                view! {
                    <p class="alert alert-info">{format!("全部 {total} 行都通过了检查。确认后一次导入，新党员需用邀请码设置密码。")}</p>
                }.into_any()
            } else {
                view! {
                    <p class="alert alert-error" role="alert">
                        {format!("有 {bad} 行需要改正，没有导入任何党员。请在文件里改正下列问题后重新上传。")}
                    </p>
                }.into_any()
            }}
            {move || commit.value().get().map(|r| match r {
                Ok(n) => view! {
                    <p class="alert alert-success" role="status">{format!("已导入 {n} 名党员。")}<A href=roster2.clone()>"返回党员名册"</A></p>
                }.into_any(),
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            })}
            <Show when=move || ok && !committed && commit.value().get().is_none()>
                {
                    let id = import_id.clone();
                    move || {
                        let id = id.clone();
                        view! {
                            <ActionForm action=commit attr:class="actions">
                                <input type="hidden" name="id" value=id/>
                                <button type="submit" class="btn btn-primary">{format!("确认导入 {total} 名党员")}</button>
                            </ActionForm>
                        }
                    }
                }
            </Show>
            <table class="preview-table">
                <thead><tr><th>"行"</th><th>"姓名"</th><th>"检查结果"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </main>
    }
}

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
    let errors = move || {
        action
            .value()
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    };
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
        committee: false,
        group_id: None,
        group_name: None,
        role: "member".into(),
        active: true,
        activated: false,
    });
    let group = m.group_id.clone().unwrap_or_default();
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
                    <label class="check"><input type="checkbox" name="form[committee]" value="true" checked=m.committee/>" 支部委员会委员"</label>
                </div>
                <button type="submit" class="btn btn-primary btn-block">"保存"</button>
            </ActionForm>
        </main>
    }
}

fn invite_error(code: &str) -> Option<&'static str> {
    match code {
        "short" => Some("密码至少 8 位。"),
        "mismatch" => Some("两次输入的密码不一致。"),
        "invalid" => Some("邀请码无效、已用过或已过期；请向支部书记重新索取。"),
        _ => None,
    }
}

/// `/invite`: a plain form, so it works in any browser.
#[component]
pub fn InvitePage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error").and_then(|c| invite_error(&c));
    view! {
        <Title text="用邀请码设置密码 · 星旗"/>
        <div class="login">
            <header class="login-brand">
                <span class="logo" aria-hidden="true">"★"</span>
                <h1>"设置密码"</h1>
                <p class="tagline">"用支部书记给您的邀请码设置登录密码"</p>
            </header>
            {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <form method="post" action="/auth/invite" class="card form">
                <label class="field"><span>"用户名或手机号"</span><input name="username" autocomplete="username" autocapitalize="off" required/></label>
                <label class="field"><span>"邀请码"</span><input name="code" autocapitalize="characters" autocomplete="one-time-code" required/></label>
                <label class="field"><span>"新密码（至少 8 位）"</span><input type="password" name="password" autocomplete="new-password" minlength="8" required/></label>
                <label class="field"><span>"再输入一次"</span><input type="password" name="confirm" autocomplete="new-password" minlength="8" required/></label>
                <button type="submit" class="btn btn-primary btn-block">"设置密码"</button>
            </form>
            <p class="hint"><a href="/login">"已有密码？去登录"</a></p>
        </div>
    }
}
