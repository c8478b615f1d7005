//! The roster (党员名册) as a table of text, checked row by row: what an import reads from a
//! CSV or XLSX file, and what the add/edit form sends. Pure, so every rule is tested here.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A member as the roster records them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    /// The branch's name as written (支部), matched against the school's branches.
    pub branch: String,
    pub name: String,
    /// What they sign in with: a chosen username, or their phone number.
    pub username: String,
    pub phone: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub join_date: Option<NaiveDate>,
    pub standing: Standing,
    /// 有职 with the post, or 无职 (`None`).
    pub post: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "male" => Some(Self::Male),
            "female" => Some(Self::Female),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }
}

/// 正式党员 or 预备党员.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Full,
    Probationary,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Probationary => "probationary",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(Self::Full),
            "probationary" => Some(Self::Probationary),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Full => "正式党员",
            Self::Probationary => "预备党员",
        }
    }
}

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
}

const HEADINGS: [(Column, &[&str]); 10] = [
    (Column::Branch, &["支部", "所在支部", "党支部"]),
    (Column::Name, &["姓名", "名字"]),
    (Column::Username, &["用户名", "账号", "登录名"]),
    (
        Column::Phone,
        &["手机", "手机号", "手机号码", "电话", "联系电话"],
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
];

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

/// Reads a date as people and spreadsheets write them: 1985-03-07, 1985/3/7, 1985.3.7,
/// 1985年3月7日, 1985年3月 (the first of the month), or an Excel day number (31113).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(serial) = s.parse::<f64>() {
        // Excel's day 1 is 1900-01-01, counting its phantom 1900-02-29: day 0 is 1899-12-30.
        if (1.0..100_000.0).contains(&serial) {
            return NaiveDate::from_ymd_opt(1899, 12, 30)?
                .checked_add_days(chrono::Days::new(serial.trunc() as u64));
        }
        return None;
    }
    let cleaned: String = s
        .replace(['年', '月', '/', '.'], "-")
        .replace('日', "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let parts: Vec<&str> = cleaned.split('-').filter(|p| !p.is_empty()).collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    match parts.len() {
        3 => NaiveDate::from_ymd_opt(num(0)? as i32, num(1)?, num(2)?),
        2 => NaiveDate::from_ymd_opt(num(0)? as i32, num(1)?, 1),
        _ => None,
    }
}

/// A mainland mobile number: 11 digits starting with 1 (spaces and dashes ignored).
pub fn parse_phone(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// A username: 3–32 letters, digits, `.`, `_` or `-`.
pub fn valid_username(s: &str) -> bool {
    (3..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The fields of one member, as text, checked. `today` bounds the dates.
#[allow(clippy::too_many_arguments)]
pub fn check_member(
    branch: &str,
    name: &str,
    username: &str,
    phone: &str,
    gender: &str,
    birth: &str,
    join: &str,
    standing: &str,
    has_post: &str,
    post: &str,
    today: NaiveDate,
) -> Result<MemberRow, Vec<String>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        errors.push("缺少姓名".to_owned());
    } else if name.chars().count() > 20 {
        errors.push("姓名最多 20 个字".to_owned());
    }
    let branch = branch.trim();
    if branch.is_empty() {
        errors.push("缺少所在支部".to_owned());
    }
    let phone = match phone.trim() {
        "" => None,
        p => match parse_phone(p) {
            Some(p) => Some(p),
            None => {
                errors.push(format!("手机号“{p}”不是 11 位手机号码"));
                None
            }
        },
    };
    let username = match (username.trim(), &phone) {
        ("", Some(p)) => p.clone(),
        ("", None) => {
            errors.push("用户名和手机号至少填一项".to_owned());
            String::new()
        }
        (u, _) if valid_username(u) => u.to_owned(),
        (u, _) => {
            errors.push(format!("用户名“{u}”只能用 3–32 个字母、数字或 . _ -"));
            String::new()
        }
    };
    let gender = match gender.trim() {
        "" => None,
        "男" => Some(Gender::Male),
        "女" => Some(Gender::Female),
        g => {
            errors.push(format!("性别“{g}”应为 男 或 女"));
            None
        }
    };
    let mut date = |label: &str, s: &str| match s.trim() {
        "" => None,
        t => match parse_date(t) {
            Some(d) if d <= today && d.year() >= 1900 => Some(d),
            Some(_) => {
                errors.push(format!("{label}“{t}”不在合理范围内"));
                None
            }
            None => {
                errors.push(format!("{label}“{t}”无法识别，请写成 1985-03-07"));
                None
            }
        },
    };
    let birth_date = date("出生日期", birth);
    let join_date = date("入党日期", join);
    if let (Some(b), Some(j)) = (birth_date, join_date)
        && j < b.with_year(b.year() + 18).unwrap_or(b)
    {
        errors.push("入党日期早于年满 18 岁".to_owned());
    }
    let standing = match standing.trim() {
        "" | "正式" | "正式党员" => Standing::Full,
        "预备" | "预备党员" => Standing::Probationary,
        s => {
            errors.push(format!("党员类别“{s}”应为 正式 或 预备"));
            Standing::Full
        }
    };
    let post = post.trim();
    let post = match has_post.trim() {
        "有职" | "是" | "有" => {
            if post.is_empty() {
                errors.push("标为有职但没有填写职务".to_owned());
            }
            Some(post.to_owned())
        }
        "无职" | "否" | "无" => {
            if !post.is_empty() {
                errors.push("标为无职却填写了职务".to_owned());
            }
            None
        }
        "" => (!post.is_empty()).then(|| post.to_owned()),
        h => {
            errors.push(format!("“{h}”应为 有职 或 无职"));
            None
        }
    };
    if post.as_ref().is_some_and(|p| p.chars().count() > 30) {
        errors.push("职务最多 30 个字".to_owned());
    }
    if errors.is_empty() {
        Ok(MemberRow {
            branch: branch.to_owned(),
            name: name.to_owned(),
            username,
            phone,
            gender,
            birth_date,
            join_date,
            standing,
            post,
        })
    } else {
        Err(errors)
    }
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
            cell(Column::Branch),
            cell(Column::Name),
            cell(Column::Username),
            cell(Column::Phone),
            cell(Column::Gender),
            cell(Column::Birth),
            cell(Column::Join),
            cell(Column::Standing),
            cell(Column::HasPost),
            cell(Column::Post),
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
            match &mut checked[i].result {
                Ok(_) => checked[i].result = Err(vec![message]),
                Err(e) => e.push(message),
            }
        }
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn dates_are_read_as_people_write_them() {
        let d = NaiveDate::from_ymd_opt(1985, 3, 7);
        for s in [
            "1985-03-07",
            "1985/3/7",
            "1985.3.7",
            "1985年3月7日",
            " 1985-3-7 ",
            "31113",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("1985年3月"), NaiveDate::from_ymd_opt(1985, 3, 1));
        assert_eq!(parse_date("1985-13-01"), None);
        assert_eq!(parse_date("三月"), None);
    }

    #[test]
    fn phones_and_usernames() {
        assert_eq!(parse_phone("138-0013 8000"), Some("13800138000".into()));
        assert_eq!(parse_phone("23800138000"), None);
        assert_eq!(parse_phone("1380013800"), None);
        assert!(valid_username("wang.li_01"));
        assert!(!valid_username("王丽"));
        assert!(!valid_username("ab"));
    }

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
}
