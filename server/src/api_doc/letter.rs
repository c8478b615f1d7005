//! The commitment letters' server functions in the OpenAPI description.

use super::Kind::{Flag, Number, Optional, Text, Year};
use super::ServerFn;

pub(crate) const SERVER_FNS: &[ServerFn] = &[
    ServerFn {
        endpoint: "letter",
        summary: "The commitment letter (承诺书) of a branch or a 总支: its state, current draft, public address, trail",
        fields: &[&[("org_id", Text), ("year", Year)]],
    },
    ServerFn {
        endpoint: "letter_save",
        summary: "The organisers save the letter, and with `submit` submit it for approval",
        fields: &[&[
            ("org_id", Text),
            ("year", Number),
            ("title", Text),
            ("body", Text),
            ("submit", Optional),
        ]],
    },
    ServerFn {
        endpoint: "letter_decide",
        summary: "The 总支 (for a 总支's own letter, the bureau's admin) approves a submitted letter or returns it with a comment",
        fields: &[&[
            ("org_id", Text),
            ("year", Number),
            ("approve", Flag),
            ("comment", Text),
        ]],
    },
    ServerFn {
        endpoint: "letter_publish",
        summary: "The organisers publish an approved letter: its public address and poster show it",
        fields: &[&[("org_id", Text), ("year", Number)]],
    },
    ServerFn {
        endpoint: "letter_public",
        summary: "A published letter for anyone, with its earlier published versions",
        fields: &[&[("token", Text)]],
    },
    ServerFn {
        endpoint: "letter_feedback_send",
        summary: "Anyone leaves feedback on a published letter (no account; rate-limited per address; `stamp` from the public page, `website` left empty)",
        fields: &[&[
            ("token", Text),
            ("body", Text),
            ("stamp", Text),
            ("website", Optional),
        ]],
    },
    ServerFn {
        endpoint: "letter_feedback_reply",
        summary: "The organisers reply to a feedback (shown once the 总支 approves it)",
        fields: &[&[("id", Text), ("reply", Text)]],
    },
    ServerFn {
        endpoint: "letter_feedback_decide",
        summary: "The 总支 shows or hides a feedback (`part`: feedback) or its reply (`part`: reply) on the public page",
        fields: &[&[("id", Text), ("part", Text), ("show", Flag)]],
    },
    ServerFn {
        endpoint: "pledge_save",
        summary: "A member or secretary writes their own commitment (岗位承诺 with `with_post`, else 设岗定责) and submits it to the branch",
        fields: &[&[
            ("year", Number),
            ("with_post", Optional),
            ("post", Text),
            ("pledge", Text),
        ]],
    },
    ServerFn {
        endpoint: "pledge_decide",
        summary: "The branch's organisers approve a member's commitment or return it with a comment",
        fields: &[&[
            ("user_id", Text),
            ("year", Number),
            ("approve", Flag),
            ("comment", Text),
        ]],
    },
];
