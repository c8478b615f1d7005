//! What the rules still ask of the branch, and what waits on this phone.

use crate::domain::todo::{Todo, Urgency};
use leptos::prelude::*;
use leptos_router::components::A;

/// What the rules still ask of the branch, most urgent first, and what waits on this phone.
#[component]
pub(super) fn Todos(todos: Vec<Todo>) -> impl IntoView {
    let outbox = crate::outbox::use_outbox();
    let empty = todos.is_empty();
    view! {
        <section class="card todos" aria-labelledby="todo-h">
            <h2 id="todo-h">"待办"</h2>
            <Show when=move || empty && outbox.pending() == 0>
                <p class="all-done">"✓ 目前没有待办事项"</p>
            </Show>
            <ul class="todo-list">
                {todos.into_iter().map(|t| {
                    let class = format!("todo todo-{}", match t.urgency {
                        Urgency::Missed => "missed",
                        Urgency::Due => "due",
                        Urgency::Open => "open",
                        Urgency::Scheduled => "scheduled",
                    });
                    view! {
                        <li class=class>
                            {match t.href {
                                Some(h) => view! { <A href=h>{t.text.clone()}</A> }.into_any(),
                                None => view! { <span>{t.text.clone()}</span> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
                <Show when=move || { outbox.pending() > 0 }>
                    <li class="todo todo-open">{move || format!("本机有 {} 条记录待同步", outbox.pending())}</li>
                </Show>
            </ul>
        </section>
    }
}
