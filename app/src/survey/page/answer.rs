//! `/survey/:code` and `/survey/open/:token`: the respondent's answer form, a plain form that
//! posts (so it works with JavaScript off) and, with JavaScript, goes through the phone's outbox.

use crate::domain::ballot::{Audience, MAX_COMMENT_CHARS};
use crate::survey::{ANSWER_POST_PATH, AnswerGate, CampaignInfo, load_answer_gate};
use crate::ui::{ErrorPanel, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/survey/:code` and `/survey/open/:token`: the respondent's page. No sign-in.
#[component]
pub fn AnswerPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        match p.get("token") {
            Some(t) => format!("open:{t}"),
            None => p.get("code").unwrap_or_default(),
        }
    };
    let data = Resource::new(key, load_answer_gate);
    view! {
        <Title text="满意度测评 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(AnswerGate::Open { info, audience, record_id, mark }) => {
                        let credential = key();
                        let mark = mark.unwrap_or_default();
                        view! { <AnswerForm info=*info audience=audience record_id=record_id credential=credential mark=mark/> }.into_any()
                    }
                    Ok(AnswerGate::Closed { title, message }) => view! {
                        <main class="page survey">
                            <h1>{title}</h1>
                            <p class="alert alert-warn" role="alert">{message}</p>
                            <p><a href="/survey">"输入其他邀请码"</a></p>
                        </main>
                    }.into_any(),
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AnswerForm(
    info: CampaignInfo,
    audience: Option<Audience>,
    record_id: String,
    credential: String,
    /// The open link's server-signed mark (empty for a code).
    mark: String,
) -> impl IntoView {
    let query = use_query_map();
    // A refused no-JS answer comes back rendered with its values; otherwise the URL's.
    let refused = use_context::<crate::survey::RefusedAnswer>();
    let error = {
        let refused = refused.clone();
        move || match &refused {
            Some(r) => Some(r.error.clone()),
            None => query.read().get("error"),
        }
    };
    let def = info.definition.clone();
    let steps = def.questions.len() + usize::from(audience.is_none());
    let choices = def.scale.choices();
    let (code, open) = match credential.strip_prefix("open:") {
        Some(t) => (String::new(), t.to_owned()),
        None => (credential.clone(), String::new()),
    };
    let prior = move |name: &str| match &refused {
        Some(r) => r.get(name),
        None => query.read().get(name),
    };
    let who = audience.map_or_else(
        || {
            let options = def
                .audiences
                .iter()
                .map(|a| {
                    let checked = prior("audience").as_deref() == Some(a.key());
                    view! {
                        <label class="choice"><input type="radio" name="audience" value=a.key() required checked=checked/><span>{a.label()}</span></label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="question">
                    <legend><span class="step">{format!("1 / {steps}")}</span>"您的身份"</legend>
                    {options}
                </fieldset>
            }
            .into_any()
        },
        |a| view! { <input type="hidden" name="audience" value=a.key()/> }.into_any(),
    );
    let offset = usize::from(audience.is_none());
    let questions = def
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let name = format!("q_{}", q.key);
            let before = prior(&name);
            let options = choices
                .iter()
                .enumerate()
                .map(|(j, label)| {
                    let checked = before.as_deref() == Some(j.to_string().as_str());
                    view! {
                        <label class="choice"><input type="radio" name=name.clone() value=j.to_string() required checked=checked/><span>{*label}</span></label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="question">
                    <legend><span class="step">{format!("{} / {steps}", i + 1 + offset)}</span>{q.text.clone()}</legend>
                    {options}
                </fieldset>
            }
        })
        .collect_view();
    // With JavaScript the answer goes to the phone's outbox first and is sent from there, so an
    // answer given without signal arrives when the signal does — once, under the form's id.
    let outbox = crate::outbox::use_outbox();
    let submitted = RwSignal::new(false);
    let status = Memo::new({
        let id = record_id.clone();
        move |_| outbox.survey_status(&id)
    });
    let on_submit = {
        let keys: Vec<String> = def.questions.iter().map(|q| q.key.clone()).collect();
        let (campaign_id, version) = (info.id.clone(), info.version);
        let (code, open, mark) = (code.clone(), open.clone(), mark.clone());
        let record_id = record_id.clone();
        let label = format!("满意度测评：{}", info.title);
        move |ev: leptos::ev::SubmitEvent| {
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                let Some(form) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
                else {
                    return;
                };
                let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                    return; // the plain POST still works
                };
                ev.prevent_default();
                if submitted.get_untracked() {
                    return;
                }
                let get = |k: &str| data.get(k).as_string().unwrap_or_default();
                let choices = keys
                    .iter()
                    .filter_map(|k| Some((k.clone(), get(&format!("q_{k}")).parse::<u8>().ok()?)))
                    .collect();
                let comment = get("comment");
                let body = crate::sync::protocol::SurveyAnswerBody {
                    campaign_id: campaign_id.clone(),
                    version,
                    code: (!code.is_empty()).then(|| code.clone()),
                    open_token: (!open.is_empty()).then(|| open.clone()),
                    mark: (!open.is_empty()).then(|| mark.clone()),
                    audience: Audience::parse(&get("audience")),
                    choices,
                    comment: (!comment.trim().is_empty()).then_some(comment),
                };
                outbox.answer_survey(record_id.clone(), label.clone(), body);
                submitted.set(true);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (
                ev,
                &keys,
                &campaign_id,
                version,
                &code,
                &open,
                &mark,
                &record_id,
                &label,
            );
        }
    };
    // Marks the form once the page runs its script (for people: nothing changes).
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let dismiss_id = record_id.clone();
    let state_panel = move || {
        use crate::outbox::{Connection, LocalStatus};
        match (submitted.get(), status.get()) {
            (_, Some(LocalStatus::Synced)) => Some(view! {
                <section class="card" role="status" aria-label="提交状态">
                    <h2>"感谢您的参与"</h2>
                    <p class="alert alert-success">"您的答卷已收到。"</p>
                </section>
            }.into_any()),
            (_, Some(LocalStatus::Rejected(reason))) => {
                let id = dismiss_id.clone();
                Some(view! {
                    <section class="card" aria-label="提交状态">
                        <p class="alert alert-error" role="alert">{format!("答卷未被接受：{reason}")}</p>
                        <button class="btn" on:click=move |_| outbox.dismiss(id.clone())>"知道了"</button>
                    </section>
                }.into_any())
            }
            (true, _) => Some(view! {
                <section class="card" role="status" aria-label="提交状态">
                    <p><span class="badge badge-pending">"待提交"</span>" 答卷已保存在这部手机上。"</p>
                    <p class="hint-left">{move || if outbox.connection.get() == Connection::Offline {
                        "现在没有网络：联网后会自动提交，请不要清除浏览器数据。"
                    } else {
                        "正在提交…"
                    }}</p>
                </section>
            }.into_any()),
            (false, _) => None,
        }
    };
    let comment = def.comment.then(|| {
        let before = prior("comment").unwrap_or_default();
        view! {
            <label class="field"><span>{format!("意见建议（选填，最多 {MAX_COMMENT_CHARS} 字）")}</span>
                <textarea name="comment" rows="4" maxlength=MAX_COMMENT_CHARS.to_string()>{before}</textarea>
            </label>
        }
    });
    view! {
        <main class="page survey">
            <h1>{info.title.clone()}</h1>
            <p class="hint-left">{format!("{} · {}", info.org_name, info.period)}</p>
            <p class="alert alert-info">"本测评匿名进行：答卷不记录您的姓名、邀请码、手机或作答时间。"</p>
            {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            {state_panel}
            <form method="post" action=ANSWER_POST_PATH class="form survey-form" on:submit=on_submit
                hidden=move || submitted.get() || status.get().is_some()
                data-ready=move || ready.get().then_some("1")>
                <input type="hidden" name="record_id" value=record_id/>
                <input type="hidden" name="campaign" value=info.id.clone()/>
                <input type="hidden" name="version" value=info.version.to_string()/>
                <input type="hidden" name="code" value=code/>
                <input type="hidden" name="open" value=open/>
                <input type="hidden" name="mark" value=mark/>
                {who}
                {questions}
                {comment}
                <button type="submit" class="btn btn-primary btn-block">"提交"</button>
            </form>
        </main>
    }
}
