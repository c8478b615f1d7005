//! `/bureau`: the education bureau's page — its schools with their figures a click away, their
//! admins and whether they have signed in yet, the bureau's viewers; for the bureau's admin,
//! the forms that add a school (with its first admin) and a viewer, each answered with the new
//! account's invite code, shown once.

use super::{
    Account, AddSchool, AddViewer, BureauView, RollUp, SchoolFigures, SchoolItem, load_bureau,
    load_rollup,
};
use crate::branch::{YearPicker, asked_year};
use crate::domain::participation::BarStatus;
use crate::domain::time::format_full;
use crate::error::AppError;
use crate::roster::Invite;
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BureauPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| load_bureau());
    let year = asked_year();
    let rollup = Resource::new(year, load_rollup);
    provide_reload(move || data.refetch());
    view! {
        <Title text="教育局 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match (data.await, rollup.await) {
                    (Ok(bureau), Ok(rollup)) => view! { <Bureau bureau=bureau rollup=rollup/> }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Each school's participation of the year, the branches at the bar, the levels once closed.
#[component]
fn RollUpTable(rollup: RollUp) -> impl IntoView {
    let empty = rollup.schools.is_empty();
    let total = rollup.total.clone();
    let year = rollup.year;
    let rows = rollup
        .schools
        .into_iter()
        .map(|s| view! { <RollUpRow school=s year=year/> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="rollup-h">
            <h2 id="rollup-h">{format!("{}年度各校情况", rollup.year)}</h2>
            <YearPicker base="/bureau".to_owned() year=rollup.year years=rollup.years/>
            <p class="hint-left">{format!(
                "党员参与率 = 各支部已开展活动的实到人次 ÷ 应到人次（请假不计为出席），达标线 90%。全县（区）合计：{}（实到 {} / 应到 {}）。群众满意率合并本年度已结束的测评（满意票 ÷ 有效票，不了解不计），括号内为 95% 区间；红旗线 95%、星级线 90%。等次在学校年度封存后显示。",
                total.rate_text, total.attendance.present, total.attendance.expected
            )}</p>
            {empty.then(|| view! { <p class="empty">"还没有学校。"</p> })}
            <div class="table-scroll" hidden=empty>
                <table class="roster-table rollup-table">
                    <caption class="sr-only">"各校党员参与率和支部等次"</caption>
                    <thead><tr>
                        <th scope="col">"学校"</th><th scope="col">"已开展活动"</th><th scope="col">"党员参与率"</th>
                        <th scope="col">"达标支部"</th><th scope="col">"群众对党组织满意率"</th><th scope="col">"支部等次"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn RollUpRow(school: SchoolFigures, year: i32) -> impl IntoView {
    let p = &school.participation;
    let class = match p.status {
        BarStatus::Met => "verdict-met",
        BarStatus::NotMet => "verdict-not-met",
        BarStatus::NoData => "verdict-none",
    };
    let rate = if p.attendance.expected == 0 {
        "暂无".to_owned()
    } else {
        format!(
            "{}（{}/{}）",
            p.rate_text, p.attendance.present, p.attendance.expected
        )
    };
    let levels = match (&school.levels, school.closed) {
        (Some(levels), _) if school.rated > 0 => levels
            .iter()
            .filter(|l| l.branches > 0)
            .map(|l| format!("{} {}", l.level.label(), l.branches))
            .collect::<Vec<_>>()
            .join(" · "),
        (_, true) => "已封存，评定尚未生成".to_owned(),
        _ => "未封存".to_owned(),
    };
    let (satisfaction_class, satisfaction) = match &school.satisfaction {
        None => ("verdict-none", "暂无已结束的测评".to_owned()),
        Some(s) if s.figure.valid == 0 => ("verdict-none", "暂无有效票".to_owned()),
        Some(s) => (
            // Green at the red flag's 95 %, plain at a star's 90 %, red below.
            if s.figure.red_flag.is_met() {
                "verdict-met"
            } else if s.figure.star.is_met() {
                ""
            } else {
                "verdict-not-met"
            },
            format!(
                "{}（{}，{} 票，{} 次测评{}）",
                s.rate_text,
                s.interval_text,
                s.figure.valid,
                s.campaigns,
                if s.weighted > 0 {
                    format!("；另有 {} 次按分值计，未合并", s.weighted)
                } else {
                    String::new()
                }
            ),
        ),
    };
    view! {
        <tr>
            <th scope="row"><a href=format!("/branch/{}/rating", school.id)>{school.name}</a></th>
            <td>
                {format!("{} 次 · ", school.held)}
                <a href=format!("/branch?school={}&year={year}", school.id)>{format!("支部 {} 个", school.branches)}</a>
            </td>
            <td class=class>{rate}</td>
            <td>{format!("{} / {}", school.branches_met, school.branches_counted)}</td>
            <td class=satisfaction_class>{satisfaction}</td>
            <td>{levels}</td>
        </tr>
    }
}

#[component]
fn Bureau(bureau: BureauView, rollup: RollUp) -> impl IntoView {
    let add_school = ServerAction::<AddSchool>::new();
    let add_viewer = ServerAction::<AddViewer>::new();
    reload_after(move || {
        matches!(add_school.value().get(), Some(Ok(_)))
            || matches!(add_viewer.value().get(), Some(Ok(_)))
    });
    let empty = bureau.schools.is_empty();
    let may_add = bureau.may_add;
    view! {
        <TopBar user=bureau.viewer/>
        <main class="page">
            <h1>{bureau.name}</h1>
            <p class="hint-left">
                "各校的党员参与率和活动记录在"<a href="/branch">"“各校支部”"</a>"查看（只读）。教育局不更改学校的任何记录。"
            </p>
            <Show when=move || empty>
                <p class="empty">{if may_add { "还没有学校：在下面添加第一所学校和它的总支管理员。" } else { "还没有学校。" }}</p>
            </Show>
            <RollUpTable rollup=rollup/>
            <section aria-labelledby="schools-h">
                <h2 id="schools-h">"学校"</h2>
                <div class="cards">
                    {bureau.schools.into_iter().map(|s| view! { <SchoolCard school=s/> }).collect_view()}
                </div>
            </section>
            <section class="card" aria-labelledby="viewers-h">
                <h2 id="viewers-h">"只读账号"</h2>
                <Accounts accounts=bureau.viewers/>
            </section>
            <Show when=move || may_add>
                <AddForms add_school=add_school add_viewer=add_viewer/>
            </Show>
        </main>
    }
}

#[component]
fn SchoolCard(school: SchoolItem) -> impl IntoView {
    let heading = format!("school-{}-h", school.id);
    let labelled_by = heading.clone();
    view! {
        <section class="card org-card" aria-labelledby=labelled_by>
            <h3 id=heading>{school.name}</h3>
            <p class="meta">{format!("{} · 支部 {} 个 · 在册党员 {} 人", school.committee_name, school.branches, school.members)}</p>
            <p class="meta">
                <a href=format!("/branch?school={}", school.id)>"各支部参与率"</a>" · "
                <a href=format!("/branch/{}/rating", school.id)>"总支评定（审核佐证）"</a>
            </p>
            <p class="meta">"总支管理员："</p>
            <Accounts accounts=school.admins/>
        </section>
    }
}

#[component]
fn Accounts(accounts: Vec<Account>) -> impl IntoView {
    if accounts.is_empty() {
        return view! { <p class="empty">"暂无"</p> }.into_any();
    }
    view! {
        <ul class="accounts">
            {accounts.into_iter().map(|a| view! {
                <li>
                    {format!("{}（{}）", a.name, a.username)}
                    {(!a.activated).then(|| view! { <span class="tag">" 待设置密码"</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn AddForms(
    add_school: ServerAction<AddSchool>,
    add_viewer: ServerAction<AddViewer>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="add-school-h">
            <h2 id="add-school-h">"添加学校"</h2>
            <ActionForm action=add_school attr:class="form">
                <label class="field"><span>"学校名称"</span><input name="school_name" maxlength="60" required placeholder="如：城关第二小学"/></label>
                <label class="field"><span>"党组织名称（可不填）"</span><input name="committee_name" maxlength="60" placeholder="不填则为 学校名称+党总支"/></label>
                <div class="field-row">
                    <label class="field"><span>"总支管理员姓名"</span><input name="admin_name" maxlength="60" required/></label>
                    <label class="field"><span>"管理员用户名"</span><input name="admin_username" autocapitalize="off" spellcheck="false" required/></label>
                </div>
                <button type="submit" class="btn btn-primary">"添加学校"</button>
            </ActionForm>
            <NewAccount result=Signal::derive(move || add_school.value().get())/>
        </section>
        <section class="card" aria-labelledby="add-viewer-h">
            <h2 id="add-viewer-h">"添加只读账号"</h2>
            <p class="hint-left">"只读账号可查看所有学校的统计和记录，不能更改任何内容。"</p>
            <ActionForm action=add_viewer attr:class="form">
                <div class="field-row">
                    <label class="field"><span>"姓名"</span><input name="name" maxlength="60" required/></label>
                    <label class="field"><span>"用户名"</span><input name="username" autocapitalize="off" spellcheck="false" required/></label>
                </div>
                <button type="submit" class="btn btn-primary">"添加只读账号"</button>
            </ActionForm>
            <NewAccount result=Signal::derive(move || add_viewer.value().get())/>
        </section>
    }
}

/// The new account's invite code (shown once), or why it was refused.
#[component]
fn NewAccount(result: Signal<Option<Result<Invite, AppError>>>) -> impl IntoView {
    move || {
        result.get().map(|r| match r {
            Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            Ok(i) => view! {
                <article class="slip" aria-label="新账号的邀请码">
                    <p class="slip-name">{i.name}</p>
                    <p>"用户名："<strong>{i.username}</strong></p>
                    <p>"邀请码："<strong class="slip-code">{i.code}</strong></p>
                    <p class="slip-note">{format!("只显示这一次。请在 {} 前打开 星旗 → “用邀请码设置密码”", format_full(i.expires_at))}</p>
                </article>
            }.into_any(),
        })
    }
}
