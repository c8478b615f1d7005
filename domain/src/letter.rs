//! The commitment letter (承诺书) a branch or 总支 publishes "向社会进行公开承诺，接受群众监督":
//! its states on the way to the public, and what a letter may hold.

use serde::{Deserialize, Serialize};

pub const MAX_TITLE_CHARS: usize = 60;
pub const MAX_BODY_CHARS: usize = 5000;

/// Where a letter stands. A change to a published letter is a new draft; the public page keeps
/// showing the last published version (and the earlier ones, as its history) until the new one
/// is approved and published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterState {
    Draft,
    Submitted,
    Returned,
    /// Approved by the 总支, not yet public.
    Approved,
    Published,
}

impl LetterState {
    pub fn key(self) -> &'static str {
        match self {
            LetterState::Draft => "draft",
            LetterState::Submitted => "submitted",
            LetterState::Returned => "returned",
            LetterState::Approved => "approved",
            LetterState::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<LetterState> {
        [
            LetterState::Draft,
            LetterState::Submitted,
            LetterState::Returned,
            LetterState::Approved,
            LetterState::Published,
        ]
        .into_iter()
        .find(|k| k.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            LetterState::Draft => "草稿",
            LetterState::Submitted => "已提交，待审批",
            LetterState::Returned => "已退回修改",
            LetterState::Approved => "已审批，待公开",
            LetterState::Published => "已公开",
        }
    }
}

/// A letter's title and text, trimmed and checked, or what to fix.
pub fn checked(title: &str, body: &str) -> Result<(String, String), String> {
    let (title, body) = (title.trim(), body.trim());
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(format!("请填写承诺书标题（最多 {MAX_TITLE_CHARS} 字）"));
    }
    if body.is_empty() || body.chars().count() > MAX_BODY_CHARS {
        return Err(format!("请填写承诺内容（最多 {MAX_BODY_CHARS} 字）"));
    }
    Ok((title.to_owned(), body.to_owned()))
}

/// The seed's shape of a letter for `org_name`'s `year`, to start from.
pub fn seed(org_name: &str, year: i32) -> (String, String) {
    (
        format!("{org_name}{year}年度“创五星、争红旗”晋位升级承诺书"),
        format!(
            "为深入开展“创五星、争红旗”晋位升级活动，{org_name}郑重承诺：\n\
             一、抓创新促发展：……\n二、抓队伍强素质：……\n三、抓规范建机制、抓保障强基础：……\n\
             四、抓品牌树形象：……\n\n欢迎广大教职工、家长和社会各界监督。"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_needs_a_title_and_text_within_bounds() {
        assert_eq!(
            checked(" 承诺书 ", " 我们承诺 ").unwrap(),
            ("承诺书".to_owned(), "我们承诺".to_owned())
        );
        assert!(checked("", "x").unwrap_err().contains("标题"));
        assert!(checked("x", "  ").unwrap_err().contains("承诺内容"));
        assert!(checked(&"长".repeat(61), "x").is_err());
        assert!(checked("x", &"长".repeat(5000)).is_ok());
        assert!(checked("x", &"长".repeat(5001)).is_err());
        let (title, body) = seed("第一党支部", 2026);
        assert!(checked(&title, &body).is_ok());
    }

    #[test]
    fn states_round_trip() {
        for s in ["draft", "submitted", "returned", "approved", "published"] {
            assert_eq!(LetterState::parse(s).map(LetterState::key), Some(s));
        }
        assert_eq!(LetterState::parse("x"), None);
    }
}
