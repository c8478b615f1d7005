//! Issue 13, point 2: each activity's counts kept beside its records (`activity_tallies`) agree
//! with a recount from the raw records after every kind of change to a roll, a recount finds a
//! tally that does not, and the bureau's roll-up of a year sums exactly what the branch pages
//! show — with the levels kept once a school closes the year. Both backends.

use crate::common;

use app::activity::server::{Scope, TallyRow, recount, stored_tallies};
use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::activity::ActivityKind;
use app::domain::attendance::Mark;
use app::domain::participation::Attendance;
use app::domain::role::Role;
use app::domain::time::{to_local_datetime, year_bounds_ms, year_of};
use app::survey::server::recount_counts;
use app::sync::protocol::PushStatus;
use common::{Fixture, fixture, v7};
use reqwest::StatusCode;

/// Recounts every tally and fails the test if a stored one differs; answers them by activity.
async fn agreed(db: &Db, after: &str) -> std::collections::HashMap<String, TallyRow> {
    let found = recount(db, Scope::Every, false).await.expect("a recount");
    assert!(
        found.differing.is_empty(),
        "after {after}, stored tallies differ from the records: {:?}",
        found.differing
    );
    let votes = recount_counts(db, false).await.expect("a survey recount");
    assert!(
        votes.is_empty(),
        "after {after}, survey counts differ: {votes:?}"
    );
    let mut conn = db.pool().acquire().await.expect("a connection");
    stored_tallies(&mut conn, None).await.expect("the tallies")
}

async fn push(db: &Db, member: &CurrentUser, record: serde_json::Value) {
    let r = app::records::push(db, member, None, vec![record])
        .await
        .expect("the push is answered");
    assert!(
        matches!(
            r.results[0].status,
            PushStatus::Accepted | PushStatus::PendingReview
        ),
        "{:?}",
        r.results
    );
}

fn row(expected: i64, present: i64, excused: i64, counted: bool) -> (bool, i64, i64, i64) {
    (counted, expected, present, excused)
}

fn of(t: &std::collections::HashMap<String, TallyRow>, id: &str) -> (bool, i64, i64, i64) {
    let t = t[id];
    (t.counted, t.expected, t.present, t.excused)
}

