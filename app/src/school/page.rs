//! `/school`: the 总支's page of its organisation tree. Every change is a small plain form, so
//! the page works without JavaScript; with it, the page reloads its data after each change.

use super::{
    AddOrg, ArchiveOrg, GroupNode, MoveOrg, Person, RenameOrg, SchoolTree, SetSecretary, TreeNode,
    load_school_tree,
};
use crate::error::AppError;
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;

/// The actions of the page, shared by every card.
#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddOrg>,
    rename: ServerAction<RenameOrg>,
    move_one: ServerAction<MoveOrg>,
    archive: ServerAction<ArchiveOrg>,
    secretary: ServerAction<SetSecretary>,
}

impl Actions {
    fn new() -> Self {
        let actions = Self {
            add: ServerAction::new(),
            rename: ServerAction::new(),
            move_one: ServerAction::new(),
            archive: ServerAction::new(),
            secretary: ServerAction::new(),
        };
        reload_after(move || {
            [
                actions.add.value().get().map(|r| r.is_ok()),
                actions.rename.value().get().map(|r| r.is_ok()),
                actions.move_one.value().get().map(|r| r.is_ok()),
                actions.archive.value().get().map(|r| r.is_ok()),
                actions.secretary.value().get().map(|r| r.is_ok()),
            ]
            .contains(&Some(true))
        });
        actions
    }

    /// The latest refusal of any action, to show at the top.
    fn error(self) -> Option<AppError> {
        [
            self.add.value().get().and_then(Result::err),
            self.rename.value().get().and_then(Result::err),
            self.move_one.value().get().and_then(Result::err),
            self.archive.value().get().and_then(Result::err),
            self.secretary.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    }
}

#[component]
pub fn SchoolPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| load_school_tree());
    provide_reload(move || data.refetch());
    view! {
        <Title text="组织设置 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(tree) => view! { <Tree tree=tree/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Tree(tree: SchoolTree) -> impl IntoView {
    let actions = Actions::new();
    let empty = tree.branches.is_empty();
    let org_name = tree.viewer.org_name.clone();
    view! {
        <TopBar user=tree.viewer/>
        <main class="page">
            <h1>{org_name}" · 组织设置"</h1>
            <p class="hint-left">"在这里增加、改名、排序和归档党支部与党小组，任免支部书记。归档的组织保留全部历史记录，不再出现在新的工作和统计中。每次更改都记入操作日志。"</p>
            {move || actions.error().map(|e| view! { <ErrorPanel error=e/> })}
            <Show when=move || empty>
                <p class="empty">"还没有党支部：先在下面新增第一个支部，再到支部的“党员名单”导入党员。"</p>
            </Show>
            {tree.branches.into_iter().map(|b| view! { <BranchCard node=b actions=actions/> }).collect_view()}
            <section class="card" aria-labelledby="add-branch-h">
                <h2 id="add-branch-h">"新增党支部"</h2>
                <ActionForm action=actions.add attr:class="form">
                    <input type="hidden" name="group" value="false"/>
                    <input type="hidden" name="parent_id" value=""/>
                    <label class="field"><span>"支部名称"</span><input name="name" maxlength="60" required placeholder="如：第五党支部"/></label>
                    <button type="submit" class="btn btn-primary">"新增支部"</button>
                </ActionForm>
            </section>
        </main>
    }
}

