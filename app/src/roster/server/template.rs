//! The roster template (党员名册模板): a workbook with every column the import reads, the
//! branch's own name and 党小组 as choices, an example row, and a sheet that explains each column.

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::import::template_headings;
use crate::domain::roster::CommitteeRole;
use crate::error::AppError;
use crate::org::server::organised_branch;
use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

/// The rows the choices in the template cover (a branch has tens of members, a school hundreds).
const ROWS: u32 = 500;

/// What each heading means and accepts, for the 填写说明 sheet.
fn explain(heading: &str) -> &'static str {
    match heading {
        "支部" => "必填。本支部的名称，与系统中的名称一致",
        "姓名" => "必填。最多 20 个字",
        "用户名" => "与手机号至少填一项。3–32 个字母、数字或 . _ -；不填则用手机号登录",
        "手机号" => "11 位手机号码",
        "性别" => "男 或 女",
        "出生日期" => "如 1985-03-07，也可写 1985/3/7 或 1985年3月7日",
        "入党日期" => "成为预备党员的日期，写法同上",
        "党员类别" => "正式 或 预备；不填为正式（填了转正日期即为正式）",
        "有职/无职" => "有职 或 无职；不填时看“职务”是否填写",
        "职务" => "有职党员的职务，如 语文教研组长；最多 30 个字",
        "转正日期" => "正式党员的转正日期；预备党员留空",
        "支委职务" => {
            "书记、副书记 或 委员（组织委员、宣传委员等也算委员）；不是支委留空。预备党员不能担任支委；一个支部只有一位书记，总支导入时书记同时获得本支部的管理权限"
        }
        "党小组" => "所在党小组的名称，须是本支部已有的党小组；没有留空",
        "是否教职工" => "是 或 否（离退休等）；不填为是",
        _ => "",
    }
}

/// `GET /branch/{id}/members/template.xlsx`, for the branch's organisers: the file name and
/// the workbook.
pub async fn template_xlsx(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let branch = organised_branch(db, viewer, branch_id).await?;
    let groups: Vec<String> = super::groups_of(db, &branch.id)
        .await?
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    let bytes = workbook(&branch.name, &groups).map_err(|e| {
        tracing::error!(error = %e, "writing the roster template");
        AppError::Internal
    })?;
    Ok((format!("{}党员名册模板.xlsx", branch.name), bytes))
}

fn workbook(branch: &str, groups: &[String]) -> Result<Vec<u8>, XlsxError> {
    let headings = template_headings();
    let column = |h: &str| headings.iter().position(|x| *x == h).unwrap_or(0) as u16;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#FDE9E7");
    let text = Format::new().set_num_format("@");
    let sheet = book.add_worksheet();
    sheet.set_name("党员名册")?;
    for (c, h) in headings.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *h, &bold)?;
        // Text columns, so a phone number or a date stays as typed.
        sheet.set_column_format(c, &text)?;
        sheet.set_column_width(c, if *h == "职务" { 18 } else { 12 })?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let example = [
        ("支部", branch),
        ("姓名", "王丽（示例，请删除）"),
        ("手机号", "13800138000"),
        ("性别", "女"),
        ("出生日期", "1985-03-07"),
        ("入党日期", "2008-07-01"),
        ("党员类别", "正式"),
        ("有职/无职", "有职"),
        ("职务", "语文教研组长"),
        ("转正日期", "2009-07-01"),
        ("支委职务", "书记"),
        ("是否教职工", "是"),
    ];
    for (h, v) in example {
        sheet.write_string(1, column(h), v)?;
    }
    let choose = |values: &[&str]| DataValidation::new().allow_list_strings(values);
    let seats: Vec<&str> = CommitteeRole::ALL.iter().map(|c| c.label()).collect();
    let lists: Vec<(&str, DataValidation)> = vec![
        ("支部", choose(&[branch])?),
        ("性别", choose(&["男", "女"])?),
        ("党员类别", choose(&["正式", "预备"])?),
        ("有职/无职", choose(&["有职", "无职"])?),
        ("支委职务", choose(&seats)?),
        ("是否教职工", choose(&["是", "否"])?),
    ];
    for (h, rule) in &lists {
        let c = column(h);
        sheet.add_data_validation(1, c, ROWS, c, rule)?;
    }
    if !groups.is_empty() {
        let names: Vec<&str> = groups.iter().map(String::as_str).collect();
        // A list's choices are at most 255 characters in all; longer lists are left free.
        if let Ok(rule) = choose(&names) {
            let c = column("党小组");
            sheet.add_data_validation(1, c, ROWS, c, &rule)?;
        }
    }
    let help = book.add_worksheet();
    help.set_name("填写说明")?;
    help.write_string_with_format(0, 0, "列", &bold)?;
    help.write_string_with_format(0, 1, "怎么填", &bold)?;
    help.set_column_width(0, 12)?;
    help.set_column_width(1, 90)?;
    for (r, h) in headings.iter().enumerate() {
        help.write_string(r as u32 + 1, 0, *h)?;
        help.write_string(r as u32 + 1, 1, explain(h))?;
    }
    let last = headings.len() as u32 + 2;
    help.write_string(
        last,
        0,
        "导入前会先预览：每一行的问题都会列出，有任何一行有误则一个党员也不导入。",
    )?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::import::check_table;
    use crate::domain::table::read_table;

    #[test]
    fn the_template_reads_back_as_a_roster() {
        let groups = vec!["第一党小组".to_owned(), "第二党小组".to_owned()];
        let bytes = workbook("第一党支部", &groups).unwrap();
        let table = read_table("模板.xlsx", &bytes).unwrap();
        assert_eq!(
            table[0],
            template_headings()
                .iter()
                .map(|h| (*h).to_owned())
                .collect::<Vec<_>>()
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let rows = check_table(&table, today).unwrap();
        assert_eq!(rows.len(), 1, "the example row");
        let m = rows[0].result.as_ref().unwrap();
        assert_eq!(m.branch, "第一党支部");
        assert_eq!(m.committee, Some(CommitteeRole::Secretary));
        for h in template_headings() {
            assert!(!explain(h).is_empty(), "{h} is explained");
        }
    }
}
