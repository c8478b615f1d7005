//! The annual plan (issue 11 point 2) on both backends: the branch writes and submits it, the
//! 总支 returns and approves it, a change after approval is a new version with the approved one
//! kept; tasks' status and progress; overdue tasks on the to-do list; who may read and change
//! (a member reads, another branch does not, a secretary cannot approve); the 总支's own plan
//! approved by the bureau; a closed year refused; the form and the page over HTTP.

use crate::common;

use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::plan::{PlanContent, PlanState, TaskStatus};
use app::domain::time::{date_of, year_of};
use app::error::AppError;
use app::plan::server::view;
use app::plan::server::write::{NewNote, add_note, decide, save, set_status};
use chrono::{Datelike, Days};
use common::{fixture, serve, sign_in};
use reqwest::StatusCode;

async fn plan(db: &Db, who: &CurrentUser, org: &str) -> Result<app::plan::PlanView, AppError> {
    view(db, who, org, None, now_ms()).await
}

/// The seed's four tasks with an owner and this year's end as deadline, and the problems.
async fn words(db: &Db, who: &CurrentUser, org: &str) -> PlanContent {
    let mut c = plan(db, who, org).await.unwrap().content;
    c.problems = "组织生活不够规范；党员作用发挥不明显".into();
    let end = chrono::NaiveDate::from_ymd_opt(year_of(now_ms()), 12, 31).unwrap();
    for t in &mut c.tasks {
        t.owner = "王书记".into();
        t.deadline = end;
        t.measures = "每月检查一次".into();
    }
    c.recruits = 2;
    c.recruits_under_35 = 1;
    c
}

