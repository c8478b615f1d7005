//! The roster import, complete (issue 9, point 4), on both backends: the committee seat
//! (书记/副书记/委员), the 党小组, staff or not and the 转正日期 read from an XLSX file, checked
//! against the branch before anything is stored; the template the import page offers; and the
//! one-书记-per-branch rule on the member form too.

use crate::common;

use app::db::{Db, now_ms};
use app::domain::roster::CommitteeRole;
use app::error::AppError;
use app::roster::server::{
    commit_import, load_import, members, preview, save_member, template_xlsx,
};
use app::roster::{MemberForm, MemberView};
use common::{Fixture, fixture};

const HEAD: [&str; 9] = [
    "支部",
    "姓名",
    "手机号",
    "党员类别",
    "入党日期",
    "转正日期",
    "支委职务",
    "党小组",
    "是否教职工",
];

/// A workbook with [`HEAD`] and `rows`, every cell written as text.
fn workbook(rows: &[[&str; 9]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in std::iter::once(&HEAD).chain(rows).enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// Previews `rows` for `branch` as `who`: the import's id and each row's problems.
async fn check(
    db: &Db,
    who: &app::auth::CurrentUser,
    branch: &str,
    rows: &[[&str; 9]],
) -> (String, Vec<Vec<String>>) {
    let id = preview(db, who, branch, "名单.xlsx", &workbook(rows), now_ms())
        .await
        .unwrap();
    let p = load_import(db, who, &id).await.unwrap();
    let problems = p
        .rows
        .iter()
        .map(|r| r.result.as_ref().err().cloned().unwrap_or_default())
        .collect();
    (id, problems)
}

async fn member(db: &Db, f: &Fixture, branch: &str, name: &str) -> MemberView {
    members(db, &f.admin, branch)
        .await
        .unwrap()
        .members
        .into_iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("{name} is on the roster"))
}

async fn committee_groups_staff_and_full_dates_come_in_from_excel(db: &Db) {
    let f = fixture(db).await;
    let chen = [
        "第一党支部",
        "陈书记",
        "13700000001",
        "正式",
        "2000-07-01",
        "2001-07-01",
        "书记",
        "第一党小组",
        "是",
    ];
    let zheng = [
        "第一党支部",
        "郑退休",
        "13700000004",
        "",
        "1980-07-01",
        "",
        "",
        "",
        "否",
    ];
    let (_, problems) = check(
        db,
        &f.sec1,
        &f.branch1,
        &[
            chen,
            [
                "第一党支部",
                "刘委员",
                "13700000002",
                "正式",
                "",
                "",
                "组织委员",
                "第九党小组",
                "",
            ],
            [
                "第一党支部",
                "吴预备",
                "13700000003",
                "预备",
                "2026-06-01",
                "",
                "委员",
                "",
                "",
            ],
            zheng,
        ],
    )
    .await;
    assert!(
        problems[0].is_empty() && problems[3].is_empty(),
        "{problems:?}"
    );
    assert_eq!(
        problems[1],
        ["本支部没有党小组“第九党小组”：现有 第一党小组"]
    );
    assert_eq!(problems[2], ["预备党员没有被选举权，不能担任支部委员"]);

    let (id, problems) = check(
        db,
        &f.sec1,
        &f.branch1,
        &[
            chen,
            [
                "第一党支部",
                "刘委员",
                "13700000002",
                "正式",
                "",
                "",
                "组织委员",
                "第一党小组",
                "",
            ],
            [
                "第一党支部",
                "吴预备",
                "13700000003",
                "预备",
                "2026-06-01",
                "",
                "",
                "",
                "",
            ],
            zheng,
        ],
    )
    .await;
    assert!(problems.iter().all(Vec::is_empty), "{problems:?}");
    assert_eq!(commit_import(db, &f.sec1, &id, now_ms()).await.unwrap(), 4);
    let chen = member(db, &f, &f.branch1, "陈书记").await;
    assert_eq!(chen.committee(), Some(CommitteeRole::Secretary));
    assert_eq!(chen.group_name.as_deref(), Some("第一党小组"));
    assert_eq!(chen.full_date.as_deref(), Some("2001-07-01"));
    assert_eq!(
        chen.role, "member",
        "a secretary's import records the seat; appointing is the 总支's"
    );
    let liu = member(db, &f, &f.branch1, "刘委员").await;
    assert_eq!(liu.committee(), Some(CommitteeRole::Member));
    let zheng = member(db, &f, &f.branch1, "郑退休").await;
    assert!(!zheng.staff && zheng.committee().is_none());
    assert!(
        member(db, &f, &f.branch1, "吴预备").await.staff,
        "staff unless said"
    );

    // One 书记 per branch: in a file, in the branch, and on the member form.
    let (_, problems) = check(
        db,
        &f.admin,
        &f.branch1,
        &[[
            "第一党支部",
            "另一位书记",
            "13700000005",
            "正式",
            "",
            "",
            "书记",
            "",
            "",
        ]],
    )
    .await;
    assert_eq!(
        problems[0],
        ["第一党支部已有书记陈书记：一个支部只有一位书记，请先把其改为委员"]
    );
    let form = MemberForm {
        name: "黄书记".into(),
        username: "huang".into(),
        standing: "正式".into(),
        committee: Some("书记".into()),
        ..MemberForm::default()
    };
    let refused = save_member(db, &f.sec1, &f.branch1, None, &form, now_ms())
        .await
        .unwrap()
        .unwrap_err();
    assert!(refused[0].message.contains("已有书记陈书记"), "{refused:?}");
    // 陈 may stay 书记 when edited.
    let edit = MemberForm {
        name: "陈书记".into(),
        phone: "13700000001".into(),
        standing: "正式".into(),
        committee: Some("书记".into()),
        full_date: "2001-07-01".into(),
        group_id: f.group1.clone(),
        ..MemberForm::default()
    };
    save_member(db, &f.sec1, &f.branch1, Some(&chen.id), &edit, now_ms())
        .await
        .unwrap()
        .unwrap();

    // The 总支's import appoints its 书记 in the app too; a branch without groups says so.
    let sun = [
        "第二党支部",
        "孙书记",
        "13700000006",
        "正式",
        "",
        "",
        "书记",
        "",
        "",
    ];
    let (_, problems) = check(
        db,
        &f.admin,
        &f.branch2,
        &[
            sun,
            [
                "第二党支部",
                "何明",
                "13700000007",
                "",
                "",
                "",
                "",
                "第一党小组",
                "",
            ],
        ],
    )
    .await;
    assert_eq!(
        problems[1],
        ["本支部还没有党小组“第一党小组”：请先在「组织」页添加党小组"]
    );
    let (id, _) = check(db, &f.admin, &f.branch2, &[sun]).await;
    assert_eq!(commit_import(db, &f.admin, &id, now_ms()).await.unwrap(), 1);
    let sun = member(db, &f, &f.branch2, "孙书记").await;
    assert_eq!(
        (sun.role.as_str(), sun.committee()),
        ("secretary", Some(CommitteeRole::Secretary))
    );
}

async fn the_template_is_the_branchs_own_and_only_for_its_organisers(db: &Db) {
    let f = fixture(db).await;
    let (name, bytes) = template_xlsx(db, &f.sec1, &f.branch1).await.unwrap();
    assert_eq!(name, "第一党支部党员名册模板.xlsx");
    let table = app::domain::table::read_table(&name, &bytes).unwrap();
    assert_eq!(table[0], app::domain::import::template_headings());
    assert_eq!(
        table[1][0], "第一党支部",
        "the example row names the branch"
    );
    // Filled in and uploaded, the template is an import.
    let mut table = table;
    table[1][1] = "模板填写".into();
    table[1][2] = "muban".into();
    table[1][3] = "13700000008".into();
    let csv = table
        .iter()
        .map(|r| r.join(","))
        .collect::<Vec<_>>()
        .join("\n");
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
    assert!(p.ok, "{:?}", p.rows);
    for (who, branch) in [(&f.m1a, &f.branch1), (&f.sec1, &f.branch2)] {
        assert_eq!(
            template_xlsx(db, who, branch).await.unwrap_err(),
            AppError::Forbidden
        );
    }
}

on_both_backends!(
    committee_groups_staff_and_full_dates_come_in_from_excel,
    the_template_is_the_branchs_own_and_only_for_its_organisers,
);
