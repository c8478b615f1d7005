//! Kinds of 组织生活 (activities) and their names as the users say them.

use serde::{Deserialize, Serialize};

/// The kinds of activity a branch holds (`../shared/domain.md`, "Activities").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// 支部党员大会
    BranchMeeting,
    /// 支部委员会 (committee members only)
    Committee,
    /// 党小组会
    GroupMeeting,
    /// 党课
    PartyLesson,
    /// 主题党日
    ThemeDay,
    /// 组织生活会 / 民主评议党员
    LifeMeeting,
    /// 其他
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 7] = [
        Self::BranchMeeting,
        Self::Committee,
        Self::GroupMeeting,
        Self::PartyLesson,
        Self::ThemeDay,
        Self::LifeMeeting,
        Self::Other,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BranchMeeting => "branch_meeting",
            Self::Committee => "committee",
            Self::GroupMeeting => "group_meeting",
            Self::PartyLesson => "party_lesson",
            Self::ThemeDay => "theme_day",
            Self::LifeMeeting => "life_meeting",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The name on screen.
    pub fn label(self) -> &'static str {
        match self {
            Self::BranchMeeting => "支部党员大会",
            Self::Committee => "支部委员会",
            Self::GroupMeeting => "党小组会",
            Self::PartyLesson => "党课",
            Self::ThemeDay => "主题党日",
            Self::LifeMeeting => "组织生活会",
            Self::Other => "其他活动",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_stored_name() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ActivityKind::parse("meeting"), None);
    }
}
