//! The demo school, modelled on the seed plan: a 党总支 with four branches (第一…第四党支部),
//! 8–12 members each with a secretary, a school admin, and this year's activities — a 主题党日
//! every month (this month's is today, in progress), a 支委会 every month, a 党员大会 and a 党课
//! every quarter — with realistic attendance for those already held.

use app::auth::server::{Password, hash_password};
use app::db::{Db, now_ms};
use app::domain::activity::ActivityKind;
use app::domain::time::{start_of_day_ms, year_of};
use chrono::{Datelike, NaiveDate};
use sqlx::Row;
use std::net::SocketAddr;
use uuid::{NoContext, Timestamp, Uuid};

const SCHOOL: &str = "县第一中学党总支";
const BRANCHES: [(&str, usize, u32); 4] = [
    // name, members (secretary included), how often a member comes, in per cent
    ("第一党支部", 10, 96),
    ("第二党支部", 9, 84),
    ("第三党支部", 11, 87),
    ("第四党支部", 12, 94),
];
const SURNAMES: &str =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余";
const GIVEN: [&str; 48] = [
    "建国", "秀英", "志强", "丽华", "海燕", "文杰", "晓梅", "国庆", "春兰", "明辉", "红霞", "立新",
    "玉兰", "永刚", "静怡", "德明", "雪梅", "振华", "慧敏", "子涵", "凤英", "少华", "丹", "磊",
    "晨曦", "俊杰", "桂芳", "卫东", "婷婷", "宏伟", "翠萍", "家豪", "淑珍", "天佑", "佳慧", "新民",
    "美玲", "伟", "敏", "勇", "艳", "杰", "娟", "强", "芳", "军", "霞", "涛",
];
const THEME_DAY_TOPICS: [&str; 12] = [
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
const LESSON_TOPICS: [&str; 4] = [
    "书记讲党课：以高质量党建引领学校发展",
    "党的创新理论与立德树人",
    "从党史中汲取教书育人的力量",
    "全面从严治党与廉洁从教",
];
const LEAVE_REASONS: [&str; 4] = ["外出参加培训", "病假", "带学生参加比赛", "家中有事"];
const PLACES: [&str; 3] = ["党员活动室", "学校会议室", "报告厅"];

/// Who the demo can sign in as.
pub struct DemoReport {
    pub created: bool,
    pub password: String,
    pub accounts: Vec<(String, String, String)>,
}

impl DemoReport {
    pub fn print(&self, addr: SocketAddr) {
        if !self.created {
            println!("演示数据已存在，未重新生成。");
        }
        println!("\n  星旗演示  http://{addr}\n");
        println!("  {:<10} {:<14} 身份", "用户名", "姓名");
        for (username, name, role) in &self.accounts {
            println!("  {username:<12} {name:<12} {role}");
        }
        println!("\n  以上账号的密码都是：{}\n", self.password);
    }
}

/// A small deterministic generator, so the demo is the same on every machine.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    fn percent(&mut self) -> u32 {
        self.next() % 100
    }
}

fn v7_at(ms: i64, rng: &mut Lcg) -> Uuid {
    let ms = ms.max(0) as u64;
    // Distinct ids for facts made in the same millisecond.
    let nanos = rng.next() % 1_000_000;
    Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        ms / 1000,
        (ms % 1000) as u32 * 1_000_000 + nanos,
    ))
}

fn at(date: NaiveDate, hour: i64, minute: i64) -> i64 {
    start_of_day_ms(date) + (hour * 60 + minute) * 60_000
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("demo dates exist")
}

struct Planned {
    kind: ActivityKind,
    topic: String,
    starts_at: i64,
    ends_at: i64,
    place: &'static str,
    who: Who,
}

/// Who a planned activity is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Branch,
    /// The committee: the first three members.
    Committee,
    /// One of the branch's two 党小组 (members alternate between them).
    Group(usize),
}

