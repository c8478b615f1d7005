//! The secretary's to-do list: what the rules still ask of the branch, from its records.

use super::activity::ActivityKind;
use super::cadence::{CheckState, Period, RuleCheck};
use super::time::format_date;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Todo {
    pub urgency: Urgency,
    pub text: String,
    /// Where to do it.
    pub href: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// A requirement already missed.
    Missed,
    /// Due in the current period, nothing scheduled yet.
    Due,
    /// Something to complete (minutes, decisions).
    Open,
    /// Due, and already scheduled: just a reminder.
    Scheduled,
}

/// An activity as the to-do list needs it.
pub struct Item<'a> {
    pub id: &'a str,
    pub kind: ActivityKind,
    pub topic: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub has_minutes: bool,
    /// The 党小组 it is for, if one group.
    pub group: Option<&'a str>,
    /// Someone checked in or was marked, or the roll was closed (`cadence::roll_taken`).
    pub roll_taken: bool,
}

fn this(per: Period) -> &'static str {
    match per {
        Period::Month => "本月",
        Period::Quarter => "本季度",
        Period::Year => "今年",
    }
}

/// The line of the 争创活动's phase that `today` falls in: what the branch owes and by when
/// (due within a week or overdue: urgent; else a reminder).
pub fn drive_phase(drive: &super::drive::Drive, today: chrono::NaiveDate) -> Option<Todo> {
    let (_, text, left) = super::drive::owed_today(&drive.at(today), today)?;
    Some(Todo {
        urgency: if left <= 7 {
            Urgency::Due
        } else {
            Urgency::Scheduled
        },
        text,
        href: None,
    })
}