async fn a_branch_writes_its_plan_and_the_general_branch_returns_then_approves_it(db: &Db) {
    let f = fixture(db).await;
    let year = year_of(now_ms());
    let now = now_ms();
    // Nothing yet: the seed's four tasks are offered.
    let v = plan(db, &f.sec1, &f.branch1).await.unwrap();
    assert!(v.record.is_none() && v.may_edit && !v.may_decide);
    assert_eq!(v.content.tasks.len(), 4);
    assert_eq!(v.content.tasks[0].title, "抓创新促发展");
    // Who may: a member reads only; another branch's member reads nothing.
    let member = plan(db, &f.m1a, &f.branch1).await.unwrap();
    assert!(!member.may_edit && !member.may_decide);
    assert_eq!(
        plan(db, &f.m2a, &f.branch1).await.unwrap_err(),
        AppError::Forbidden
    );
    let c = words(db, &f.sec1, &f.branch1).await;
    assert_eq!(
        save(db, &f.m1a, &f.branch1, year, c.clone(), false, now).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        save(db, &f.m2a, &f.branch1, year, c.clone(), false, now).await,
        Err(AppError::Forbidden)
    );
    save(db, &f.sec1, &f.branch1, year, c.clone(), true, now)
        .await
        .unwrap();
    let v = plan(db, &f.m1a, &f.branch1).await.unwrap();
    let r = v.record.clone().unwrap();
    assert_eq!((r.state, r.version), (PlanState::Submitted, 1));
    let general = app::branch::server::my_branches(db, &f.admin, now)
        .await
        .unwrap()
        .todos;
    assert!(
        general
            .iter()
            .any(|t| t.text == "第一党支部的年度争创方案已提交，等待总支审批"),
        "the 总支's to-do list: {general:?}"
    );
    assert_eq!(v.content.problems, "组织生活不够规范；党员作用发挥不明显");
    // Submitted: no change until the 总支 decides; a secretary cannot decide.
    assert!(matches!(
        save(db, &f.sec1, &f.branch1, year, c.clone(), false, now).await,
        Err(AppError::Invalid(m)) if m.contains("等待审批")
    ));
    assert_eq!(
        decide(db, &f.sec1, &f.branch1, year, true, "", now).await,
        Err(AppError::Forbidden)
    );
    assert!(matches!(
        decide(db, &f.admin, &f.branch1, year, false, " ", now).await,
        Err(AppError::Invalid(m)) if m.contains("退回时请写明")
    ));
    decide(
        db,
        &f.admin,
        &f.branch1,
        year,
        false,
        "请把整改措施写具体",
        now,
    )
    .await
    .unwrap();
    let r = plan(db, &f.sec1, &f.branch1).await.unwrap().record.unwrap();
    assert_eq!(r.state, PlanState::Returned);
    assert_eq!(r.comment, "请把整改措施写具体");
    let mut better = c.clone();
    better.tasks[0].measures = "每季度开展一次课题研究，年底形成成果".into();
    save(db, &f.sec1, &f.branch1, year, better.clone(), true, now)
        .await
        .unwrap();
    decide(db, &f.admin, &f.branch1, year, true, "同意", now)
        .await
        .unwrap();
    let v = plan(db, &f.sec1, &f.branch1).await.unwrap();
    let r = v.record.clone().unwrap();
    assert_eq!(
        (r.state, r.version, r.approved_version),
        (PlanState::Approved, 2, Some(2))
    );
    assert!(
        v.approved.is_none(),
        "the approved words are the current ones"
    );
    // Saving the same words changes nothing; submitting them again is refused.
    save(db, &f.sec1, &f.branch1, year, better.clone(), false, now)
        .await
        .unwrap();
    assert_eq!(
        plan(db, &f.sec1, &f.branch1)
            .await
            .unwrap()
            .record
            .unwrap()
            .state,
        PlanState::Approved
    );
    assert!(matches!(
        save(db, &f.sec1, &f.branch1, year, better.clone(), true, now).await,
        Err(AppError::Invalid(m)) if m.contains("无需再次提交")
    ));
    // A change after approval: a new draft, the approved version kept beside it.
    let mut changed = better.clone();
    changed.target_level = "red_flag".into();
    save(db, &f.sec1, &f.branch1, year, changed, false, now)
        .await
        .unwrap();
    let v = plan(db, &f.m1a, &f.branch1).await.unwrap();
    let r = v.record.clone().unwrap();
    assert_eq!(
        (r.state, r.version, r.approved_version),
        (PlanState::Draft, 3, Some(2))
    );
    assert_eq!(v.content.target_level, "red_flag");
    assert_eq!(v.approved.as_ref().unwrap().target_level, "advanced");
    let acts: Vec<&str> = v.trail.iter().rev().map(|t| t.act.as_str()).collect();
    assert_eq!(
        acts,
        [
            "保存",
            "提交审批",
            "退回修改",
            "保存",
            "提交审批",
            "审批通过",
            "保存"
        ]
    );
    let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plan_versions")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(versions, 3, "every version kept");
    // A bad plan is refused with the reason and changes nothing.
    let mut bad = better;
    bad.tasks.clear();
    assert!(matches!(
        save(db, &f.sec1, &f.branch1, year, bad, false, now).await,
        Err(AppError::Invalid(m)) if m.contains("整改任务")
    ));
    assert_eq!(
        plan(db, &f.sec1, &f.branch1)
            .await
            .unwrap()
            .record
            .unwrap()
            .version,
        3
    );
}

fn note<'a>(f: &'a common::Fixture, task: &'a str, year: i32, links: &'a str) -> NewNote<'a> {
    NewNote {
        org_id: &f.branch1,
        year,
        task_id: task,
        on_day: "2026-05-20",
        note: "开展“名师工作室”课题研究",
        links,
    }
}

