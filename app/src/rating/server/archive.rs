//! The year's rating as a workbook (`GET /rating/archive.xlsx?year=`): one sheet per branch
//! the viewer reads, each school's 总支 before its branches where the viewer reads it — every
//! criterion with its state, figures and next step, then the
//! evidence with its trail. Text goes in as string cells with formulas neutralised.

use super::view;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::rating::IndicatorResult;
use crate::domain::spreadsheet::neutralise_formula;
use crate::domain::time::format_full;
use crate::error::AppError;
use crate::rating::RatingView;
use crate::state::RuntimeConfig;

fn failed(e: rust_xlsxwriter::XlsxError) -> AppError {
    tracing::error!(error = %e, "writing the rating workbook");
    AppError::Internal
}

/// A sheet name Excel accepts: no `[]:*?/\`, at most 31 characters, unique in the book.
fn sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(28)
        .collect();
    let mut candidate = if clean.is_empty() {
        "支部".to_owned()
    } else {
        clean
    };
    let base = candidate.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

/// The workbook's file name and bytes.
pub async fn archive_xlsx(
    db: &Db,
    viewer: &CurrentUser,
    config: &RuntimeConfig,
    year: Option<i32>,
    now: i64,
) -> Result<(String, Vec<u8>), AppError> {
    if !viewer.role.reads_branches() {
        return Err(AppError::Forbidden);
    }
    let year = super::rating_year(year, now)?;
    let mut book = rust_xlsxwriter::Workbook::new();
    let mut used = Vec::new();
    let branches = crate::org::server::readable_branches(db, viewer).await?;
    let mut schools: Vec<&str> = Vec::new();
    // The 总支s whose own rating the viewer reads: (id, name).
    let mut generals: Vec<(String, String)> = Vec::new();
    for branch in branches.iter().take(super::overview::MAX_BRANCHES) {
        // Each school's 总支 rating before its branches, where the viewer reads it (the
        // school's admin, the bureau above).
        if let Some(school) = branch.parent_id.as_deref()
            && !schools.contains(&school)
        {
            schools.push(school);
            match view(db, viewer, config, school, Some(year), now).await {
                Ok(v) => {
                    let name = format!("{}总支", v.report.org_name);
                    add_sheet(&mut book, &mut used, &name, &v)?;
                    generals.push((school.to_owned(), name));
                }
                Err(AppError::Forbidden) => {}
                Err(e) => return Err(e),
            }
        }
        let v = view(db, viewer, config, &branch.id, Some(year), now).await?;
        add_sheet(&mut book, &mut used, &branch.name, &v)?;
    }
    plans_sheet(db, &mut book, &mut used, &branches, &generals, year, now).await?;
    letters_sheet(db, &mut book, &mut used, &branches, &generals, year).await?;
    let bytes = book.save_to_buffer().map_err(failed)?;
    Ok((format!("{year}年度创五星争红旗评定.xlsx"), bytes))
}

/// One sheet of the year's annual plans: each organisation's state, then its tasks with owner,
/// deadline, status and whether overdue (the 总支's own among them where the viewer reads its
/// rating).
async fn plans_sheet(
    db: &Db,
    book: &mut rust_xlsxwriter::Workbook,
    used: &mut Vec<String>,
    branches: &[crate::org::server::Branch],
    generals: &[(String, String)],
    year: i32,
    now: i64,
) -> Result<(), AppError> {
    let today = crate::domain::time::date_of(now).unwrap_or_default();
    let mut rows = vec![
        vec![format!("{year}年度争创方案与整改任务")],
        [
            "组织",
            "方案状态",
            "整改任务",
            "责任人",
            "完成期限",
            "状态",
            "逾期",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for (id, name) in orgs(branches, generals) {
        let plan = crate::branch::plan_todos::plan_tasks(db, id, year).await?;
        let Some(plan) = plan else {
            rows.push(vec![name.to_owned(), "尚未制定".into()]);
            continue;
        };
        for (task, status) in &plan.tasks {
            rows.push(vec![
                name.to_owned(),
                plan.state.label().into(),
                task.title.clone(),
                task.owner.clone(),
                task.deadline.to_string(),
                status.label().into(),
                if crate::domain::plan::overdue(*status, task.deadline, today) {
                    "是".into()
                } else {
                    String::new()
                },
            ]);
        }
    }
    write_sheet(book, used, "年度争创方案", &rows)
}

/// One sheet of the year's commitment letters and the public's feedback: each organisation's
/// letter (state, title, public address), then each feedback with its reply and whether both
/// are public.
async fn letters_sheet(
    db: &Db,
    book: &mut rust_xlsxwriter::Workbook,
    used: &mut Vec<String>,
    branches: &[crate::org::server::Branch],
    generals: &[(String, String)],
    year: i32,
) -> Result<(), AppError> {
    let mut rows = vec![
        vec![format!("{year}年度承诺书与群众监督")],
        [
            "组织",
            "承诺书状态",
            "标题",
            "公开地址",
            "留言日期",
            "留言",
            "留言公开",
            "回复",
            "回复公开",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let yes = |b: i64| if b != 0 { "是" } else { "否" }.to_owned();
    for (id, name) in orgs(branches, generals) {
        let letter: Option<(String, Option<String>, String)> = sqlx::query_as(
            "SELECT l.state, l.public_token, v.title FROM letters l JOIN letter_versions v \
               ON v.org_id = l.org_id AND v.year = l.year AND v.version = l.version \
             WHERE l.org_id = $1 AND l.year = $2",
        )
        .bind(id)
        .bind(year)
        .fetch_optional(db.pool())
        .await?;
        let Some((state, token, title)) = letter else {
            rows.push(vec![name.to_owned(), "尚未起草".into()]);
            continue;
        };
        let state = crate::domain::letter::LetterState::parse(&state)
            .map_or(state.clone(), |s| s.label().to_owned());
        let head = vec![
            name.to_owned(),
            state,
            title,
            token
                .map(|t| format!("/public/letter/{t}"))
                .unwrap_or_default(),
        ];
        let feedback: Vec<(String, String, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT received_on, body, shown, reply, reply_shown FROM letter_feedback \
             WHERE org_id = $1 AND year = $2 ORDER BY received_on, id",
        )
        .bind(id)
        .bind(year)
        .fetch_all(db.pool())
        .await?;
        if feedback.is_empty() {
            rows.push(head.clone());
        }
        for (day, body, shown, reply, reply_shown) in feedback {
            let mut row = head.clone();
            row.extend([
                day,
                body,
                yes(shown),
                reply.unwrap_or_default(),
                yes(reply_shown),
            ]);
            rows.push(row);
        }
    }
    write_sheet(book, used, "承诺书与群众监督", &rows)
}

/// The organisations of the archive, the 总支s first: (id, name).
fn orgs<'a>(
    branches: &'a [crate::org::server::Branch],
    generals: &'a [(String, String)],
) -> impl Iterator<Item = (&'a str, &'a str)> {
    generals
        .iter()
        .map(|(id, name)| (id.as_str(), name.as_str()))
        .chain(
            branches
                .iter()
                .take(super::overview::MAX_BRANCHES)
                .map(|b| (b.id.as_str(), b.name.as_str())),
        )
}

/// A sheet of text cells, formulas neutralised.
fn write_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    used: &mut Vec<String>,
    name: &str,
    rows: &[Vec<String>],
) -> Result<(), AppError> {
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(name, used)).map_err(failed)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet
                .write_string(r as u32, c as u16, neutralise_formula(cell))
                .map_err(failed)?;
        }
    }
    sheet.set_column_width(2, 30).map_err(failed)?;
    Ok(())
}

