//! The survey's plain HTTP routes: the answer form's POST (works with JavaScript off), the
//! code-entry redirect, the open link's device cookie, and (in [`export`](super::export)) the
//! exports and the QR image. The server mounts [`routes`] and layers [`device_cookie`] over
//! the whole app.

use super::answer::{Credential, Outcome, Submission, submit};
use super::codes::normalise_code;
use super::entry::Refusal;
pub use super::export::{export_csv, export_rows, export_xlsx, open_qr_png, qr_png};
use crate::domain::ballot::Audience;
use crate::state::AppState;
use crate::survey::{ANSWER_POST_PATH, DEVICE_COOKIE, code_path, open_path};
use axum::Form;
use axum::Router;
use axum::extract::{Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::{HeaderMap, HeaderValue, header};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// The survey's own routes, for the server's router (the device cookie is a layer over the
/// whole app: see [`device_cookie`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(ANSWER_POST_PATH, post(answer))
        .route("/survey/go", get(go))
        .route("/surveys/{id}/export.csv", get(export_csv))
        .route("/surveys/{id}/export.xlsx", get(export_xlsx))
        .route("/surveys/{id}/qr.png", get(open_qr_png))
}

/// Reads one cookie's value from the request.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The open link's device cookie of a request, if the browser sent one.
pub fn device_cookie_value(headers: &HeaderMap) -> Option<String> {
    cookie(headers, DEVICE_COOKIE)
}

/// Gives a phone opening an open link a random device cookie, the basis of the one answer per
/// device limit. The cookie is never stored; only a hash of it, apart from any answer.
pub async fn device_cookie(req: Request, next: Next) -> Response {
    let wants = req.method() == http::Method::GET
        && req.uri().path().starts_with("/survey/open/")
        && cookie(req.headers(), DEVICE_COOKIE).is_none();
    let secure = crate::auth::server::secure_cookies_for(req.headers(), false);
    let mut res = next.run(req).await;
    if wants {
        let value = format!(
            "{DEVICE_COOKIE}={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
            Uuid::new_v4().simple(),
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// `GET /survey/go?code=…`: the code typed from a paper slip.
pub async fn go(Query(q): Query<HashMap<String, String>>) -> Redirect {
    let code = q.get("code").map(|c| normalise_code(c)).unwrap_or_default();
    if code.is_empty() {
        Redirect::to("/survey")
    } else {
        Redirect::to(&code_path(&code))
    }
}

/// The answer form's fields, as the form posts them.
struct Posted {
    fields: HashMap<String, String>,
    choices: BTreeMap<String, u8>,
    bad_choice: bool,
}

fn read_form(pairs: Vec<(String, String)>) -> Posted {
    let mut fields = HashMap::new();
    let mut choices = BTreeMap::new();
    let mut bad_choice = false;
    for (k, v) in pairs {
        if let Some(q) = k.strip_prefix("q_") {
            match v.parse::<u8>() {
                Ok(c) => {
                    choices.insert(q.to_owned(), c);
                }
                Err(_) => bad_choice = true,
            }
        } else {
            fields.insert(k, v);
        }
    }
    Posted {
        fields,
        choices,
        bad_choice,
    }
}

/// `POST /survey/answer` (form): stores the answer once and shows the thanks page; a refused
/// answer goes back to the form with the reason and the answers as they were given.
pub async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let posted = read_form(pairs.clone());
    let get = |k: &str| posted.fields.get(k).map(String::as_str).unwrap_or("");
    let (code, open) = (get("code").trim(), get("open").trim());
    let form_path = if open.is_empty() {
        code_path(&normalise_code(code))
    } else {
        open_path(open)
    };
    let back = |message: &str| {
        // The answers go back with the reason, so nothing the respondent entered is lost.
        let mut query = url_encode_pairs(
            pairs
                .iter()
                .filter(|(k, _)| k.starts_with("q_") || k == "comment" || k == "audience"),
        );
        query.push_str("&error=");
        query.push_str(&crate::auth::server::urlencode(message));
        Redirect::to(&format!("{form_path}?{query}")).into_response()
    };
    let Ok(id) = Uuid::parse_str(get("record_id")) else {
        return back("表单已失效，请刷新页面后重新作答");
    };
    let Ok(version) = get("version").parse::<i64>() else {
        return back("表单已失效，请刷新页面后重新作答");
    };
    if posted.bad_choice {
        return back("选项无效，请重新选择");
    }
    let credential = if open.is_empty() {
        Credential::Code(code.to_owned())
    } else {
        Credential::Open {
            token: open.to_owned(),
            device: cookie(&headers, DEVICE_COOKIE).unwrap_or_default(),
        }
    };
    let comment = Some(get("comment").to_owned()).filter(|c| !c.trim().is_empty());
    let submission = Submission {
        id,
        campaign_id: get("campaign").to_owned(),
        version,
        credential,
        audience: Audience::parse(get("audience")),
        choices: posted.choices.clone(),
        comment,
    };
    match submit(&state.db, &submission, crate::db::now_ms()).await {
        Ok(Outcome::Accepted) => Redirect::to("/survey/done").into_response(),
        Ok(Outcome::Duplicate) => Redirect::to("/survey/done?again=1").into_response(),
        Ok(Outcome::Conflict) => back("这份答卷之前已用不同的内容提交过，请刷新页面后重新作答"),
        Ok(Outcome::Rejected(r @ (Refusal::Ballot(_) | Refusal::NoAudience))) => {
            back(&r.to_string())
        }
        // The code, the device or the campaign won't take an answer: the form page says why.
        Ok(Outcome::Rejected(r)) => back(&r.to_string()),
        Err(e) => e.into_response(),
    }
}

fn url_encode_pairs<'a>(pairs: impl Iterator<Item = &'a (String, String)>) -> String {
    pairs
        .map(|(k, v)| {
            format!(
                "{}={}",
                crate::auth::server::urlencode(k),
                crate::auth::server::urlencode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}
