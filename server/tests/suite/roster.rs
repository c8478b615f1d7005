//! The roster on both backends: imports checked before anything is stored and confirmed all
//! or nothing, members kept by hand, and invite codes.

use crate::common;

use app::auth::server::{Password, sign_in};
use app::db::{Db, now_ms};
use app::error::AppError;
use app::roster::MemberForm;
use app::roster::server::{
    accept_invite, commit_import, create_invites, load_import, members, preview, save_member,
    set_active,
};
use common::{PASSWORD, fixture};
use sqlx::Row;

const HEAD: &str = "支部,姓名,用户名,手机号,性别,出生日期,入党日期,党员类别,有职/无职,职务\n";

async fn users(db: &Db) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM users")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn a_good_file_is_previewed_then_imported_whole(db: &Db) {
    let f = fixture(db).await;
    let csv = format!(
        "{HEAD}第一党支部,王丽,,13800138000,女,1985-03-07,2008-07-01,正式,有职,语文教研组长\n第一党支部,李强,liqiang,,男,1990/5/1,2015年6月30日,预备,无职,\n"
    );
    let before = users(db).await;
    let id = preview(
        db,
        &f.sec1,
        &f.branch1,
        "名单.csv",
        csv.as_bytes(),
        now_ms(),
    )
    .await
    .unwrap();
    assert_eq!(users(db).await, before, "a preview stores no member");
    let p = load_import(db, &f.sec1, &id).await.unwrap();
    assert!(p.ok && !p.committed);
    assert_eq!(p.rows.len(), 2);
    assert_eq!(commit_import(db, &f.sec1, &id, now_ms()).await.unwrap(), 2);
    assert_eq!(users(db).await, before + 2);
    assert!(
        matches!(
            commit_import(db, &f.sec1, &id, now_ms()).await,
            Err(AppError::Invalid(_))
        ),
        "only once"
    );
    let list = members(db, &f.sec1, &f.branch1).await.unwrap();
    let wang = list.members.iter().find(|m| m.name == "王丽").unwrap();
    assert_eq!(
        (wang.username.as_str(), wang.post.as_deref(), wang.activated),
        ("13800138000", Some("语文教研组长"), false)
    );
    // Another branch's secretary sees neither the import nor the roster.
    assert_eq!(
        load_import(db, &f.m2a, &id).await.unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        members(db, &f.m1a, &f.branch1).await.unwrap_err(),
        AppError::Forbidden
    );
}

async fn one_bad_row_imports_nothing(db: &Db) {
    let f = fixture(db).await;
    let csv = format!(
        "{HEAD}第一党支部,王丽,,13800138000,女,1985-03-07,2008-07-01,正式,有职,组长\n\
         第二党支部,赵敏,zhaomin,,女,1985-03-07,2008-07-01,正式,无职,\n\
         第一党支部,张三,m1a,,男,1980-01-01,2001-07-01,正式,无职,\n\
         ,,,,,,,,,\n\
         第一党支部,钱七,qianqi,,男,1980-13-01,2001-07-01,积极分子,无职,\n"
    );
    let before = users(db).await;
    let id = preview(
        db,
        &f.sec1,
        &f.branch1,
        "名单.csv",
        csv.as_bytes(),
        now_ms(),
    )
    .await
    .unwrap();
    let p = load_import(db, &f.sec1, &id).await.unwrap();
    assert!(!p.ok);
    let problems: Vec<_> = p
        .rows
        .iter()
        .map(|r| (r.line, r.result.as_ref().err().map(|e| e.join("；"))))
        .collect();
    assert_eq!(problems[0], (2, None));
    assert!(
        problems[1].1.as_deref().unwrap().contains("不是本支部"),
        "{problems:?}"
    );
    assert!(
        problems[2]
            .1
            .as_deref()
            .unwrap()
            .contains("“m1a”已有人使用")
    );
    assert_eq!(problems.len(), 4, "the blank row is skipped");
    assert!(
        problems[3]
            .1
            .as_deref()
            .unwrap()
            .contains("出生日期“1980-13-01”无法识别")
    );
    assert!(
        problems[3]
            .1
            .as_deref()
            .unwrap()
            .contains("党员类别“积极分子”")
    );
    assert!(matches!(
        commit_import(db, &f.sec1, &id, now_ms()).await,
        Err(AppError::Invalid(_))
    ));
    assert_eq!(users(db).await, before, "nothing imported");
    // A file that is not a roster at all says so, and stores nothing.
    let not_roster = preview(
        db,
        &f.sec1,
        &f.branch1,
        "x.csv",
        "a,b\n1,2\n".as_bytes(),
        now_ms(),
    )
    .await;
    assert!(matches!(not_roster, Err(AppError::Invalid(m)) if m.contains("支部")));
}

