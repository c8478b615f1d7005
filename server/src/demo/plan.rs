//! The demo school's calendar and people: a deterministic generator, this year's activities of
//! a branch, and its members.

use app::domain::activity::ActivityKind;
use app::domain::time::start_of_day_ms;
use chrono::{Datelike, NaiveDate};
use uuid::{NoContext, Timestamp, Uuid};

pub(super) const SCHOOL: &str = "县第一中学党总支";
/// The bureau above the demo school (a county deployment holds many schools).
pub(super) const BUREAU: &str = "县教育局党委";
pub(super) const BRANCHES: [(&str, usize, u32); 4] = [
    // name, members (secretary included), how often a member comes, in per cent. Last year's
    // rating (`super::rating`): the first is 红旗-eligible, the second far from its target,
    // the third awaits the 总支's approval of evidence, the fourth misses one condition.
    ("第一党支部", 10, 97),
    ("第二党支部", 9, 80),
    ("第三党支部", 11, 95),
    ("第四党支部", 12, 96),
];
pub(super) const SURNAMES: &str =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余";
pub(super) const GIVEN: [&str; 48] = [
    "建国", "秀英", "志强", "丽华", "海燕", "文杰", "晓梅", "国庆", "春兰", "明辉", "红霞", "立新",
    "玉兰", "永刚", "静怡", "德明", "雪梅", "振华", "慧敏", "子涵", "凤英", "少华", "丹", "磊",
    "晨曦", "俊杰", "桂芳", "卫东", "婷婷", "宏伟", "翠萍", "家豪", "淑珍", "天佑", "佳慧", "新民",
    "美玲", "伟", "敏", "勇", "艳", "杰", "娟", "强", "芳", "军", "霞", "涛",
];
pub(super) const THEME_DAY_TOPICS: [&str; 12] = [
    "新春送温暖：走访慰问困难教职工",
    "学习全国两会精神",
    "学雷锋志愿服务进社区",
    "清明祭英烈·传承红色基因",
    "劳动教育实践：校园劳动日",
    "“七一”前夕重温入党誓词",
    "暑期党员家访",
    "师德师风专题学习",
    "庆祝教师节：老党员讲初心",
    "国庆主题：我和我的祖国",
    "党员示范课展示",
    "岁末回眸：支部工作述评",
];
pub(super) const LESSON_TOPICS: [&str; 4] = [
    "书记讲党课：以高质量党建引领学校发展",
    "党的创新理论与立德树人",
    "从党史中汲取教书育人的力量",
    "全面从严治党与廉洁从教",
];
pub(super) const LEAVE_REASONS: [&str; 4] = ["外出参加培训", "病假", "带学生参加比赛", "家中有事"];
pub(super) const PLACES: [&str; 3] = ["党员活动室", "学校会议室", "报告厅"];

/// A small deterministic generator, so the demo is the same on every machine.
pub(super) struct Lcg(pub(super) u64);
impl Lcg {
    pub(super) fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    pub(super) fn percent(&mut self) -> u32 {
        self.next() % 100
    }
}

pub(super) fn v7_at(ms: i64, rng: &mut Lcg) -> Uuid {
    let ms = ms.max(0) as u64;
    // Distinct ids for facts made in the same millisecond.
    let nanos = rng.next() % 1_000_000;
    Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        ms / 1000,
        (ms % 1000) as u32 * 1_000_000 + nanos,
    ))
}

pub(super) fn at(date: NaiveDate, hour: i64, minute: i64) -> i64 {
    start_of_day_ms(date) + (hour * 60 + minute) * 60_000
}

pub(super) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("demo dates exist")
}

pub(super) struct Planned {
    pub(super) kind: ActivityKind,
    pub(super) topic: String,
    pub(super) starts_at: i64,
    pub(super) ends_at: i64,
    pub(super) place: &'static str,
    pub(super) who: Who,
}

/// Who a planned activity is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    Branch,
    /// The committee: the first three members.
    Committee,
    /// One of the branch's two 党小组 (members alternate between them).
    Group(usize),
}

