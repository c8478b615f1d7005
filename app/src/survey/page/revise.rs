//! `/surveys/:id/edit`: a campaign's name and dates, and a new version of its questions.

use super::definition::DefinitionFields;
use super::param;
use crate::survey::{CampaignInfo, ChangeCampaignDetails, ReviseCampaign, load_results};
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;

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
            <h2 id="details-h">"名称、年度与日期"</h2>
            <ActionForm action=action attr:class="form">
                {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
                <input type="hidden" name="campaign_id" value=info.id.clone()/>
                <label class="field"><span>"测评名称"</span><input name="details[title]" required maxlength="60" value=info.title.clone()/></label>
                <label class="field"><span>"测评期间"</span><input name="details[period]" required maxlength="30" value=info.period.clone()/></label>
                <label class="field"><span>"计入评定年度"</span><input type="number" inputmode="numeric" name="details[rating_year]" min="2000" max="2100" value=info.chosen_year.map(|y| y.to_string()) placeholder="留空：按测评期间中的年份，否则按结束日期"/></label>
                <div class="field-row">
                    <label class="field"><span>"开始日期"</span><input type="date" name="details[opens_on]" required value=info.opens_on.clone()/></label>
                    <label class="field"><span>"结束日期"</span><input type="date" name="details[closes_on]" required value=info.closes_on.clone()/></label>
                </div>
                <p class="hint-left">"结束日期当天仍可作答。要提前结束，把结束日期改为今天或更早；要延长，改到以后。已收到的答卷不受影响。"</p>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>"保存"</button>
            </ActionForm>
        </section>
    }
}
