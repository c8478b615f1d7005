//! Who counts as 实到, 请假 and 缺席 at an activity, from the facts the server holds.
//!
//! The rule, in order: a mark the secretary set by hand wins (the latest one); otherwise a
//! check-in makes the member present; otherwise approved leave makes them excused; otherwise
//! they were absent. Excused is never present: leave lowers the participation rate.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceState {
    /// 实到
    Present,
    /// 请假 (approved leave, or excused by hand)
    Excused,
    /// 缺席
    Absent,
}

impl AttendanceState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Excused => "excused",
            Self::Absent => "absent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Present, Self::Excused, Self::Absent]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Present => "实到",
            Self::Excused => "请假",
            Self::Absent => "缺席",
        }
    }
}

/// A mark set by hand. `Auto` takes a previous mark back: the facts decide again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Present,
    Excused,
    Absent,
    Auto,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Excused => "excused",
            Self::Absent => "absent",
            Self::Auto => "auto",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Present, Self::Excused, Self::Absent, Self::Auto]
            .into_iter()
            .find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Present => "标记为实到",
            Self::Excused => "标记为请假",
            Self::Absent => "标记为缺席",
            Self::Auto => "恢复为按签到和请假计算",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveStatus {
    Pending,
    Approved,
    Declined,
}

impl LeaveStatus {
    /// SQL ranks leave requests so one query can pick a member's most favourable one:
    /// `MAX(CASE status WHEN 'approved' THEN 3 WHEN 'pending' THEN 2 ELSE 1 END)`.
    pub fn from_rank(rank: i64) -> Self {
        match rank {
            3 => Self::Approved,
            2 => Self::Pending,
            _ => Self::Declined,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Declined]
            .into_iter()
            .find(|l| l.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待审批",
            Self::Approved => "已批准",
            Self::Declined => "未批准",
        }
    }
}

/// What the server knows about one expected member at one activity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub checked_in: bool,
    /// Whether any of the member's leave requests for the activity was approved.
    pub leave_approved: bool,
    /// The latest mark set by hand, if any.
    pub latest_mark: Option<Mark>,
}

/// The member's state at the activity.
pub fn state(facts: Facts) -> AttendanceState {
    match facts.latest_mark {
        Some(Mark::Present) => AttendanceState::Present,
        Some(Mark::Excused) => AttendanceState::Excused,
        Some(Mark::Absent) => AttendanceState::Absent,
        Some(Mark::Auto) | None if facts.checked_in => AttendanceState::Present,
        Some(Mark::Auto) | None if facts.leave_approved => AttendanceState::Excused,
        Some(Mark::Auto) | None => AttendanceState::Absent,
    }
}

/// A check-in the server received after the latest hand mark that says the member was not
/// there (缺席, or 请假): neither wins silently. The mark still decides the state — a record
/// does not change by itself — and the record, the member's page and the to-do list show the
/// conflict until the secretary marks again (present, or absent after all), which ends it.
pub fn conflict(latest_mark: Option<(Mark, i64)>, checkin_received_at: Option<i64>) -> bool {
    match (latest_mark, checkin_received_at) {
        (Some((Mark::Absent | Mark::Excused, marked_at)), Some(received)) => received > marked_at,
        _ => false,
    }
}

/// What the member's own page says when the record — a hand mark — differs from what their
/// phone knows, so the page and the record say the same.
pub fn member_note(
    checked_in: bool,
    latest_mark: Option<Mark>,
    in_conflict: bool,
) -> Option<&'static str> {
    match latest_mark {
        _ if in_conflict => {
            Some("您的签到在支部书记手动标记之后才到达，本次出席情况待支部书记核实")
        }
        Some(Mark::Absent) => Some("支部书记已将您本次记为缺席"),
        Some(Mark::Excused) => Some("支部书记已将您本次记为请假"),
        Some(Mark::Present) if !checked_in => Some("支部书记已将您本次记为出席"),
        _ => None,
    }
}

/// 应到 / 实到 / 请假 / 缺席 counts of an activity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollCounts {
    pub expected: u32,
    pub present: u32,
    pub excused: u32,
    pub absent: u32,
}

