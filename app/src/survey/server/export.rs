//! The organiser's downloads: the results as CSV or XLSX, and the open link's QR code as PNG.

use super::origin_of;
use super::results::results;
use super::store::campaign_for_organiser;
use crate::auth::CurrentUser;
use crate::auth::server::Viewer;
use crate::domain::figures::{interval_text, value_text};
use crate::domain::spreadsheet::neutralise_formula;
use crate::domain::survey::Verdict;
use crate::error::AppError;
use crate::state::AppState;
use crate::survey::CampaignResults;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};

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
            // A group too small to show: no count at all, not zeros.
            let count = |n: u32| {
                if q.suppressed {
                    "—".to_owned()
                } else {
                    n.to_string()
                }
            };
            row.extend(
                (0..def.scale.len()).map(|i| count(q.tally.counts.get(i).copied().unwrap_or(0))),
            );
            row.push(count(q.tally.dont_know));
            row.push(count(q.figure.valid));
            row.push(value_text(&q.figure, &def.convention));
            row.push(interval_text(&q.figure, &def.convention));
            row.push(verdict(q.figure.star));
            row.push(verdict(q.figure.red_flag));
            row.push(def.convention.describe(&def.scale));
            rows.push(row);
        }
    }
    // Open-link answers count in the figures above; the reader sees how many there are.
    let total = r.total;
    let width = rows[0].len();
    let mut note = vec![
        "全部".to_owned(),
        if r.withheld {
            format!(
                "测评进行中：结果在 {} 结束后公布（已收到 {total} 份以上）",
                r.info.closes_on
            )
        } else {
            format!(
                "共 {total} 份，其中经开放链接提交 {} 份（开放链接无法核实作答人身份）",
                r.open_answers
            )
        },
    ];
    note.resize(width, String::new());
    rows.push(note);
    rows
}

async fn results_for(
    state: &AppState,
    viewer: &CurrentUser,
    id: &str,
) -> Result<CampaignResults, AppError> {
    results(&state.db, viewer, id, crate::db::now_ms()).await
}

fn attachment(name: &str, ext: &str) -> String {
    // RFC 5987: the Chinese title as UTF-8, with a plain fallback.
    format!(
        "attachment; filename=\"survey.{ext}\"; filename*=UTF-8''{}.{ext}",
        crate::auth::server::urlencode(name)
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
    Viewer(viewer): Viewer,
    headers: HeaderMap,
) -> Response {
    let info = match campaign_for_organiser(&state.db, &viewer, &id).await {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let Some(path) = info.open_path() else {
        return AppError::NotFound.into_response();
    };
    match qr_png(&format!("{}{path}", origin_of(&state.config, &headers)), 10) {
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

/// A campaign's results as a download named after its title.
fn download(results: &CampaignResults, ext: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                attachment(&results.info.title, ext),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /surveys/{id}/export.csv`: raw counts and figures, UTF-8 with a BOM so Excel reads it;
/// no text cell runs as a formula. (The workbook writes text as string cells, never formulas.)
pub async fn export_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Viewer(viewer): Viewer,
) -> Result<Response, AppError> {
    let results = results_for(&state, &viewer, &id).await?;
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for row in export_rows(&results) {
        let row = row.iter().map(|cell| neutralise_formula(cell));
        out.write_record(row).map_err(|_| AppError::Internal)?;
    }
    let bytes = out.into_inner().map_err(|_| AppError::Internal)?;
    Ok(download(&results, "csv", "text/csv; charset=utf-8", bytes))
}

/// `GET /surveys/{id}/export.xlsx`: the same table as a workbook.
pub async fn export_xlsx(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Viewer(viewer): Viewer,
) -> Result<Response, AppError> {
    let results = results_for(&state, &viewer, &id).await?;
    let failed = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "writing the survey workbook");
        AppError::Internal
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let _ = sheet.set_name("测评结果");
    for (r, row) in export_rows(&results).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            // Counts as numbers, so the sheet can sum them.
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r, c, n).map(|_| ()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            }
            .map_err(failed)?;
        }
    }
    let bytes = book.save_to_buffer().map_err(failed)?;
    Ok(download(
        &results,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}
