//! The members' own commitments on the letter's page: a member's form, the branch's decisions.

use crate::letter::{DecidePledge, PledgeItem, SavePledge};
use crate::ui::{ErrorPanel, refusal, reload_after};
use leptos::prelude::*;

fn kind(with_post: bool) -> &'static str {
    if with_post {
        "有职党员 · 岗位承诺"
    } else {
        "无职党员 · 设岗定责"
    }
}

#[component]
pub(super) fn PledgeSection(
    year: i32,
    pledges: Vec<PledgeItem>,
    viewer_id: String,
    may_pledge: bool,
    may_decide: bool,
) -> impl IntoView {
    let save = ServerAction::<SavePledge>::new();
    let decide = ServerAction::<DecidePledge>::new();
    reload_after(move || {
        [
            save.value().get().map(|r| r.is_ok()),
            decide.value().get().map(|r| r.is_ok()),
        ]
        .contains(&Some(true))
    });
    let (save_refused, decide_refused) = (refusal(save), refusal(decide));
    let error = move || save_refused().or_else(decide_refused);
    let mine = pledges.iter().find(|p| p.user_id == viewer_id).cloned();
    let approved = pledges.iter().filter(|p| p.approved).count();
    let form = may_pledge.then(|| {
        let m = mine.clone();
        let state = m.as_ref().map_or("尚未填写".to_owned(), |p| {
            if p.approved {
                "已审核通过".to_owned()
            } else if p.returned {
                format!("已退回：{}", p.comment)
            } else {
                "已提交，待支部审核".to_owned()
            }
        });
        let with_post = m.as_ref().is_none_or(|p| p.with_post);
        view! {
            <ActionForm action=save attr:class="form">
                <h3>"我的承诺"</h3>
                <p class="hint-left">{state}</p>
                <input type="hidden" name="year" value=year.to_string()/>
                <label class="check"><input type="checkbox" name="with_post" value="true" checked=with_post/>"我担任职务（有职党员，作岗位承诺）；不勾选为无职党员，由支部设岗定责"</label>
                <label class="field"><span>"岗位"</span><input name="post" maxlength="40" required value=m.as_ref().map(|p| p.post.clone()).unwrap_or_default()/></label>
                <label class="field"><span>"承诺内容"</span><textarea name="pledge" maxlength="500" rows="3" required>{m.map(|p| p.pledge).unwrap_or_default()}</textarea></label>
                <button type="submit" class="btn btn-primary">"提交我的承诺"</button>
            </ActionForm>
        }
    });
    view! {
        <section class="card" aria-labelledby="pledges-h">
            <h2 id="pledges-h">{format!("党员岗位承诺（已审核 {approved} 份）")}</h2>
            <p class="hint-left">"有职党员作岗位承诺，无职党员设岗定责；支部审核后随承诺书公开，并作为“作用发挥”的佐证。"</p>
            {move || error().map(|e| view! { <ErrorPanel error=e/> })}
            {form}
            <ul class="pledges">
                {pledges.into_iter().map(|p| {
                    let status = if p.approved { "已审核" } else if p.returned { "已退回" } else { "待审核" };
                    let decision = (may_decide && !p.approved).then(|| view! {
                        <ActionForm action=decide attr:class="form-inline">
                            <input type="hidden" name="user_id" value=p.user_id.clone()/>
                            <input type="hidden" name="year" value=year.to_string()/>
                            <input name="comment" maxlength="500" placeholder="退回意见" aria-label="退回意见"/>
                            <button type="submit" name="approve" value="true" class="btn btn-small">"审核通过"</button>
                            <button type="submit" name="approve" value="false" class="btn btn-small btn-danger">"退回"</button>
                        </ActionForm>
                    });
                    view! {
                        <li>
                            <strong>{p.name.clone()}</strong>{format!("（{}：{}）· {status}", kind(p.with_post), p.post)}
                            <p class="prewrap">{p.pledge.clone()}</p>
                            {decision}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// On the public page: the approved commitments.
#[component]
pub(super) fn PublicPledges(pledges: Vec<(String, bool, String, String)>) -> impl IntoView {
    (!pledges.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="public-pledges-h">
                <h2 id="public-pledges-h">"党员岗位承诺"</h2>
                <ul class="pledges">
                    {pledges.into_iter().map(|(name, with_post, post, pledge)| view! {
                        <li>
                            <strong>{name}</strong>{format!("（{}：{post}）", kind(with_post))}
                            <p class="prewrap">{pledge}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