/// This year's activities of one branch, around `now`.
fn plan_year(branch_no: usize, now: i64) -> Vec<Planned> {
    let year = year_of(now);
    let today = app::domain::time::date_of(now).expect("now is a valid instant");
    let mut plan = Vec::new();
    for month in 1..=12u32 {
        let offset = branch_no as u32; // branches meet on different days
        let theme_day = if year == today.year() && month == today.month() {
            // This month's 主题党日 is today and in progress, so the demo can be checked in to.
            let start = (now - 30 * 60_000) / (30 * 60_000) * (30 * 60_000);
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

struct Person {
    id: Uuid,
    username: String,
    name: String,
    role: &'static str,
}

const POSTS: [&str; 6] = [
    "语文教研组长",
    "年级组长",
    "班主任",
    "教务处副主任",
    "团委书记",
    "总务主任",
];

fn people(branch_no: usize, size: usize, names: &mut impl Iterator<Item = String>) -> Vec<Person> {
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

/// Fills an empty database with the demo school; leaves a database with any data alone.
pub async fn seed_if_empty(db: &Db, password: &str) -> anyhow::Result<DemoReport> {
    let existing: i64 = sqlx::query("SELECT COUNT(*) AS n FROM organisations")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    let mut report = DemoReport {
        created: existing == 0,
        password: password.to_owned(),
        accounts: Vec::new(),
    };
    if existing > 0 {
        let rows =
            sqlx::query("SELECT username, display_name, role FROM users ORDER BY role, username")
                .fetch_all(db.pool())
                .await?;
        for r in rows {
            let role: String = r.try_get("role")?;
            if role != "member" || report.accounts.iter().filter(|a| a.2 == "党员").count() < 2 {
                report.accounts.push((
                    r.try_get("username")?,
                    r.try_get("display_name")?,
                    role_label(&role),
                ));
            }
        }
        return Ok(report);
    }
    let now = now_ms();
    seed(db, password, now, &mut report).await?;
    seed_survey(db, now).await?;
    Ok(report)
}

/// A satisfaction survey of the first branch, open now, with answers already in through
/// one-time codes — given through the same path a respondent's phone uses.
async fn seed_survey(db: &Db, now: i64) -> anyhow::Result<()> {
    use app::domain::ballot::{Audience, Definition};
    use app::survey::server::{
        Credential, Submission, create_campaign, create_invites, submit, unused_invites,
    };
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.org_id, o.name FROM users u \
         JOIN organisations o ON o.id = u.org_id WHERE u.username = 'sec1'",
    )
    .fetch_one(db.pool())
    .await?;
    let secretary = app::auth::CurrentUser {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: app::domain::role::Role::Secretary,
        org_id: row.try_get("org_id")?,
        org_name: row.try_get("name")?,
    };
    let day = |offset: i64| {
        app::domain::time::date_of(now + offset * 86_400_000)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let campaign = app::survey::NewCampaign {
        org_id: secretary.org_id.clone(),
        title: "党组织和支部书记满意度测评".into(),
        period: format!("{}年度", app::domain::time::year_of(now)),
        opens_on: day(-7),
        closes_on: day(14),
        definition: Definition::seed(&secretary.org_name),
        open_link: true,
    };
    let id = create_campaign(db, &secretary, &campaign, now).await?;
    let mut rng = Lcg(4_095);
    for (audience, issued, answered) in [
        (Audience::Members, 12, 9),
        (Audience::Staff, 40, 26),
        (Audience::Parents, 80, 47),
    ] {
        create_invites(db, &secretary, &id, audience, issued).await?;
        let (_, slips) = unused_invites(db, &secretary, &id).await?;
        let codes = slips
            .into_iter()
            .filter(|s| s.audience == audience)
            .take(answered);
        for slip in codes {
            let pick = |rng: &mut Lcg| match rng.percent() {
                0..=71 => 0,
                72..=91 => 1,
                92..=96 => 2,
                _ => 3,
            };
            let choices = [
                ("org".to_owned(), pick(&mut rng)),
                ("secretary".to_owned(), pick(&mut rng)),
            ]
            .into_iter()
            .collect();
            let answer = Submission {
                id: Uuid::now_v7(),
                campaign_id: id.clone(),
                version: 1,
                credential: Credential::Code(slip.code),
                audience: None,
                choices,
                comment: None,
            };
            submit(db, &answer, now).await?;
        }
    }
    Ok(())
}

fn role_label(role: &str) -> String {
    app::domain::role::Role::parse(role)
        .map_or("?", |r| r.label())
        .to_owned()
}

async fn seed(db: &Db, password: &str, now: i64, report: &mut DemoReport) -> anyhow::Result<()> {
    // Every demo account has the same password, so one hash serves them all.
    let hash = hash_password(Password::new(password)).await?;
    let mut rng = Lcg(20_261_127);
    let mut names = SURNAMES
        .chars()
        .cycle()
        .zip(GIVEN.iter().cycle())
        .map(|(s, g)| format!("{s}{g}"));
    let mut tx = db.begin_write().await?;
    let school = Uuid::now_v7();
    sqlx::query("INSERT INTO organisations (id, parent_id, kind, name, sort_order) VALUES ($1, NULL, 'school', $2, 0)")
        .bind(school.to_string())
        .bind(SCHOOL)
        .execute(&mut *tx)
        .await?;
    let insert_user = "INSERT INTO users (id, org_id, username, display_name, password_hash, role, active, created_at, \
                         committee, group_id, gender, birth_date, join_date, standing, post) \
                       VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11, $12, $13, $14)";
    sqlx::query(insert_user)
        .bind(Uuid::now_v7().to_string())
        .bind(school.to_string())
        .bind("admin")
        .bind("总支管理员")
        .bind(&hash)
        .bind("admin")
        .bind(now)
        .bind(0)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind("full")
        .bind(None::<String>)
        .execute(&mut *tx)
        .await?;
    report
        .accounts
        .push(("admin".into(), "总支管理员".into(), role_label("admin")));
    for (no, (branch_name, size, turnout)) in BRANCHES.iter().enumerate() {
        let branch_no = no + 1;
        let branch = Uuid::now_v7();
        sqlx::query("INSERT INTO organisations (id, parent_id, kind, name, sort_order) VALUES ($1, $2, 'branch', $3, $4)")
            .bind(branch.to_string())
            .bind(school.to_string())
            .bind(*branch_name)
            .bind(branch_no as i32)
            .execute(&mut *tx)
            .await?;
        // Two 党小组 per branch.
        let groups = [Uuid::now_v7(), Uuid::now_v7()];
        for (g, name) in groups.iter().zip(["第一党小组", "第二党小组"]) {
            sqlx::query("INSERT INTO organisations (id, parent_id, kind, name, sort_order) VALUES ($1, $2, 'group', $3, 0)")
                .bind(g.to_string())
                .bind(branch.to_string())
                .bind(name)
                .execute(&mut *tx)
                .await?;
        }
        let members = people(branch_no, *size, &mut names);
        for (i, p) in members.iter().enumerate() {
            let born = 1965 + (rng.next() % 33) as i32;
            let joined = (born + 22 + (rng.next() % 12) as i32).min(year_of(now) - 1);
            sqlx::query(insert_user)
                .bind(p.id.to_string())
                .bind(branch.to_string())
                .bind(&p.username)
                .bind(&p.name)
                .bind(&hash)
                .bind(p.role)
                .bind(now)
                // The secretary and the next two members form the branch committee.
                .bind(i32::from(i < 3))
                .bind(groups[i % 2].to_string())
                .bind(if rng.next() % 5 < 3 { "female" } else { "male" })
                .bind(format!(
                    "{born}-{:02}-{:02}",
                    1 + rng.next() % 12,
                    1 + rng.next() % 28
                ))
                .bind(format!("{joined}-07-01"))
                .bind(if i + 1 == *size {
                    "probationary"
                } else {
                    "full"
                })
                .bind((i % 3 != 2).then(|| POSTS[i % POSTS.len()].to_owned()))
                .execute(&mut *tx)
                .await?;
            if i < 2 {
                report.accounts.push((
                    p.username.clone(),
                    format!("{}（{branch_name}）", p.name),
                    role_label(p.role),
                ));
            }
        }
        for a in plan_year(branch_no, now) {
            let id = v7_at(a.starts_at - 7 * 24 * 3_600_000, &mut rng);
            sqlx::query(
                "INSERT INTO activities (id, org_id, kind, topic, starts_at, ends_at, place, status, created_at, \
                   chair, recorder, audience, proof_secret, minutes, audience_group) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'scheduled', $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(id.to_string())
            .bind(branch.to_string())
            .bind(a.kind.as_str())
            .bind(&a.topic)
            .bind(a.starts_at)
            .bind(a.ends_at)
            .bind(a.place)
            .bind(a.starts_at - 7 * 24 * 3_600_000)
            .bind(&members[0].name)
            .bind(&members[1].name)
            .bind(match a.who {
                Who::Branch => "branch",
                Who::Committee => "committee",
                Who::Group(_) => "group",
            })
            .bind(app::activity::server::new_proof_secret())
            // Most activities already over have their minutes; a few are left for the to-do list.
            .bind(if a.ends_at < now && rng.percent() < 85 { format!("{}：按议程开展，与会党员进行了交流发言。", a.topic) } else { String::new() })
            .bind(match a.who {
                Who::Group(g) => Some(groups[g].to_string()),
                _ => None,
            })
            .execute(&mut *tx)
            .await?;
            let expected: Vec<&Person> = match a.who {
                Who::Branch => members.iter().collect(),
                Who::Committee => members[..3].iter().collect(),
                Who::Group(g) => members.iter().skip(g).step_by(2).collect(),
            };
            for p in expected {
                sqlx::query("INSERT INTO activity_expected (activity_id, user_id) VALUES ($1, $2)")
                    .bind(id.to_string())
                    .bind(p.id.to_string())
                    .execute(&mut *tx)
                    .await?;
                // Attendance only for activities already over; today's is left to the demo user.
                if a.ends_at < now && rng.percent() < *turnout {
                    let time = a.starts_at - 10 * 60_000 + i64::from(rng.next() % 20) * 60_000;
                    sqlx::query(
                        "INSERT INTO checkins (id, activity_id, user_id, device_time, method, received_at) \
                         VALUES ($1, $2, $3, $4, 'qr', $5)",
                    )
                    .bind(v7_at(time, &mut rng).to_string())
                    .bind(id.to_string())
                    .bind(p.id.to_string())
                    .bind(time)
                    .bind(time + 60_000)
                    .execute(&mut *tx)
                    .await?;
                } else if a.ends_at < now && rng.percent() < 45 {
                    // Some of those who missed it had asked for leave, and got it.
                    let asked = a.starts_at - i64::from(1 + rng.next() % 48) * 3_600_000;
                    sqlx::query(
                        "INSERT INTO leave_requests (id, activity_id, user_id, reason, device_time, received_at, \
                           status, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $5, 'approved', $6, $7)",
                    )
                    .bind(v7_at(asked, &mut rng).to_string())
                    .bind(id.to_string())
                    .bind(p.id.to_string())
                    .bind(LEAVE_REASONS[(rng.next() as usize) % LEAVE_REASONS.len()])
                    .bind(asked)
                    .bind(members[0].id.to_string())
                    .bind(asked + 3_600_000)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_has_the_seeds_cadence() {
        let now = 1_795_759_200_000; // 2026-11-27 14:00 China time
        let plan = plan_year(1, now);
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
    }
}
