//! The authorization matrix: every plain route, every server function and every page, asked by
//! each kind of viewer — nobody, a member, a member of another branch, the secretary, another
//! branch's secretary, the school's admin and another school's admin — for what it reads or
//! changes in the first branch. Each row says who may; every other viewer must be refused
//! (401, 403, or sent to sign in). The rows are checked against the router's own lists (the
//! plain route table, the registered server functions, the page routes): a route or server
//! function without a row fails the test.

use crate::common;
use app::db::Db;
use app::domain::role::Role;
use common::{Fixture, PASSWORD, client, fixture};
use reqwest::StatusCode;
use std::collections::{BTreeMap, BTreeSet};

/// Who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Member,
    OtherMember,
    Secretary,
    OtherSecretary,
    Admin,
    OtherAdmin,
    /// The first school's bureau: its read-only viewer and its admin.
    BureauViewer,
    BureauAdmin,
    /// Another bureau's viewer (no school of theirs is in the fixture).
    OtherBureau,
}

const EVERYONE: [Who; 10] = [
    Who::Anonymous,
    Who::Member,
    Who::OtherMember,
    Who::Secretary,
    Who::OtherSecretary,
    Who::Admin,
    Who::OtherAdmin,
    Who::BureauViewer,
    Who::BureauAdmin,
    Who::OtherBureau,
];

/// Who a row lets in.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Open to all (sign-in, the survey pages, the health check).
    Anyone,
    /// Any signed-in account (its own things).
    SignedIn,
    /// Whoever runs a branch anywhere (their own branches, their own campaigns).
    Runners,
    /// Any school's admin (their own school's log).
    Admins,
    /// The first branch's secretary and its school's admin.
    Organisers,
    /// The first branch's school's admin alone (the 总支's decisions).
    SchoolAdmin,
    /// The first branch's organisers and, to read, its school's bureau.
    Readers,
    /// Whoever reads branch pages anywhere: the runners and every bureau's people (their own).
    BranchReaders,
    /// Every bureau's people (their own bureau).
    Bureau,
    /// The first school's bureau's admin alone.
    BureauAdmin,
    /// The first branch's readers and its own members (its rating).
    ReadersAndMembers,
    /// Whoever sets a 争创活动: every school's admin and every bureau's admin (their own).
    DriveSetters,
    /// Every branch's members and secretaries (their own commitment).
    BranchPeople,
}

impl Rule {
    fn lets_in(self, who: Who) -> bool {
        match self {
            Rule::Anyone => true,
            Rule::SignedIn => who != Who::Anonymous,
            Rule::Runners => matches!(
                who,
                Who::Secretary | Who::OtherSecretary | Who::Admin | Who::OtherAdmin
            ),
            Rule::Admins => matches!(who, Who::Admin | Who::OtherAdmin),
            Rule::Organisers => matches!(who, Who::Secretary | Who::Admin),
            Rule::SchoolAdmin => who == Who::Admin,
            Rule::Readers => matches!(
                who,
                Who::Secretary | Who::Admin | Who::BureauViewer | Who::BureauAdmin
            ),
            Rule::BranchReaders => Rule::Runners.lets_in(who) || Rule::Bureau.lets_in(who),
            Rule::Bureau => matches!(who, Who::BureauViewer | Who::BureauAdmin | Who::OtherBureau),
            Rule::BureauAdmin => who == Who::BureauAdmin,
            Rule::ReadersAndMembers => Rule::Readers.lets_in(who) || who == Who::Member,
            Rule::DriveSetters => matches!(who, Who::Admin | Who::OtherAdmin | Who::BureauAdmin),
            Rule::BranchPeople => matches!(
                who,
                Who::Member | Who::OtherMember | Who::Secretary | Who::OtherSecretary
            ),
        }
    }
}

/// What a row sends.
enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Json(serde_json::Value),
    Multipart,
}

struct Row {
    /// The key in the router's list: `GET /photos/{id}`, `POST /api/members`, `GET /branch/{id}`.
    key: String,
    method: reqwest::Method,
    /// The concrete URL asked (ids of the first branch's things).
    url: String,
    body: Body,
    rule: Rule,
}