async fn tasks_keep_status_and_progress_and_overdue_ones_reach_the_todo_list(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let today = date_of(now).unwrap();
    let year = today.year();
    let mut c = words(db, &f.sec1, &f.branch1).await;
    // The first task was due yesterday (on the first day of a year, today: not overdue yet).
    let due = (today - Days::new(1)).max(chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap());
    c.tasks[0].deadline = due;
    save(db, &f.sec1, &f.branch1, year, c, false, now)
        .await
        .unwrap();
    let v = plan(db, &f.sec1, &f.branch1).await.unwrap();
    let first = v.tasks[0].task.id.clone();
    let overdue_now = due < today;
    assert_eq!(v.tasks[0].overdue, overdue_now);
    assert_eq!(v.progress.overdue, u32::from(overdue_now));
    let listed = |o: &app::branch::BranchOverview| {
        o.todos
            .iter()
            .any(|t| t.text.starts_with("整改任务“抓创新促发展”已逾期"))
    };
    let o = common::figures(db, &f.sec1, &f.branch1, None).await;
    assert_eq!(listed(&o), overdue_now, "{:?}", o.todos);
    // The 总支 reads the same list for the branch.
    let o = common::figures(db, &f.admin, &f.branch1, None).await;
    assert_eq!(listed(&o), overdue_now);
    let general = app::branch::server::my_branches(db, &f.admin, now)
        .await
        .unwrap()
        .todos;
    assert_eq!(
        general.iter().any(|t| t
            .text
            .starts_with("第一党支部：整改任务“抓创新促发展”已逾期")),
        overdue_now,
        "the 总支's own list: {general:?}"
    );
    // Status: organisers only, the task must be the plan's.
    assert_eq!(
        set_status(db, &f.m1a, &f.branch1, year, &first, TaskStatus::Done, now).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        set_status(
            db,
            &f.sec1,
            &f.branch1,
            year,
            "no-such",
            TaskStatus::Done,
            now
        )
        .await,
        Err(AppError::NotFound)
    );
    set_status(db, &f.sec1, &f.branch1, year, &first, TaskStatus::Done, now)
        .await
        .unwrap();
    let v = plan(db, &f.m1a, &f.branch1).await.unwrap();
    assert_eq!(v.tasks[0].status, TaskStatus::Done);
    assert!(!v.tasks[0].overdue);
    assert_eq!(v.progress.done, 1);
    assert!(!listed(
        &common::figures(db, &f.sec1, &f.branch1, None).await
    ));
    // Progress notes: links to the branch's own records only.
    assert!(matches!(
        add_note(db, &f.sec1, &note(&f, &first, year, &f.other_branch), now).await,
        Err(AppError::Invalid(m)) if m.contains("不是本组织的")
    ));
    add_note(db, &f.sec1, &note(&f, &first, year, &f.past), now)
        .await
        .unwrap();
    let v = plan(db, &f.m1a, &f.branch1).await.unwrap();
    let notes = &v.tasks[0].notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].links.len(), 1);
    assert_eq!(notes[0].links[0].0, f.past);
    assert_eq!(
        add_note(db, &f.m1a, &note(&f, &first, year, ""), now).await,
        Err(AppError::Forbidden)
    );
    // Photos of the task's progress: the organisers add them, by their bytes; its readers read.
    use app::plan::server::photos::{Upload, add, file};
    let config = app::state::RuntimeConfig {
        data_dir: std::env::temp_dir().join(format!("xingqi-plan-{}", uuid::Uuid::new_v4())),
        ..app::state::RuntimeConfig::default()
    };
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0u8; 64][..]].concat();
    let upload = |task: &'static str, bytes: &'static [u8]| Upload {
        org_id: &f.branch1,
        year,
        task_id: task,
        name: "课堂.jpg",
        bytes,
    };
    let task: &'static str = first.clone().leak();
    let jpeg: &'static [u8] = jpeg.leak();
    assert_eq!(
        add(db, &config, &f.m1a, &upload(task, jpeg), now).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        add(db, &config, &f.sec1, &upload("no-such", jpeg), now).await,
        Err(AppError::NotFound)
    );
    assert!(matches!(
        add(db, &config, &f.sec1, &upload(task, b"MZ not a photo"), now).await,
        Err(AppError::Invalid(m)) if m.contains("只支持")
    ));
    let id = add(db, &config, &f.sec1, &upload(task, jpeg), now)
        .await
        .unwrap();
    let (name, kind, path) = file(db, &config, &f.m1a, &id).await.unwrap();
    assert_eq!((name.as_str(), kind.as_str()), ("课堂.jpg", "image/jpeg"));
    assert_eq!(std::fs::read(path).unwrap(), jpeg);
    assert_eq!(
        file(db, &config, &f.m2a, &id).await.unwrap_err(),
        AppError::Forbidden
    );
    let v = plan(db, &f.m1a, &f.branch1).await.unwrap();
    assert_eq!(v.tasks[0].files, [(id, "课堂.jpg".to_owned())]);
    // The rating's attested criteria point at the task as evidence; a task not in the plan is
    // refused.
    let config = app::state::RuntimeConfig::default();
    let evidence = |links: &'static str| app::rating::server::write::NewEvidence {
        org_id: &f.branch1,
        year,
        criterion: "brand",
        body: "见整改任务的进展",
        links,
        submit: false,
    };
    let link: &'static str = format!("task:{first}").leak();
    app::rating::server::write::save_evidence(db, &f.sec1, &config, &evidence(link), now)
        .await
        .unwrap();
    assert!(matches!(
        app::rating::server::write::save_evidence(db, &f.sec1, &config, &evidence("task:nope"), now).await,
        Err(AppError::Invalid(m)) if m.contains("不在本年度方案中")
    ));
    let rating = app::rating::server::view(db, &f.m1a, &config, &f.branch1, Some(year), now)
        .await
        .unwrap();
    let brand = rating
        .evidence
        .iter()
        .find(|e| e.criterion == "brand")
        .unwrap();
    assert_eq!(brand.links.len(), 1);
    assert!(
        brand.links[0].label.starts_with("整改任务：抓创新促发展"),
        "{:?}",
        brand.links
    );
}

