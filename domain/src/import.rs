//! The roster file as a table: the columns an import reads (and the template offers), each
//! data row checked into a member or its problems, and the clashes between rows of one file.

use crate::roster::{CommitteeRole, MemberCells, MemberRow, check_member};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The columns an import understands, and the headings it accepts for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Branch,
    Name,
    Username,
    Phone,
    Gender,
    Birth,
    Join,
    Standing,
    HasPost,
    Post,
    Full,
    Committee,
    Group,
    Staff,
}

const HEADINGS: [(Column, &[&str]); 14] = [
    (Column::Branch, &["支部", "所在支部", "党支部"]),
    (Column::Name, &["姓名", "名字"]),
    (Column::Username, &["用户名", "账号", "登录名"]),
    (
        Column::Phone,
        &["手机号", "手机", "手机号码", "电话", "联系电话"],
    ),
    (Column::Gender, &["性别"]),
    (Column::Birth, &["出生日期", "出生年月", "生日"]),
    (Column::Join, &["入党日期", "入党时间", "入党年月"]),
    (
        Column::Standing,
        &["党员类别", "类别", "正式/预备", "人员类别"],
    ),
    (
        Column::HasPost,
        &["有职/无职", "是否有职", "有无职务", "职务情况"],
    ),
    (Column::Post, &["职务", "岗位", "所任职务"]),
    (Column::Full, &["转正日期", "转正时间", "转正年月"]),
    (
        Column::Committee,
        &["支委职务", "支部职务", "党内职务", "支委"],
    ),
    (Column::Group, &["党小组", "所在党小组", "小组"]),
    (Column::Staff, &["是否教职工", "教职工", "人员身份", "身份"]),
];

/// The template's headings, in its order: the first name each column accepts.
pub fn template_headings() -> Vec<&'static str> {
    HEADINGS.iter().map(|(_, names)| names[0]).collect()
}

/// A problem with one row (or with the file), for the preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The row's line in the file (the heading is line 1); 0 for the file as a whole.
    pub line: usize,
    pub message: String,
}

/// Each data row checked: the member it describes, or what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedRow {
    pub line: usize,
    pub cells: Vec<String>,
    pub result: Result<MemberRow, Vec<String>>,
}

/// Checks a whole table (first row: headings). Problems with the file itself (no name column,
/// nothing but headings) come back as `Err`; otherwise every data row with its result,
/// including clashes between rows of the file.
pub fn check_table(table: &[Vec<String>], today: NaiveDate) -> Result<Vec<CheckedRow>, String> {
    let Some((heading, rows)) = table.split_first() else {
        return Err("文件是空的".into());
    };
    let index = |col: Column| -> Option<usize> {
        let names = HEADINGS.iter().find(|(c, _)| *c == col)?.1;
        heading.iter().position(|h| names.contains(&h.trim()))
    };
    let columns: Vec<(Column, Option<usize>)> =
        HEADINGS.iter().map(|(c, _)| (*c, index(*c))).collect();
    let at = |col: Column| {
        columns
            .iter()
            .find(|(c, _)| *c == col)
            .and_then(|(_, i)| *i)
    };
    for needed in [Column::Name, Column::Branch] {
        if at(needed).is_none() {
            let names = HEADINGS
                .iter()
                .find(|(c, _)| *c == needed)
                .map(|h| h.1[0])
                .unwrap_or("");
            return Err(format!(
                "找不到“{names}”列：第一行应是表头（支部、姓名、用户名或手机号……）"
            ));
        }
    }
    if at(Column::Username).is_none() && at(Column::Phone).is_none() {
        return Err("需要“用户名”或“手机号”列".into());
    }
    let mut checked = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |col: Column| at(col).and_then(|i| row.get(i)).map_or("", |s| s.as_str());
        let result = check_member(
            &MemberCells {
                branch: cell(Column::Branch),
                name: cell(Column::Name),
                username: cell(Column::Username),
                phone: cell(Column::Phone),
                gender: cell(Column::Gender),
                birth: cell(Column::Birth),
                join: cell(Column::Join),
                standing: cell(Column::Standing),
                full: cell(Column::Full),
                has_post: cell(Column::HasPost),
                post: cell(Column::Post),
                committee: cell(Column::Committee),
                group: cell(Column::Group),
                staff: cell(Column::Staff),
            },
            today,
        );
        checked.push(CheckedRow {
            line: i + 2,
            cells: row.clone(),
            result,
        });
    }
    if checked.is_empty() {
        return Err("文件里只有表头，没有党员".into());
    }
    // The same username or phone twice in one file.
    let keys: Vec<Option<(String, Option<String>)>> = checked
        .iter()
        .map(|r| {
            r.result
                .as_ref()
                .ok()
                .map(|m| (m.username.clone(), m.phone.clone()))
        })
        .collect();
    for i in 0..checked.len() {
        let Some((user, phone)) = &keys[i] else {
            continue;
        };
        let clash = (0..checked.len()).find(|&j| {
            j != i
                && keys[j]
                    .as_ref()
                    .is_some_and(|(u, p)| u == user || (phone.is_some() && p == phone))
        });
        if let Some(j) = clash {
            let other = checked[j].line;
            let message = format!("与第 {other} 行的用户名或手机号重复");
            fail(&mut checked[i], message);
        }
    }
    // One 书记 per branch.
    let secretaries: Vec<(usize, String)> = checked
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match &r.result {
            Ok(m) if m.committee == Some(CommitteeRole::Secretary) => Some((i, m.branch.clone())),
            _ => None,
        })
        .collect();
    for (i, branch) in &secretaries {
        if let Some((j, _)) = secretaries.iter().find(|(j, b)| j != i && b == branch) {
            let message = format!("{branch}只能有一位书记：第 {} 行也是书记", checked[*j].line);
            fail(&mut checked[*i], message);
        }
    }
    Ok(checked)
}