async fn tallies_follow_every_change_to_a_roll(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let t = agreed(db, "scheduling").await;
    assert_eq!(
        of(&t, &f.today),
        row(3, 0, 0, false),
        "nobody checked in yet"
    );
    assert_eq!(of(&t, &f.cancelled), row(3, 0, 0, false));

    // A check-in stored: held, counted.
    push(db, &f.m1a, f.checkin_now(v7(), &f.today, &f.m1a)).await;
    let t = agreed(db, "a check-in").await;
    assert_eq!(of(&t, &f.today), row(3, 1, 0, true));
    // Another check-in of the same member (its tally is not rewritten: nothing changes).
    push(db, &f.m1a, f.checkin_now(v7(), &f.today, &f.m1a)).await;
    let t = agreed(db, "a second check-in").await;
    assert_eq!(of(&t, &f.today), row(3, 1, 0, true));

    // A hand mark.
    app::activity::server::mark(db, &f.sec1, &f.today, &f.sec1.id, Mark::Present, "", now)
        .await
        .expect("marked");
    assert_eq!(
        of(&agreed(db, "a hand mark").await, &f.today),
        row(3, 2, 0, true)
    );

    // A leave asked changes nothing; approved, it is 请假.
    let leave = v7();
    let asked = f.leave(leave, &f.next_week, &f.m1b, "外出培训", now);
    push(db, &f.m1b, asked).await;
    assert_eq!(
        of(&agreed(db, "a leave asked").await, &f.next_week),
        row(3, 0, 0, false)
    );
    app::leave::server::decide(db, &f.sec1, &leave.to_string(), true, "同意")
        .await
        .expect("decided");
    assert_eq!(
        of(&agreed(db, "a leave approved").await, &f.next_week),
        row(3, 0, 1, false)
    );

    // The roll closed with nobody in: held, everyone absent.
    app::activity::server::close_roll(db, &f.sec1, &f.past, now)
        .await
        .expect("closed");
    assert_eq!(
        of(&agreed(db, "a roll closed").await, &f.past),
        row(3, 0, 0, true)
    );

    // A check-in held for the secretary (no sync receipt, long after) counts once confirmed.
    let late = f.checkin_unsynced(v7(), &f.past, &f.m1a, f.starts[&f.past] + 60_000);
    push(db, &f.m1a, late).await;
    assert_eq!(
        of(&agreed(db, "a held check-in").await, &f.past),
        row(3, 0, 0, true)
    );
    app::activity::server::review_held(db, &f.sec1, &f.past, true, now)
        .await
        .expect("reviewed");
    assert_eq!(
        of(&agreed(db, "a review").await, &f.past),
        row(3, 1, 0, true)
    );

    // Edited into next year (its start moves the tally's year), then cancelled: out of the
    // figures.
    let next_year = year_bounds_ms(year_of(now)).1 + 40 * 24 * 3_600_000;
    let mut form = app::activity::server::form_context(db, &f.sec1, None, Some(&f.next_week), now)
        .await
        .expect("the form")
        .values;
    form.starts_at = to_local_datetime(next_year);
    form.ends_at = to_local_datetime(next_year + 3_600_000);
    form.kind = ActivityKind::PartyLesson.as_str().to_owned();
    app::activity::server::update(db, &f.sec1, &f.next_week, &form, now)
        .await
        .expect("updated")
        .expect("valid");
    let t = agreed(db, "an edit").await;
    assert_eq!(t[&f.next_week].year, year_of(now) + 1);
    app::activity::server::cancel(db, &f.sec1, &f.today, "停电", now)
        .await
        .expect("cancelled");
    assert_eq!(
        of(&agreed(db, "a cancellation").await, &f.today),
        row(3, 2, 0, false)
    );

    // A member moved to another branch leaves the 应到 of what they left no trace in.
    moved(db, &f).await;
    counts_read_as_the_rolls(db, &f).await;

    // A recount finds a tally that was changed behind its back, and puts it right.
    sqlx::query("UPDATE activity_tallies SET present = present + 5 WHERE activity_id = $1")
        .bind(&f.past)
        .execute(db.pool())
        .await
        .expect("the statement runs");
    let found = recount(db, Scope::Every, false).await.expect("a recount");
    assert_eq!(found.differing.len(), 1, "{:?}", found.differing);
    assert_eq!(found.differing[0].0, f.past);
    let fixed = recount(db, Scope::Every, true).await.expect("a recount");
    assert_eq!(fixed.differing.len(), 1);
    assert_eq!(
        of(&agreed(db, "the recount").await, &f.past),
        row(3, 1, 0, true)
    );
    // An activity without a tally (loaded in bulk) gets one from the start-up recount.
    sqlx::query("DELETE FROM activity_tallies WHERE activity_id = $1")
        .bind(&f.past)
        .execute(db.pool())
        .await
        .expect("the statement runs");
    let filled = recount(db, Scope::Missing, true).await.expect("a recount");
    assert_eq!(filled.differing.len(), 1);
    assert_eq!(
        of(&agreed(db, "the fill").await, &f.past),
        row(3, 1, 0, true)
    );
}

/// Two transactions changing one roll at once (PostgreSQL lets both run; SQLite gives the second
/// its turn after the first): the tally ends with both changes. The second locks the tally
/// before it reads the roll, so it reads only once the first has committed — without that lock
/// it wrote counts without the first one's check-in.
async fn two_writers_on_one_roll_both_count(db: &Db) {
    let f = fixture(db).await;
    let insert = async |conn: &mut sqlx::AnyConnection, member: &CurrentUser| {
        sqlx::query(
            "INSERT INTO checkins (id, activity_id, user_id, device_time, method, received_at) \
             VALUES ($1, $2, $3, $4, 'qr', $4)",
        )
        .bind(v7().to_string())
        .bind(&f.today)
        .bind(&member.id)
        .bind(now_ms())
        .execute(&mut *conn)
        .await
        .expect("the statement runs");
        app::activity::server::retally(conn, &[f.today.as_str()])
            .await
            .expect("the tally rewritten");
    };
    let mut first = db.begin_write().await.expect("a write turn");
    insert(&mut first, &f.m1a).await;
    let second = {
        let (db, m1b) = (db.clone(), f.m1b.clone());
        let insert = &insert;
        async move {
            let mut second = db.begin_write().await.expect("a write turn");
            insert(&mut second, &m1b).await;
            second.commit().await.expect("the commit");
        }
    };
    let commit_first = async {
        // The second is well inside its transaction by now (waiting, on either backend).
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        first.commit().await.expect("the commit");
    };
    tokio::join!(second, commit_first);
    assert_eq!(
        of(&agreed(db, "two writers").await, &f.today),
        row(3, 2, 0, true)
    );
}

