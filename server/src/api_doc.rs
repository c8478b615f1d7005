//! The server functions (`POST /api/<endpoint>`) in the OpenAPI description, beside the sync
//! protocol: each with the form fields it reads, so a fuzzer (schemathesis) and other clients
//! see every endpoint. The table is checked against the functions the server registers
//! (`described_endpoints`, tested), so a new server function without a row fails the tests.

use serde_json::{Map, Value, json};

/// How a form field is read.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// Required text.
    Text,
    /// Text that may be left out.
    Optional,
    /// `true` or `false`.
    Flag,
    /// A whole number.
    Number,
    /// A year (`2026`) that may be left out: the current year then.
    Year,
}

mod drive;
mod forms;
mod letter;
mod plan;
use forms::{ACTIVITY_FORM, CAMPAIGN_FORM, MEMBER_FORM};
mod rating;

use Kind::{Flag, Number, Optional, Text, Year};

pub(crate) struct ServerFn {
    pub endpoint: &'static str,
    pub summary: &'static str,
    /// Its form fields, in parts (a nested form is one part).
    pub fields: &'static [&'static [(&'static str, Kind)]],
}

const SERVER_FNS: &[ServerFn] = &[
    ServerFn {
        endpoint: "activity_record",
        summary: "An activity's record (活动记录) with its roll",
        fields: &[&[("id", Text)]],
    },
    ServerFn {
        endpoint: "activity_form",
        summary: "What the schedule or edit form of an activity starts from",
        fields: &[&[("branch_id", Optional), ("activity_id", Optional)]],
    },
    ServerFn {
        endpoint: "save_activity",
        summary: "Schedules or edits an activity",
        fields: &[
            &[("branch_id", Text), ("activity_id", Optional)],
            &ACTIVITY_FORM,
        ],
    },
    ServerFn {
        endpoint: "cancel_activity",
        summary: "Cancels an activity, with the reason",
        fields: &[&[("id", Text), ("reason", Text)]],
    },
    ServerFn {
        endpoint: "save_minutes",
        summary: "Keeps an activity's minutes",
        fields: &[&[("id", Text), ("minutes", Text)]],
    },
    ServerFn {
        endpoint: "review_checkins",
        summary: "Confirms or refuses every held check-in (待确认) of an activity",
        fields: &[&[("activity_id", Text), ("confirm", Flag)]],
    },
    ServerFn {
        endpoint: "close_roll",
        summary: "Closes an activity's roll: it counts as held though nobody checked in",
        fields: &[&[("activity_id", Text)]],
    },
    ServerFn {
        endpoint: "mark_attendance",
        summary: "Sets a member's attendance by hand (present, excused, absent, auto)",
        fields: &[&[
            ("activity_id", Text),
            ("user_id", Text),
            ("mark", Text),
            ("note", Text),
        ]],
    },
    ServerFn {
        endpoint: "activity_proof",
        summary: "The organiser's check-in code screen",
        fields: &[&[("id", Text)]],
    },
    ServerFn {
        endpoint: "my_activities",
        summary: "The signed-in member's activities of today and after",
        fields: &[],
    },
    ServerFn {
        endpoint: "members",
        summary: "A branch's members",
        fields: &[&[("branch_id", Text)]],
    },
    ServerFn {
        endpoint: "member",
        summary: "One member, for the edit form",
        fields: &[&[("user_id", Text)]],
    },
    ServerFn {
        endpoint: "save_member",
        summary: "Adds or edits a member",
        fields: &[&[("branch_id", Text), ("user_id", Optional)], &MEMBER_FORM],
    },
    ServerFn {
        endpoint: "member_moves",
        summary: "A member's moves to other branches (组织关系转接), and where they may move to",
        fields: &[&[("user_id", Text)]],
    },
    ServerFn {
        endpoint: "move_member",
        summary: "The 总支 moves a member to another branch or school from a given day",
        fields: &[&[
            ("user_id", Text),
            ("to_branch", Text),
            ("moved_on", Text),
            ("reason", Text),
        ]],
    },
    ServerFn {
        endpoint: "set_member_active",
        summary: "Deactivates or reactivates a member",
        fields: &[&[("user_id", Text), ("active", Flag)]],
    },
    ServerFn {
        endpoint: "roster_import",
        summary: "The preview of an uploaded roster file",
        fields: &[&[("id", Text)]],
    },
    ServerFn {
        endpoint: "commit_roster_import",
        summary: "Imports a previewed roster file, all or nothing",
        fields: &[&[("id", Text)]],
    },
    ServerFn {
        endpoint: "create_invites",
        summary: "One-time invitation codes (first password or audited reset)",
        fields: &[&[("branch_id", Text), ("user_id", Optional)]],
    },
    ServerFn {
        endpoint: "survey_list",
        summary: "The satisfaction campaigns the viewer organises",
        fields: &[],
    },
    ServerFn {
        endpoint: "survey_results",
        summary: "A campaign's results (withheld while it runs)",
        fields: &[&[("campaign_id", Text)]],
    },
    ServerFn {
        endpoint: "survey_slips",
        summary: "A campaign's invitation code slips",
        fields: &[&[("campaign_id", Text)]],
    },
    ServerFn {
        endpoint: "survey_create",
        summary: "Starts a campaign",
        fields: &[&[], &CAMPAIGN_FORM],
    },
    ServerFn {
        endpoint: "survey_revise",
        summary: "Revises what a campaign asks (a new version; with answers, the 总支 approves)",
        fields: &[&[("campaign_id", Text)], &CAMPAIGN_FORM],
    },
    ServerFn {
        endpoint: "survey_revision_decide",
        summary: "The 总支 approves or refuses a revision",
        fields: &[&[("campaign_id", Text), ("approve", Flag)]],
    },
    ServerFn {
        endpoint: "survey_details",
        summary: "Renames a campaign or moves its dates",
        fields: &[&[
            ("campaign_id", Text),
            ("details[title]", Text),
            ("details[period]", Text),
            ("details[opens_on]", Text),
            ("details[closes_on]", Text),
            ("details[rating_year]", Year),
        ]],
    },
    ServerFn {
        endpoint: "survey_invites",
        summary: "Issues one-time survey codes for an audience",
        fields: &[&[("campaign_id", Text), ("audience", Text), ("count", Text)]],
    },
    ServerFn {
        endpoint: "survey_entry",
        summary: "Where a survey code leads (no sign-in)",
        fields: &[&[("code", Text)]],
    },
    ServerFn {
        endpoint: "school_tree",
        summary: "The school's branches and 党小组 with their members (the 总支)",
        fields: &[],
    },
    ServerFn {
        endpoint: "school_add",
        summary: "Adds a 党支部 (parent_id empty) or a 党小组 of a branch",
        fields: &[&[("group", Flag), ("parent_id", Optional), ("name", Text)]],
    },
    ServerFn {
        endpoint: "school_rename",
        summary: "Renames a branch or 党小组",
        fields: &[&[("id", Text), ("name", Text)]],
    },
    ServerFn {
        endpoint: "school_move",
        summary: "Moves a branch or 党小组 one place up or down",
        fields: &[&[("id", Text), ("up", Flag)]],
    },
    ServerFn {
        endpoint: "school_archive",
        summary: "Archives a branch or 党小组 (or brings it back)",
        fields: &[&[("id", Text), ("archived", Flag)]],
    },
    ServerFn {
        endpoint: "school_secretary",
        summary: "Appoints a branch member as secretary, or makes a secretary a member again",
        fields: &[&[("user_id", Text), ("secretary", Flag)]],
    },
    ServerFn {
        endpoint: "setup_state",
        summary: "Whether the database still waits for its school (first run)",
        fields: &[],
    },
    ServerFn {
        endpoint: "sign_in_schools",
        summary: "The schools a sign-in may name, as (id, name), for a username and password that fit accounts in several",
        fields: &[],
    },
    ServerFn {
        endpoint: "branch_overview",
        summary: "A branch's figures, to-do list and activities of a year (the current one when left out)",
        fields: &[&[("branch_id", Text), ("year", Year)]],
    },
    ServerFn {
        endpoint: "close_year",
        summary: "The 总支 closes a year that is over (年度封存): figures snapshotted, records fixed",
        fields: &[&[("year", Number)]],
    },
    ServerFn {
        endpoint: "reopen_year",
        summary: "The 总支 reopens a closed year, with the reason",
        fields: &[&[("year", Number), ("reason", Text)]],
    },
    ServerFn {
        endpoint: "my_branches",
        summary: "The branches the viewer runs or reads, with their figures of a year (the current one when left out); the bureau's viewers read one school's at a time (its schools listed; pick one with school)",
        fields: &[&[("year", Year), ("school", Optional)]],
    },
    ServerFn {
        endpoint: "decide_leave",
        summary: "Approves or declines a leave request",
        fields: &[&[("id", Text), ("approve", Flag), ("note", Text)]],
    },
    ServerFn {
        endpoint: "bureau",
        summary: "The education bureau's schools, their admins and its viewers",
        fields: &[],
    },
    ServerFn {
        endpoint: "bureau_rollup",
        summary: "The bureau's roll-up of a year (the current one when left out): each school's participation, branches at the bar, and levels once the year is closed",
        fields: &[&[("year", Year)]],
    },
    ServerFn {
        endpoint: "bureau_add_school",
        summary: "The bureau's admin adds a school with its first admin (an invite code comes back)",
        fields: &[&[
            ("school_name", Text),
            ("committee_name", Text),
            ("admin_name", Text),
            ("admin_username", Text),
        ]],
    },
    ServerFn {
        endpoint: "bureau_add_viewer",
        summary: "The bureau's admin adds a read-only viewer (an invite code comes back)",
        fields: &[&[("name", Text), ("username", Text)]],
    },
    ServerFn {
        endpoint: "audit_log",
        summary: "The 总支's audit log, a page at a time",
        fields: &[&[("page", Number)]],
    },
];

fn schema(kind: Kind) -> Value {
    match kind {
        Text | Optional => json!({"type": "string"}),
        Flag => json!({"type": "string", "enum": ["true", "false"]}),
        Number => json!({"type": "string", "pattern": "^[0-9]{1,9}$"}),
        Year => json!({"type": "string", "pattern": "^[0-9]{4}$"}),
    }
}

fn operation(f: &ServerFn) -> Value {
    let fields = || f.fields.iter().flat_map(|part| part.iter());
    let properties: Map<String, Value> = fields()
        .map(|(name, kind)| ((*name).to_owned(), schema(*kind)))
        .collect();
    let required: Vec<&str> = fields()
        .filter(|(_, kind)| !matches!(kind, Optional | Year))
        .map(|(name, _)| *name)
        .collect();
    json!({
        "post": {
            "tags": ["server functions"],
            "summary": f.summary,
            "operationId": f.endpoint,
            "requestBody": {
                "required": true,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"type": "object", "properties": properties, "required": required}
                    }
                }
            },
            "responses": {
                "200": {"description": "The result, as JSON"},
                "302": {"description": "A form posted by a browser (Accept: text/html) goes back to its page"},
                "400": {"description": "The arguments could not be read"},
                "401": {"description": "Not signed in"},
                "403": {"description": "Signed in, but this is not the viewer's to read or change"},
                "404": {"description": "No such record"},
                "422": {"description": "Refused, with the reason (a bad field, a state that does not allow it)"},
                "429": {"description": "Too many requests; `Retry-After` says how many seconds to wait"}
            }
        }
    })
}

/// Every server function described.
fn all() -> impl Iterator<Item = &'static ServerFn> {
    SERVER_FNS
        .iter()
        .chain(rating::SERVER_FNS)
        .chain(drive::SERVER_FNS)
        .chain(plan::SERVER_FNS)
        .chain(letter::SERVER_FNS)
}

/// The OpenAPI path items of every server function.
pub fn server_fn_paths() -> Map<String, Value> {
    all()
        .map(|f| (format!("/api/{}", f.endpoint), operation(f)))
        .collect()
}

/// The endpoints described, for the test that compares them with those registered.
pub fn described_endpoints() -> Vec<&'static str> {
    all().map(|f| f.endpoint).collect()
}