/// Adds a problem to a checked row.
pub fn fail(row: &mut CheckedRow, message: String) {
    match &mut row.result {
        Ok(_) => row.result = Err(vec![message]),
        Err(e) => e.push(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{Gender, Standing};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    const HEAD: &[&str] = &[
        "支部",
        "姓名",
        "用户名",
        "手机号",
        "性别",
        "出生日期",
        "入党日期",
        "党员类别",
        "有职/无职",
        "职务",
    ];
    #[test]
    fn a_good_table_gives_members() {
        let t = table(&[
            HEAD,
            &[
                "第一党支部",
                "王丽",
                "",
                "13800138000",
                "女",
                "1985-03-07",
                "2008年7月1日",
                "正式",
                "有职",
                "语文教研组长",
            ],
            &[
                "第一党支部",
                "李强",
                "liqiang",
                "",
                "男",
                "1990/5/1",
                "2015-06-30",
                "预备",
                "无职",
                "",
            ],
            &["", "", "", "", "", "", "", "", "", ""],
        ]);
        let rows = check_table(&t, today()).unwrap();
        assert_eq!(rows.len(), 2, "blank rows are skipped");
        let wang = rows[0].result.as_ref().unwrap();
        assert_eq!(
            wang.username, "13800138000",
            "the phone serves as the username"
        );
        assert_eq!(wang.post.as_deref(), Some("语文教研组长"));
        assert_eq!(wang.gender, Some(Gender::Female));
        let li = rows[1].result.as_ref().unwrap();
        assert_eq!(li.standing, Standing::Probationary);
        assert_eq!(li.post, None);
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn every_bad_cell_is_named() {
        let t = table(&[
            HEAD,
            &[
                "第一党支部",
                "",
                "王 丽",
                "1380013800",
                "m",
                "1985-13-07",
                "2030-01-01",
                "积极分子",
                "有职",
                "",
            ],
            &[
                "第一党支部",
                "赵敏",
                "",
                "",
                "女",
                "2000-01-01",
                "2010-01-01",
                "正式",
                "无职",
                "书记",
            ],
        ]);
        let rows = check_table(&t, today()).unwrap();
        let first = rows[0].result.as_ref().unwrap_err();
        assert_eq!(first.len(), 8, "{first:?}");
        assert!(first.iter().any(|e| e.contains("缺少姓名")));
        assert!(
            first
                .iter()
                .any(|e| e.contains("出生日期“1985-13-07”无法识别"))
        );
        assert!(
            first
                .iter()
                .any(|e| e.contains("入党日期“2030-01-01”不在合理范围内"))
        );
        let second = rows[1].result.as_ref().unwrap_err();
        assert_eq!(
            second,
            &[
                "用户名和手机号至少填一项",
                "入党日期早于年满 18 岁",
                "标为无职却填写了职务"
            ]
        );
    }

    #[test]
    fn duplicates_within_the_file_are_caught() {
        let t = table(&[
            &["支部", "姓名", "手机号"],
            &["第一党支部", "王丽", "13800138000"],
            &["第二党支部", "王丽", "13800138000"],
        ]);
        let rows = check_table(&t, today()).unwrap();
        assert_eq!(
            rows[0].result.as_ref().unwrap_err(),
            &["与第 3 行的用户名或手机号重复"]
        );
        assert_eq!(
            rows[1].result.as_ref().unwrap_err(),
            &["与第 2 行的用户名或手机号重复"]
        );
    }

    #[test]
    fn files_without_the_needed_columns_say_so() {
        assert!(
            check_table(
                &table(&[&["姓名", "手机号"], &["王丽", "13800138000"]]),
                today()
            )
            .unwrap_err()
            .contains("支部")
        );
        assert!(
            check_table(&table(&[&["支部", "姓名"], &["一", "王丽"]]), today())
                .unwrap_err()
                .contains("用户名")
        );
        assert_eq!(
            check_table(&table(&[HEAD]), today()).unwrap_err(),
            "文件里只有表头，没有党员"
        );
        assert_eq!(check_table(&[], today()).unwrap_err(), "文件是空的");
    }

    #[test]
    fn committee_group_staff_and_full_dates_are_read() {
        let t = table(&[
            &[
                "支部",
                "姓名",
                "手机号",
                "党员类别",
                "入党日期",
                "转正日期",
                "支委职务",
                "党小组",
                "是否教职工",
            ],
            &[
                "第一党支部",
                "王丽",
                "13800138000",
                "",
                "2008-07-01",
                "2009-07-01",
                "书记",
                "语文组",
                "是",
            ],
            &[
                "第一党支部",
                "李强",
                "13800138001",
                "正式",
                "",
                "",
                "组织委员",
                "",
                "",
            ],
            &[
                "第一党支部",
                "赵敏",
                "13800138002",
                "预备",
                "2026-05-04",
                "",
                "",
                "",
                "否",
            ],
            &[
                "第二党支部",
                "孙杰",
                "13800138003",
                "正式",
                "",
                "",
                "支部书记",
                "无",
                "在职",
            ],
        ]);
        let rows = check_table(&t, today()).unwrap();
        let wang = rows[0].result.as_ref().unwrap();
        assert_eq!(wang.committee, Some(CommitteeRole::Secretary));
        assert_eq!(wang.group.as_deref(), Some("语文组"));
        assert_eq!(wang.full_date, NaiveDate::from_ymd_opt(2009, 7, 1));
        assert_eq!(wang.standing, Standing::Full, "a 转正日期 means full");
        assert!(wang.staff);
        let li = rows[1].result.as_ref().unwrap();
        assert_eq!(
            li.committee,
            Some(CommitteeRole::Member),
            "组织委员 is a 委员"
        );
        assert_eq!(li.group, None);
        let zhao = rows[2].result.as_ref().unwrap();
        assert_eq!((zhao.committee, zhao.staff), (None, false));
        assert_eq!(zhao.standing, Standing::Probationary);
        let sun = rows[3].result.as_ref().unwrap();
        assert_eq!(
            sun.committee,
            Some(CommitteeRole::Secretary),
            "one 书记 per branch"
        );
        assert_eq!(sun.group, None, "无 is no group");
    }

    #[test]
    fn committee_and_standing_mistakes_are_named() {
        let t = table(&[
            &[
                "支部",
                "姓名",
                "手机号",
                "党员类别",
                "入党日期",
                "转正日期",
                "支委职务",
                "是否教职工",
            ],
            &[
                "第一党支部",
                "王丽",
                "13800138000",
                "预备",
                "2026-01-01",
                "2025-12-01",
                "委员",
                "x",
            ],
            &[
                "第一党支部",
                "李强",
                "13800138001",
                "正式",
                "",
                "",
                "书记",
                "",
            ],
            &[
                "第一党支部",
                "赵敏",
                "13800138002",
                "正式",
                "",
                "",
                "书记",
                "",
            ],
            &[
                "第一党支部",
                "孙杰",
                "13800138003",
                "正式",
                "",
                "",
                "队长",
                "",
            ],
        ]);
        let rows = check_table(&t, today()).unwrap();
        assert_eq!(
            rows[0].result.as_ref().unwrap_err(),
            &[
                "预备党员还没有转正，转正日期应留空",
                "转正日期应晚于入党日期",
                "预备党员没有被选举权，不能担任支部委员",
                "是否教职工“x”应为 是 或 否",
            ]
        );
        assert_eq!(
            rows[1].result.as_ref().unwrap_err(),
            &["第一党支部只能有一位书记：第 4 行也是书记"]
        );
        assert_eq!(
            rows[2].result.as_ref().unwrap_err(),
            &["第一党支部只能有一位书记：第 3 行也是书记"]
        );
        assert!(rows[3].result.as_ref().unwrap_err()[0].contains("支委职务“队长”"));
    }

    #[test]
    fn the_template_has_every_column_it_reads() {
        let head = template_headings();
        assert_eq!(head.len(), HEADINGS.len());
        let mut row = vec![String::new(); head.len()];
        let at = |h: &str| head.iter().position(|x| *x == h).unwrap();
        row[at("支部")] = "第一党支部".into();
        row[at("姓名")] = "王丽".into();
        row[at("手机号")] = "13800138000".into();
        row[at("支委职务")] = "副书记".into();
        let table = vec![head.iter().map(|h| (*h).to_owned()).collect(), row];
        let rows = check_table(&table, today()).unwrap();
        assert_eq!(
            rows[0].result.as_ref().unwrap().committee,
            Some(CommitteeRole::Deputy)
        );
    }
}
