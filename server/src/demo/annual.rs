//! The demo school's annual plans (年度争创方案) of this year, in several states, written
//! through the same functions the page uses: the first branch's approved and under way (one
//! task done, one overdue), the second's awaiting the 总支, the third's returned with a
//! comment, the fourth's a draft; and their commitment letters (承诺书): the first and second
//! published (the first changed and published again, so its public page shows its history),
//! the third awaiting the 总支.

use super::rating::account;
use app::db::Db;
use app::domain::plan::TaskStatus;
use app::domain::role::Role;
use app::domain::time::{date_of, year_of};
use app::plan::server::write::{NewNote, add_note, decide, save, set_status};
use chrono::{Datelike, Days, NaiveDate};

/// What each branch found (查找问题).
const PROBLEMS: [&str; 4] = [
    "党建与教育教学融合不够紧密；党员示范岗作用发挥不均衡。",
    "“三会一课”记录不够规范；青年教师入党积极性不高。",
    "党员活动室使用频率低；支部品牌特色不明显。",
    "组织生活形式单一，党员参与率偏低；结对帮扶机制尚未建立。",
];

pub(super) async fn seed_plans(db: &Db, now: i64) -> anyhow::Result<()> {
    let admin = account(db, "admin", Role::Admin).await?;
    let today = date_of(now).unwrap_or_default();
    let year = year_of(now);
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let on = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).unwrap_or_default();
    // One deadline already past (unless it is early January), the others later in the year.
    let deadlines = [
        (today - Days::new(10)).max(start),
        on(6, 30).max(today),
        on(9, 30).max(today),
        on(11, 30).max(today),
    ];
    for (i, problems) in PROBLEMS.iter().enumerate() {
        let n = i + 1;
        let sec = account(db, &format!("sec{n}"), Role::Secretary).await?;
        let mut content = app::plan::server::view(db, &sec, &sec.org_id, None, now)
            .await?
            .content;
        content.problems = (*problems).to_owned();
        content.target_level = if matches!(n, 2 | 3) {
            "advanced"
        } else {
            "red_flag"
        }
        .into();
        content.recruits = if n == 3 { 0 } else { 1 };
        content.recruits_under_35 = content.recruits;
        for (t, deadline) in content.tasks.iter_mut().zip(deadlines) {
            t.owner = sec.display_name.clone();
            t.measures = format!("{}：制定措施清单，按月检查落实情况。", t.title);
            t.deadline = deadline;
        }
        let submit = n != 4;
        save(db, &sec, &sec.org_id, year, content, submit, now).await?;
        match n {
            1 => {
                decide(db, &admin, &sec.org_id, year, true, "同意", now).await?;
                let v = app::plan::server::view(db, &sec, &sec.org_id, None, now).await?;
                let ids: Vec<String> = v.tasks.iter().map(|t| t.task.id.clone()).collect();
                if let [first, second, ..] = ids.as_slice() {
                    set_status(db, &sec, &sec.org_id, year, second, TaskStatus::Done, now).await?;
                    set_status(
                        db,
                        &sec,
                        &sec.org_id,
                        year,
                        first,
                        TaskStatus::InProgress,
                        now,
                    )
                    .await?;
                    let day = today.with_day(1).unwrap_or(today).to_string();
                    let note = NewNote {
                        org_id: &sec.org_id,
                        year,
                        task_id: first,
                        on_day: &day,
                        note: "与教研组联合开展“党建+课堂”示范课 3 节。",
                        links: "",
                    };
                    add_note(db, &sec, &note, now).await?;
                }
            }
            3 => {
                let comment = "整改措施请写具体，明确完成时间节点。";
                decide(db, &admin, &sec.org_id, year, false, comment, now).await?;
            }
            _ => {}
        }
        if n <= 3 {
            letter(db, &sec, &admin, n, now).await?;
        }
    }
    Ok(())
}

/// Branch `n`'s letter: published for the first two (the first one twice), submitted for the
/// third.
async fn letter(
    db: &Db,
    sec: &app::auth::CurrentUser,
    admin: &app::auth::CurrentUser,
    n: usize,
    now: i64,
) -> anyhow::Result<()> {
    use app::letter::server as letters;
    let year = year_of(now);
    let (title, body) = app::domain::letter::seed(&sec.org_name, year);
    let body = body.replace(
        "……",
        "每月开展一次主题党日，党员参与率不低于 90%，年底前完成。",
    );
    letters::save(db, sec, &sec.org_id, year, (&title, &body), true, now).await?;
    if n == 3 {
        return Ok(());
    }
    letters::decide(db, admin, &sec.org_id, year, true, "", now).await?;
    letters::publish(db, sec, &sec.org_id, year, now).await?;
    if n == 1 {
        // Two members' own commitments, approved by the branch and published with the letter.
        for (username, with_post, post, pledge) in [
            (
                "m1-01",
                true,
                "语文教研组长",
                "带头上好示范课，每学期不少于 2 节；结对帮扶青年教师 1 名。",
            ),
            (
                "m1-02",
                false,
                "校园安全监督岗",
                "每周巡查校园安全一次，发现隐患当天报告。",
            ),
        ] {
            let member = account(db, username, app::domain::role::Role::Member).await?;
            let p = app::letter::pledge::Pledge {
                year,
                with_post,
                post,
                pledge,
            };
            app::letter::pledge::submit(db, &member, &p, now).await?;
            app::letter::pledge::decide(db, sec, &member.id, year, true, "", now).await?;
        }
        let body = format!("{body}\n五、党员与 12 户困难家庭结对帮扶。");
        letters::save(db, sec, &sec.org_id, year, (&title, &body), true, now).await?;
        letters::decide(db, admin, &sec.org_id, year, true, "", now).await?;
        letters::publish(db, sec, &sec.org_id, year, now).await?;
    }
    Ok(())
}
