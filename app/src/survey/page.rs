//! The survey pages: the organiser's list, new-campaign form, results and print sheet; the
//! respondent's answer form (a plain form that posts, so it works with JavaScript off).

use super::{
    ANSWER_POST_PATH, AnswerGate, CampaignInfo, CampaignResults, ChangeCampaignDetails,
    CreateCampaign, GroupFigures, MakeInvites, ReviseCampaign, SlipSheet, code_path,
    load_answer_gate, load_results, load_slips, load_surveys,
};
use crate::domain::ballot::{Audience, MAX_COMMENT_CHARS};
use crate::domain::survey::{Verdict, interval_text, value_text};
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

fn period_text(info: &CampaignInfo) -> String {
    format!(
        "{} · {} · {} 至 {}",
        info.org_name, info.period, info.opens_on, info.closes_on
    )
}

/// `/surveys`: the campaigns the organiser runs.
#[component]
pub fn SurveysPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_surveys());
    view! {
        <Title text="满意度测评 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => {
                        let empty = list.campaigns.is_empty();
                        let items = list.campaigns.into_iter().map(|c| {
                            let href = format!("/surveys/{}", c.id);
                            let meta = period_text(&c);
                            view! {
                                <li class="card">
                                    <a href=href><strong>{c.title}</strong></a>
                                    <p class="hint-left">{meta}</p>
                                </li>
                            }
                        }).collect_view();
                        view! {
                            <TopBar user=list.viewer/>
                            <main class="page">
                                <h1>"满意度测评"</h1>
                                <p><a class="btn btn-primary" href="/surveys/new">"发起测评"</a></p>
                                <Show when=move || empty>
                                    <p class="empty">"还没有测评。发起一次测评后，可打印邀请码纸条，或把二维码发到微信群。"</p>
                                </Show>
                                <ul class="cards">{items}</ul>
                            </main>
                        }.into_any()
                    }
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/surveys/new`
#[component]
pub fn NewCampaignPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_surveys());
    view! {
        <Title text="发起测评 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! {
                        <TopBar user=list.viewer/>
                        <main class="page">
                            <p class="crumbs"><a href="/surveys">"‹ 满意度测评"</a></p>
                            <h1>"发起满意度测评"</h1>
                            <NewCampaignForm orgs=list.orgs/>
                        </main>
                    }.into_any(),
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewCampaignForm(orgs: Vec<(String, String)>) -> impl IntoView {
    let action = ServerAction::<CreateCampaign>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    let options = orgs
        .into_iter()
        .map(|(id, name)| view! { <option value=id>{name}</option> })
        .collect_view();
    view! {
        <ActionForm action=action attr:class="card form">
            {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
            <label class="field"><span>"组织"</span><select name="form[org_id]">{options}</select></label>
            <label class="field"><span>"测评名称"</span><input name="form[title]" required maxlength="60" value="党组织和书记满意度测评"/></label>
            <label class="field"><span>"测评期间"</span><input name="form[period]" required maxlength="30" placeholder="如：2026年度"/></label>
            <div class="field-row">
                <label class="field"><span>"开始日期"</span><input type="date" name="form[opens_on]" required/></label>
                <label class="field"><span>"结束日期"</span><input type="date" name="form[closes_on]" required/></label>
            </div>
            <DefinitionFields def=crate::domain::ballot::Definition::seed("")/>
            <label class="check"><input type="checkbox" name="form[open_link]" value="on" checked/>"开放链接：可发到微信群，每部手机限答一次"</label>
            <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "正在创建…" } else { "创建测评" }}
            </button>
        </ActionForm>
    }
}

/// The inputs of a campaign's definition, filled from `def`.
#[component]
fn DefinitionFields(def: crate::domain::ballot::Definition) -> impl IntoView {
    use crate::domain::ballot::{ORG_QUESTION, SECRETARY_QUESTION};
    use crate::domain::survey::{Convention, ScaleKind};
    let asks = |a: Audience| def.audiences.contains(&a);
    let scale = match (def.scale.kind, def.scale.dont_know) {
        (ScaleKind::Three, true) => "three_dk",
        (ScaleKind::Three, false) => "three",
        (ScaleKind::Five, _) => "five",
    };
    let labels = def.scale.labels();
    let counted = |label: &str| match &def.convention {
        Convention::Rate { satisfied } => satisfied
            .iter()
            .any(|&i| labels.get(usize::from(i)) == Some(&label)),
        // Not a rate now: offer the usual choice if the secretary switches to one.
        Convention::Weighted { .. } => ["很满意", "满意", "基本满意"].contains(&label),
    };
    let (very, yes, basic, less) = (
        counted("很满意") || def.scale.kind == ScaleKind::Three,
        counted("满意"),
        counted("基本满意"),
        counted("不太满意"),
    );
    let (convention, weights) = match &def.convention {
        Convention::Rate { .. } => ("rate", String::new()),
        Convention::Weighted { weights } => (
            "weighted",
            weights
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join("/"),
        ),
    };
    let extra = def
        .questions
        .iter()
        .filter(|q| q.key != ORG_QUESTION && q.key != SECRETARY_QUESTION)
        .map(|q| q.text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <fieldset class="field">
            <legend>"测评对象"</legend>
            <label class="check"><input type="checkbox" name="form[audience_members]" value="on" checked=asks(Audience::Members)/>"党员"</label>
            <label class="check"><input type="checkbox" name="form[audience_staff]" value="on" checked=asks(Audience::Staff)/>"教职工"</label>
            <label class="check"><input type="checkbox" name="form[audience_parents]" value="on" checked=asks(Audience::Parents)/>"家长"</label>
            <label class="check"><input type="checkbox" name="form[audience_others]" value="on" checked=asks(Audience::Others)/>"其他群众"</label>
        </fieldset>
        <label class="field"><span>"量表"</span>
            <select name="form[scale]">
                <option value="three_dk" selected=scale == "three_dk">"满意 / 基本满意 / 不满意 / 不了解"</option>
                <option value="three" selected=scale == "three">"满意 / 基本满意 / 不满意"</option>
                <option value="five" selected=scale == "five">"很满意 / 满意 / 基本满意 / 不太满意 / 不满意"</option>
            </select>
        </label>
        <label class="field"><span>"统计口径"</span>
            <select name="form[convention]">
                <option value="rate" selected=convention == "rate">"满意率：计为满意的票 ÷ 有效票"</option>
                <option value="weighted" selected=convention == "weighted">"加权得分：按下面的权重求平均分"</option>
            </select>
        </label>
        <fieldset class="field">
            <legend>"满意率中计为“满意”的选项（量表中没有的选项不计）"</legend>
            <label class="check"><input type="checkbox" name="form[satisfied_very]" value="on" checked=very/>"很满意"</label>
            <label class="check"><input type="checkbox" name="form[satisfied_yes]" value="on" checked=yes/>"满意"</label>
            <label class="check"><input type="checkbox" name="form[satisfied_basic]" value="on" checked=basic/>"基本满意"</label>
            <label class="check"><input type="checkbox" name="form[satisfied_less]" value="on" checked=less/>"不太满意"</label>
        </fieldset>
        <label class="field"><span>"权重（加权得分时填写，从最满意到最不满意，如 100/80/60/30/0；留空用默认）"</span><input name="form[weights]" inputmode="numeric" value=weights/></label>
        <label class="field"><span>"其他问题（可选，每行一个；“对党组织”和“对支部书记”的满意度总会问）"</span><textarea name="form[extra_questions]" rows="3">{extra}</textarea></label>
        <label class="field"><span>"最小样本量（有效票少于此数只显示人数）"</span><input name="form[min_group]" inputmode="numeric" value=def.min_group.to_string()/></label>
        <label class="check"><input type="checkbox" name="form[comment]" value="on" checked=def.comment/>"收集意见建议（选填文字）"</label>
    }
}

/// `/surveys/:id/edit`: the name and dates, and a new version of what the campaign asks.
#[component]
pub fn ReviseCampaignPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new(id, load_results);
    view! {
        <Title text="修改测评 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => {
                        let action = ServerAction::<ReviseCampaign>::new();
                        let error = move || action.value().get().and_then(|r| r.err());
                        let back = format!("/surveys/{}", r.info.id);
                        view! {
                            <TopBar user=r.viewer.clone()/>
                            <main class="page">
                                <p class="crumbs"><a href=back>"‹ 返回测评"</a></p>
                                <h1>"修改测评"</h1>
                                <DetailsForm info=r.info.clone()/>
                                <h2>"问卷内容"</h2>
                                <p class="alert alert-warn">{format!(
                                    "保存后成为第 {} 版。已收到的答卷保留原版本，分开统计；仍停留在旧问卷上的手机提交时会被告知刷新后重答。",
                                    r.info.version + 1
                                )}</p>
                                <ActionForm action=action attr:class="card form">
                                    {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
                                    <input type="hidden" name="campaign_id" value=r.info.id.clone()/>
                                    <DefinitionFields def=r.info.definition.clone()/>
                                    <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>"保存为新版本"</button>
                                </ActionForm>
                            </main>
                        }.into_any()
                    }
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The campaign's name, period and dates. Moving the last day to today ends it tonight; a later
/// day extends it. Answers already given stay whatever the dates become.
#[component]
fn DetailsForm(info: CampaignInfo) -> impl IntoView {
    let action = ServerAction::<ChangeCampaignDetails>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <section class="card" aria-labelledby="details-h">
            <h2 id="details-h">"名称与日期"</h2>
            <ActionForm action=action attr:class="form">
                {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
                <input type="hidden" name="campaign_id" value=info.id.clone()/>
                <label class="field"><span>"测评名称"</span><input name="details[title]" required maxlength="60" value=info.title.clone()/></label>
                <label class="field"><span>"测评期间"</span><input name="details[period]" required maxlength="30" value=info.period.clone()/></label>
                <div class="field-row">
                    <label class="field"><span>"开始日期"</span><input type="date" name="details[opens_on]" required value=info.opens_on.clone()/></label>
                    <label class="field"><span>"结束日期"</span><input type="date" name="details[closes_on]" required value=info.closes_on.clone()/></label>
                </div>
                <p class="hint-left">"结束日期当天仍可作答。要提前结束，把结束日期改为今天或更早；要延长，改到以后。已收到的答卷不受影响。"</p>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>"保存名称与日期"</button>
            </ActionForm>
        </section>
    }
}

/// `/surveys/:id`: live counts, figures with intervals, codes and the open link.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new(id, load_results);
    provide_reload(move || data.refetch());
    view! {
        <Title text="测评结果 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! { <CampaignView results=r/> }.into_any(),
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CampaignView(results: CampaignResults) -> impl IntoView {
    let info = results.info.clone();
    let def = info.definition.clone();
    let total: u32 = results.responses.iter().map(|(_, n)| n).sum();
    let responses = def
        .audiences
        .iter()
        .map(|a| {
            let n = results
                .responses
                .iter()
                .find(|(x, _)| x == a)
                .map_or(0, |(_, n)| *n);
            view! { <li><span class="figure-label">{a.label()}</span>" "<strong>{n}</strong>" 份"</li> }
        })
        .collect_view();
    let open_url = info.open_path().map(|p| format!("{}{}", results.origin, p));
    let slips = format!("/surveys/{}/slips", info.id);
    let edit = format!("/surveys/{}/edit", info.id);
    let version_note = (info.version > 1 || results.earlier_versions_answers > 0).then(|| {
        format!(
            "以下为第 {} 版问卷的结果；此前版本的 {} 份答卷另行保存，不计入。",
            info.version, results.earlier_versions_answers
        )
    });
    let export = format!("/surveys/{}/export.csv", info.id);
    let export_xlsx = format!("/surveys/{}/export.xlsx", info.id);
    let convention = def.convention.describe(&def.scale);
    let groups = results
        .groups
        .iter()
        .cloned()
        .map(|g| view! { <GroupView group=g convention=def.convention.clone() choices=def.scale.choices()/> })
        .collect_view();
    view! {
        <TopBar user=results.viewer.clone()/>
        <main class="page">
            <p class="crumbs"><a href="/surveys">"‹ 满意度测评"</a></p>
            <h1>{info.title.clone()}</h1>
            <p class="hint-left">{period_text(&info)}" · "{results.open_state.clone()}</p>
            <section class="card" aria-labelledby="responses-h">
                <h2 id="responses-h">"已收到 "{total}" 份"</h2>
                <ul class="figure-counts">{responses}</ul>
                <p class="hint-left">{format!("邀请码已发 {} 个，已用 {} 个。", results.invites_issued, results.invites_used)}</p>
            </section>
            {open_url.map(|url| view! { <OpenLink url=url campaign_id=info.id.clone()/> })}
            <InviteMaker campaign_id=info.id.clone() audiences=def.audiences.clone()/>
            <p class="actions">
                <a class="btn" href=slips>"打印邀请码纸条"</a>
                <a class="btn" href=export download>"导出 CSV"</a>
                <a class="btn" href=export_xlsx download>"导出 Excel"</a>
                <a class="btn" href=edit>"修改测评"</a>
            </p>
            <section aria-labelledby="figures-h">
                <h2 id="figures-h">"测评结果"</h2>
                {version_note.map(|n| view! { <p class="alert alert-info">{n}</p> })}
                <p class="rule-note">{convention}"。“不了解”不计入有效票。区间为 95% 置信区间；“有把握”指区间下限也达到标准。有效票少于 "{def.min_group}" 的组只列人数。"</p>
                {groups}
            </section>
        </main>
    }
}

#[component]
fn OpenLink(url: String, campaign_id: String) -> impl IntoView {
    let svg = crate::activity::qr_svg(&url);
    let png = format!("/surveys/{campaign_id}/qr.png");
    view! {
        <section class="card" aria-labelledby="open-h">
            <h2 id="open-h">"开放链接"</h2>
            <p class="hint-left">"把链接或二维码图片发到微信群；每部手机限答一次。"</p>
            <div class="qr" role="img" aria-label="测评二维码" inner_html=svg></div>
            <p><input class="copy" readonly value=url.clone() aria-label="测评链接"/></p>
            <p><a class="btn" href=png download>"下载二维码图片"</a></p>
        </section>
    }
}

#[component]
fn InviteMaker(campaign_id: String, audiences: Vec<Audience>) -> impl IntoView {
    let action = ServerAction::<MakeInvites>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let options = audiences
        .into_iter()
        .map(|a| view! { <option value=a.key()>{a.label()}</option> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="invites-h">
            <h2 id="invites-h">"一次性邀请码"</h2>
            <p class="hint-left">"每个邀请码只能作答一次。可打印成纸条发放；纸条上的链接也可作为个人链接单独发给一个人。"</p>
            <ActionForm action=action attr:class="inline-form">
                <input type="hidden" name="campaign_id" value=campaign_id/>
                <label class="field"><span>"对象"</span><select name="audience">{options}</select></label>
                <label class="field"><span>"数量"</span><input name="count" inputmode="numeric" value="30" required/></label>
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>"生成"</button>
            </ActionForm>
            {move || action.value().get().map(|r| match r {
                Ok(n) => view! { <p class="alert alert-success" role="status">{format!("已生成 {n} 个邀请码")}</p> }.into_any(),
                Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::MetWithConfidence | Verdict::Met => "verdict-met",
        Verdict::NotMet => "verdict-not-met",
        Verdict::TooFew | Verdict::NoData => "verdict-none",
    }
}

#[component]
fn GroupView(
    group: GroupFigures,
    convention: crate::domain::survey::Convention,
    choices: Vec<&'static str>,
) -> impl IntoView {
    // One card per question rather than a wide table: it reads on a phone.
    let items = group
        .questions
        .into_iter()
        .map(|q| {
            let mut counts: Vec<u32> = q.tally.counts.clone();
            if choices.len() > counts.len() {
                counts.push(q.tally.dont_know);
            }
            let counts = choices
                .iter()
                .zip(counts)
                .map(|(label, n)| view! { <li>{*label}" "<b>{n}</b></li> })
                .collect_view();
            let f = q.figure.clone();
            let interval = f
                .interval
                .map(|_| format!("95% 区间 {}", interval_text(&f, &convention)));
            view! {
                <article class="q-figure" aria-label=q.text.clone()>
                    <h4>{q.text.clone()}</h4>
                    <p class="q-value"><strong>{value_text(&f, &convention)}</strong>" "<small>{interval}</small></p>
                    <ul class="q-counts">{counts}<li>"有效票 "<b>{f.valid}</b></li></ul>
                    <p class="q-verdicts">
                        <span class=verdict_class(f.star)>{format!("≥ 90%：{}", f.star.label())}</span>
                        <span class=verdict_class(f.red_flag)>{format!("≥ 95%：{}", f.red_flag.label())}</span>
                    </p>
                </article>
            }
        })
        .collect_view();
    let heading = format!("group-{}", group.key);
    let labelled = heading.clone();
    view! {
        <section class="card" aria-labelledby=labelled>
            <h3 id=heading>{group.label}</h3>
            {items}
        </section>
    }
}

/// `/surveys/:id/slips`: a sheet of one-time codes to print and cut.
#[component]
pub fn SlipsPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new(id, load_slips);
    view! {
        <Title text="邀请码纸条 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(sheet) => view! { <SlipsView sheet=sheet/> }.into_any(),
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SlipsView(sheet: SlipSheet) -> impl IntoView {
    let back = format!("/surveys/{}", sheet.info.id);
    let empty = sheet.slips.is_empty();
    let title = sheet.info.title.clone();
    let slips = sheet
        .slips
        .into_iter()
        .map(|s| {
            let url = format!("{}{}", sheet.origin, code_path(&s.code));
            let svg = crate::activity::qr_svg_sized(&url, 120);
            view! {
                <li class="slip">
                    <p class="slip-name">{title.clone()}" · "{s.audience.label()}</p>
                    <div class="qr" inner_html=svg></div>
                    <p class="slip-code">{s.code.clone()}</p>
                    <p class="slip-link">{url.clone()}</p>
                    <p class="slip-note">"微信扫码作答，或打开 "{sheet.origin.clone()}"/survey 输入邀请码。匿名，仅可作答一次。"</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <main class="page">
            <p class="crumbs no-print"><a href=back>"‹ 返回测评"</a></p>
            <h1 class="no-print">"未使用的邀请码"</h1>
            <Show when=move || empty>
                <p class="empty">"没有未使用的邀请码。请先在测评页面生成。"</p>
            </Show>
            <p class="no-print"><button class="btn btn-primary" onclick="window.print()">"打印"</button></p>
            <ul class="slips">{slips}</ul>
        </main>
    }
}

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
                    Ok(AnswerGate::Open { info, audience, record_id }) => {
                        let credential = key();
                        view! { <AnswerForm info=*info audience=audience record_id=record_id credential=credential/> }.into_any()
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
) -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error");
    let def = info.definition.clone();
    let steps = def.questions.len() + usize::from(audience.is_none());
    let choices = def.scale.choices();
    let (code, open) = match credential.strip_prefix("open:") {
        Some(t) => (String::new(), t.to_owned()),
        None => (credential.clone(), String::new()),
    };
    let prior = move |name: &str| query.read().get(name);
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
        let (code, open) = (code.clone(), open.clone());
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
                {who}
                {questions}
                {comment}
                <button type="submit" class="btn btn-primary btn-block">"提交"</button>
            </form>
        </main>
    }
}

/// `/survey/done`: thanks, and nothing else to do.
#[component]
pub fn SurveyDonePage() -> impl IntoView {
    let query = use_query_map();
    let again = move || query.read().get("again").is_some();
    view! {
        <Title text="提交成功 · 星旗"/>
        <main class="page survey">
            <h1>"感谢您的参与"</h1>
            <p class="alert alert-success" role="status">
                {move || if again() { "这份答卷之前已经收到，不会重复计入。" } else { "您的答卷已收到。" }}
            </p>
            <p class="hint-left">"本测评匿名进行，答卷不与您的身份关联。"</p>
        </main>
    }
}

/// `/survey`: type the code from a paper slip.
#[component]
pub fn SurveyCodePage() -> impl IntoView {
    view! {
        <Title text="输入邀请码 · 星旗"/>
        <main class="page survey">
            <h1>"满意度测评"</h1>
            <form method="get" action="/survey/go" class="card form">
                <label class="field"><span>"纸条上的邀请码"</span><input name="code" autocapitalize="characters" autocomplete="off" required placeholder="如 ABCD-EFGH"/></label>
                <button type="submit" class="btn btn-primary btn-block">"开始作答"</button>
            </form>
        </main>
    }
}
