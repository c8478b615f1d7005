//! The attested criteria's evidence: what the branch entered, its state and trail; the
//! branch's form to save and submit it, the 总支's to approve or return it.

use crate::domain::rating::EvidenceState;
use crate::domain::time::format_full;
use crate::rating::{ActivityRef, DecideEvidence, EvidenceView, SaveEvidence};
use crate::ui::{ErrorPanel, reload_after};
use leptos::prelude::*;

#[component]
pub(super) fn EvidenceSection(
    org_id: String,
    year: i32,
    items: Vec<EvidenceView>,
    activities: Vec<ActivityRef>,
    may_submit: bool,
    may_decide: bool,
) -> impl IntoView {
    let save = ServerAction::<SaveEvidence>::new();
    let decide = ServerAction::<DecideEvidence>::new();
    reload_after(move || {
        matches!(save.value().get(), Some(Ok(_))) || matches!(decide.value().get(), Some(Ok(_)))
    });
    let error = move || {
        let e = save
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| decide.value().get().and_then(Result::err));
        e.map(|e| view! { <ErrorPanel error=e/> })
    };
    let query = leptos_router::hooks::use_query_map();
    let outcome = move || {
        query.read().get("file").map(|code| {
            let (class, text) = match code.as_str() {
                "saved" => ("alert alert-success", "附件已上传"),
                "too_big" => ("alert alert-error", "附件不能超过 10 MB"),
                "wrong_type" => ("alert alert-error", "只支持照片（JPEG、PNG）、PDF、Word（.docx）和 Excel（.xlsx）文件"),
                "empty" => ("alert alert-error", "请选择文件"),
                _ => ("alert alert-error", "佐证已提交或已审核通过，或年度已封存，不能再添加附件"),
            };
            view! { <p class=class role=if class.ends_with("error") { "alert" } else { "status" }>{text}</p> }
        })
    };
    view! {
        <section aria-labelledby="evidence-h">
            <h2 id="evidence-h">"佐证材料"</h2>
            {outcome}
            <p class="hint-left">"以下条件由支部提交佐证、总支审核：审核通过才算达到。每一步都记录在案。"</p>
            {error}
            <div class="cards">
                {items
                    .into_iter()
                    .map(|item| {
                        view! {
                            <EvidenceCard
                                org_id=org_id.clone()
                                year=year
                                item=item
                                activities=activities.clone()
                                may_submit=may_submit
                                may_decide=may_decide
                                save=save
                                decide=decide
                            />
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn EvidenceCard(
    org_id: String,
    year: i32,
    item: EvidenceView,
    activities: Vec<ActivityRef>,
    may_submit: bool,
    may_decide: bool,
    save: ServerAction<SaveEvidence>,
    decide: ServerAction<DecideEvidence>,
) -> impl IntoView {
    let state = item.state;
    let state_text = state.map_or("尚未填写", EvidenceState::label);
    let editable = may_submit
        && !matches!(
            state,
            Some(EvidenceState::Submitted) | Some(EvidenceState::Approved)
        );
    let decidable = may_decide && state == Some(EvidenceState::Submitted);
    let heading = format!("ev-{}-h", item.criterion);
    let labelled_by = heading.clone();
    // The linked activities as a space-separated list of ids, kept in step with the boxes.
    let linked = RwSignal::new(item.links.iter().map(|a| a.id.clone()).collect::<Vec<_>>());
    let links_value = move || linked.get().join(" ");
    let upload_org = org_id.clone();
    let (plan_org, plan_year) = (org_id.clone(), year);
    let upload_year = year;
    let upload_key = item.criterion.clone();
    let (org_a, org_b, org_c) = (org_id.clone(), org_id.clone(), org_id);
    let (key_a, key_b, key_c) = (
        item.criterion.clone(),
        item.criterion.clone(),
        item.criterion.clone(),
    );
    let year = year.to_string();
    let (year_a, year_b, year_c) = (year.clone(), year.clone(), year);
    let body = item.body.clone();
    view! {
        <article class="card evidence" aria-labelledby=labelled_by>
            <h3 id=heading>{item.name}</h3>
            <p class="meta">{format!("状态：{state_text}")}</p>
            {(!item.comment.is_empty()).then(|| view! { <p class="todo-note">{format!("总支意见：{}", item.comment)}</p> })}
            {(!item.checklist.is_empty()).then(|| view! {
                <details class="checklist">
                    <summary>"需体现的内容"</summary>
                    <ul>{item.checklist.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                </details>
            })}
            {(!item.body.is_empty()).then(|| view! { <p class="evidence-body">{item.body.clone()}</p> })}
            {(!item.from_records.is_empty()).then(|| view! {
                <p class="meta"><a href=format!("/branch/{plan_org}/letter?year={plan_year}")>{item.from_records.clone()}</a></p>
            })}
            {(!item.files.is_empty()).then(|| view! {
                <ul class="evidence-files" aria-label="附件">
                    {item.files.clone().into_iter().map(|f| {
                        let href = format!("/evidence-files/{}", f.id);
                        let size = format!("（{} KB）", (f.size_bytes + 1023) / 1024);
                        view! { <li><a href=href>{f.name}</a>{size}</li> }
                    }).collect_view()}
                </ul>
            })}
            {(!item.links.is_empty()).then(|| view! {
                <ul class="evidence-links">
                    {item.links.into_iter().map(|a| {
                        // A plan's task links to the plan, an activity to its record.
                        let href = match a.id.strip_prefix(crate::domain::plan::TASK_LINK_PREFIX) {
                            Some(task) => format!("/branch/{plan_org}/plan?year={plan_year}#task-{task}"),
                            None => format!("/activity/{}", a.id),
                        };
                        view! { <li><a href=href>{a.label}</a></li> }
                    }).collect_view()}
                </ul>
            })}
            {editable.then(|| view! {
                <ActionForm action=save attr:class="form">
                    <input type="hidden" name="org_id" value=org_a/>
                    <input type="hidden" name="year" value=year_a/>
                    <input type="hidden" name="criterion" value=key_a/>
                    <input type="hidden" name="links" prop:value=links_value/>
                    <label class="field"><span>"佐证说明"</span>
                        <textarea name="body" rows="4" maxlength="4000">{body}</textarea>
                    </label>
                    {(!activities.is_empty()).then(|| view! {
                        <details class="link-picker">
                            <summary>"关联本年度的活动记录"</summary>
                            {activities.into_iter().map(|a| {
                                let id = a.id.clone();
                                let checked = linked.get_untracked().contains(&id);
                                view! {
                                    <label class="check">
                                        <input type="checkbox" checked=checked on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            linked.update(|l| {
                                                l.retain(|x| *x != id);
                                                if on { l.push(id.clone()); }
                                            });
                                        }/>
                                        {a.label}
                                    </label>
                                }
                            }).collect_view()}
                        </details>
                    })}
                    <label class="check"><input type="checkbox" name="submit" value="true"/>"同时提交总支审核（提交后等待审核，不能再修改）"</label>
                    <button type="submit" class="btn btn-primary">"保存"</button>
                </ActionForm>
            })}
            {editable.then(|| {
                let action = format!("/branch/{upload_org}/rating/{upload_year}/evidence/{upload_key}/files");
                view! {
                    <form method="post" action=action enctype="multipart/form-data" class="form inline-form">
                        <label class="field"><span>"添加附件（照片、PDF、Word、Excel，10 MB 以内）"</span>
                            <input type="file" name="file" accept="image/jpeg,image/png,application/pdf,.docx,.xlsx" required/>
                        </label>
                        <button type="submit" class="btn btn-small">"上传"</button>
                    </form>
                }
            })}
            {decidable.then(|| view! {
                <div class="actions">
                    <ActionForm action=decide>
                        <input type="hidden" name="org_id" value=org_c/>
                        <input type="hidden" name="year" value=year_c/>
                        <input type="hidden" name="criterion" value=key_c/>
                        <input type="hidden" name="approve" value="true"/>
                        <input type="hidden" name="comment" value=""/>
                        <button type="submit" class="btn btn-primary">"审核通过"</button>
                    </ActionForm>
                </div>
                <ActionForm action=decide attr:class="form">
                    <input type="hidden" name="org_id" value=org_b/>
                    <input type="hidden" name="year" value=year_b/>
                    <input type="hidden" name="criterion" value=key_b/>
                    <input type="hidden" name="approve" value="false"/>
                    <label class="field"><span>"退回意见"</span>
                        <textarea name="comment" rows="2" maxlength="500" required></textarea>
                    </label>
                    <button type="submit" class="btn btn-danger">"退回修改"</button>
                </ActionForm>
            })}
            <Trail entries=item.trail/>
        </article>
    }
}

#[component]
fn Trail(entries: Vec<crate::rating::TrailEntry>) -> impl IntoView {
    (!entries.is_empty()).then(|| {
        view! {
            <details class="trail">
                <summary>{format!("记录（{} 条）", entries.len())}</summary>
                <ol>
                    {entries.into_iter().map(|t| view! {
                        <li>{format!("{} {}：{}", format_full(t.at), t.by_name, t.act)}
                            {(!t.note.is_empty()).then(|| format!("——{}", t.note))}</li>
                    }).collect_view()}
                </ol>
            </details>
        }
    })
}
