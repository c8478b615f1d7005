//! The rating's server functions in the OpenAPI description.

use super::Kind::{Flag, Number, Optional, Text, Year};
use super::ServerFn;

pub(crate) const SERVER_FNS: &[ServerFn] = &[
    ServerFn {
        endpoint: "rating",
        summary: "A branch's rating page of a year: stars, level, criteria, targets, evidence and registers",
        fields: &[&[("org_id", Text), ("year", Year)]],
    },
    ServerFn {
        endpoint: "rating_overview",
        summary: "Every branch the viewer reads side by side: stars, level, target, participation, satisfaction, evidence awaiting approval",
        fields: &[&[("year", Year)]],
    },
    ServerFn {
        endpoint: "rating_evidence_save",
        summary: "The branch saves (and with `submit`, submits) the evidence of an attested criterion; `links` are its activity ids",
        fields: &[&[
            ("org_id", Text),
            ("year", Number),
            ("criterion", Text),
            ("body", Text),
            ("links", Optional),
            ("submit", Optional),
        ]],
    },
    ServerFn {
        endpoint: "rating_evidence_decide",
        summary: "The 总支 approves submitted evidence or returns it with a comment",
        fields: &[&[
            ("org_id", Text),
            ("year", Number),
            ("criterion", Text),
            ("approve", Flag),
            ("comment", Text),
        ]],
    },
    ServerFn {
        endpoint: "rating_honour_add",
        summary: "The 总支 records an honour of a branch (level: school, county, city, province, national)",
        fields: &[&[
            ("org_id", Text),
            ("awarded_on", Text),
            ("level", Text),
            ("title", Text),
            ("issuer", Text),
            ("evidence", Text),
        ]],
    },
    ServerFn {
        endpoint: "rating_violation_add",
        summary: "The 总支 records a violation in a branch, by a member (user_id) or a person named",
        fields: &[&[
            ("org_id", Text),
            ("occurred_on", Text),
            ("user_id", Optional),
            ("person", Optional),
            ("committee", Optional),
            ("note", Text),
        ]],
    },
    ServerFn {
        endpoint: "rating_evaluation_set",
        summary: "The 总支 enters a branch's 班子年度测评 (excellent, good, fair, poor)",
        fields: &[&[("org_id", Text), ("year", Number), ("grade", Text)]],
    },
    ServerFn {
        endpoint: "rating_assessment_set",
        summary: "The 总支 enters a committee member's annual 考核 (excellent, competent, basically_competent, incompetent)",
        fields: &[&[("user_id", Text), ("year", Number), ("grade", Text)]],
    },
    ServerFn {
        endpoint: "rating_baseline_set",
        summary: "The 总支 enters a branch's level of a year before xingqi was used (red_flag, advanced, average, lagging)",
        fields: &[&[("org_id", Text), ("year", Number), ("level", Text)]],
    },
    ServerFn {
        endpoint: "rating_target_set",
        summary: "The 总支 sets a branch's target: a level (red_flag, advanced, average) by a deadline",
        fields: &[&[("org_id", Text), ("level", Text), ("deadline", Text)]],
    },
    ServerFn {
        endpoint: "rating_target_remove",
        summary: "The 总支 removes a target of a branch",
        fields: &[&[("org_id", Text), ("id", Text)]],
    },
];
