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

/// Longest public feedback, and shortest.
pub const MAX_FEEDBACK_CHARS: usize = 500;
pub const MIN_FEEDBACK_CHARS: usize = 5;
/// A feedback form is refused when sent sooner than this after the page was served (a script,
/// not a person typing) or later than [`STAMP_MAX_AGE_MS`] (a stale or replayed form).
pub const STAMP_MIN_AGE_MS: i64 = 3_000;
pub const STAMP_MAX_AGE_MS: i64 = 24 * 3_600_000;

/// Public feedback, trimmed and checked against what spam looks like without any outside
/// service: a length a person writes, at most one link, not one character repeated, not a
/// wall of Latin letters on a Chinese page. Returns the text or why it is refused.
pub fn feedback_checked(body: &str) -> Result<String, String> {
    let body = body.trim();
    let chars = body.chars().count();
    if !(MIN_FEEDBACK_CHARS..=MAX_FEEDBACK_CHARS).contains(&chars) {
        return Err(format!(
            "留言请写 {MIN_FEEDBACK_CHARS} 至 {MAX_FEEDBACK_CHARS} 字"
        ));
    }
    let lower = body.to_lowercase();
    let links = lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower.matches("www.").count();
    if links > 1 {
        return Err("留言中最多包含一个链接".into());
    }
    let mut distinct: Vec<char> = body.chars().filter(|c| !c.is_whitespace()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 3 {
        return Err("留言内容无效".into());
    }
    let han = body
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    let latin = body.chars().filter(char::is_ascii_alphabetic).count();
    if han == 0 && latin > 40 {
        return Err("请用中文留言".into());
    }
    Ok(body.to_owned())
}

/// Whether a form served at `issued_ms` may be sent at `now`, or why not.
pub fn stamp_age_ok(issued_ms: i64, now: i64) -> Result<(), String> {
    let age = now - issued_ms;
    if age < STAMP_MIN_AGE_MS {
        return Err("提交太快了，请稍等几秒再提交".into());
    }
    if age > STAMP_MAX_AGE_MS {
        return Err("页面已过期，请刷新后重新填写".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_that_looks_like_spam_is_refused_with_the_reason() {
        assert_eq!(
            feedback_checked("  希望多开展家校共建活动。 ").unwrap(),
            "希望多开展家校共建活动。"
        );
        assert!(feedback_checked("好").unwrap_err().contains("5 至 500"));
        assert!(feedback_checked(&"很".repeat(501)).is_err());
        assert!(feedback_checked(&"谢谢老师".repeat(125)).is_ok());
        let two_links = "看这里 http://a.example 和 https://b.example";
        assert!(
            feedback_checked(two_links)
                .unwrap_err()
                .contains("一个链接")
        );
        assert!(feedback_checked("见 https://a.example 的通知").is_ok());
        assert!(
            feedback_checked("啊啊啊啊啊啊")
                .unwrap_err()
                .contains("无效")
        );
        let latin = "buy cheap watches online now best prices guaranteed today";
        assert!(feedback_checked(latin).unwrap_err().contains("中文"));
        assert!(feedback_checked("OK, 谢谢老师们的付出 and 辛苦").is_ok());
    }

    #[test]
    fn a_form_sent_too_soon_or_too_late_is_refused() {
        let t = 1_000_000_000;
        assert!(stamp_age_ok(t, t + 2_999).is_err());
        assert!(stamp_age_ok(t, t + 3_000).is_ok());
        assert!(stamp_age_ok(t, t + STAMP_MAX_AGE_MS).is_ok());
        assert!(stamp_age_ok(t, t + STAMP_MAX_AGE_MS + 1).is_err());
        assert!(stamp_age_ok(t, t - 1).is_err(), "from the future");
    }

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
