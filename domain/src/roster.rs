//! The roster (党员名册): a member's fields as text — a row of an imported file
//! (`crate::import`) or what the add/edit form sends — checked into a member. Pure, so every
//! rule is tested here.

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
    /// When a probationary member became a full one (转正日期).
    #[serde(default)]
    pub full_date: Option<NaiveDate>,
    /// Their seat on the branch committee (支委), if any.
    #[serde(default)]
    pub committee: Option<CommitteeRole>,
    /// Their 党小组 as written, matched against the branch's groups by the import.
    #[serde(default)]
    pub group: Option<String>,
    /// 教职工: a member of the school's staff (not retired, not from outside). Members
    /// recruited from the staff count towards the rating's recruitment indicator.
    #[serde(default = "yes")]
    pub staff: bool,
}

fn yes() -> bool {
    true
}

/// A seat on the branch committee (支部委员会).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeRole {
    /// 书记
    Secretary,
    /// 副书记
    Deputy,
    /// 委员 (组织委员, 宣传委员, 纪检委员, …)
    Member,
}

impl CommitteeRole {
    pub const ALL: [Self; 3] = [Self::Secretary, Self::Deputy, Self::Member];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Secretary => "secretary",
            Self::Deputy => "deputy",
            Self::Member => "member",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Secretary => "书记",
            Self::Deputy => "副书记",
            Self::Member => "委员",
        }
    }
    /// Reads a committee seat as a roster writes it: 书记, 副书记, 委员 or any …委员 (组织委员),
    /// 支委; empty, 无, 否 or — for none. `Err` says why a text cannot be read.
    pub fn read(s: &str) -> Result<Option<Self>, String> {
        match s.trim() {
            "" | "无" | "否" | "-" | "—" | "/" => Ok(None),
            "书记" | "支部书记" => Ok(Some(Self::Secretary)),
            "副书记" | "支部副书记" => Ok(Some(Self::Deputy)),
            "委员" | "支委" | "支部委员" | "true" => Ok(Some(Self::Member)),
            t if t.ends_with("委员") && t.chars().count() <= 8 => Ok(Some(Self::Member)),
            t => Err(format!(
                "支委职务“{t}”应为 书记、副书记 或 委员（不是支委请留空）"
            )),
        }
    }
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

/// One member's fields as text, as a roster row or the member form gives them. Empty is
/// "not given".
#[derive(Clone, Copy, Debug, Default)]
pub struct MemberCells<'a> {
    pub branch: &'a str,
    pub name: &'a str,
    pub username: &'a str,
    pub phone: &'a str,
    pub gender: &'a str,
    pub birth: &'a str,
    pub join: &'a str,
    pub standing: &'a str,
    /// 转正日期
    pub full: &'a str,
    /// 有职 / 无职
    pub has_post: &'a str,
    pub post: &'a str,
    /// 书记 / 副书记 / 委员
    pub committee: &'a str,
    pub group: &'a str,
    /// 是 / 否 (教职工)
    pub staff: &'a str,
}

/// The fields of one member, as text, checked. `today` bounds the dates.
pub fn check_member(c: &MemberCells<'_>, today: NaiveDate) -> Result<MemberRow, Vec<String>> {
    let mut errors = Vec::new();
    let name = c.name.trim();
    if name.is_empty() {
        errors.push("缺少姓名".to_owned());
    } else if name.chars().count() > 20 {
        errors.push("姓名最多 20 个字".to_owned());
    }
    let branch = c.branch.trim();
    if branch.is_empty() {
        errors.push("缺少所在支部".to_owned());
    }
    let phone = match c.phone.trim() {
        "" => None,
        p => match parse_phone(p) {
            Some(p) => Some(p),
            None => {
                errors.push(format!("手机号“{p}”不是 11 位手机号码"));
                None
            }
        },
    };
    let username = match (c.username.trim(), &phone) {
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
    let gender = match c.gender.trim() {
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
    let birth_date = date("出生日期", c.birth);
    let join_date = date("入党日期", c.join);
    let full_date = date("转正日期", c.full);
    if let (Some(b), Some(j)) = (birth_date, join_date)
        && j < b.with_year(b.year() + 18).unwrap_or(b)
    {
        errors.push("入党日期早于年满 18 岁".to_owned());
    }
    let standing = match (c.standing.trim(), full_date) {
        ("", Some(_)) => Standing::Full,
        ("" | "正式" | "正式党员", _) => Standing::Full,
        ("预备" | "预备党员", _) => Standing::Probationary,
        (s, _) => {
            errors.push(format!("党员类别“{s}”应为 正式 或 预备"));
            Standing::Full
        }
    };
    if let Some(f) = full_date {
        if standing == Standing::Probationary {
            errors.push("预备党员还没有转正，转正日期应留空".to_owned());
        }
        if join_date.is_some_and(|j| f <= j) {
            errors.push("转正日期应晚于入党日期".to_owned());
        }
    }
    let post = c.post.trim();
    let post = match c.has_post.trim() {
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
    let committee = CommitteeRole::read(c.committee).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if committee.is_some() && standing == Standing::Probationary {
        errors.push("预备党员没有被选举权，不能担任支部委员".to_owned());
    }
    let group = Some(c.group.trim()).filter(|g| !g.is_empty() && *g != "无");
    if group.is_some_and(|g| g.chars().count() > 20) {
        errors.push("党小组名称最多 20 个字".to_owned());
    }
    let staff = match c.staff.trim() {
        "" | "是" | "教职工" | "在职" | "在职教职工" => true,
        "否" | "非教职工" | "退休" | "离退休" => false,
        s => {
            errors.push(format!("是否教职工“{s}”应为 是 或 否"));
            true
        }
    };
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
            full_date,
            committee,
            group: group.map(str::to_owned),
            staff,
        })
    } else {
        Err(errors)
    }
}

/// How far back a move to another branch (组织关系转接) may be dated: the paperwork of a
/// transfer often arrives weeks after the member left.
pub const MOVE_BACK_DAYS: u64 = 90;

/// The date a move takes effect, as the form gives it: a day no later than `today` and at most
/// [`MOVE_BACK_DAYS`] before it.
pub fn check_move_date(s: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = parse_date(s).ok_or_else(|| format!("转接日期“{}”无法识别", s.trim()))?;
    if date > today {
        return Err("转接日期不能晚于今天：请到那天再办理".into());
    }
    let earliest = today
        .checked_sub_days(chrono::Days::new(MOVE_BACK_DAYS))
        .unwrap_or(today);
    if date < earliest {
        return Err(format!(
            "转接日期最多可往前补 {MOVE_BACK_DAYS} 天（最早 {earliest}）"
        ));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_move_is_dated_today_or_up_to_ninety_days_back() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(check_move_date("2026-11-30", today), Ok(today));
        let earliest = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        assert_eq!(
            check_move_date("2026-09-01", today),
            Ok(earliest),
            "exactly 90 days"
        );
        assert!(
            check_move_date("2026-08-31", today)
                .unwrap_err()
                .contains("最早 2026-09-01")
        );
        assert!(
            check_move_date("2026-12-01", today)
                .unwrap_err()
                .contains("不能晚于今天")
        );
        assert!(
            check_move_date("下周", today)
                .unwrap_err()
                .contains("无法识别")
        );
    }
}
