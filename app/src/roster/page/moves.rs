//! A member's moves to other branches (组织关系转接) on their edit page: the history for the
//! branch's organisers, and for the 总支 the form that moves them from a given day.

use crate::domain::time::format_full;
use crate::roster::{MemberMoves, MoveMember, load_member_moves};
use crate::ui::ErrorPanel;
use leptos::prelude::*;

#[component]
pub(super) fn MovesCard(user_id: String) -> impl IntoView {
    let id = user_id.clone();
    let data = Resource::new(move || id.clone(), load_member_moves);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let user_id = user_id.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(moves) => view! { <Moves moves=moves user_id=user_id/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Moves(moves: MemberMoves, user_id: String) -> impl IntoView {
    let action = ServerAction::<MoveMember>::new();
    let MemberMoves {
        may_move,
        targets,
        history,
        today,
    } = moves;
    let empty = history.is_empty();
    let no_target = targets.is_empty();
    view! {
        <section class="card" aria-labelledby="moves-h">
            <h2 id="moves-h">"组织关系转接"</h2>
            <Show when=move || empty>
                <p class="empty">"没有转接记录。"</p>
            </Show>
            <ul class="moves">
                {history.into_iter().map(|m| view! {
                    <li>
                        {format!("{} 起：{} → {}（{}）", m.moved_on, m.from, m.to, m.reason)}
                        <span class="meta">{format!(" · {} 办理于 {}", m.by, format_full(m.at))}</span>
                    </li>
                }).collect_view()}
            </ul>
            <Show when=move || may_move && no_target>
                <p class="hint-left">"本校没有其他党支部可以转入。"</p>
            </Show>
            <Show when=move || may_move && !no_target>
                {
                    let (user_id, targets, today) = (user_id.clone(), targets.clone(), today.clone());
                    view! {
                        <ActionForm action=action attr:class="form">
                            <input type="hidden" name="user_id" value=user_id/>
                            <label class="field"><span>"转入支部"</span>
                                <select name="to_branch" required>
                                    {targets.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                                </select>
                            </label>
                            <div class="field-row">
                                <label class="field"><span>"转接日期（可往前补 90 天）"</span><input type="date" name="moved_on" value=today required/></label>
                                <label class="field"><span>"原因"</span><input name="reason" maxlength="200" required placeholder="如：调往城关二中任教"/></label>
                            </div>
                            <p class="hint-left">"转接日期之前的活动仍算在原支部；此后原支部未参加、未标记的活动不再计入其应到；党小组和支委职务不随转。"</p>
                            <button type="submit" class="btn">"办理转接"</button>
                        </ActionForm>
                    }
                }
            </Show>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
        </section>
    }
}
