//! Setting up a school from an empty database: what the set-up form (or `xingqi setup`) must
//! say before anything is written.

use crate::roster::valid_username;

/// The longest name of a school, a 总支 or a person, in characters.
pub const MAX_NAME_CHARS: usize = 60;

/// A checked set-up: the names trimmed, the 总支's name filled in when left empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchoolSetup {
    pub school_name: String,
    /// The 党总支 (or 党委) of the school: the organisation its branches belong to.
    pub committee_name: String,
    pub admin_name: String,
    pub admin_username: String,
    /// An education bureau (教育局) rather than a school: `school_name` is the bureau's name,
    /// its first admin is the bureau's, and it adds its schools itself.
    pub bureau: bool,
}

/// Why a set-up form is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupError {
    SchoolName,
    CommitteeName,
    AdminName,
    Username,
}

impl SetupError {
    pub const ALL: [SetupError; 4] = [
        SetupError::SchoolName,
        SetupError::CommitteeName,
        SetupError::AdminName,
        SetupError::Username,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SetupError::SchoolName => "school",
            SetupError::CommitteeName => "committee",
            SetupError::AdminName => "admin_name",
            SetupError::Username => "username",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            SetupError::SchoolName => "请填写学校名称（最多 60 字）。",
            SetupError::CommitteeName => "党组织名称最多 60 字。",
            SetupError::AdminName => "请填写管理员姓名（最多 60 字）。",
            SetupError::Username => "用户名为 3–32 位字母、数字或 . _ -。",
        }
    }
}

/// A name of a school, an organisation or a person: trimmed, not empty, at most
/// [`MAX_NAME_CHARS`] characters, no control characters.
pub fn checked_name(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s.chars().count() <= MAX_NAME_CHARS && !s.chars().any(char::is_control))
        .then(|| s.to_owned())
}

/// Checks a set-up. An empty 总支 name becomes "<school>党总支".
pub fn check_setup(
    school_name: &str,
    committee_name: &str,
    admin_name: &str,
    admin_username: &str,
) -> Result<SchoolSetup, SetupError> {
    let school_name = checked_name(school_name).ok_or(SetupError::SchoolName)?;
    let committee_name = match committee_name.trim() {
        "" => format!("{school_name}党总支"),
        c => checked_name(c).ok_or(SetupError::CommitteeName)?,
    };
    let admin_name = checked_name(admin_name).ok_or(SetupError::AdminName)?;
    let admin_username = admin_username.trim();
    if !valid_username(admin_username) {
        return Err(SetupError::Username);
    }
    Ok(SchoolSetup {
        school_name,
        committee_name,
        admin_name,
        admin_username: admin_username.to_owned(),
        bureau: false,
    })
}

/// Checks the set-up of an education bureau (a county deployment). An empty 党组织 name
/// becomes "<bureau>党委".
pub fn check_bureau_setup(
    bureau_name: &str,
    committee_name: &str,
    admin_name: &str,
    admin_username: &str,
) -> Result<SchoolSetup, SetupError> {
    let mut setup = check_setup(bureau_name, committee_name, admin_name, admin_username)?;
    if committee_name.trim().is_empty() {
        setup.committee_name = format!("{}党委", setup.school_name);
    }
    setup.bureau = true;
    Ok(setup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_up_is_trimmed_and_the_committee_named_after_the_school() {
        let s = check_setup(" 城关第一中学 ", "", "王老师", " admin ").unwrap();
        assert_eq!(s.school_name, "城关第一中学");
        assert_eq!(s.committee_name, "城关第一中学党总支");
        assert_eq!(s.admin_name, "王老师");
        assert_eq!(s.admin_username, "admin");
        let s = check_setup("城关第一中学", "中共城关第一中学委员会", "王老师", "admin").unwrap();
        assert_eq!(s.committee_name, "中共城关第一中学委员会");
    }

    #[test]
    fn a_bureau_is_named_with_its_party_committee() {
        let s = check_bureau_setup("城关县教育局", "", "李局", "bureau").unwrap();
        assert!(s.bureau);
        assert_eq!(s.committee_name, "城关县教育局党委");
        assert!(!check_setup("一中", "", "王", "admin").unwrap().bureau);
        assert_eq!(
            check_bureau_setup("", "", "李局", "bureau"),
            Err(SetupError::SchoolName)
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let long = "校".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(
            check_setup("  ", "", "王", "admin"),
            Err(SetupError::SchoolName)
        );
        assert_eq!(
            check_setup(&long, "", "王", "admin"),
            Err(SetupError::SchoolName)
        );
        assert_eq!(
            check_setup("一中", &long, "王", "admin"),
            Err(SetupError::CommitteeName)
        );
        assert_eq!(
            check_setup("一中", "", "", "admin"),
            Err(SetupError::AdminName)
        );
        assert_eq!(
            check_setup("一中", "", "王\u{7}", "admin"),
            Err(SetupError::AdminName)
        );
        for bad in ["ab", "有中文", "a b c", &"a".repeat(33)] {
            assert_eq!(
                check_setup("一中", "", "王", bad),
                Err(SetupError::Username),
                "{bad}"
            );
        }
        // Exactly the longest name is taken.
        assert!(check_setup(&"校".repeat(MAX_NAME_CHARS), "", "王", "admin").is_ok());
        for e in SetupError::ALL {
            assert_eq!(SetupError::from_code(e.code()), Some(e));
        }
    }
}