async fn an_excel_file_is_read_like_a_csv(db: &Db) {
    let f = fixture(db).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["支部", "姓名", "手机号", "出生日期", "入党日期", "党员类别"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(1, 0, "第一党支部").unwrap();
    sheet.write_string(1, 1, "孙悦").unwrap();
    // Phone numbers typed into Excel are numbers; dates are dates.
    sheet.write_number(1, 2, 13900139000.0).unwrap();
    sheet
        .write_datetime_with_format(
            1,
            3,
            rust_xlsxwriter::ExcelDateTime::from_ymd(1988, 9, 10).unwrap(),
            &date,
        )
        .unwrap();
    sheet.write_string(1, 4, "2012-07-01").unwrap();
    sheet.write_string(1, 5, "正式").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let id = preview(db, &f.sec1, &f.branch1, "名单.xlsx", &bytes, now_ms())
        .await
        .unwrap();
    let p = load_import(db, &f.sec1, &id).await.unwrap();
    assert!(p.ok, "{:?}", p.rows);
    let m = p.rows[0].result.as_ref().unwrap();
    assert_eq!(m.username, "13900139000");
    assert_eq!(m.birth_date.unwrap().to_string(), "1988-09-10");
}

fn form(name: &str, username: &str) -> MemberForm {
    MemberForm {
        name: name.into(),
        username: username.into(),
        standing: "正式".into(),
        ..MemberForm::default()
    }
}

async fn members_are_kept_by_hand_and_invited(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let id = save_member(
        db,
        &f.sec1,
        &f.branch1,
        None,
        &MemberForm {
            committee: Some("true".into()),
            group_id: f.group1.clone(),
            post: "班主任".into(),
            ..form("周八", "zhouba")
        },
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let dup = save_member(db, &f.sec1, &f.branch1, None, &form("周八", "zhouba"), now)
        .await
        .unwrap();
    assert!(dup.unwrap_err()[0].message.contains("已有人使用"));
    let bad = save_member(db, &f.sec1, &f.branch1, None, &form("", ""), now)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(bad.len(), 2);
    assert_eq!(
        save_member(db, &f.sec1, &f.branch2, None, &form("x", "xxx"), now)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    // Edit keeps the same person.
    save_member(
        db,
        &f.sec1,
        &f.branch1,
        Some(&id),
        &form("周八（改）", "zhouba"),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let list = members(db, &f.sec1, &f.branch1).await.unwrap();
    let m = list.members.iter().find(|m| m.id == id).unwrap();
    assert_eq!(m.name, "周八（改）");
    assert!(!m.activated, "no password yet");
    // An account not yet activated answers a sign-in exactly like a wrong password.
    for password in ["", "pass-1234"] {
        assert_eq!(
            sign_in(db, "zhouba", Password::new(password), 60_000)
                .await
                .unwrap_err(),
            AppError::BadCredentials
        );
    }

    // An invite code sets the first password, once.
    let invites = create_invites(db, &f.sec1, &f.branch1, std::slice::from_ref(&id), now)
        .await
        .unwrap();
    let code = invites[0].code.clone();
    assert!(matches!(
        accept_invite(db, "zhouba", "WRONG-CODE0", Password::new("pass-1234"), now).await,
        Err(AppError::Invalid(_))
    ));
    accept_invite(
        db,
        "zhouba",
        &code.to_lowercase(),
        Password::new("pass-1234"),
        now,
    )
    .await
    .unwrap();
    assert!(
        sign_in(db, "zhouba", Password::new("pass-1234"), 60_000)
            .await
            .is_ok()
    );
    assert!(
        matches!(
            accept_invite(db, "zhouba", &code, Password::new("other-123"), now).await,
            Err(AppError::Invalid(_))
        ),
        "used"
    );
    // An expired code does not work.
    let late = create_invites(db, &f.sec1, &f.branch1, std::slice::from_ref(&id), now)
        .await
        .unwrap();
    let after = now + app::roster::server::INVITE_TTL_MS + 1;
    assert!(matches!(
        accept_invite(
            db,
            "zhouba",
            &late[0].code,
            Password::new("pass-5678"),
            after
        )
        .await,
        Err(AppError::Invalid(_))
    ));

    // Deactivated: no sign-in, off activities to come, past records kept.
    set_active(db, &f.sec1, &f.m1b.id, false, now)
        .await
        .unwrap();
    assert_eq!(
        sign_in(db, "m1b", Password::new(PASSWORD), 60_000)
            .await
            .unwrap_err(),
        AppError::BadCredentials
    );
    let next = app::activity::server::record(db, &f.sec1, &f.next_week, now)
        .await
        .unwrap();
    assert!(next.roll.iter().all(|e| e.name != "张二"));
    let today = app::activity::server::record(db, &f.sec1, &f.today, now)
        .await
        .unwrap();
    assert!(
        today.roll.iter().any(|e| e.name == "张二"),
        "a record already held stays as it was"
    );
    assert!(matches!(
        set_active(db, &f.sec1, &f.sec1.id, false, now).await,
        Err(AppError::Invalid(_))
    ));
}

on_both_backends!(
    a_good_file_is_previewed_then_imported_whole,
    one_bad_row_imports_nothing,
    an_excel_file_is_read_like_a_csv,
    members_are_kept_by_hand_and_invited,
    a_username_taken_after_the_preview_or_at_the_same_moment_is_a_clear_refusal,
);

/// The unique constraints decide who gets a username, not a look before the write: an import
/// whose username was taken after its preview imports nothing and says why, and two
/// secretaries adding the same username at the same moment get one member and one clear
/// refusal — never a server error.
async fn a_username_taken_after_the_preview_or_at_the_same_moment_is_a_clear_refusal(db: &Db) {
    let f = fixture(db).await;
    let csv = format!("{HEAD}第一党支部,王丽,wangli,,女,1985-03-07,2008-07-01,正式,无职,\n");
    let id = preview(
        db,
        &f.sec1,
        &f.branch1,
        "名单.csv",
        csv.as_bytes(),
        now_ms(),
    )
    .await
    .unwrap();
    assert!(load_import(db, &f.sec1, &id).await.unwrap().ok);
    save_member(
        db,
        &f.sec1,
        &f.branch1,
        None,
        &form("另一个王丽", "wangli"),
        now_ms(),
    )
    .await
    .unwrap()
    .unwrap();
    let before = users(db).await;
    match commit_import(db, &f.sec1, &id, now_ms()).await {
        Err(AppError::Invalid(message)) => {
            assert!(message.contains("在预览之后已被使用"), "{message}")
        }
        other => panic!("expected a clear refusal, got {other:?}"),
    }
    assert_eq!(users(db).await, before, "nothing imported");
    for round in 0..5 {
        let username = format!("same{round}");
        let (first, second) = (form("甲", &username), form("乙", &username));
        let (a, b) = tokio::join!(
            save_member(db, &f.sec1, &f.branch1, None, &first, now_ms()),
            save_member(db, &f.admin, &f.branch1, None, &second, now_ms()),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a.is_ok() != b.is_ok(), "exactly one is stored: {a:?} {b:?}");
        let refused = a.err().or(b.err()).unwrap();
        assert!(refused[0].message.contains("已有人使用"), "{refused:?}");
    }
}
