//! Requests from another site are refused before they change anything: a page elsewhere
//! cannot sign a member in or out, push records, answer a survey or call a server function in
//! the name of whoever's browser visits it.
//!
//! A state-changing request (anything but GET, HEAD and OPTIONS) passes when the browser says
//! it came from this origin — `Sec-Fetch-Site: same-origin` (or `none`: typed by the user) —
//! or, from a browser without that header, when its `Origin` is this server's. A request with
//! neither (an API client, a script) is judged by its credentials alone: the session cookie is
//! `SameSite=Lax`, so another site's page cannot send it with a POST. Pushes must also say
//! they are JSON, which a plain HTML form cannot.

use app::domain::public_url::PublicUrl;
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode, header};

/// The middleware: refuses a cross-site state-changing request with 403.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let public = state.config.public_url.as_ref();
    if !safe && !from_this_site(req.headers(), public) {
        tracing::info!(path = %req.uri().path(), "refused a cross-site request");
        return AppError::Forbidden.into_response();
    }
    next.run(req).await
}

/// Whether a request's own headers place it on this site (or say nothing either way). With a
/// public address set, an `Origin` must be that address; without, the request's own `Host`.
pub fn from_this_site(headers: &http::HeaderMap, public: Option<&PublicUrl>) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    if let (Some(origin), Some(public)) = (text("origin"), public) {
        return origin
            .trim_end_matches('/')
            .eq_ignore_ascii_case(&public.origin());
    }
    match (text("origin"), text("host")) {
        (None, _) => true,
        (Some(origin), Some(host)) => host_of_origin(origin).is_some_and(|o| same_host(o, host)),
        (Some(_), None) => false,
    }
}

/// `host[:port]` of an `Origin` value (`null` and anything unreadable have none).
fn host_of_origin(origin: &str) -> Option<&str> {
    let (scheme, rest) = origin.split_once("://")?;
    matches!(scheme, "http" | "https").then_some(rest.trim_end_matches('/'))
}

/// Hosts compared without case and without a default port.
fn same_host(a: &str, b: &str) -> bool {
    let bare = |h: &str| {
        let h = h.to_ascii_lowercase();
        h.strip_suffix(":80")
            .or_else(|| h.strip_suffix(":443"))
            .map_or(h.clone(), str::to_owned)
    };
    bare(a) == bare(b)
}

/// A push must say it is JSON: a plain form (which another site can make a browser send)
/// cannot.
pub async fn json_only(req: Request, next: Next) -> Response {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if json {
        next.run(req).await
    } else {
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            axum::Json(serde_json::json!({
                "error": "unsupported_media_type",
                "message": "推送须为 application/json",
            })),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_browser_says_where_a_request_comes_from() {
        assert!(from_this_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(from_this_site(
            &headers(&[("sec-fetch-site", "none")]),
            None
        ));
        for other in ["same-site", "cross-site"] {
            let h = headers(&[
                ("sec-fetch-site", other),
                ("origin", "http://x"),
                ("host", "x"),
            ]);
            assert!(!from_this_site(&h, None), "{other}");
        }
    }

    #[test]
    fn without_fetch_metadata_the_origin_decides() {
        let host = ("host", "xingqi.example.cn");
        assert!(from_this_site(
            &headers(&[("origin", "https://xingqi.example.cn"), host]),
            None
        ));
        assert!(from_this_site(
            &headers(&[("origin", "https://XINGQI.example.cn:443"), host]),
            None
        ));
        assert!(!from_this_site(
            &headers(&[("origin", "https://evil.example"), host]),
            None
        ));
        assert!(!from_this_site(
            &headers(&[("origin", "https://xingqi.example.cn.evil.example"), host]),
            None
        ));
        assert!(!from_this_site(&headers(&[("origin", "null"), host]), None));
        assert!(!from_this_site(
            &headers(&[("origin", "https://xingqi.example.cn")]),
            None
        ));
        // No browser headers at all: an API client, judged by its credentials.
        assert!(from_this_site(&headers(&[host]), None));
    }

    #[test]
    fn a_public_address_is_the_only_origin() {
        let public = PublicUrl::parse("https://xingqi.example.cn").unwrap();
        // Behind a proxy the Host is internal; the browser's Origin is the public address.
        let internal = ("host", "127.0.0.1:3000");
        let from = |origin: &'static str| headers(&[("origin", origin), internal]);
        assert!(from_this_site(
            &from("https://xingqi.example.cn"),
            Some(&public)
        ));
        assert!(from_this_site(
            &from("https://XINGQI.example.cn/"),
            Some(&public)
        ));
        assert!(!from_this_site(
            &from("http://xingqi.example.cn"),
            Some(&public)
        ));
        assert!(!from_this_site(
            &from("http://127.0.0.1:3000"),
            Some(&public)
        ));
        assert!(!from_this_site(
            &from("https://evil.example"),
            Some(&public)
        ));
        assert!(from_this_site(&headers(&[internal]), Some(&public)));
    }
}