/// One organisation's sheet: its rating, then its evidence with the trail.
fn add_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    used: &mut Vec<String>,
    name: &str,
    v: &RatingView,
) -> Result<(), AppError> {
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(name, used)).map_err(failed)?;
    for (r, row) in rows(v).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet
                .write_string(r as u32, c as u16, neutralise_formula(cell))
                .map_err(failed)?;
        }
    }
    sheet.set_column_width(1, 36).map_err(failed)?;
    sheet.set_column_width(4, 40).map_err(failed)?;
    Ok(())
}

fn rows(v: &RatingView) -> Vec<Vec<String>> {
    let r = &v.report;
    let mut out = vec![
        vec![format!("{} {}年度创五星、争红旗评定", r.org_name, r.year)],
        vec![
            format!("{} 星（满 {} 星）", r.rating.stars, r.rating.max_stars),
            format!("等次：{}", r.rating.level.label()),
            r.last_year
                .as_ref()
                .map(|l| format!("{}年：{}", l.year, l.level.label()))
                .unwrap_or_default(),
            r.trend
                .map(|t| format!("晋位升级：{}", t.label()))
                .unwrap_or_default(),
            if r.year_over {
                String::new()
            } else {
                "年度未结束，为截至导出时的情况".into()
            },
        ],
        Vec::new(),
        ["指标", "条件", "方式", "状态", "数据", "说明", "下一步"]
            .map(str::to_owned)
            .to_vec(),
    ];
    let red = IndicatorResult {
        key: "red_flag".into(),
        name: "红旗附加条件".into(),
        met: r.rating.red_flag_conditions_met,
        points: 0,
        max_points: 0,
        criteria: r.rating.red_flag.clone(),
    };
    for i in r.rating.indicators.iter().chain(std::iter::once(&red)) {
        for c in &i.criteria {
            out.push(vec![
                i.name.clone(),
                c.name.clone(),
                if c.computed {
                    "系统计算"
                } else {
                    "佐证审核"
                }
                .into(),
                c.state.label().into(),
                c.figure.clone(),
                c.detail.clone(),
                c.next_step.clone(),
            ]);
        }
    }
    out.push(Vec::new());
    out.push(
        ["佐证", "状态", "说明", "关联活动", "记录"]
            .map(str::to_owned)
            .to_vec(),
    );
    for e in &v.evidence {
        out.push(vec![
            e.name.clone(),
            e.state.map_or("尚未填写", |s| s.label()).into(),
            e.body.clone(),
            e.links
                .iter()
                .map(|a| a.label.clone())
                .collect::<Vec<_>>()
                .join("\n"),
            e.trail
                .iter()
                .map(|t| format!("{} {} {} {}", format_full(t.at), t.by_name, t.act, t.note))
                .collect::<Vec<_>>()
                .join("\n"),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sheet_names_are_cleaned_and_unique() {
        let mut used = Vec::new();
        assert_eq!(super::sheet_name("第一[党]支部", &mut used), "第一党支部");
        assert_eq!(super::sheet_name("第一党支部", &mut used), "第一党支部2");
        assert_eq!(super::sheet_name("///", &mut used), "支部");
    }
}
