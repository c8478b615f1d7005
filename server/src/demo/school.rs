//! The demo school written through the app's own storage functions: its organisations,
//! accounts, a year of activities and the attendance of those already held.

use super::plan::{
    BRANCHES, BUREAU, GIVEN, LEAVE_REASONS, Lcg, POSTS, Person, SCHOOL, SURNAMES, Who, people,
    plan_year, v7_at,
};
use super::{DemoReport, role_label};
use app::activity::server::{NewActivity, insert_activity};
use app::auth::server::{Password, hash_password};
use app::db::Db;
use app::domain::time::year_of;
use app::org::server::{NewOrg, insert_org};
use app::roster::server::{NewUser, insert_user};
use uuid::Uuid;

pub(super) async fn seed(
    db: &Db,
    password: &str,
    now: i64,
    report: &mut DemoReport,
) -> anyhow::Result<()> {
    // Every demo account has the same password, so one hash serves them all.
    let hash = hash_password(Password::new(password)).await?;
    let mut rng = Lcg(20_261_127);
    let mut names = SURNAMES
        .chars()
        .cycle()
        .zip(GIVEN.iter().cycle())
        .map(|(s, g)| format!("{s}{g}"));
    let mut tx = db.begin_write().await?;
    let school = Uuid::now_v7().to_string();
    fn org<'a>(
        id: &'a str,
        parent_id: Option<&'a str>,
        kind: &'a str,
        name: &'a str,
        sort_order: i32,
    ) -> NewOrg<'a> {
        NewOrg {
            id,
            parent_id,
            kind,
            name,
            sort_order,
        }
    }
    // The county's education bureau above the school, with a read-only account.
    let bureau = Uuid::now_v7().to_string();
    insert_org(&mut tx, &org(&bureau, None, "bureau", BUREAU, 0)).await?;
    insert_org(&mut tx, &org(&school, Some(&bureau), "school", SCHOOL, 0)).await?;
    insert_user(
        &mut tx,
        &NewUser {
            id: &Uuid::now_v7().to_string(),
            org_id: &bureau,
            username: "county",
            display_name: "县教育局督导员",
            password_hash: &hash,
            role: "bureau_viewer",
            created_at: now,
            ..NewUser::default()
        },
    )
    .await?;
    insert_user(
        &mut tx,
        &NewUser {
            id: &Uuid::now_v7().to_string(),
            org_id: &bureau,
            username: "bureau",
            display_name: "县教育局组织科",
            password_hash: &hash,
            role: "bureau_admin",
            created_at: now,
            ..NewUser::default()
        },
    )
    .await?;
    insert_user(
        &mut tx,
        &NewUser {
            id: &Uuid::now_v7().to_string(),
            org_id: &school,
            username: "admin",
            display_name: "总支管理员",
            password_hash: &hash,
            role: "admin",
            created_at: now,
            ..NewUser::default()
        },
    )
    .await?;
    report
        .accounts
        .push(("admin".into(), "总支管理员".into(), role_label("admin")));
    report.accounts.push((
        "county".into(),
        "县教育局督导员".into(),
        role_label("bureau_viewer"),
    ));
    report.accounts.push((
        "bureau".into(),
        "县教育局组织科".into(),
        role_label("bureau_admin"),
    ));
    for (no, (branch_name, size, turnout)) in BRANCHES.iter().enumerate() {
        let branch_no = no + 1;
        let branch = Uuid::now_v7().to_string();
        insert_org(
            &mut tx,
            &org(
                &branch,
                Some(&school),
                "branch",
                branch_name,
                branch_no as i32,
            ),
        )
        .await?;
        // Two 党小组 per branch.
        let groups = [Uuid::now_v7().to_string(), Uuid::now_v7().to_string()];
        for (g, name) in groups.iter().zip(["第一党小组", "第二党小组"]) {
            insert_org(&mut tx, &org(g, Some(&branch), "group", name, 0)).await?;
        }
        let members = people(branch_no, *size, &mut names);
        for (i, p) in members.iter().enumerate() {
            let born = 1965 + (rng.next() % 33) as i32;
            let joined = (born + 22 + (rng.next() % 12) as i32).min(year_of(now) - 2);
            // Drawn in this order so the demo school stays the same from run to run.
            let gender = if rng.next() % 5 < 3 { "female" } else { "male" };
            let birth_date = format!(
                "{born}-{:02}-{:02}",
                1 + rng.next() % 12,
                1 + rng.next() % 28
            );
            let probationary = i + 1 == *size;
            // The probationary member joined last year: a young teacher (under 35, counted
            // for the rating), except in the second branch, which recruited no young member.
            let (birth_date, joined) = if probationary {
                let born = if branch_no == 2 {
                    1985
                } else {
                    year_of(now) - 29
                };
                (format!("{born}-03-15"), year_of(now) - 1)
            } else {
                (birth_date, joined)
            };
            let full_date = format!("{}-07-01", joined + 1);
            insert_user(
                &mut tx,
                &NewUser {
                    id: &p.id.to_string(),
                    org_id: &branch,
                    username: &p.username,
                    display_name: &p.name,
                    password_hash: &hash,
                    role: p.role,
                    created_at: now,
                    // The secretary and the next two members form the branch committee.
                    committee_role: match i {
                        0 => Some("secretary"),
                        1 => Some("deputy"),
                        2 => Some("member"),
                        _ => None,
                    },
                    group_id: Some(&groups[i % 2]),
                    gender: Some(gender),
                    birth_date: Some(&birth_date),
                    join_date: Some(&format!("{joined}-07-01")),
                    standing: if probationary { "probationary" } else { "full" },
                    full_date: (!probationary && joined + 1 < year_of(now))
                        .then_some(full_date.as_str()),
                    post: (i % 3 != 2).then(|| POSTS[i % POSTS.len()]),
                    ..NewUser::default()
                },
            )
            .await?;
            if i < 2 {
                report.accounts.push((
                    p.username.clone(),
                    format!("{}（{branch_name}）", p.name),
                    role_label(p.role),
                ));
            }
        }
        // Last year (the year being rated) and this year.
        let this_year = app::domain::time::year_of(now);
        // And next January, so there is always something ahead, in December too.
        let next_february = app::domain::time::month_start_ms(this_year + 1, 2);
        let plan = plan_year(branch_no, this_year - 1, now)
            .into_iter()
            .chain(plan_year(branch_no, this_year, now))
            .chain(
                plan_year(branch_no, this_year + 1, now)
                    .into_iter()
                    .filter(|a| a.starts_at < next_february),
            );
        for a in plan {
            let id = v7_at(a.starts_at - 7 * 24 * 3_600_000, &mut rng).to_string();
            let expected: Vec<&Person> = match a.who {
                Who::Branch => members.iter().collect(),
                Who::Committee => members[..3].iter().collect(),
                Who::Group(g) => members.iter().skip(g).step_by(2).collect(),
            };
            let expected_ids: Vec<String> = expected.iter().map(|p| p.id.to_string()).collect();
            // Most activities already over have their minutes; a few are left for the to-do list.
            // Last year's are complete, except in the second branch.
            let last_year = app::domain::time::year_of(a.starts_at) < this_year;
            let kept = rng.percent() < 85 || (last_year && branch_no != 2);
            let minutes = if a.ends_at < now && kept {
                format!("{}：按议程开展，与会党员进行了交流发言。", a.topic)
            } else {
                String::new()
            };
            insert_activity(
                &mut tx,
                &NewActivity {
                    id: &id,
                    org_id: &branch,
                    kind: a.kind.as_str(),
                    topic: &a.topic,
                    starts_at: a.starts_at,
                    ends_at: a.ends_at,
                    place: a.place,
                    chair: &members[0].name,
                    recorder: &members[1].name,
                    audience: match a.who {
                        Who::Branch => "branch",
                        Who::Committee => "committee",
                        Who::Group(_) => "group",
                    },
                    audience_group: match a.who {
                        Who::Group(g) => Some(&groups[g]),
                        _ => None,
                    },
                    status: "scheduled",
                    proof_secret: &app::activity::server::new_proof_secret(),
                    minutes: &minutes,
                    created_by: None,
                    created_at: a.starts_at - 7 * 24 * 3_600_000,
                    version: 0,
                    expected: &expected_ids.iter().map(String::as_str).collect::<Vec<_>>(),
                },
            )
            .await?;
            for p in expected {
                // Attendance only for activities already over; today's is left to the demo user.
                if a.ends_at < now && rng.percent() < *turnout {
                    let time = a.starts_at - 10 * 60_000 + i64::from(rng.next() % 20) * 60_000;
                    sqlx::query(
                        "INSERT INTO checkins (id, activity_id, user_id, device_time, method, received_at) \
                         VALUES ($1, $2, $3, $4, 'qr', $5)",
                    )
                    .bind(v7_at(time, &mut rng).to_string())
                    .bind(&id)
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
                    .bind(&id)
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
