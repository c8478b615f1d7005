//! Feedback on a letter: the public's form and the approved feedback on the public page; the
//! branch's replies and the 总支's decisions on the letter's own page.

use crate::letter::{DecideFeedback, FeedbackItem, ReplyFeedback, SendFeedback};
use crate::ui::{ErrorPanel, refusal, reload_after};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// On the public page: what was approved, and the form (no account, no JavaScript needed).
#[component]
pub(super) fn PublicFeedback(
    token: String,
    feedback: Vec<(String, String, Option<String>)>,
    stamp: String,
) -> impl IntoView {
    let action = ServerAction::<SendFeedback>::new();
    let query = use_query_map();
    let sent = move || {
        action.value().get().is_some_and(|r| r.is_ok()) || query.read().get("sent").is_some()
    };
    // This page has no JavaScript: a refusal comes back in the address.
    let error = refusal(action);
    let empty = feedback.is_empty();
    view! {
        <section class="card" id="feedback" aria-labelledby="feedback-h">
            <h2 id="feedback-h">"群众监督"</h2>
            {empty.then(|| view! { <p class="empty">"还没有公开的留言。"</p> })}
            <ul class="feedback">
                {feedback.into_iter().map(|(day, body, reply)| view! {
                    <li>
                        <p class="prewrap">{body}</p>
                        <p class="hint-left">{day}</p>
                        {reply.map(|r| view! { <p class="reply prewrap">{format!("回复：{r}")}</p> })}
                    </li>
                }).collect_view()}
            </ul>
            <Show when=sent>
                <p class="alert alert-success" role="status">"留言已收到，经审核后公开。谢谢您的监督！"</p>
            </Show>
            {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="stamp" value=stamp/>
                <div class="trap"><label>"请勿填写"<input name="website" tabindex="-1" autocomplete="off"/></label></div>
                <label class="field"><span>"您的意见或建议（不需要登录，不记录您的身份）"</span><textarea name="body" minlength="5" maxlength="500" rows="4" required></textarea></label>
                <button type="submit" class="btn btn-primary btn-block">"提交留言"</button>
            </ActionForm>
        </section>
    }
}

/// On the letter's page: every feedback, the branch's replies and the 总支's decisions.
#[component]
pub(super) fn FeedbackSection(
    items: Vec<FeedbackItem>,
    may_reply: bool,
    may_decide: bool,
) -> impl IntoView {
    let reply = ServerAction::<ReplyFeedback>::new();
    let decide = ServerAction::<DecideFeedback>::new();
    reload_after(move || {
        [
            reply.value().get().map(|r| r.is_ok()),
            decide.value().get().map(|r| r.is_ok()),
        ]
        .contains(&Some(true))
    });
    let (reply_refused, decide_refused) = (refusal(reply), refusal(decide));
    let error = move || reply_refused().or_else(decide_refused);
    let empty = items.is_empty();
    view! {
        <section class="card" aria-labelledby="letter-feedback-h">
            <h2 id="letter-feedback-h">{format!("群众留言（{} 条）", items.len())}</h2>
            <p class="hint-left">"留言和回复经总支审核后才在公开页面显示。留言不记录发送人。"</p>
            {move || error().map(|e| view! { <ErrorPanel error=e/> })}
            {empty.then(|| view! { <p class="empty">"还没有留言。"</p> })}
            {items.into_iter().map(|f| {
                let label = format!("{} 的留言", f.received_on);
                let public = if f.shown { "已公开" } else { "未公开" };
                let reply_state = match (&f.reply, f.reply_shown) {
                    (None, _) => "尚未回复",
                    (Some(_), true) => "回复已公开",
                    (Some(_), false) => "回复待审核",
                };
                let has_reply = f.reply.is_some();
                let decide_form = move |part: &'static str, show: bool, text: &'static str, id: String| view! {
                    <ActionForm action=decide attr:class="form-inline">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="part" value=part/>
                        <input type="hidden" name="show" value=show.to_string()/>
                        <button type="submit" class="btn btn-small">{text}</button>
                    </ActionForm>
                };
                let (reply_id, current_reply) = (f.id.clone(), f.reply.clone().unwrap_or_default());
                let reply_form = may_reply.then(|| view! {
                    <ActionForm action=reply attr:class="form">
                        <input type="hidden" name="id" value=reply_id/>
                        <label class="field"><span>"回复"</span><textarea name="reply" maxlength="500" rows="2" required>{current_reply}</textarea></label>
                        <button type="submit" class="btn btn-small">"保存回复"</button>
                    </ActionForm>
                });
                let (id, shown, reply_shown) = (f.id.clone(), f.shown, f.reply_shown);
                let decisions = may_decide.then(|| {
                    let on_feedback = decide_form("feedback", !shown, if shown { "撤下留言" } else { "公开留言" }, id.clone());
                    let on_reply = has_reply.then(|| {
                        decide_form("reply", !reply_shown, if reply_shown { "撤下回复" } else { "公开回复" }, id)
                    });
                    view! { <div class="actions">{on_feedback}{on_reply}</div> }
                });
                let reply_text = f.reply.clone().map(|r| view! { <p class="reply prewrap">{format!("回复：{r}")}</p> });
                view! {
                    <article class="feedback-item" aria-label=label>
                        <p class="prewrap">{f.body.clone()}</p>
                        <p class="hint-left">{format!("{} · {public} · {reply_state}", f.received_on)}</p>
                        {reply_text}
                        {reply_form}
                        {decisions}
                    </article>
                }
            }).collect_view()}
        </section>
    }
}