/// The first branch's things the rows name.
struct Things {
    f: Fixture,
    campaign: String,
    code: String,
    token: String,
    photo: String,
    import: String,
    leave: String,
    evidence_file: String,
    /// A public feedback on the first branch's letter.
    feedback: String,
    /// A file of a task of the first branch's plan (its bytes are not on disk).
    plan_file: String,
}

async fn things(db: &Db, base: &str) -> Things {
    let f = fixture(db).await;
    let campaign = crate::survey::open_campaign(db, &f).await;
    let code = crate::survey::codes(db, &f, &campaign, app::domain::ballot::Audience::Parents, 1)
        .await
        .remove(0);
    let token = app::survey::server::campaign_for_organiser(db, &f.sec1, &campaign)
        .await
        .unwrap()
        .open_token
        .unwrap();
    // A photo and a roster import, made by the secretary over HTTP.
    let sec = signed_in(base, "sec1").await;
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0u8; 1000][..]].concat();
    let part = reqwest::multipart::Part::bytes(jpeg).file_name("p.jpg");
    let res = sec
        .post(format!("{base}/activity/{}/photos", f.today))
        .multipart(reqwest::multipart::Form::new().part("photo", part))
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    let photo: String = sqlx::query_scalar("SELECT id FROM activity_photos LIMIT 1")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let csv = "支部,姓名,用户名,手机号,性别,出生日期,入党日期,党员类别,有职/无职,职务\n\
               第一党支部,周八,zhouba,,男,1990-05-01,2015-06-30,正式,无职,\n"
        .as_bytes()
        .to_vec();
    let part = reqwest::multipart::Part::bytes(csv).file_name("名单.csv");
    sec.post(format!("{base}/branch/{}/members/import", f.branch1))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let import: String = sqlx::query_scalar("SELECT id FROM roster_imports LIMIT 1")
        .fetch_one(db.pool())
        .await
        .unwrap();
    // An evidence file of the first branch's rating, uploaded by its secretary.
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4 matrix".to_vec()).file_name("预算表.pdf");
    let year = app::domain::time::year_of(app::db::now_ms());
    let res = sec
        .post(format!(
            "{base}/branch/{}/rating/{year}/evidence/funding/files",
            f.branch1
        ))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let evidence_file: String = sqlx::query_scalar("SELECT id FROM rating_evidence_files LIMIT 1")
        .fetch_one(db.pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO post_commitments (user_id, year, org_id, with_post, post, pledge, state, \
         updated_at) VALUES ($1, 2026, $2, 1, '教研组长', '矩阵测试的承诺', 'submitted', 0)",
    )
    .bind(&f.m1a.id)
    .bind(&f.branch1)
    .execute(db.pool())
    .await
    .unwrap();
    let plan_file = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO plan_photos (id, org_id, year, task_id, name, content_type, size_bytes, \
         sha256, uploaded_by, uploaded_at) VALUES ($1, $2, 2026, 'seed-1', 'x.jpg', 'image/jpeg', \
         1, '', $3, 0)",
    )
    .bind(&plan_file)
    .bind(&f.branch1)
    .bind(&f.sec1.id)
    .execute(db.pool())
    .await
    .unwrap();
    let feedback = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO letter_feedback (id, org_id, year, body, received_on) \
         VALUES ($1, $2, 2026, '矩阵测试的留言', '2026-01-01')",
    )
    .bind(&feedback)
    .bind(&f.branch1)
    .execute(db.pool())
    .await
    .unwrap();
    let leave = common::v7();
    app::records::push(
        db,
        &f.m1a,
        None,
        vec![f.leave(leave, &f.next_week, &f.m1a, "外出培训", app::db::now_ms())],
    )
    .await
    .unwrap();
    Things {
        f,
        campaign,
        code,
        token,
        photo,
        import,
        leave: leave.to_string(),
        evidence_file,
        feedback,
        plan_file,
    }
}

