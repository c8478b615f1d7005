//! `/surveys/:id`: a campaign's counts and figures, its open link and its one-time codes.

use super::{param, period_text};
use crate::domain::ballot::Audience;
use crate::domain::figures::{GroupFigures, interval_text, value_text};
use crate::domain::survey::Verdict;
use crate::survey::{CampaignResults, MakeInvites, load_results};
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;

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
    let total = results.total;
    let k = def.min_group;
    let responses = (!results.withheld).then(|| {
        results
            .responses
            .iter()
            .map(|(a, n)| {
                let n = n.map_or_else(|| format!("少于 {k}"), |n| n.to_string());
                view! { <li><span class="figure-label">{a.label()}</span>" "<strong>{n}</strong>" 份"</li> }
            })
            .collect_view()
    });
    let stepped = results.withheld && k > 1;
    let received = match (stepped, total < k) {
        (true, true) => format!("已收到不足 {k} 份"),
        (true, false) => format!("已收到 {total} 份以上"),
        (false, _) => format!("已收到 {total} 份"),
    };
    let codes_line = if stepped {
        format!("邀请码已发 {} 个。", results.invites_issued)
    } else {
        format!(
            "邀请码已发 {} 个，已用 {} 个。",
            results.invites_issued, results.invites_used
        )
    };
    let withheld_note = results.withheld.then(|| {
        format!(
            "测评进行中：为保护匿名，结果在 {} 测评结束后公布；进行中的份数每满 {k} 份更新一次，各对象的份数也在结束后公布。",
            info.closes_on
        )
    });
    let open_url = info.open_path().map(|p| format!("{}{}", results.origin, p));
    let slips = format!("/surveys/{}/slips", info.id);
    let edit = format!("/surveys/{}/edit", info.id);
    let version_note = (info.version > 1).then(|| {
        format!(
            "以下为第 {} 版问卷的结果：只改了计算方法或最少人数的版本，其答卷按本版重新计算并计入；\
             题目、对象或量表不同的此前版本有 {} 份答卷，另行保存，不计入。",
            info.version, results.earlier_versions_answers
        )
    });
    // Open-link answers count, but nobody can attribute them: the reader sees how many.
    let open_note = (info.open_token.is_some() || results.open_answers > 0).then(|| {
        view! {
            <p class="hint-left open-share">{format!(
                "其中经开放链接提交 {} 份（约占 {}）：开放链接无法核实作答人身份，只能限制每部手机、每个网络地址的作答次数。",
                results.open_answers,
                share(results.open_answers, total)
            )}</p>
        }
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
                <h2 id="responses-h">{received}</h2>
                {withheld_note.clone().map(|n| view! { <p class="alert alert-info">{n}</p> })}
                {responses.map(|r| view! { <ul class="figure-counts">{r}</ul> })}
                <p class="hint-left">{codes_line}</p>
                {open_note}
            </section>
            {results.pending_revision.clone().map(|p| view! {
                <PendingRevisionCard pending=p campaign_id=info.id.clone() approver=results.viewer.role == crate::domain::role::Role::Admin/>
            })}
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
                <p class="rule-note">{convention}"。“不了解”不计入有效票。区间为 95% 置信区间；“有把握”指区间下限也达到标准。有效票少于 "{def.min_group}" 的不计算结果；作答少于 "{def.min_group}" 人的组不显示票数。"</p>
                {groups}
            </section>
        </main>
    }
}

/// `part` of `total` as a whole percentage ("—" of nothing).
fn share(part: u32, total: u32) -> String {
    if total == 0 {
        "—".into()
    } else {
        format!(
            "{}%",
            (u64::from(part) * 100 + u64::from(total) / 2) / u64::from(total)
        )
    }
}

/// A secretary's revision waiting for the 总支: the 总支 approves or refuses it here.
#[component]
fn PendingRevisionCard(
    pending: crate::survey::PendingRevision,
    campaign_id: String,
    approver: bool,
) -> impl IntoView {
    let action = ServerAction::<crate::survey::DecideRevision>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    let when = crate::domain::time::to_local_datetime(pending.requested_at);
    view! {
        <section class="card" aria-labelledby="revision-h">
            <h2 id="revision-h">"待总支批准的修改"</h2>
            <p class="hint-left">{format!(
                "{}于 {when} 提交了问卷修改。本测评已有答卷，修改须经总支批准后才生效。",
                pending.requested_by
            )}</p>
            {approver.then(|| {
                let (approve_id, refuse_id) = (campaign_id.clone(), campaign_id.clone());
                view! {
                    <p class="actions">
                        <ActionForm action=action attr:class="inline-form">
                            <input type="hidden" name="campaign_id" value=approve_id/>
                            <input type="hidden" name="approve" value="true"/>
                            <button type="submit" class="btn btn-primary">"批准修改"</button>
                        </ActionForm>
                        <ActionForm action=action attr:class="inline-form">
                            <input type="hidden" name="campaign_id" value=refuse_id/>
                            <input type="hidden" name="approve" value="false"/>
                            <button type="submit" class="btn">"驳回"</button>
                        </ActionForm>
                    </p>
                }
            })}
            {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
        </section>
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
                    {if q.suppressed {
                        view! { <p class="q-counts">"作答人数少于最小样本量，为保护匿名不显示票数。"</p> }.into_any()
                    } else {
                        view! { <ul class="q-counts">{counts}<li>"有效票 "<b>{f.valid}</b></li></ul> }.into_any()
                    }}
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
