//! The registers the rules read, as the branch's rating page shows them; the 总支 keeps them
//! here (honours, violations, 班子年度测评, 支委考核, baseline level, targets).

use crate::domain::rating::{Assessment, Evaluation, HonourLevel, Level};
use crate::rating::{
    AddHonour, AddViolation, Registers, SetAssessment, SetBaseline, SetEvaluation, SetTarget,
};
use crate::ui::{ErrorPanel, reload_after};
use leptos::prelude::*;

#[component]
pub(super) fn RegistersSection(
    org_id: String,
    year: i32,
    registers: Registers,
    may_decide: bool,
) -> impl IntoView {
    let honour = ServerAction::<AddHonour>::new();
    let violation = ServerAction::<AddViolation>::new();
    let evaluation = ServerAction::<SetEvaluation>::new();
    let assessment = ServerAction::<SetAssessment>::new();
    let baseline = ServerAction::<SetBaseline>::new();
    let target = ServerAction::<SetTarget>::new();
    reload_after(move || {
        matches!(honour.value().get(), Some(Ok(_)))
            || matches!(violation.value().get(), Some(Ok(_)))
            || matches!(evaluation.value().get(), Some(Ok(_)))
            || matches!(assessment.value().get(), Some(Ok(_)))
            || matches!(baseline.value().get(), Some(Ok(_)))
            || matches!(target.value().get(), Some(Ok(_)))
    });
    let error = move || {
        [
            honour.value().get().and_then(Result::err),
            violation.value().get().and_then(Result::err),
            evaluation.value().get().and_then(Result::err),
            assessment.value().get().and_then(Result::err),
            baseline.value().get().and_then(Result::err),
            target.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| view! { <ErrorPanel error=e/> })
    };
    let Registers {
        honours,
        violations,
        evaluation: eval_now,
        assessments,
        baseline: base_now,
    } = registers;
    let y = year.to_string();
    let y_eval = y.clone();
    let [org_1, org_2, org_3, org_4, org_5] = [(); 5].map(|()| org_id.clone());
    let honours_empty = honours.is_empty();
    view! {
        <section class="card" aria-labelledby="registers-h">
            <h2 id="registers-h">"登记"</h2>
            {error}
            <h3>"表彰"</h3>
            <Show when=move || honours_empty><p class="empty">"本年度暂无表彰"</p></Show>
            <ul>{honours.into_iter().map(|h| view! {
                <li>{format!("{} {}（{}，{}）", h.awarded_on, h.title, h.level.label(), h.issuer)}</li>
            }).collect_view()}</ul>
            {may_decide.then(|| view! {
                <ActionForm action=honour attr:class="form">
                    <input type="hidden" name="org_id" value=org_1/>
                    <div class="field-row">
                        <label class="field"><span>"日期"</span><input type="date" name="awarded_on" required/></label>
                        <label class="field"><span>"级别"</span>
                            <select name="level">{HonourLevel::ALL.iter().map(|l| view! { <option value=l.as_str()>{l.label()}</option> }).collect_view()}</select>
                        </label>
                    </div>
                    <label class="field"><span>"表彰名称"</span><input name="title" maxlength="200" required/></label>
                    <label class="field"><span>"授予单位"</span><input name="issuer" maxlength="200"/></label>
                    <label class="field"><span>"佐证（文号、链接等）"</span><input name="evidence" maxlength="500"/></label>
                    <button type="submit" class="btn">"登记表彰"</button>
                </ActionForm>
            })}
            {violations.map(|list| {
                let empty = list.is_empty();
                view! {
                    <h3>"违纪违法（仅总支和支部书记可见）"</h3>
                    <Show when=move || empty><p class="empty">"本年度无记录"</p></Show>
                    <ul>{list.into_iter().map(|v| view! {
                        <li>{format!("{} {}{}：{}", v.occurred_on, v.person, if v.committee { "（支委）" } else { "" }, v.note)}</li>
                    }).collect_view()}</ul>
                }
            })}
            {may_decide.then(|| view! {
                <ActionForm action=violation attr:class="form">
                    <input type="hidden" name="org_id" value=org_2/>
                    <div class="field-row">
                        <label class="field"><span>"发生日期"</span><input type="date" name="occurred_on" required/></label>
                        <label class="field"><span>"当事人"</span><input name="person" maxlength="60" required/></label>
                    </div>
                    <label class="check"><input type="checkbox" name="committee" value="true"/>"当事人为支委"</label>
                    <label class="field"><span>"情况说明"</span><input name="note" maxlength="500"/></label>
                    <button type="submit" class="btn">"登记违纪违法"</button>
                </ActionForm>
            })}
            <h3>"班子年度测评"</h3>
            <p>{eval_now.map_or("尚未录入", Evaluation::label)}</p>
            {may_decide.then(|| view! {
                <ActionForm action=evaluation attr:class="form inline-form">
                    <input type="hidden" name="org_id" value=org_3/>
                    <input type="hidden" name="year" value=y_eval/>
                    <select name="grade">{Evaluation::ALL.iter().map(|g| view! { <option value=g.as_str()>{g.label()}</option> }).collect_view()}</select>
                    <button type="submit" class="btn btn-small">"录入"</button>
                </ActionForm>
            })}
            <h3>"支委年度考核"</h3>
            <ul>{assessments.into_iter().map(|a| {
                let y = y.clone();
                view! {
                    <li>
                        {format!("{}（{}）：{}", a.name, a.seat, a.grade.map_or("尚未录入", Assessment::label))}
                        {may_decide.then(|| view! {
                            <ActionForm action=assessment attr:class="inline-form">
                                <input type="hidden" name="user_id" value=a.user_id.clone()/>
                                <input type="hidden" name="year" value=y/>
                                <select name="grade" aria-label="考核结果">{Assessment::ALL.iter().map(|g| view! { <option value=g.as_str()>{g.label()}</option> }).collect_view()}</select>
                                <button type="submit" class="btn btn-small">"录入"</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}</ul>
            <h3>"基线等次"</h3>
            <p>{base_now.map_or("未登记（用系统内上一年度的评定结果）".to_owned(), |b| format!("{}年：{}", b.year, b.level.label()))}</p>
            {may_decide.then(|| view! {
                <ActionForm action=baseline attr:class="form inline-form">
                    <input type="hidden" name="org_id" value=org_4/>
                    <input type="number" name="year" value=(year - 1).to_string() min="2000" aria-label="年份"/>
                    <select name="level">{Level::ALL.iter().map(|l| view! { <option value=l.as_str()>{l.label()}</option> }).collect_view()}</select>
                    <button type="submit" class="btn btn-small">"登记基线"</button>
                </ActionForm>
                <h3>"设定目标"</h3>
                <ActionForm action=target attr:class="form inline-form">
                    <input type="hidden" name="org_id" value=org_5/>
                    <select name="level" aria-label="目标等次">{[Level::RedFlag, Level::Advanced, Level::Average].iter().map(|l| view! { <option value=l.as_str()>{l.label()}</option> }).collect_view()}</select>
                    <input type="date" name="deadline" required aria-label="期限"/>
                    <button type="submit" class="btn btn-small">"设定"</button>
                </ActionForm>
            })}
        </section>
    }
}