fn form(pairs: &[(&'static str, &str)]) -> Body {
    Body::Form(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
}

fn rows(t: &Things) -> Vec<Row> {
    use reqwest::Method as M;
    let f = &t.f;
    let (b1, today, m1a, campaign) = (&f.branch1, &f.today, &f.m1a.id, &t.campaign);
    let row = |method: M, key: &str, url: String, body: Body, rule: Rule| Row {
        key: format!("{method} {key}"),
        method,
        url,
        body,
        rule,
    };
    let page = |key: &str, url: String, rule: Rule| row(M::GET, key, url, Body::None, rule);
    let api = |name: &str, body: Body, rule: Rule| {
        row(
            M::POST,
            &format!("/api/{name}"),
            format!("/api/{name}"),
            body,
            rule,
        )
    };
    let activity_form = vec![
        ("form[kind]", "theme_day".to_owned()),
        ("form[topic]", "矩阵测试".to_owned()),
        ("form[starts_at]", "2031-01-01T09:00".to_owned()),
        ("form[ends_at]", "2031-01-01T10:00".to_owned()),
        ("form[place]", "会议室".to_owned()),
        ("form[chair]", String::new()),
        ("form[recorder]", String::new()),
        ("form[audience]", "branch".to_owned()),
    ];
    let member_form = |prefix: &'static str| {
        let _ = prefix;
        vec![
            ("form[name]", "矩阵".to_owned()),
            ("form[username]", "matrix".to_owned()),
            ("form[phone]", String::new()),
            ("form[gender]", String::new()),
            ("form[birth_date]", String::new()),
            ("form[join_date]", String::new()),
            ("form[standing]", "full".to_owned()),
            ("form[post]", String::new()),
            ("form[group_id]", String::new()),
        ]
    };
    let campaign_form = vec![
        ("form[org_id]", b1.clone()),
        ("form[title]", "矩阵测评".to_owned()),
        ("form[period]", "2026年度".to_owned()),
        ("form[opens_on]", "2031-01-01".to_owned()),
        ("form[closes_on]", "2031-01-31".to_owned()),
        ("form[scale]", "three".to_owned()),
        ("form[convention]", "rate".to_owned()),
        ("form[audience_parents]", "on".to_owned()),
        ("form[min_group]", "10".to_owned()),
    ];
    let with = |mut v: Vec<(&'static str, String)>, extra: &[(&'static str, &str)]| {
        v.extend(extra.iter().map(|(k, x)| (*k, (*x).to_owned())));
        Body::Form(v)
    };
    vec![
        // Plain routes.
        page("/sw.js", "/sw.js".into(), Rule::Anyone),
        row(
            M::POST,
            "/auth/login",
            "/auth/login".into(),
            form(&[("username", "m1a"), ("password", "wrong"), ("next", "")]),
            Rule::Anyone,
        ),
        row(
            M::POST,
            "/api/v1/sync/push",
            "/api/v1/sync/push".into(),
            Body::Json(
                serde_json::json!({ "records": [f.checkin_now(common::v7(), today, &f.m1a)] }),
            ),
            Rule::SignedIn,
        ),
        page(
            "/api/v1/sync/pull",
            "/api/v1/sync/pull".into(),
            Rule::SignedIn,
        ),
        page(
            "/api/v1/openapi.json",
            "/api/v1/openapi.json".into(),
            Rule::Anyone,
        ),
        row(
            M::POST,
            "/activity/{id}/photos",
            format!("/activity/{today}/photos"),
            Body::Multipart,
            Rule::Organisers,
        ),
        page(
            "/photos/{id}",
            format!("/photos/{}", t.photo),
            Rule::Readers,
        ),
        row(
            M::POST,
            "/branch/{id}/members/import",
            format!("/branch/{b1}/members/import"),
            Body::Multipart,
            Rule::Organisers,
        ),
        page(
            "/branch/{id}/members/template.xlsx",
            format!("/branch/{b1}/members/template.xlsx"),
            Rule::Organisers,
        ),
        // A made-up set-up token: everyone is sent back to the form, nobody gets further.
        row(
            M::POST,
            "/auth/setup",
            "/auth/setup".into(),
            form(&[
                ("token", "made-up"),
                ("school_name", "矩阵中学"),
                ("admin_name", "矩阵"),
                ("username", "matrix-admin"),
                ("password", "a-long-password"),
                ("confirm", "a-long-password"),
            ]),
            Rule::Anyone,
        ),
        row(
            M::POST,
            "/auth/invite",
            "/auth/invite".into(),
            form(&[
                ("username", "m1a"),
                ("code", "XXXX-XXXX"),
                ("password", "a-long-password"),
                ("confirm", "a-long-password"),
            ]),
            Rule::Anyone,
        ),
        page("/healthz", "/healthz".into(), Rule::Anyone),
        row(
            M::POST,
            "/survey/answer",
            "/survey/answer".into(),
            form(&[("record_id", "x")]),
            Rule::Anyone,
        ),
        page(
            "/survey/go",
            format!("/survey/go?code={}", t.code),
            Rule::Anyone,
        ),
        page(
            "/surveys/{id}/export.csv",
            format!("/surveys/{campaign}/export.csv"),
            Rule::Organisers,
        ),
        page(
            "/surveys/{id}/export.xlsx",
            format!("/surveys/{campaign}/export.xlsx"),
            Rule::Organisers,
        ),
        page(
            "/surveys/{id}/qr.png",
            format!("/surveys/{campaign}/qr.png"),
            Rule::Organisers,
        ),
        // Server functions.
        api("activity_record", form(&[("id", today)]), Rule::Readers),
        api(
            "activity_form",
            form(&[("branch_id", b1)]),
            Rule::Organisers,
        ),
        api(
            "save_activity",
            with(activity_form, &[("branch_id", b1)]),
            Rule::Organisers,
        ),
        api(
            "cancel_activity",
            form(&[("id", &f.next_week), ("reason", "矩阵测试")]),
            Rule::Organisers,
        ),
        api(
            "save_minutes",
            form(&[("id", today), ("minutes", "记录")]),
            Rule::Organisers,
        ),
        api(
            "mark_attendance",
            form(&[
                ("activity_id", today),
                ("user_id", m1a),
                ("mark", "present"),
                ("note", ""),
            ]),
            Rule::Organisers,
        ),
        api(
            "review_checkins",
            form(&[("activity_id", today), ("confirm", "true")]),
            Rule::Organisers,
        ),
        api(
            "close_roll",
            form(&[("activity_id", today)]),
            Rule::Organisers,
        ),
        api("activity_proof", form(&[("id", today)]), Rule::Organisers),
        api("my_activities", Body::None, Rule::SignedIn),
        api("audit_log", form(&[("page", "0")]), Rule::Admins),
        api("members", form(&[("branch_id", b1)]), Rule::Organisers),
        api("member", form(&[("user_id", m1a)]), Rule::Organisers),
        api("member_moves", form(&[("user_id", m1a)]), Rule::Organisers),
        // A date too far back: the 总支 is answered (with the reason), nothing moves.
        api(
            "move_member",
            form(&[
                ("user_id", m1a),
                ("to_branch", &f.branch2),
                ("moved_on", "2000-01-01"),
                ("reason", "矩阵"),
            ]),
            Rule::SchoolAdmin,
        ),
        api(
            "save_member",
            with(member_form(""), &[("branch_id", b1)]),
            Rule::Organisers,
        ),
        api(
            "set_member_active",
            form(&[("user_id", &f.m1b.id), ("active", "true")]),
            Rule::Organisers,
        ),
        api(
            "roster_import",
            form(&[("id", &t.import)]),
            Rule::Organisers,
        ),
        api(
            "commit_roster_import",
            form(&[("id", &t.import)]),
            Rule::Organisers,
        ),
        api(
            "create_invites",
            form(&[("branch_id", b1), ("user_id", &f.m1b.id)]),
            Rule::Organisers,
        ),
        api("survey_list", Body::None, Rule::Runners),
        api(
            "survey_results",
            form(&[("campaign_id", campaign)]),
            Rule::Organisers,
        ),
        api(
            "survey_slips",
            form(&[("campaign_id", campaign)]),
            Rule::Organisers,
        ),
        api(
            "survey_create",
            Body::Form(campaign_form.clone()),
            Rule::Organisers,
        ),
        api(
            "survey_revise",
            with(campaign_form, &[("campaign_id", campaign)]),
            Rule::Organisers,
        ),
        api(
            "survey_details",
            form(&[
                ("campaign_id", campaign),
                ("details[title]", "改名"),
                ("details[period]", "2026年度"),
                ("details[opens_on]", "2020-01-01"),
                ("details[closes_on]", "2031-01-01"),
            ]),
            Rule::Organisers,
        ),
        api(
            "survey_revision_decide",
            form(&[("campaign_id", campaign), ("approve", "false")]),
            Rule::SchoolAdmin,
        ),
        api(
            "survey_invites",
            form(&[
                ("campaign_id", campaign),
                ("audience", "parents"),
                ("count", "1"),
            ]),
            Rule::Organisers,
        ),
        api("survey_entry", form(&[("code", &t.code)]), Rule::Anyone),
        api("setup_state", Body::None, Rule::Anyone),
        api("sign_in_schools", Body::None, Rule::Anyone),
        api("school_tree", Body::None, Rule::Admins),
        api("close_year", form(&[("year", "2020")]), Rule::Admins),
        api("drive_now", Body::None, Rule::Anyone),
        api("drive_setup", Body::None, Rule::DriveSetters),
        api(
            "drive_save",
            form(&[
                ("form[title]", "矩阵测试"),
                ("form[start_year]", "2020"),
                ("form[end_year]", "2019"),
            ]),
            Rule::DriveSetters,
        ),
        api(
            "reopen_year",
            form(&[("year", "2020"), ("reason", "矩阵测试")]),
            Rule::Admins,
        ),
        api(
            "school_add",
            form(&[("group", "false"), ("parent_id", ""), ("name", "矩阵支部")]),
            Rule::Admins,
        ),
        api(
            "school_rename",
            form(&[("id", &f.branch2), ("name", "第二党支部")]),
            Rule::SchoolAdmin,
        ),
        api(
            "school_move",
            form(&[("id", &f.branch2), ("up", "false")]),
            Rule::SchoolAdmin,
        ),
        api(
            "school_archive",
            form(&[("id", b1), ("archived", "true")]),
            Rule::SchoolAdmin,
        ),
        api(
            "school_secretary",
            form(&[("user_id", &f.m1b.id), ("secretary", "false")]),
            Rule::SchoolAdmin,
        ),
        api("branch_overview", form(&[("branch_id", b1)]), Rule::Readers),
        api("my_branches", Body::None, Rule::BranchReaders),
        api("bureau", Body::None, Rule::Bureau),
        api("bureau_rollup", form(&[("year", "2026")]), Rule::Bureau),
        api(
            "bureau_add_school",
            form(&[
                ("school_name", "矩阵小学"),
                ("committee_name", ""),
                ("admin_name", "矩阵"),
                ("admin_username", "matrix-school"),
            ]),
            Rule::BureauAdmin,
        ),
        api(
            "bureau_add_viewer",
            form(&[("name", "矩阵"), ("username", "matrix-viewer")]),
            Rule::BureauAdmin,
        ),
        api("rating", form(&[("org_id", b1)]), Rule::ReadersAndMembers),
        api("rating_overview", Body::None, Rule::BranchReaders),
        api("plan", form(&[("org_id", b1)]), Rule::ReadersAndMembers),
        api("letter", form(&[("org_id", b1)]), Rule::ReadersAndMembers),
        api(
            "letter_save",
            form(&[
                ("org_id", b1),
                ("year", "2026"),
                ("title", ""),
                ("body", ""),
            ]),
            Rule::Organisers,
        ),
        api(
            "letter_decide",
            form(&[
                ("org_id", b1),
                ("year", "2026"),
                ("approve", "true"),
                ("comment", ""),
            ]),
            Rule::SchoolAdmin,
        ),
        api(
            "letter_publish",
            form(&[("org_id", b1), ("year", "2026")]),
            Rule::Organisers,
        ),
        api(
            "letter_feedback_send",
            form(&[
                ("token", "00000000000000000000000000000000"),
                ("body", "矩阵测试的留言"),
                ("stamp", "0.0"),
            ]),
            Rule::Anyone,
        ),
        api(
            "letter_feedback_reply",
            form(&[("id", &t.feedback), ("reply", "矩阵回复")]),
            Rule::Organisers,
        ),
        api(
            "letter_feedback_decide",
            form(&[("id", &t.feedback), ("part", "feedback"), ("show", "false")]),
            Rule::SchoolAdmin,
        ),
        api(
            "pledge_save",
            form(&[("year", "2026"), ("post", ""), ("pledge", "")]),
            Rule::BranchPeople,
        ),
        api(
            "pledge_decide",
            form(&[
                ("user_id", &t.f.m1a.id),
                ("year", "2026"),
                ("approve", "false"),
                ("comment", ""),
            ]),
            Rule::Organisers,
        ),
        api(
            "letter_public",
            form(&[("token", "00000000000000000000000000000000")]),
            Rule::Anyone,
        ),
        api(
            "plan_save",
            form(&[
                ("org_id", b1),
                ("year", "2026"),
                ("form[target_level]", "advanced"),
            ]),
            Rule::Organisers,
        ),
        api(
            "plan_decide",
            form(&[
                ("org_id", b1),
                ("year", "2026"),
                ("approve", "true"),
                ("comment", ""),
            ]),
            Rule::SchoolAdmin,
        ),
        api(
            "plan_task_status",
            form(&[
                ("org_id", b1),
                ("year", "2026"),
                ("task_id", "none"),
                ("status", "done"),
            ]),
            Rule::Organisers,
        ),
        api(
            "plan_task_note",
            form(&[
                ("org_id", b1),
                ("year", "2026"),
                ("task_id", "none"),
                ("on_day", "2026-05-01"),
                ("note", "矩阵"),
            ]),
            Rule::Organisers,
        ),
        api(
            "rating_evidence_save",
            form(&[
                ("org_id", b1),
                ("year", "2026"),
                ("criterion", "brand"),
                ("body", "矩阵"),
                ("links", ""),
            ]),
            Rule::Organisers,
        ),
        api(
            "rating_evidence_decide",
            form(&[
                ("org_id", b1),
                ("year", "2026"),
                ("criterion", "brand"),
                ("approve", "false"),
                ("comment", "矩阵"),
            ]),
            Rule::SchoolAdmin,
        ),
        api(
            "rating_honour_add",
            form(&[
                ("org_id", b1),
                ("awarded_on", "2026-03-01"),
                ("level", "county"),
                ("title", "矩阵"),
                ("issuer", ""),
                ("evidence", ""),
            ]),
            Rule::SchoolAdmin,
        ),
        api(
            "rating_violation_add",
            form(&[
                ("org_id", b1),
                ("occurred_on", "2026-03-01"),
                ("person", "矩阵"),
                ("note", ""),
            ]),
            Rule::SchoolAdmin,
        ),
        api(
            "rating_evaluation_set",
            form(&[("org_id", b1), ("year", "2026"), ("grade", "excellent")]),
            Rule::SchoolAdmin,
        ),
        api(
            "rating_assessment_set",
            form(&[
                ("user_id", &f.sec1.id),
                ("year", "2026"),
                ("grade", "competent"),
            ]),
            Rule::SchoolAdmin,
        ),
        api(
            "rating_baseline_set",
            form(&[("org_id", b1), ("year", "2025"), ("level", "average")]),
            Rule::SchoolAdmin,
        ),
        api(
            "rating_target_set",
            form(&[
                ("org_id", b1),
                ("level", "red_flag"),
                ("deadline", "2027-12-31"),
            ]),
            Rule::SchoolAdmin,
        ),
        api(
            "rating_target_remove",
            form(&[("org_id", b1), ("id", "none")]),
            Rule::SchoolAdmin,
        ),
        api(
            "decide_leave",
            form(&[("id", &t.leave), ("approve", "true"), ("note", "")]),
            Rule::Organisers,
        ),
        // Pages.
        page("/login", "/login".into(), Rule::Anyone),
        page("/me", "/me".into(), Rule::SignedIn),
        page("/audit", "/audit".into(), Rule::Admins),
        page("/branch", "/branch".into(), Rule::BranchReaders),
        page("/bureau", "/bureau".into(), Rule::Bureau),
        page("/drive", "/drive".into(), Rule::DriveSetters),
        page("/rating", "/rating".into(), Rule::BranchReaders),
        row(
            M::POST,
            "/branch/{id}/rating/{year}/evidence/{criterion}/files",
            format!("/branch/{b1}/rating/2026/evidence/funding/files"),
            Body::Multipart,
            Rule::Organisers,
        ),
        page(
            "/evidence-files/{id}",
            format!("/evidence-files/{}", t.evidence_file),
            Rule::ReadersAndMembers,
        ),
        row(
            M::POST,
            "/branch/{id}/plan/{year}/tasks/{task}/files",
            format!("/branch/{b1}/plan/2026/tasks/seed-1/files"),
            Body::Multipart,
            Rule::Organisers,
        ),
        page(
            "/plan-files/{id}",
            format!("/plan-files/{}", t.plan_file),
            Rule::ReadersAndMembers,
        ),
        page(
            "/rating/archive.xlsx",
            "/rating/archive.xlsx".into(),
            Rule::BranchReaders,
        ),
        page(
            "/branch/{id}/rating",
            format!("/branch/{b1}/rating"),
            Rule::ReadersAndMembers,
        ),
        page(
            "/branch/{id}/letter",
            format!("/branch/{b1}/letter"),
            Rule::ReadersAndMembers,
        ),
        page(
            "/public/letter/{token}",
            "/public/letter/00000000000000000000000000000000".into(),
            Rule::Anyone,
        ),
        page(
            "/public/letter/{token}/poster",
            "/public/letter/00000000000000000000000000000000/poster".into(),
            Rule::Anyone,
        ),
        page(
            "/branch/{id}/plan",
            format!("/branch/{b1}/plan"),
            Rule::ReadersAndMembers,
        ),
        page(
            "/api/v1/orgs/{id}/rating",
            format!("/api/v1/orgs/{b1}/rating"),
            Rule::ReadersAndMembers,
        ),
        page("/branch/{id}", format!("/branch/{b1}"), Rule::Readers),
        page(
            "/branch/{id}/activities/new",
            format!("/branch/{b1}/activities/new"),
            Rule::Organisers,
        ),
        page(
            "/branch/{id}/members",
            format!("/branch/{b1}/members"),
            Rule::Organisers,
        ),
        page(
            "/branch/{id}/members/new",
            format!("/branch/{b1}/members/new"),
            Rule::Organisers,
        ),
        page(
            "/branch/{id}/members/import/{import}",
            format!("/branch/{b1}/members/import/{}", t.import),
            Rule::Organisers,
        ),
        page(
            "/member/{user}/edit",
            format!("/member/{m1a}/edit"),
            Rule::Organisers,
        ),
        page("/invite", "/invite".into(), Rule::Anyone),
        page("/setup", "/setup?token=x".into(), Rule::Anyone),
        page("/school", "/school".into(), Rule::Admins),
        page(
            "/activity/{id}",
            format!("/activity/{today}"),
            Rule::Readers,
        ),
        page(
            "/activity/{id}/edit",
            format!("/activity/{today}/edit"),
            Rule::Organisers,
        ),
        page(
            "/activity/{id}/qr",
            format!("/activity/{today}/qr"),
            Rule::Organisers,
        ),
        page("/surveys", "/surveys".into(), Rule::Runners),
        page("/surveys/new", "/surveys/new".into(), Rule::Runners),
        page(
            "/surveys/{id}",
            format!("/surveys/{campaign}"),
            Rule::Organisers,
        ),
        page(
            "/surveys/{id}/slips",
            format!("/surveys/{campaign}/slips"),
            Rule::Organisers,
        ),
        page(
            "/surveys/{id}/edit",
            format!("/surveys/{campaign}/edit"),
            Rule::Organisers,
        ),
        page("/survey", "/survey".into(), Rule::Anyone),
        page("/survey/done", "/survey/done".into(), Rule::Anyone),
        page(
            "/survey/open/{token}",
            format!("/survey/open/{}", t.token),
            Rule::Anyone,
        ),
        page(
            "/survey/{code}",
            format!("/survey/{}", t.code),
            Rule::Anyone,
        ),
        page("/", "/".into(), Rule::Anyone),
        // Last: signing out ends each viewer's session.
        row(
            M::POST,
            "/auth/logout",
            "/auth/logout".into(),
            Body::None,
            Rule::Anyone,
        ),
    ]
}

async fn signed_in(base: &str, username: &str) -> reqwest::Client {
    let c = client();
    let res = c
        .post(format!("{base}/auth/login"))
        .form(&[("username", username), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{username} signs in");
    c
}

/// Whether an answer refused the viewer: 401, 403, or sent to sign in first (a failed sign-in
/// or a sign-out also lands on the sign-in page, without `next`: those are answers).
fn refused(res: &reqwest::Response) -> bool {
    let to_login = res.status().is_redirection()
        && res
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.starts_with("/login?next="));
    matches!(
        res.status(),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ) || to_login
}

/// Every route, server function and page × every viewer: refused exactly where its row says.
async fn every_route_refuses_exactly_who_its_row_says(db: &Db) {
    let dir = tempfile::tempdir().unwrap();
    let base = common::serve_with_data(db, dir.path()).await;
    let t = things(db, &base).await;
    // The viewers the fixture lacks: the second branch's secretary, another school's admin.
    common::extra_user(db, "sec2", Role::Secretary, &t.f.branch2, None).await;
    let other_school = uuid::Uuid::now_v7().to_string();
    common::extra_user(
        db,
        "admin2",
        Role::Admin,
        &other_school,
        Some("另一所学校党总支"),
    )
    .await;
    common::bureau(db, &[&t.f.school], "bviewer", "badmin").await;
    common::bureau(db, &[], "bviewer2", "badmin2").await;
    let mut viewers = BTreeMap::new();
    for (who, username) in [
        (Who::Member, "m1a"),
        (Who::OtherMember, "m2a"),
        (Who::Secretary, "sec1"),
        (Who::OtherSecretary, "sec2"),
        (Who::Admin, "admin"),
        (Who::OtherAdmin, "admin2"),
        (Who::BureauViewer, "bviewer"),
        (Who::BureauAdmin, "badmin"),
        (Who::OtherBureau, "bviewer2"),
    ] {
        viewers.insert(who, signed_in(&base, username).await);
    }
    viewers.insert(Who::Anonymous, client());

    let rows = rows(&t);
    // Every route the router knows has a row (and no row names a route that does not exist).
    let mut known: BTreeSet<String> = server::routes::list()
        .into_iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    known.extend(
        leptos::server_fn::axum::server_fn_paths().map(|(path, method)| format!("{method} {path}")),
    );
    known.extend(
        leptos_axum::generate_route_list(app::App)
            .into_iter()
            .map(|r| format!("GET {}", r.path())),
    );
    let covered: BTreeSet<String> = rows.iter().map(|r| r.key.clone()).collect();
    let missing: Vec<&String> = known.difference(&covered).collect();
    let stale: Vec<&String> = covered.difference(&known).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );

    let mut wrong = Vec::new();
    for row in &rows {
        for who in EVERYONE {
            let c = &viewers[&who];
            let mut req = c.request(row.method.clone(), format!("{base}{}", row.url));
            req = match &row.body {
                Body::None => req,
                Body::Form(pairs) => req.header("accept", "application/json").form(pairs),
                Body::Json(v) => req.json(v),
                Body::Multipart => req.multipart(reqwest::multipart::Form::new().text("x", "y")),
            };
            let res = req.send().await.unwrap();
            let status = res.status();
            if refused(&res) == row.rule.lets_in(who) {
                wrong.push(format!(
                    "{} as {who:?}: {status} (rule {:?})",
                    row.key, row.rule
                ));
            }
            assert!(
                !status.is_server_error(),
                "{} as {who:?}: {status}",
                row.key
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

on_both_backends!(every_route_refuses_exactly_who_its_row_says);
