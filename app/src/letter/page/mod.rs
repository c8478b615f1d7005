//! The letter's page for its organisation (write, submit, approve, publish), and the public
//! page and A4 poster. The public pages are rendered without the app's scripts (see the shell:
//! `/public/` pages carry no wasm), so they open fast in WeChat on a weak signal.

mod feedback;
mod pledges;

use super::{
    DecideLetter, LetterView, PublicLetter, PublishLetter, SaveLetter, load_letter,
    load_public_letter,
};
use crate::branch::asked_year;
use crate::domain::letter::LetterState;
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn LetterPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let year = asked_year();
    let data = Resource::new(move || (id(), year()), |(id, year)| load_letter(id, year));
    provide_reload(move || data.refetch());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <LetterBody view=v/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LetterBody(view: LetterView) -> impl IntoView {
    let save = ServerAction::<SaveLetter>::new();
    let decide = ServerAction::<DecideLetter>::new();
    let publish = ServerAction::<PublishLetter>::new();
    reload_after(move || {
        [
            save.value().get().map(|r| r.is_ok()),
            decide.value().get().map(|r| r.is_ok()),
            publish.value().get().map(|r| r.is_ok()),
        ]
        .contains(&Some(true))
    });
    let refused = (
        crate::ui::refusal(save),
        crate::ui::refusal(decide),
        crate::ui::refusal(publish),
    );
    let error = move || (refused.0)().or_else(refused.1).or_else(refused.2);
    let heading = format!("{} · {}年度承诺书", view.org_name, view.year);
    let state = view.record.as_ref().map(|r| r.state);
    let status = view.record.as_ref().map_or("尚未起草".to_owned(), |r| {
        format!("{} · 第 {} 版", r.state.label(), r.version)
    });
    let comment = view
        .record
        .as_ref()
        .filter(|r| r.state == LetterState::Returned && !r.comment.is_empty())
        .map(|r| format!("审批意见：{}", r.comment));
    let public = view.record.as_ref().and_then(|r| r.public_path.clone());
    let approver = if view.general { "上级" } else { "总支" };
    let editable = view.may_edit && state != Some(LetterState::Submitted);
    let deciding = view.may_decide && state == Some(LetterState::Submitted);
    let publishing = view.may_edit && state == Some(LetterState::Approved);
    let (org_id, year) = (view.org_id.clone(), view.year);
    // The three forms each name the letter.
    let [h1, h2, h3] = [(); 3].map(|()| hidden(&org_id, year));
    view! {
        <Title text=format!("{heading} · 星旗")/>
        <TopBar user=view.viewer.clone()/>
        <main class="page">
            <p class="crumbs"><a href=format!("/branch/{}/plan?year={}", view.org_id, view.year)>"← 年度争创方案"</a></p>
            <h1>{heading}</h1>
            <section class="card" aria-labelledby="letter-state-h">
                <h2 id="letter-state-h">"承诺书状态"</h2>
                <p>{status}</p>
                {comment.map(|c| view! { <p class="alert alert-error">{c}</p> })}
                {public.clone().map(|p| view! {
                    <p>"公开地址："<a href=p.clone()>{p.clone()}</a>" · "<a href=format!("{p}/poster")>"打印海报（含二维码）"</a></p>
                })}
            </section>
            {move || error().map(|e| view! { <ErrorPanel error=e/> })}
            {deciding.then(|| view! {
                <section class="card" aria-labelledby="letter-decide-h">
                    <h2 id="letter-decide-h">{format!("{approver}审批")}</h2>
                    <ActionForm action=decide attr:class="form">
                        {h1}
                        <label class="field"><span>"意见（退回时必填）"</span><textarea name="comment" maxlength="500" rows="2"></textarea></label>
                        <div class="actions">
                            <button type="submit" name="approve" value="true" class="btn btn-primary">"审批通过"</button>
                            <button type="submit" name="approve" value="false" class="btn btn-danger">"退回修改"</button>
                        </div>
                    </ActionForm>
                </section>
            })}
            {publishing.then(|| view! {
                <ActionForm action=publish attr:class="card form">
                    {h2}
                    <p>"承诺书已审批。公开后，任何人都可以通过公开地址或海报上的二维码查看，并留言监督。"</p>
                    <button type="submit" class="btn btn-primary btn-block">"公开承诺书"</button>
                </ActionForm>
            })}
            {if editable {
                view! {
                    <section class="card" aria-labelledby="letter-edit-h">
                        <h2 id="letter-edit-h">"起草承诺书"</h2>
                        <ActionForm action=save attr:class="form">
                            {h3}
                            <label class="field"><span>"标题"</span><input name="title" maxlength="60" required value=view.title.clone()/></label>
                            <label class="field"><span>"承诺内容"</span><textarea name="body" maxlength="5000" rows="12" required>{view.body.clone()}</textarea></label>
                            <label class="check"><input type="checkbox" name="submit" value="true"/>{format!("同时提交{approver}审批")}</label>
                            <button type="submit" class="btn btn-primary btn-block">"保存承诺书"</button>
                        </ActionForm>
                    </section>
                }.into_any()
            } else {
                view! {
                    <article class="card letter" aria-label="承诺书全文">
                        <h2>{view.title.clone()}</h2>
                        <p class="prewrap">{view.body.clone()}</p>
                    </article>
                }.into_any()
            }}
            {(!view.general).then(|| view! {
                <pledges::PledgeSection
                    year=view.year
                    pledges=view.pledges.clone()
                    viewer_id=view.viewer.id.clone()
                    may_pledge=view.may_pledge
                    may_decide=view.may_edit
                />
            })}
            {(public.is_some() || !view.feedback.is_empty()).then(|| view! {
                <feedback::FeedbackSection items=view.feedback.clone() may_reply=view.may_edit may_decide=view.may_decide/>
            })}
            <details class="card">
                <summary>{format!("承诺书记录（{} 条）", view.trail.len())}</summary>
                <ul class="trail">{view.trail.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
            </details>
        </main>
    }
}

/// Which letter a form acts on.
fn hidden(org_id: &str, year: i32) -> impl IntoView + use<> {
    view! {
        <input type="hidden" name="org_id" value=org_id.to_owned()/>
        <input type="hidden" name="year" value=year.to_string()/>
    }
}

fn public_data() -> Resource<Result<PublicLetter, crate::error::AppError>> {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    Resource::new(token, load_public_letter)
}

/// `/public/letter/<token>`: the published letter for anyone, with its earlier versions.
#[component]
pub fn PublicLetterPage() -> impl IntoView {
    let data = public_data();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(l) => view! { <PublicBody letter=l/> }.into_any(),
                    Err(_) => view! {
                        <main class="page"><h1>"找不到这份承诺书"</h1><p>"链接可能有误，或承诺书尚未公开。"</p></main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PublicBody(letter: PublicLetter) -> impl IntoView {
    let changed = !letter.history.is_empty();
    let token = letter
        .path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    view! {
        <Title text=format!("{} · 承诺书", letter.org_name)/>
        <main class="page public-letter">
            <p class="crumbs">{format!("{} · {}年度 · 公开承诺", letter.org_name, letter.year)}</p>
            <article class="card letter" aria-labelledby="letter-h">
                <h1 id="letter-h">{letter.title}</h1>
                <p class="prewrap">{letter.body}</p>
                <p class="hint-left">{format!("公开于 {}", letter.published_at)}{changed.then_some("（修改后重新公开）")}</p>
            </article>
            <pledges::PublicPledges pledges=letter.pledges/>
            <feedback::PublicFeedback token=token feedback=letter.feedback stamp=letter.stamp/>
            {changed.then(|| view! {
                <section class="card" aria-labelledby="history-h">
                    <h2 id="history-h">"历次公开的版本"</h2>
                    {letter.history.into_iter().map(|(at, title, body)| view! {
                        <details>
                            <summary>{format!("{at} 公开：{title}")}</summary>
                            <p class="prewrap">{body}</p>
                        </details>
                    }).collect_view()}
                </section>
            })}
        </main>
    }
}

/// `/public/letter/<token>/poster`: the letter on one A4 page with the QR code of its public
/// address, to print and put up.
#[component]
pub fn PosterPage() -> impl IntoView {
    let data = public_data();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(l) => {
                        let qr = crate::activity::qr_svg_sized(&l.url, 200);
                        view! {
                            <Title text=format!("{} · 承诺书海报", l.org_name)/>
                            <main class="poster">
                                <p class="poster-org">{format!("{} · {}年度", l.org_name, l.year)}</p>
                                <h1>{l.title}</h1>
                                <p class="prewrap poster-body">{l.body}</p>
                                <div class="poster-qr">
                                    <div inner_html=qr></div>
                                    <p>"扫码查看承诺书全文，欢迎留言监督"</p>
                                    <p class="poster-url">{l.url}</p>
                                </div>
                            </main>
                        }.into_any()
                    }
                    Err(_) => view! { <main class="page"><h1>"找不到这份承诺书"</h1></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}
