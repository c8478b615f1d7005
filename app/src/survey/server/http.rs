//! The survey's plain HTTP routes: the code-entry redirect and (in [`export`](super::export))
//! the exports and the QR image, which the server mounts from [`routes`]; and [`answer`], the
//! answer form's POST (works with JavaScript off), whose refusals the server renders as the
//! form again (`server/src/answer_form.rs`).

use super::answer::{Credential, Outcome, Submission, submit};
use super::codes::normalise_code;
use super::entry::Refusal;
pub use super::export::{export_csv, export_rows, export_xlsx, open_qr_png, qr_png};
use crate::domain::ballot::Audience;
use crate::state::AppState;
use crate::survey::{code_path, open_path};
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// The survey's own routes (methods, path, handler), for the server's route table.
pub fn routes() -> Vec<(&'static str, &'static str, MethodRouter<AppState>)> {
    vec![
        ("GET", "/survey/go", get(go)),
        ("GET", "/surveys/{id}/export.csv", get(export_csv)),
        ("GET", "/surveys/{id}/export.xlsx", get(export_xlsx)),
        ("GET", "/surveys/{id}/qr.png", get(open_qr_png)),
    ]
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

/// What a posted answer form comes to: a response (stored, a duplicate, over the limit, a
/// server error), or a refusal for the server to render as the form again, at `form_path`.
pub enum Answered {
    Done(Response),
    Refused {
        form_path: String,
        refused: crate::survey::RefusedAnswer,
    },
}

/// `POST /survey/answer` (form): stores the answer once; the thanks page, or a refusal with the
/// reason and the answers as they were given (the server renders the form again with them).
pub async fn answer(
    state: &AppState,
    client: crate::guard::ClientAddr,
    pairs: Vec<(String, String)>,
) -> Answered {
    let posted = read_form(pairs.clone());
    let get = |k: &str| posted.fields.get(k).map(String::as_str).unwrap_or("");
    let (code, open) = (get("code").trim(), get("open").trim());
    let form_path = if open.is_empty() {
        code_path(&normalise_code(code))
    } else {
        open_path(open)
    };
    let back = |message: &str| Answered::Refused {
        form_path: form_path.clone(),
        refused: crate::survey::RefusedAnswer {
            fields: pairs
                .iter()
                .filter(|(k, _)| k.starts_with("q_") || k == "comment" || k == "audience")
                .cloned()
                .collect(),
            error: message.to_owned(),
        },
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
            // The mark the form was given, from the form: no cookie is read on this path.
            mark: get("mark").to_owned(),
        }
    };
    let comment = Some(get("comment").to_owned()).filter(|c| !c.trim().is_empty());
    // Counted in its own statement, before (and apart from) the answer's transaction.
    let (limits, now) = (&state.config.limits, crate::db::now_ms());
    let bucket = crate::domain::limits::Bucket::AnswerAddress;
    match crate::guard::count(&state.db, limits, bucket, &client.0, now).await {
        Ok(()) => {}
        Err(crate::error::AppError::TooMany(wait)) => {
            return Answered::Done(crate::guard::too_many_page(wait, &form_path));
        }
        Err(e) => return Answered::Done(e.into_response()),
    }
    let submission = Submission {
        id,
        campaign_id: get("campaign").to_owned(),
        version,
        credential,
        audience: Audience::parse(get("audience")),
        choices: posted.choices.clone(),
        comment,
    };
    match submit(&state.db, &submission, now).await {
        Ok(Outcome::Accepted) => Answered::Done(Redirect::to("/survey/done").into_response()),
        Ok(Outcome::Duplicate) => {
            Answered::Done(Redirect::to("/survey/done?again=1").into_response())
        }
        Ok(Outcome::Conflict) => back("这份答卷之前已用不同的内容提交过，请刷新页面后重新作答"),
        Ok(Outcome::Rejected(r @ (Refusal::Ballot(_) | Refusal::NoAudience))) => {
            back(&r.to_string())
        }
        // The code, the device or the campaign won't take an answer: the form page says why.
        Ok(Outcome::Rejected(r)) => back(&r.to_string()),
        Err(e) => Answered::Done(e.into_response()),
    }
}
