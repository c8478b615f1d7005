//! The banner every page carries, and `/drive`, where the 总支 (or the bureau) sets the
//! 争创活动's years and phases with one plain form.

use super::{DriveSetup, SaveDrive, Source, load_drive_now, load_drive_setup};
use crate::domain::drive::{MAX_PHASES, Phase, PhaseKind, ordinal};
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where today falls in the 争创活动, above every page of a signed-in user: nothing for others,
/// nothing while it loads, nothing if it fails (the page itself matters more).
#[component]
pub fn PhaseBanner() -> impl IntoView {
    let now = Resource::new(|| (), |()| load_drive_now());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match now.await {
                    Ok(Some(n)) => {
                        let text = match (&n.line, n.title.is_empty()) {
                            (Some(line), _) => line.clone(),
                            (None, true) => "尚未设置争创活动的阶段和日期".to_owned(),
                            (None, false) => format!("{}：各阶段已结束", n.title),
                        };
                        view! {
                            <aside class="phase-banner" aria-label="争创活动进度" title=n.title.clone()>
                                <span class="phase-line">{text}</span>
                                {n.may_set.then(|| view! { <a href="/drive">"设置"</a> })}
                            </aside>
                        }
                        .into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn DrivePage() -> impl IntoView {
    let data = Resource::new(|| (), |()| load_drive_setup());
    provide_reload(move || data.refetch());
    view! {
        <Title text="争创活动 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(setup) => view! { <Setup setup=setup/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Setup(setup: DriveSetup) -> impl IntoView {
    let action = ServerAction::<SaveDrive>::new();
    reload_after(move || action.value().get().is_some_and(|r| r.is_ok()));
    let error = crate::ui::refusal(action);
    let query = use_query_map();
    let saved = move || {
        action.value().get().is_some_and(|r| r.is_ok())
            || (action.value().get().is_none() && query.read().get("saved").is_some())
    };
    let source = match setup.source {
        Source::Own => setup.updated.clone().unwrap_or_default(),
        Source::Bureau => "目前使用教育局统一设置的阶段；在这里保存后，本校改用自己的设置。".into(),
        Source::Suggested => "尚未设置：下面是按争创方案拟好的本年度阶段，可修改后保存。".into(),
    };
    let drive = setup.drive;
    let blank = MAX_PHASES.saturating_sub(drive.phases.len()).min(2);
    let rows = drive
        .phases
        .iter()
        .map(Some)
        .chain(std::iter::repeat_n(None, blank))
        .enumerate()
        .map(|(i, p)| view! { <PhaseRow index=i phase=p.cloned()/> })
        .collect_view();
    view! {
        <TopBar user=setup.viewer.clone()/>
        <main class="page">
            <h1>"争创活动"</h1>
            <p class="hint-left">{format!("{} · {}", setup.org_name, source)}</p>
            <Show when=saved>
                <p class="alert alert-success" role="status">"已保存：各页面顶部的阶段提示和支部待办已更新。"</p>
            </Show>
            {move || error().map(|e| view! { <ErrorPanel error=e/> })}
            <ActionForm action=action attr:class="card form">
                <label class="field"><span>"活动名称"</span><input name="form[title]" required maxlength="60" value=drive.title.clone()/></label>
                <div class="field-row">
                    <label class="field"><span>"开始年度"</span><input type="number" inputmode="numeric" name="form[start_year]" required min="2000" max="2100" value=drive.start_year.to_string()/></label>
                    <label class="field"><span>"结束年度"</span><input type="number" inputmode="numeric" name="form[end_year]" required min="2000" max="2100" value=drive.end_year.to_string()/></label>
                </div>
                <p class="hint-left">"阶段按时间先后排列，不能重叠；“截止日期”可不填（如公开承诺须在当月中旬前完成）。类型选“不用”的行不保存。"</p>
                {rows}
                <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "正在保存…" } else { "保存争创活动" }}
                </button>
            </ActionForm>
        </main>
    }
}

#[component]
fn PhaseRow(index: usize, phase: Option<Phase>) -> impl IntoView {
    let name = |field: &str| format!("form[phases][{index}][{field}]");
    let kind = phase.as_ref().map(|p| p.kind);
    let options = std::iter::once(("", "不用", kind.is_none()))
        .chain(PhaseKind::ALL.iter().map(|k| (k.key(), k.label(), kind == Some(*k))))
        .map(|(value, label, selected)| view! { <option value=value selected=selected>{label}</option> })
        .collect_view();
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let legend = format!("第{}阶段", ordinal(index + 1));
    view! {
        <fieldset class="phase-row">
            <legend>{legend}</legend>
            <div class="field-row">
                <label class="field"><span>"类型"</span><select name=name("kind")>{options}</select></label>
                <label class="field"><span>"名称"</span><input name=name("name") maxlength="20" value=phase.as_ref().map(|p| p.name.clone()).unwrap_or_default()/></label>
            </div>
            <div class="field-row">
                <label class="field"><span>"开始日期"</span><input type="date" name=name("starts_on") value=day(phase.as_ref().map(|p| p.starts_on))/></label>
                <label class="field"><span>"结束日期"</span><input type="date" name=name("ends_on") value=day(phase.as_ref().map(|p| p.ends_on))/></label>
            </div>
            <label class="field"><span>"截止日期（可不填）"</span><input type="date" name=name("deadline") value=day(phase.as_ref().and_then(|p| p.deadline))/></label>
        </fieldset>
    }
}
