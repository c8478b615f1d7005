//! The password policy for accounts that choose their own (an invited member's first password,
//! a new one after a reset): long enough, not the username, not one character repeated, not
//! one of the passwords every guessing list starts with. Problems have a stable code (for a
//! form's redirect) and a message.

/// Why a chosen password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weakness {
    TooShort,
    TooLong,
    Repeated,
    LikeUsername,
    ShortDigits,
    Common,
}

pub const MIN_CHARS: usize = 8;
/// Bounds the work of hashing what a client sends.
pub const MAX_CHARS: usize = 128;
/// A password of digits only must be at least this long.
pub const MIN_DIGITS: usize = 10;

/// Passwords every guessing list tries first (lower case).
const COMMON: [&str; 24] = [
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "password",
    "password1",
    "qwerty123",
    "qwertyui",
    "1qaz2wsx",
    "abc12345",
    "abcd1234",
    "a1234567",
    "aa123456",
    "iloveyou",
    "woaini1314",
    "woaini520",
    "5201314520",
    "11223344",
    "asdfghjk",
    "zxcvbnm123",
    "xingqi2026",
    "dangyuan123",
    "admin123",
    "qwe12345",
];

impl Weakness {
    pub fn code(self) -> &'static str {
        match self {
            Weakness::TooShort => "short",
            Weakness::TooLong => "long",
            Weakness::Repeated => "repeated",
            Weakness::LikeUsername => "username",
            Weakness::ShortDigits => "digits",
            Weakness::Common => "common",
        }
    }

    /// Every weakness, in the order they are judged.
    pub const ALL: [Weakness; 6] = [
        Weakness::TooShort,
        Weakness::TooLong,
        Weakness::Repeated,
        Weakness::LikeUsername,
        Weakness::ShortDigits,
        Weakness::Common,
    ];

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            Weakness::TooShort => "密码至少 8 位。",
            Weakness::TooLong => "密码最多 128 位。",
            Weakness::Repeated => "密码不能是同一个字符的重复。",
            Weakness::LikeUsername => "密码不能与用户名或手机号相同或包含它们。",
            Weakness::ShortDigits => "只用数字的密码至少 10 位；也可以加入字母。",
            Weakness::Common => "这个密码太常见，容易被猜到，请换一个。",
        }
    }
}

/// Why `password` may not be chosen by the account named `names` (its username, phone), if
/// it may not.
pub fn weakness(password: &str, names: &[&str]) -> Option<Weakness> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Some(Weakness::TooShort);
    }
    if chars > MAX_CHARS {
        return Some(Weakness::TooLong);
    }
    let mut it = password.chars();
    let first = it.next()?;
    if it.all(|c| c == first) {
        return Some(Weakness::Repeated);
    }
    let lower = password.to_lowercase();
    if names
        .iter()
        .map(|n| n.trim().to_lowercase())
        .any(|n| n.chars().count() >= 3 && lower.contains(&n))
    {
        return Some(Weakness::LikeUsername);
    }
    if password.chars().all(|c| c.is_ascii_digit()) && chars < MIN_DIGITS {
        return Some(Weakness::ShortDigits);
    }
    if COMMON.contains(&lower.as_str()) {
        return Some(Weakness::Common);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_named() {
        let names = ["m1-01", "13800138000"];
        assert_eq!(weakness("short", &names), Some(Weakness::TooShort));
        assert_eq!(weakness(&"a".repeat(129), &names), Some(Weakness::TooLong));
        assert_eq!(weakness("aaaaaaaa", &names), Some(Weakness::Repeated));
        assert_eq!(weakness("M1-01pass", &names), Some(Weakness::LikeUsername));
        assert_eq!(
            weakness("13800138000", &names),
            Some(Weakness::LikeUsername)
        );
        assert_eq!(weakness("20261130", &names), Some(Weakness::ShortDigits));
        assert_eq!(weakness("Password1", &names), Some(Weakness::Common));
        assert_eq!(weakness("xingqi2026", &names), Some(Weakness::Common));
        assert_eq!(weakness("红旗飘飘五星闪耀", &names), None);
        assert_eq!(weakness("correct horse", &names), None);
        assert_eq!(weakness("2026113012", &names), None, "ten digits");
        for w in Weakness::ALL {
            assert_eq!(Weakness::from_code(w.code()), Some(w));
        }
    }
}
