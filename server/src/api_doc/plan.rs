//! The annual plan's server functions in the OpenAPI description.

use super::Kind::{Flag, Number, Optional, Text, Year};
use super::ServerFn;

pub(crate) const SERVER_FNS: &[ServerFn] = &[
    ServerFn {
        endpoint: "plan",
        summary: "The annual plan (年度争创方案) of a branch or a 总支: its state, words, tasks with status and progress, trail",
        fields: &[&[("org_id", Text), ("year", Year)]],
    },
    ServerFn {
        endpoint: "plan_save",
        summary: "The organisers save the plan's words (rows without a task name are left out), and with `submit` submit them",
        fields: &[&[
            ("org_id", Text),
            ("year", Number),
            ("form[problems]", Optional),
            ("form[target_level]", Text),
            ("form[recruits]", Optional),
            ("form[recruits_under_35]", Optional),
            ("form[recruit_names]", Optional),
            ("form[tasks][0][id]", Optional),
            ("form[tasks][0][title]", Optional),
            ("form[tasks][0][measures]", Optional),
            ("form[tasks][0][owner]", Optional),
            ("form[tasks][0][deadline]", Optional),
            ("submit", Optional),
        ]],
    },
    ServerFn {
        endpoint: "plan_decide",
        summary: "The 总支 (for a 总支's own plan, the bureau's admin) approves a submitted plan or returns it with a comment",
        fields: &[&[
            ("org_id", Text),
            ("year", Number),
            ("approve", Flag),
            ("comment", Text),
        ]],
    },
    ServerFn {
        endpoint: "plan_task_status",
        summary: "The organisers set a task's status: not_started, in_progress or done",
        fields: &[&[
            ("org_id", Text),
            ("year", Number),
            ("task_id", Text),
            ("status", Text),
        ]],
    },
    ServerFn {
        endpoint: "plan_task_note",
        summary: "The organisers add a dated progress note to a task, with links to their activity records",
        fields: &[&[
            ("org_id", Text),
            ("year", Number),
            ("task_id", Text),
            ("on_day", Text),
            ("note", Text),
            ("links", Optional),
        ]],
    },
];
