//! An import's preview: every row checked, confirmed only when all are good.

use super::param;
use crate::roster::{CommitImport, ImportPreview, load_import};
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

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
                Ok(m) => {
                    let mut note = vec![m.username.clone(), m.standing.label().to_owned()];
                    note.extend(m.committee.map(|c| format!("支委·{}", c.label())));
                    note.extend(m.group.clone());
                    if !m.staff {
                        note.push("非教职工".to_owned());
                    }
                    ("row-ok", m.name.clone(), note.join(" · "))
                }
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