/// The to-do list as of `now`, most urgent first.
pub fn todos(
    checks: &[RuleCheck],
    items: &[Item<'_>],
    pending_leave: usize,
    branch_id: &str,
    now: i64,
) -> Vec<Todo> {
    let mut out = Vec::new();
    for c in checks {
        let kind = c.rule.kind.label();
        let missed: Vec<_> = c
            .periods
            .iter()
            .filter(|p| p.state == CheckState::Missed)
            .collect();
        if !missed.is_empty() {
            let names: Vec<_> = missed.iter().map(|p| p.name.as_str()).collect();
            out.push(Todo {
                urgency: Urgency::Missed,
                text: format!(
                    "{}未达到{}{}次的要求：{}",
                    kind,
                    c.rule.per.label(),
                    c.periods[0].required,
                    names.join("、")
                ),
                href: None,
            });
        }
        if let Some(due) = c.periods.iter().find(|p| p.state == CheckState::Due) {
            // Only what is scheduled before the period ends helps it.
            let upcoming: Vec<_> = items
                .iter()
                .filter(|i| i.kind == c.rule.kind && i.starts_at > now && i.starts_at < due.ends_at)
                .collect();
            let unscheduled: Vec<_> = due
                .short_groups
                .iter()
                .filter(|g| !upcoming.iter().any(|i| i.group == Some(g.id.as_str())))
                .map(|g| g.name.as_str())
                .collect();
            let scheduled = upcoming.iter().map(|i| i.starts_at).min();
            let left = due.required - due.held;
            out.push(match scheduled {
                Some(at) if unscheduled.is_empty() => Todo {
                    urgency: Urgency::Scheduled,
                    text: format!(
                        "{}还需开展{}（已安排在{}）",
                        this(c.rule.per),
                        kind,
                        format_date(at)
                    ),
                    href: None,
                },
                _ => Todo {
                    urgency: Urgency::Due,
                    text: if !unscheduled.is_empty() {
                        format!(
                            "{}还需开展{}：{}",
                            this(c.rule.per),
                            kind,
                            unscheduled.join("、")
                        )
                    } else if due.held == 0 {
                        format!("{}还没有开展{}", this(c.rule.per), kind)
                    } else {
                        format!("{}还需开展{}{}次", this(c.rule.per), kind, left)
                    },
                    href: Some(format!("/branch/{branch_id}/activities/new")),
                },
            });
        }
    }
    for i in items.iter().filter(|i| i.ends_at < now && !i.roll_taken) {
        out.push(Todo {
            urgency: Urgency::Open,
            text: format!(
                "{}“{}”还没有签到或点名，未计入参与率",
                format_date(i.starts_at),
                i.topic
            ),
            href: Some(format!("/activity/{}#roll", i.id)),
        });
    }
    for i in items.iter().filter(|i| i.ends_at < now && !i.has_minutes) {
        out.push(Todo {
            urgency: Urgency::Open,
            text: format!("{}“{}”还没有会议记录", format_date(i.starts_at), i.topic),
            href: Some(format!("/activity/{}#minutes", i.id)),
        });
    }
    if pending_leave > 0 {
        out.push(Todo {
            urgency: Urgency::Open,
            text: format!("{pending_leave} 条请假待审批"),
            href: Some(format!("/branch/{branch_id}#leave-h")),
        });
    }
    out.sort_by_key(|t| t.urgency);
    out
}

/// Check-ins that arrived after a hand mark of 缺席 or 请假 (`attendance::conflict`): the
/// secretary decides by marking again.
pub fn conflicts(activity_id: &str, topic: &str, starts_at: i64, names: &[String]) -> Option<Todo> {
    (!names.is_empty()).then(|| Todo {
        urgency: Urgency::Open,
        text: format!(
            "{}“{}”：{}在被手动标记后又签到了，请核实出席",
            format_date(starts_at),
            topic,
            names.join("、")
        ),
        href: Some(format!("/activity/{activity_id}#roll")),
    })
}

/// Members whose phone reported that its offline store was wiped: check-ins or leave requests
/// saved there before the wipe and not yet sent are gone, and only the member can say which.
pub fn wiped_phones(names: &[String]) -> Option<Todo> {
    (!names.is_empty()).then(|| Todo {
        urgency: Urgency::Open,
        text: format!(
            "{}的手机上的离线数据曾被清除，清除前未同步的签到或请假可能丢失，请与本人核对并按需手动补录",
            names.join("、")
        ),
        href: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cadence::{DEFAULT_RULES, GroupRef, Held, Shape, check};
    use crate::time::parse_local_datetime;

    fn at(s: &str) -> i64 {
        parse_local_datetime(s).unwrap()
    }

    #[test]
    fn the_drive_phase_is_urgent_in_its_last_week() {
        let drive = crate::drive::Drive::seed(2026);
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let t = drive_phase(&drive, day("2026-03-01")).unwrap();
        assert_eq!(t.urgency, Urgency::Scheduled);
        assert!(
            t.text.starts_with("第二阶段（公开承诺）：公开承诺书"),
            "{}",
            t.text
        );
        assert_eq!(
            drive_phase(&drive, day("2026-03-08")).unwrap().urgency,
            Urgency::Due
        );
        assert_eq!(
            drive_phase(&drive, day("2026-03-20")).unwrap().urgency,
            Urgency::Due
        );
        assert_eq!(drive_phase(&drive, day("2027-01-01")), None);
    }

    #[test]
    fn lists_what_is_missing_most_urgent_first() {
        let now = at("2026-03-20T10:00");
        let items = [
            Item {
                id: "a1",
                kind: ActivityKind::ThemeDay,
                topic: "学雷锋",
                starts_at: at("2026-01-15T14:30"),
                ends_at: at("2026-01-15T16:30"),
                has_minutes: false,
                group: None,
                roll_taken: true,
            },
            Item {
                id: "a2",
                kind: ActivityKind::PartyLesson,
                topic: "党课",
                starts_at: at("2026-03-25T15:00"),
                ends_at: at("2026-03-25T16:30"),
                has_minutes: false,
                group: None,
                roll_taken: false,
            },
        ];
        let held: Vec<_> = items
            .iter()
            .filter(|i| i.roll_taken)
            .map(|i| Held {
                kind: i.kind,
                starts_at: i.starts_at,
                group: None,
            })
            .collect();
        let rules = [DEFAULT_RULES[0], DEFAULT_RULES[4]];
        let list = todos(
            &check(&rules, &held, 2026, now, &Shape::default()),
            &items,
            2,
            "b1",
            now,
        );
        let texts: Vec<_> = list.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "主题党日未达到每月1次的要求：2月",
                "本月还没有开展主题党日",
                "1月15日“学雷锋”还没有会议记录",
                "2 条请假待审批",
                "本季度还需开展党课（已安排在3月25日）",
            ]
        );
        assert_eq!(list[1].href.as_deref(), Some("/branch/b1/activities/new"));
        assert_eq!(list[2].href.as_deref(), Some("/activity/a1#minutes"));
    }

    #[test]
    fn conflicts_are_named_for_the_secretary_to_decide() {
        assert_eq!(conflicts("a", "t", at("2026-03-02T10:00"), &[]), None);
        let todo = conflicts("a", "学习", at("2026-03-02T10:00"), &["张三".into()]).unwrap();
        assert_eq!(
            todo.text,
            "3月2日“学习”：张三在被手动标记后又签到了，请核实出席"
        );
        assert_eq!(todo.href.as_deref(), Some("/activity/a#roll"));
    }

    #[test]
    fn wiped_phones_are_named_for_the_secretary_to_check() {
        assert_eq!(wiped_phones(&[]), None);
        let todo = wiped_phones(&["张三".into(), "李四".into()]).unwrap();
        assert_eq!(todo.urgency, Urgency::Open);
        assert!(
            todo.text
                .starts_with("张三、李四的手机上的离线数据曾被清除")
        );
    }

    #[test]
    fn nothing_to_do_is_an_empty_list() {
        let now = at("2026-01-20T10:00");
        let items = [Item {
            id: "a",
            kind: ActivityKind::ThemeDay,
            topic: "t",
            starts_at: at("2026-01-15T14:30"),
            ends_at: at("2026-01-15T16:30"),
            has_minutes: true,
            group: None,
            roll_taken: true,
        }];
        let held = [Held {
            kind: ActivityKind::ThemeDay,
            starts_at: items[0].starts_at,
            group: None,
        }];
        assert!(
            todos(
                &check(&[DEFAULT_RULES[0]], &held, 2026, now, &Shape::default()),
                &items,
                0,
                "b",
                now
            )
            .is_empty()
        );
    }

    fn item<'a>(id: &'a str, kind: ActivityKind, starts: &str, group: Option<&'a str>) -> Item<'a> {
        Item {
            id,
            kind,
            topic: "t",
            starts_at: at(starts),
            ends_at: at(starts) + 3_600_000,
            has_minutes: true,
            group,
            roll_taken: false,
        }
    }

    #[test]
    fn scheduled_counts_only_inside_the_period_still_due() {
        let now = at("2026-03-20T10:00");
        let next_month = [item("a", ActivityKind::ThemeDay, "2026-04-02T14:30", None)];
        let checks = check(&[DEFAULT_RULES[0]], &[], 2026, now, &Shape::default());
        let list = todos(&checks, &next_month, 0, "b", now);
        assert_eq!(list[0].urgency, Urgency::Missed, "January and February");
        assert_eq!(
            list[1].urgency,
            Urgency::Due,
            "April's does not cover March"
        );
        assert_eq!(list[1].text, "本月还没有开展主题党日");
        let this_month = [item("a", ActivityKind::ThemeDay, "2026-03-28T14:30", None)];
        let list = todos(&checks, &this_month, 0, "b", now);
        assert_eq!(list[1].urgency, Urgency::Scheduled);
    }

    #[test]
    fn group_meetings_are_due_per_group() {
        let now = at("2026-03-20T10:00");
        let shape = Shape {
            groups: ["g1", "g2"]
                .map(|id| GroupRef {
                    id: id.into(),
                    name: format!("{id}组"),
                })
                .to_vec(),
            full_members: 0,
        };
        let held = [Held {
            kind: ActivityKind::GroupMeeting,
            starts_at: at("2026-03-02T10:00"),
            group: Some("g1"),
        }];
        let checks = check(&[DEFAULT_RULES[2]], &held, 2026, now, &shape);
        let upcoming = [item(
            "a",
            ActivityKind::GroupMeeting,
            "2026-03-25T10:00",
            Some("g1"),
        )];
        let list = todos(&checks, &upcoming, 0, "b", now);
        let due: Vec<_> = list.iter().filter(|t| t.urgency == Urgency::Due).collect();
        assert_eq!(
            due[0].text, "本月还需开展党小组会：g2组",
            "g1's second meeting is no use to g2"
        );
        let upcoming = [item(
            "a",
            ActivityKind::GroupMeeting,
            "2026-03-25T10:00",
            Some("g2"),
        )];
        let list = todos(&checks, &upcoming, 0, "b", now);
        assert!(list.iter().any(|t| t.urgency == Urgency::Scheduled));
    }

    #[test]
    fn an_ended_activity_without_a_roll_is_to_do() {
        let now = at("2026-03-20T10:00");
        let items = [item("a1", ActivityKind::Other, "2026-03-19T10:00", None)];
        let list = todos(&[], &items, 0, "b", now);
        assert_eq!(list[0].text, "3月19日“t”还没有签到或点名，未计入参与率");
        assert_eq!(list[0].href.as_deref(), Some("/activity/a1#roll"));
        let under_way = [item("a1", ActivityKind::Other, "2026-03-20T09:30", None)];
        assert!(
            todos(&[], &under_way, 0, "b", now).is_empty(),
            "still under way"
        );
    }
}