async fn the_general_branchs_own_plan_is_approved_by_the_bureau(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let year = year_of(now);
    common::bureau(db, &[&f.school], "bviewer", "badmin").await;
    let password = app::auth::server::Password::new(common::PASSWORD);
    let badmin = app::auth::server::sign_in(db, "badmin", password, 60_000)
        .await
        .unwrap()
        .1;
    assert_eq!(
        plan(db, &f.sec1, &f.school).await.unwrap_err(),
        AppError::Forbidden
    );
    let c = words(db, &f.admin, &f.school).await;
    save(db, &f.admin, &f.school, year, c, true, now)
        .await
        .unwrap();
    assert_eq!(
        decide(db, &f.admin, &f.school, year, true, "", now).await,
        Err(AppError::Forbidden),
        "not its own approver where there is a bureau"
    );
    decide(db, &badmin, &f.school, year, true, "", now)
        .await
        .unwrap();
    let v = plan(db, &f.admin, &f.school).await.unwrap();
    assert!(v.general);
    assert_eq!(v.record.unwrap().state, PlanState::Approved);
}

async fn a_closed_years_plan_takes_no_change(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let last = year_of(now) - 1;
    let mut c = words(db, &f.sec1, &f.branch1).await;
    for t in &mut c.tasks {
        t.deadline = chrono::NaiveDate::from_ymd_opt(last, 12, 1).unwrap();
    }
    save(db, &f.sec1, &f.branch1, last, c.clone(), false, now)
        .await
        .unwrap();
    app::branch::closing::close_year(
        db,
        &f.admin,
        &app::domain::cadence::DEFAULT_RULES,
        last,
        now,
    )
    .await
    .unwrap();
    c.problems = "补写".into();
    assert!(matches!(
        save(db, &f.sec1, &f.branch1, last, c, false, now).await,
        Err(AppError::Invalid(m)) if m.contains("已封存")
    ));
}

