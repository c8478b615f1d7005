//! The wasm entry: hydrates the page the server rendered. Everything else is in `app`.
#![cfg(target_arch = "wasm32")]
// The pages' view types are deeply nested; hydrating them needs more than the default limit.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
