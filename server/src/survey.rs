//! The survey's plain HTTP routes: the answer form's POST (works with JavaScript off), the
//! code-entry redirect, the open link's device cookie, and the exports.

use app::auth::server::user_from_headers;
use app::domain::ballot::Audience;
use app::domain::survey::{Verdict, interval_text, value_text};
use app::error::AppError;
use app::state::AppState;
use app::survey::server::{Credential, Outcome, Refusal, Submission, normalise_code, submit};
use app::survey::{CampaignResults, DEVICE_COOKIE, code_path, open_path};
use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

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
    let mut res = next.run(req).await;
    if wants {
        let value = format!(
            "{DEVICE_COOKIE}={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax",
            Uuid::new_v4().simple()
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
        query.push_str(&app::auth::server::urlencode(message));
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
    match submit(&state.db, &submission, app::db::now_ms()).await {
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
                app::auth::server::urlencode(k),
                app::auth::server::urlencode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The export's rows: one per group and question, with the raw counts and the figures.
pub fn export_rows(r: &CampaignResults) -> Vec<Vec<String>> {
    let def = &r.info.definition;
    let mut head: Vec<String> = vec!["对象".into(), "问题".into()];
    head.extend(def.scale.labels().iter().map(|l| (*l).to_owned()));
    head.extend(
        [
            "不了解",
            "有效票",
            "结果",
            "95%区间",
            "达到90%",
            "达到95%",
            "统计口径",
        ]
        .map(String::from),
    );
    let verdict = |v: Verdict| v.label().to_owned();
    let mut rows = vec![head];
    for g in &r.groups {
        for q in &g.questions {
            let mut row = vec![g.label.clone(), q.text.clone()];
            row.extend(
                (0..def.scale.len())
                    .map(|i| q.tally.counts.get(i).copied().unwrap_or(0).to_string()),
            );
            row.push(q.tally.dont_know.to_string());
            row.push(q.figure.valid.to_string());
            row.push(value_text(&q.figure, &def.convention));
            row.push(interval_text(&q.figure, &def.convention));
            row.push(verdict(q.figure.star));
            row.push(verdict(q.figure.red_flag));
            row.push(def.convention.describe(&def.scale));
            rows.push(row);
        }
    }
    rows
}

async fn results_for(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<CampaignResults, AppError> {
    let viewer = user_from_headers(&state.db, headers).await?;
    app::survey::server::results(&state.db, &viewer, id, app::db::now_ms()).await
}

fn attachment(name: &str, ext: &str) -> String {
    // RFC 5987: the Chinese title as UTF-8, with a plain fallback.
    format!(
        "attachment; filename=\"survey.{ext}\"; filename*=UTF-8''{}.{ext}",
        app::auth::server::urlencode(name)
    )
}

/// A QR code of `text` as a greyscale PNG, `scale` pixels per module, with the standard
/// four-module quiet zone.
pub fn qr_png(text: &str, scale: u32) -> Result<Vec<u8>, String> {
    let qr = qrcode::QrCode::new(text.as_bytes()).map_err(|e| e.to_string())?;
    let modules = u32::try_from(qr.width()).map_err(|e| e.to_string())?;
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let colors = qr.to_colors();
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        for dy in 0..scale {
            let y = (my + quiet) * scale + dy;
            let start = (y * side + (mx + quiet) * scale) as usize;
            pixels[start..start + scale as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// `GET /surveys/{id}/qr.png`: the open link's QR code as an image to save and post in a
/// WeChat group (WeChat saves and forwards pictures, not SVG).
pub async fn open_qr_png(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let viewer = match user_from_headers(&state.db, &headers).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let info = match app::survey::server::campaign_for_organiser(&state.db, &viewer, &id).await {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let Some(path) = info.open_path() else {
        return AppError::NotFound.into_response();
    };
    match qr_png(
        &format!("{}{path}", app::survey::server::origin_of(&headers)),
        10,
    ) {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "image/png".to_owned()),
                (header::CONTENT_DISPOSITION, attachment(&info.title, "png")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "drawing the survey QR code");
            AppError::Internal.into_response()
        }
    }
}

/// `GET /surveys/{id}/export.csv`: raw counts and figures, UTF-8 with a BOM so Excel reads it.
pub async fn export_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let results = match results_for(&state, &headers, &id).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for row in export_rows(&results) {
        if out.write_record(&row).is_err() {
            return AppError::Internal.into_response();
        }
    }
    let Ok(bytes) = out.into_inner() else {
        return AppError::Internal.into_response();
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                attachment(&results.info.title, "csv"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /surveys/{id}/export.xlsx`: the same table as a workbook.
pub async fn export_xlsx(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let results = match results_for(&state, &headers, &id).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let _ = sheet.set_name("测评结果");
    for (r, row) in export_rows(&results).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            // Counts as numbers, so the sheet can sum them.
            let written = match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r, c, n).map(|_| ()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            };
            if written.is_err() {
                return AppError::Internal.into_response();
            }
        }
    }
    match book.save_to_buffer() {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    attachment(&results.info.title, "xlsx"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "writing the survey workbook");
            AppError::Internal.into_response()
        }
    }
}