async fn the_form_and_the_page_over_http(db: &Db) {
    let f = fixture(db).await;
    let year = year_of(now_ms());
    let base = serve(db).await;
    let sec = sign_in(&base, "sec1").await;
    let form = vec![
        ("org_id", f.branch1.clone()),
        ("year", year.to_string()),
        ("form[problems]", "学习形式单一".to_owned()),
        ("form[target_level]", "advanced".into()),
        ("form[recruits]", "1".into()),
        ("form[recruits_under_35]", "1".into()),
        ("form[tasks][0][id]", "seed-1".into()),
        ("form[tasks][0][title]", "抓创新促发展".into()),
        ("form[tasks][0][measures]", "开展课题研究".into()),
        ("form[tasks][0][owner]", "王书记".into()),
        ("form[tasks][0][deadline]", format!("{year}-12-31")),
        // A blank row is left out.
        ("form[tasks][1][title]", String::new()),
        ("form[tasks][2][title]", "抓品牌树形象".into()),
        ("form[tasks][2][owner]", "李老师".into()),
        ("form[tasks][2][deadline]", format!("{year}-12-15")),
        ("submit", "true".into()),
    ];
    // A bad date from a browser without JavaScript: back to the page, which says why.
    let mut bad = form.clone();
    bad[10].1 = "年底".into();
    let page_url = format!("{base}/branch/{}/plan?year={year}", f.branch1);
    let res = sec
        .post(format!("{base}/api/plan_save"))
        .header("accept", "text/html")
        .header("referer", &page_url)
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    let page = sec.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("第 1 项任务的完成期限应为"), "{page}");
    let res = sec
        .post(format!("{base}/api/plan_save"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let v = plan(db, &f.m1a, &f.branch1).await.unwrap();
    assert_eq!(v.content.tasks.len(), 2);
    assert_eq!(v.record.unwrap().state, PlanState::Submitted);
    // A bad date: refused with the reason.
    let mut bad = form.clone();
    bad[10].1 = "年底".into();
    let res = sec
        .post(format!("{base}/api/plan_save"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("第 1 项任务的完成期限"));

    // The member reads the page: the words, no form.
    let page = common::client()
        .get(format!("{base}/branch/{}/plan", f.branch1))
        .send()
        .await
        .unwrap();
    assert_ne!(page.status(), StatusCode::OK, "signed out: refused");
    let page = sign_in(&base, &f.m1a.username)
        .await
        .get(format!("{base}/branch/{}/plan", f.branch1))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("学习形式单一"), "{page}");
    assert!(page.contains("已提交，待审批"));
    assert!(!page.contains("保存方案"), "no form for a member");
    let res = sign_in(&base, &f.m2a.username)
        .await
        .get(format!("{base}/branch/{}/plan", f.branch1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The 总支 sees the decision form.
    let page = sign_in(&base, "admin")
        .await
        .get(format!("{base}/branch/{}/plan", f.branch1))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("总支审批"));
    // A photo of a task's progress, uploaded by a plain form and read back.
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 32][..]].concat();
    let part = reqwest::multipart::Part::bytes(jpeg.clone()).file_name("进展.jpg");
    let res = sec
        .post(format!(
            "{base}/branch/{}/plan/{year}/tasks/seed-1/files",
            f.branch1
        ))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("&file=saved"), "{location}");
    let page = sec
        .get(format!("{base}{location}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("已上传") && page.contains("进展.jpg"),
        "{page}"
    );
    let id = page
        .split("/plan-files/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let res = sign_in(&base, &f.m1a.username)
        .await
        .get(format!("{base}/plan-files/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().to_vec(), jpeg);
    // The 总支's dashboard shows the plan's progress; the year's archive lists its tasks.
    let admin = sign_in(&base, "admin").await;
    let overview = admin
        .get(format!("{base}/rating"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        overview.contains("已提交，待审批，整改任务 2 项：已完成 0"),
        "{overview}"
    );
    assert!(overview.contains("尚未制定"), "the second branch has none");
    let bytes = admin
        .get(format!("{base}/rating/archive.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("年度争创方案").unwrap();
    let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    for expected in [
        "第一党支部",
        "抓创新促发展",
        "抓品牌树形象",
        "已提交，待审批",
        "尚未制定",
    ] {
        assert!(cells.iter().any(|c| c == expected), "{expected}: {cells:?}");
    }
}

on_both_backends!(
    a_branch_writes_its_plan_and_the_general_branch_returns_then_approves_it,
    tasks_keep_status_and_progress_and_overdue_ones_reach_the_todo_list,
    the_general_branchs_own_plan_is_approved_by_the_bureau,
    a_closed_years_plan_takes_no_change,
    the_form_and_the_page_over_http,
);