/// One branch's activities of `year` (this year's around `now`: this month's 主题党日 is in
/// progress).
pub(super) fn plan_year(branch_no: usize, year: i32, now: i64) -> Vec<Planned> {
    let today = app::domain::time::date_of(now).expect("now is a valid instant");
    let mut plan = Vec::new();
    for month in 1..=12u32 {
        let offset = branch_no as u32; // branches meet on different days
        let theme_day = if year == today.year() && month == today.month() {
            // This month's 主题党日 is today and in progress, so the demo can be checked in to.
            // On the half hour before now, but never before China's midnight: just after it,
            // "today" has begun and yesterday's activity would not be today's.
            let (midnight, _) = app::domain::time::day_bounds_ms(now);
            let start = ((now - 30 * 60_000) / (30 * 60_000) * (30 * 60_000)).max(midnight);
            Planned {
                kind: ActivityKind::ThemeDay,
                topic: THEME_DAY_TOPICS[month as usize - 1].to_owned(),
                starts_at: start,
                ends_at: start + 3 * 3_600_000,
                place: PLACES[0],
                who: Who::Branch,
            }
        } else {
            let d = date(year, month, 14 + offset);
            Planned {
                kind: ActivityKind::ThemeDay,
                topic: THEME_DAY_TOPICS[month as usize - 1].to_owned(),
                starts_at: at(d, 14, 30),
                ends_at: at(d, 16, 30),
                place: PLACES[0],
                who: Who::Branch,
            }
        };
        plan.push(theme_day);
        let d = date(year, month, 4 + offset);
        plan.push(Planned {
            kind: ActivityKind::Committee,
            topic: format!("{month}月支委会：研究本月党建工作"),
            starts_at: at(d, 16, 40),
            ends_at: at(d, 17, 40),
            place: PLACES[1],
            who: Who::Committee,
        });
        for g in 0..2usize {
            let d = date(year, month, 8 + offset + g as u32);
            plan.push(Planned {
                kind: ActivityKind::GroupMeeting,
                topic: format!("{month}月党小组学习"),
                starts_at: at(d, 16, 40),
                ends_at: at(d, 17, 40),
                place: PLACES[0],
                who: Who::Group(g),
            });
        }
        if month == 1 {
            let d = date(year, 1, 22 + offset);
            plan.push(Planned {
                kind: ActivityKind::LifeMeeting,
                topic: format!("{}年度组织生活会和民主评议党员", year - 1),
                starts_at: at(d, 15, 0),
                ends_at: at(d, 17, 30),
                place: PLACES[1],
                who: Who::Branch,
            });
        }
        let quarter = (month - 1) / 3;
        match (month - 1) % 3 {
            0 => {
                let d = date(year, month, 20 + offset);
                plan.push(Planned {
                    kind: ActivityKind::BranchMeeting,
                    topic: format!(
                        "第{}季度支部党员大会",
                        ["一", "二", "三", "四"][quarter as usize]
                    ),
                    starts_at: at(d, 16, 30),
                    ends_at: at(d, 18, 0),
                    place: PLACES[2],
                    who: Who::Branch,
                });
            }
            1 => {
                let d = date(year, month, 24 + offset);
                plan.push(Planned {
                    kind: ActivityKind::PartyLesson,
                    topic: LESSON_TOPICS[quarter as usize].to_owned(),
                    starts_at: at(d, 15, 0),
                    ends_at: at(d, 16, 30),
                    place: PLACES[2],
                    who: Who::Branch,
                });
            }
            _ => {}
        }
    }
    plan
}

pub(super) struct Person {
    pub(super) id: Uuid,
    pub(super) username: String,
    pub(super) name: String,
    pub(super) role: &'static str,
}

pub(super) const POSTS: [&str; 6] = [
    "语文教研组长",
    "年级组长",
    "班主任",
    "教务处副主任",
    "团委书记",
    "总务主任",
];

pub(super) fn people(
    branch_no: usize,
    size: usize,
    names: &mut impl Iterator<Item = String>,
) -> Vec<Person> {
    (0..size)
        .map(|i| {
            let name = names.next().expect("enough demo names");
            if i == 0 {
                Person {
                    id: Uuid::now_v7(),
                    username: format!("sec{branch_no}"),
                    name,
                    role: "secretary",
                }
            } else {
                Person {
                    id: Uuid::now_v7(),
                    username: format!("m{branch_no}-{i:02}"),
                    name,
                    role: "member",
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_has_the_seeds_cadence() {
        let now = 1_795_759_200_000; // 2026-11-27 14:00 China time
        let plan = plan_year(1, 2026, now);
        assert!(
            plan_year(1, 2025, now).iter().all(|a| a.ends_at < now),
            "last year is over"
        );
        let count = |k| plan.iter().filter(|a| a.kind == k).count();
        assert_eq!(count(ActivityKind::ThemeDay), 12);
        assert_eq!(count(ActivityKind::Committee), 12);
        assert_eq!(count(ActivityKind::BranchMeeting), 4);
        assert_eq!(count(ActivityKind::PartyLesson), 4);
        let today: Vec<_> = plan
            .iter()
            .filter(|a| a.starts_at <= now && now < a.ends_at)
            .collect();
        assert_eq!(today.len(), 1, "exactly one activity is in progress now");
        assert_eq!(today[0].kind, ActivityKind::ThemeDay);
        // Just after China's midnight the activity in progress is today's, not yesterday's.
        let just_after_midnight = 1_796_054_760_000; // 2026-12-01 00:06 China time
        let plan = plan_year(1, 2026, just_after_midnight);
        let (midnight, _) = app::domain::time::day_bounds_ms(just_after_midnight);
        let now_on: Vec<_> = plan
            .iter()
            .filter(|a| a.starts_at <= just_after_midnight && just_after_midnight < a.ends_at)
            .collect();
        assert_eq!(now_on.len(), 1);
        assert!(now_on[0].starts_at >= midnight, "today's, not yesterday's");
    }
}
