//! The grades and levels the registers hold: annual evaluations, assessments, honours.

use serde::{Deserialize, Serialize};

/// 班子年度测评, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evaluation {
    Poor,
    Fair,
    Good,
    Excellent,
}

/// A committee member's annual 考核.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    Incompetent,
    BasicallyCompetent,
    Competent,
    Excellent,
}

/// The level of the body that gave an honour (表彰).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HonourLevel {
    School,
    County,
    City,
    Province,
    National,
}

macro_rules! names {
    ($t:ty { $($v:ident => $key:literal, $label:literal),+ $(,)? }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$(<$t>::$v),+];
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $key),+ }
            }
            pub fn label(self) -> &'static str {
                match self { $(<$t>::$v => $label),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s || v.label() == s)
            }
        }
    };
}

names!(Evaluation {
    Excellent => "excellent", "优秀",
    Good => "good", "良好",
    Fair => "fair", "一般",
    Poor => "poor", "差",
});

names!(Assessment {
    Excellent => "excellent", "优秀",
    Competent => "competent", "称职",
    BasicallyCompetent => "basically_competent", "基本称职",
    Incompetent => "incompetent", "不称职",
});

names!(HonourLevel {
    National => "national", "国家级",
    Province => "province", "省级",
    City => "city", "市级",
    County => "county", "县级",
    School => "school", "校级",
});