impl RollCounts {
    pub fn of(states: impl IntoIterator<Item = AttendanceState>) -> Self {
        states.into_iter().fold(Self::default(), |mut c, s| {
            c.expected += 1;
            match s {
                AttendanceState::Present => c.present += 1,
                AttendanceState::Excused => c.excused += 1,
                AttendanceState::Absent => c.absent += 1,
            }
            c
        })
    }

    /// For the participation rate: leave is not presence.
    pub fn attendance(&self) -> super::participation::Attendance {
        super::participation::Attendance::new(self.expected, self.present)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn f(checked_in: bool, leave_approved: bool, latest_mark: Option<Mark>) -> Facts {
        Facts {
            checked_in,
            leave_approved,
            latest_mark,
        }
    }

    #[test]
    fn a_check_in_is_presence() {
        assert_eq!(state(f(true, false, None)), AttendanceState::Present);
    }

    #[test]
    fn approved_leave_is_excused_not_present() {
        assert_eq!(state(f(false, true, None)), AttendanceState::Excused);
        let c = RollCounts::of([AttendanceState::Excused, AttendanceState::Present]);
        assert_eq!(
            c.attendance().percent_text(),
            "50.0%",
            "leave lowers the rate"
        );
    }

    #[test]
    fn a_member_who_came_despite_leave_is_present() {
        assert_eq!(state(f(true, true, None)), AttendanceState::Present);
    }

    #[test]
    fn nothing_is_absence() {
        assert_eq!(state(f(false, false, None)), AttendanceState::Absent);
    }

    #[test]
    fn a_hand_mark_wins_and_auto_gives_the_facts_back() {
        assert_eq!(
            state(f(true, false, Some(Mark::Absent))),
            AttendanceState::Absent
        );
        assert_eq!(
            state(f(false, false, Some(Mark::Present))),
            AttendanceState::Present
        );
        assert_eq!(
            state(f(false, false, Some(Mark::Excused))),
            AttendanceState::Excused
        );
        assert_eq!(
            state(f(true, false, Some(Mark::Auto))),
            AttendanceState::Present
        );
        assert_eq!(
            state(f(false, true, Some(Mark::Auto))),
            AttendanceState::Excused
        );
    }

    #[test]
    fn a_check_in_after_a_mark_of_absence_is_a_conflict_not_an_override() {
        let marked = Some((Mark::Absent, 1_000));
        assert!(conflict(marked, Some(1_001)));
        assert!(
            !conflict(marked, Some(1_000)),
            "received with the mark: the mark saw it"
        );
        assert!(
            !conflict(marked, Some(999)),
            "marked after seeing the check-in: decided"
        );
        assert!(!conflict(marked, None));
        assert!(conflict(Some((Mark::Excused, 1_000)), Some(2_000)));
        assert!(
            !conflict(Some((Mark::Present, 1_000)), Some(2_000)),
            "they agree"
        );
        assert!(
            !conflict(Some((Mark::Auto, 1_000)), Some(2_000)),
            "the facts decide"
        );
        assert!(!conflict(None, Some(2_000)));
        assert!(
            member_note(true, Some(Mark::Absent), true)
                .unwrap()
                .contains("待支部书记核实")
        );
        assert_eq!(
            member_note(true, Some(Mark::Absent), false),
            Some("支部书记已将您本次记为缺席")
        );
        assert_eq!(member_note(true, Some(Mark::Present), false), None);
        assert_eq!(
            member_note(false, Some(Mark::Present), false),
            Some("支部书记已将您本次记为出席")
        );
        assert_eq!(member_note(true, None, false), None);
        // The mark still decides the state until the secretary marks again.
        assert_eq!(
            state(f(true, false, Some(Mark::Absent))),
            AttendanceState::Absent
        );
    }

    proptest! {
        #[test]
        fn counts_add_up(states in proptest::collection::vec(0..3u8, 0..60)) {
            let s: Vec<_> = states.iter().map(|&i| [AttendanceState::Present, AttendanceState::Excused, AttendanceState::Absent][i as usize]).collect();
            let c = RollCounts::of(s.clone());
            prop_assert_eq!(c.expected as usize, s.len());
            prop_assert_eq!(c.present + c.excused + c.absent, c.expected);
            prop_assert_eq!(c.attendance().present, c.present);
        }
    }
}