#[component]
fn BranchCard(node: TreeNode, actions: Actions) -> impl IntoView {
    let TreeNode {
        id,
        name,
        archived,
        people,
        groups,
    } = node;
    let heading = format!("branch-{id}-h");
    let secretaries: Vec<String> = people
        .iter()
        .filter(|p| p.secretary)
        .map(|p| p.name.clone())
        .collect();
    let summary = format!(
        "在册党员 {} 人 · 书记：{}",
        people.len(),
        if secretaries.is_empty() {
            "未任命".to_owned()
        } else {
            secretaries.join("、")
        }
    );
    let members_href = format!("/branch/{id}/members");
    let group_parent = id.clone();
    let labelled_by = heading.clone();
    view! {
        <section class=if archived { "card org-card archived" } else { "card org-card" } aria-labelledby=labelled_by>
            <h2 id=heading>{name.clone()}{archived.then_some("（已归档）")}</h2>
            <p class="meta">{summary}" · "<a href=members_href>"党员名单"</a></p>
            <OrgControls id=id.clone() name=name archived=archived actions=actions/>
            {(!archived).then(|| view! {
                <h3>"党小组"</h3>
                <ul class="org-groups">
                    {groups.into_iter().map(|g| view! { <GroupRow group=g actions=actions/> }).collect_view()}
                </ul>
                <ActionForm action=actions.add attr:class="inline-form">
                    <input type="hidden" name="group" value="true"/>
                    <input type="hidden" name="parent_id" value=group_parent.clone()/>
                    <label class="field"><span>"新增党小组"</span><input name="name" maxlength="60" required placeholder="如：第一党小组"/></label>
                    <button type="submit" class="btn btn-small">"新增"</button>
                </ActionForm>
                <Secretaries people=people actions=actions/>
            })}
        </section>
    }
}

#[component]
fn GroupRow(group: GroupNode, actions: Actions) -> impl IntoView {
    view! {
        <li>
            <span>{group.name.clone()}{group.archived.then_some("（已归档）")}</span>
            <OrgControls id=group.id name=group.name archived=group.archived actions=actions/>
        </li>
    }
}

/// Rename, move up or down, archive or bring back: one small form each.
#[component]
fn OrgControls(id: String, name: String, archived: bool, actions: Actions) -> impl IntoView {
    let label = format!("{name}的新名称");
    let (up, down, arch) = (id.clone(), id.clone(), id.clone());
    view! {
        <div class="org-controls">
            <ActionForm action=actions.rename attr:class="inline-form">
                <input type="hidden" name="id" value=id/>
                <input name="name" maxlength="60" required value=name aria-label=label/>
                <button type="submit" class="btn btn-small">"改名"</button>
            </ActionForm>
            <ActionForm action=actions.move_one attr:class="inline-form">
                <input type="hidden" name="id" value=up/>
                <input type="hidden" name="up" value="true"/>
                <button type="submit" class="btn btn-small" aria-label="上移">"↑"</button>
            </ActionForm>
            <ActionForm action=actions.move_one attr:class="inline-form">
                <input type="hidden" name="id" value=down/>
                <input type="hidden" name="up" value="false"/>
                <button type="submit" class="btn btn-small" aria-label="下移">"↓"</button>
            </ActionForm>
            <ActionForm action=actions.archive attr:class="inline-form">
                <input type="hidden" name="id" value=arch/>
                <input type="hidden" name="archived" value=(!archived).to_string()/>
                <button type="submit" class="btn btn-small">{if archived { "取消归档" } else { "归档" }}</button>
            </ActionForm>
        </div>
    }
}

/// The branch's members, each with the one button that changes whether they are its secretary.
#[component]
fn Secretaries(people: Vec<Person>, actions: Actions) -> impl IntoView {
    let empty = people.is_empty();
    view! {
        <details class="org-secretaries">
            <summary>"任免支部书记"</summary>
            <Show when=move || empty>
                <p class="empty">"支部还没有党员：先导入或添加党员。"</p>
            </Show>
            <ul>
                {people.into_iter().map(|p| view! {
                    <li>
                        <span>{p.name.clone()}{p.secretary.then_some("（书记）")}</span>
                        <ActionForm action=actions.secretary attr:class="inline-form">
                            <input type="hidden" name="user_id" value=p.id/>
                            <input type="hidden" name="secretary" value=(!p.secretary).to_string()/>
                            <button type="submit" class="btn btn-small">{if p.secretary { "免去书记" } else { "设为书记" }}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        </details>
    }
}
