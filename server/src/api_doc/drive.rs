//! The 争创活动's server functions in the OpenAPI description.

use super::Kind::{Number, Optional, Text};
use super::ServerFn;

pub(crate) const SERVER_FNS: &[ServerFn] = &[
    ServerFn {
        endpoint: "drive_now",
        summary: "Where today falls in the 争创活动 (its phase and the days left); null when signed out",
        fields: &[],
    },
    ServerFn {
        endpoint: "drive_setup",
        summary: "The 争创活动 of the admin's school or bureau: its years and phases (the seed's shape when none is set)",
        fields: &[],
    },
    ServerFn {
        endpoint: "drive_save",
        summary: "A school's or bureau's admin sets the 争创活动: title, years and phases in order (rows without a kind are left out)",
        fields: &[&[
            ("form[title]", Text),
            ("form[start_year]", Number),
            ("form[end_year]", Number),
            ("form[phases][0][kind]", Optional),
            ("form[phases][0][name]", Optional),
            ("form[phases][0][starts_on]", Optional),
            ("form[phases][0][ends_on]", Optional),
            ("form[phases][0][deadline]", Optional),
        ]],
    },
];
