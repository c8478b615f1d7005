//! The minutes and the photos of an activity.

use crate::activity::{ActivityRecord, SaveMinutes};
use crate::domain::time::format_full;
use crate::ui::{ErrorPanel, reload_after};
use leptos::prelude::*;

#[component]
pub(super) fn Minutes(record: ActivityRecord) -> impl IntoView {
    let action = ServerAction::<SaveMinutes>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let held = record.held;
    let has = !record.minutes.is_empty();
    let saved_at = record.minutes_at.map(format_full);
    let text = record.minutes.clone();
    let id = record.id.clone();
    let current = record.minutes.clone();
    view! {
        <section id="minutes" aria-labelledby="minutes-h">
            <h2 id="minutes-h">"会议记录"</h2>
            <Show when=move || has>
                <div class="minutes-text">{text.clone()}</div>
                <p class="hint-left">{saved_at.clone().map(|t| format!("最后保存于 {t}"))}</p>
            </Show>
            <Show when=move || !held>
                <p class="empty">"活动开始后可以填写会议记录。"</p>
            </Show>
            <Show when=move || held>
                {
                    let (id, current) = (id.clone(), current.clone());
                    move || {
                        let (id, current) = (id.clone(), current.clone());
                        view! {
                            <ActionForm action=action attr:class="form no-print">
                                <input type="hidden" name="id" value=id/>
                                <label class="field">
                                    <span>{if has { "修改记录" } else { "填写记录" }}</span>
                                    <textarea name="minutes" rows="8" maxlength="20000">{current}</textarea>
                                </label>
                                <button type="submit" class="btn btn-primary">"保存会议记录"</button>
                            </ActionForm>
                        }
                    }
                }
                {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
            </Show>
        </section>
    }
}

#[component]
pub(super) fn Photos(record: ActivityRecord) -> impl IntoView {
    let empty = record.photos.is_empty();
    let upload = format!("/activity/{}/photos", record.id);
    view! {
        <section id="photos" aria-labelledby="photos-h">
            <h2 id="photos-h">"活动照片"</h2>
            <Show when=move || empty>
                <p class="empty">"还没有照片。"</p>
            </Show>
            <div class="photos">
                {record.photos.into_iter().map(|p| view! {
                    <figure>
                        <img src=format!("/photos/{}", p.id) alt=if p.caption.is_empty() { "活动照片".to_owned() } else { p.caption.clone() } loading="lazy"/>
                        <figcaption>{p.caption.clone()}</figcaption>
                    </figure>
                }).collect_view()}
            </div>
            <form method="post" action=upload enctype="multipart/form-data" class="form no-print">
                <label class="field">
                    <span>"上传照片（JPEG、PNG 或 WebP，每张不超过 5 MB）"</span>
                    <input type="file" name="photo" accept="image/jpeg,image/png,image/webp" required/>
                </label>
                <label class="field">
                    <span>"说明（可不填）"</span>
                    <input name="caption" maxlength="100"/>
                </label>
                <button type="submit" class="btn">"上传"</button>
            </form>
        </section>
    }
}