/// The rating's reading of a year (counts from the tallies) gives each activity the counts and
/// the held flag the branch page's rolls give.
async fn counts_read_as_the_rolls(db: &Db, f: &Fixture) {
    use app::branch::server::{Detail, year_of_branch};
    let branch = app::org::server::readable_branch(db, &f.admin, &f.branch1)
        .await
        .expect("the branch");
    for year in [year_of(now_ms()), year_of(now_ms()) + 1] {
        let read = async |detail| {
            let rules = &app::domain::cadence::DEFAULT_RULES;
            let o = year_of_branch(db, &f.admin, &branch, rules, now_ms(), Some(year), detail)
                .await
                .expect("the year read");
            let acts: Vec<_> = o
                .activities
                .iter()
                .map(|a| (a.id.clone(), a.held, a.counts))
                .collect();
            (acts, o.summary.year_figure.attendance, o.months.len())
        };
        let (names, counts) = (read(Detail::Names).await, read(Detail::Counts).await);
        assert!(!names.0.is_empty() || year > year_of(now_ms()));
        assert_eq!(names, counts, "{year}");
    }
}

/// m1b leaves branch 1 from today: the 主题党日 in progress (nothing of theirs on it) no longer
/// expects them.
async fn moved(db: &Db, f: &Fixture) {
    let today = app::domain::time::date_of(now_ms())
        .expect("today")
        .to_string();
    let before = of(&agreed(db, "before the move").await, &f.today);
    app::roster::server::move_member(
        db,
        &f.admin,
        &f.m1b.id,
        &f.branch2,
        &today,
        "调动",
        now_ms(),
    )
    .await
    .expect("moved");
    let after = of(&agreed(db, "a move").await, &f.today);
    assert_eq!(after.1, before.1 - 1, "{before:?} → {after:?}");
}

