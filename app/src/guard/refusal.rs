//! What a browser form hears when a rate limit ([`super::limit`]) refuses it: a small page of
//! its own, since the form's page is not there to show an error.

/// The answer to an over-limit request from a browser form: 429 with `Retry-After` and a small
/// page that says how long to wait and links back to `back` (a path on this site).
pub fn too_many_page(retry_after_s: u32, back: &str) -> axum::response::Response {
    use axum::response::{Html, IntoResponse};
    let wait = crate::error::wait_label(retry_after_s);
    let back = escape(back);
    let page = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>操作太频繁 · 星旗</title><link rel=\"stylesheet\" href=\"/pkg/xingqi.css\"></head>\
         <body><main class=\"page narrow\"><h1>操作太频繁</h1>\
         <p role=\"alert\">来自这里的请求太多了。为防止有人猜测密码或代答问卷，请 {wait}后再试。</p>\
         <p><a class=\"button\" href=\"{back}\">返回</a></p></main></body></html>"
    );
    let mut res = (http::StatusCode::TOO_MANY_REQUESTS, Html(page)).into_response();
    res.headers_mut()
        .insert(http::header::RETRY_AFTER, retry_after_s.into());
    res
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