async fn the_bureau_rolls_up_what_the_branch_pages_show(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let year = year_of(now);
    let bureau = common::bureau(db, &[&f.school], "bviewer", "badmin").await;
    let reader = common::extra_user(db, "breader", Role::BureauViewer, &bureau, None).await;
    push(db, &f.m1a, f.checkin_now(v7(), &f.today, &f.m1a)).await;
    push(db, &f.m2a, f.checkin_now(v7(), &f.other_branch, &f.m2a)).await;
    app::activity::server::close_roll(db, &f.sec1, &f.past, now)
        .await
        .expect("the roll closed");
    // A satisfaction campaign of branch 1, over: the masses 19 of 20 satisfied, members apart.
    let campaign = closed_campaign(db, &f).await;
    let pages: Vec<Attendance> = [&f.branch1, &f.branch2]
        .iter()
        .map(|b| async {
            common::figures(db, &f.admin, b, None)
                .await
                .summary
                .year_figure
                .attendance
        })
        .collect::<futures::future::JoinAll<_>>()
        .await;
    assert_eq!(pages, [Attendance::new(6, 1), Attendance::new(1, 1)]);

    let base = common::serve(db).await;
    let viewer = common::sign_in(&base, "bviewer").await;
    let rollup: serde_json::Value = viewer
        .post(format!("{base}/api/bureau_rollup"))
        .form(&[("year", year.to_string())])
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a JSON answer");
    let school = &rollup["schools"][0];
    assert_eq!(
        school["participation"]["attendance"],
        serde_json::json!({"expected": 7, "present": 2})
    );
    assert_eq!(school["held"], 3);
    assert_eq!(
        (
            school["branches_met"].as_u64(),
            school["branches_counted"].as_u64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(
        school["levels"],
        serde_json::Value::Null,
        "an open year has no levels yet"
    );
    let satisfaction = &school["satisfaction"];
    assert_eq!(
        (
            satisfaction["figure"]["valid"].as_u64(),
            satisfaction["campaigns"].as_u64()
        ),
        (Some(20), Some(1)),
        "{satisfaction}"
    );
    assert_eq!(satisfaction["rate_text"], "95.0%");
    assert_eq!(satisfaction["figure"]["red_flag"], "met");
    agreed(db, &format!("campaign {campaign}")).await;
    // The page shows the same, without JavaScript.
    let page = viewer
        .get(format!("{base}/bureau"))
        .send()
        .await
        .expect("an answer")
        .text()
        .await
        .expect("the page");
    assert!(
        page.contains("28.5%（2/7）") && page.contains("1 / 2"),
        "{page}"
    );
    assert!(page.contains("95.0%") && page.contains("20 票"), "{page}");
    // A school's own people are not the bureau; a year out of range or not a year is refused.
    let admin = common::sign_in(&base, "admin").await;
    let status = async |client: &reqwest::Client, year: &str| {
        let url = format!("{base}/api/bureau_rollup");
        client
            .post(url)
            .form(&[("year", year)])
            .send()
            .await
            .expect("an answer")
            .status()
    };
    assert_eq!(status(&admin, "2026").await, StatusCode::FORBIDDEN);
    assert_eq!(
        status(&viewer, "1900").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(status(&viewer, "abc").await, StatusCode::BAD_REQUEST);

    // Last year, closed: its levels as kept.
    let (_, end) = year_bounds_ms(year - 1);
    sqlx::query("UPDATE activities SET starts_at = $2, ends_at = $3 WHERE id = $1")
        .bind(&f.past)
        .bind(end - 3 * 24 * 3_600_000)
        .bind(end - 3 * 24 * 3_600_000 + 3_600_000)
        .execute(db.pool())
        .await
        .expect("the statement runs");
    recount(db, Scope::Every, true).await.expect("a recount");
    app::branch::closing::close_year(
        db,
        &f.admin,
        &app::domain::cadence::DEFAULT_RULES,
        year - 1,
        now,
    )
    .await
    .expect("the statement runs");
    let last = app::bureau::rollup::rollup(db, &reader, Some(year - 1), now)
        .await
        .expect("the statement runs");
    let s = &last.schools[0];
    assert_eq!(s.participation.attendance, Attendance::new(3, 0));
    assert!(s.closed);
    assert_eq!(s.rated, 0, "no rating kept until one is read");
    app::rating::server::view(
        db,
        &f.sec1,
        &Default::default(),
        &f.branch1,
        Some(year - 1),
        now,
    )
    .await
    .expect("the statement runs");
    let last = app::bureau::rollup::rollup(db, &reader, Some(year - 1), now)
        .await
        .expect("the statement runs");
    let s = &last.schools[0];
    assert_eq!(s.rated, 1);
    let levels = s.levels.as_ref().expect("levels once closed");
    assert_eq!(
        levels.iter().map(|l| l.branches).sum::<u32>(),
        1,
        "{levels:?}"
    );
}

/// A campaign of branch 1 that ended yesterday: staff 9 of 10 and parents 10 of 10 satisfied,
/// members 5 of 5 (not the masses). Its counts are then changed behind its back and recounted.
async fn closed_campaign(db: &Db, f: &Fixture) -> String {
    use app::domain::ballot::{Audience, Definition};
    let now = now_ms();
    let today = app::domain::time::date_of(now).expect("today");
    let new = app::survey::NewCampaign {
        org_id: f.branch1.clone(),
        title: "年度满意度测评".into(),
        period: format!("{}年度", year_of(now)),
        opens_on: (today - chrono::Days::new(1)).to_string(),
        closes_on: (today + chrono::Days::new(1)).to_string(),
        definition: Definition::seed("第一党支部"),
        open_link: false,
        rating_year: None,
    };
    let id = app::survey::server::create_campaign(db, &f.sec1, &new, now)
        .await
        .expect("the statement runs");
    crate::rating::answers(db, f, &id, Audience::Staff, 10, 9).await;
    crate::rating::answers(db, f, &id, Audience::Parents, 10, 10).await;
    crate::rating::answers(db, f, &id, Audience::Members, 5, 5).await;
    crate::survey::close_campaign(db, &id).await;
    agreed(db, "answers").await;
    sqlx::query(
        "UPDATE survey_counts SET votes = votes + 1 WHERE campaign_id = $1 AND audience = 'staff'",
    )
    .bind(&id)
    .execute(db.pool())
    .await
    .expect("the statement runs");
    assert_eq!(
        recount_counts(db, false)
            .await
            .expect("a survey recount")
            .len(),
        4,
        "staff's two choices of two questions"
    );
    assert_eq!(
        recount_counts(db, true)
            .await
            .expect("a survey recount")
            .len(),
        4
    );
    id
}

/// The branch page reads a year's rolls in bulk (one packed row per activity): every entry is
/// the one the activity's own page reads — states, check-in method and review, leave, hand
/// marks and conflicts — leave reasons aside (the branch page shows none).
/// An activity's roll as its own page reads it, leave reasons left out (the branch page's bulk
/// read has none).
async fn own_roll(
    db: &Db,
    viewer: &CurrentUser,
    activity_id: &str,
    now: i64,
) -> Vec<app::activity::RollEntry> {
    app::activity::server::record(db, viewer, activity_id, now)
        .await
        .expect("the activity's page")
        .roll
        .into_iter()
        .map(|mut e| {
            e.leave_reason = None;
            e
        })
        .collect()
}

async fn the_branch_page_reads_each_roll_as_its_activity_does(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    push(db, &f.m1a, f.checkin_now(v7(), &f.today, &f.m1a)).await;
    app::activity::server::mark(
        db,
        &f.sec1,
        &f.today,
        &f.sec1.id,
        Mark::Present,
        "到会",
        now,
    )
    .await
    .expect("marked");
    let leave = v7();
    push(
        db,
        &f.m1b,
        f.leave(leave, &f.next_week, &f.m1b, "外出培训", now),
    )
    .await;
    app::leave::server::decide(db, &f.sec1, &leave.to_string(), true, "同意")
        .await
        .expect("decided");
    let late = f.checkin_unsynced(v7(), &f.past, &f.m1a, f.starts[&f.past] + 60_000);
    push(db, &f.m1a, late).await;
    // A hand 缺席 older than m1a's check-in today: a conflict for the secretary.
    sqlx::query(
        "INSERT INTO attendance_marks (id, activity_id, user_id, mark, before_state, after_state, \
           note, marked_by, marked_at) VALUES ($1, $2, $3, 'absent', 'absent', '', '', $4, 1)",
    )
    .bind(v7().to_string())
    .bind(&f.today)
    .bind(&f.m1a.id)
    .bind(&f.sec1.id)
    .execute(db.pool())
    .await
    .expect("an old mark");
    let (from, to) = year_bounds_ms(year_of(now));
    let rolls = app::activity::server::rolls_of_branch(db, &f.branch1, from, to)
        .await
        .expect("the year's rolls");
    assert!(rolls.len() >= 3, "{} rolls", rolls.len());
    let mut seen = (false, false, false, false);
    for (id, bulk) in &rolls {
        let own = own_roll(db, &f.admin, id, now).await;
        assert_eq!(bulk, &own, "activity {id}");
        seen.0 |= own.iter().any(|e| e.conflict);
        seen.1 |= own.iter().any(|e| e.marked);
        seen.2 |= own.iter().any(|e| e.leave.is_some());
        seen.3 |= own.iter().any(|e| e.checkin_review.is_some());
    }
    assert_eq!(
        seen,
        (true, true, true, true),
        "conflict, mark, leave, held check-in"
    );
    // m1a moves to branch 2: the activities already held still expect them, by name, though
    // they are no longer the branch's (their name is looked up apart from the branch's people).
    let today = app::domain::time::date_of(now).expect("today").to_string();
    app::roster::server::move_member(db, &f.admin, &f.m1a.id, &f.branch2, &today, "调动", now)
        .await
        .expect("moved");
    let rolls = app::activity::server::rolls_of_branch(db, &f.branch1, from, to)
        .await
        .expect("the year's rolls");
    let past = &rolls[&f.past];
    let own = own_roll(db, &f.admin, &f.past, now).await;
    assert_eq!(past, &own, "the past activity after the move");
    assert!(
        past.iter()
            .any(|e| e.user_id == f.m1a.id && e.name == f.m1a.display_name && !e.name.is_empty()),
        "{past:?}"
    );
}

on_both_backends!(
    tallies_follow_every_change_to_a_roll,
    the_branch_page_reads_each_roll_as_its_activity_does,
    two_writers_on_one_roll_both_count,
    the_bureau_rolls_up_what_the_branch_pages_show,
);
