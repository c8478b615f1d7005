//! The fields of the larger forms several server functions take.

use super::Kind::{self, Optional, Text, Year};

pub(super) const ACTIVITY_FORM: [(&str, Kind); 9] = [
    ("form[kind]", Text),
    ("form[topic]", Text),
    ("form[starts_at]", Text),
    ("form[ends_at]", Text),
    ("form[place]", Text),
    ("form[chair]", Text),
    ("form[recorder]", Text),
    ("form[audience]", Text),
    ("form[change_reason]", Optional),
];

pub(super) const MEMBER_FORM: [(&str, Kind); 12] = [
    ("form[name]", Text),
    ("form[username]", Text),
    ("form[phone]", Text),
    ("form[gender]", Text),
    ("form[birth_date]", Text),
    ("form[join_date]", Text),
    ("form[standing]", Text),
    ("form[post]", Text),
    ("form[committee]", Optional),
    ("form[group_id]", Text),
    ("form[full_date]", Optional),
    ("form[staff]", Optional),
];

pub(super) const CAMPAIGN_FORM: [(&str, Kind); 21] = [
    ("form[org_id]", Text),
    ("form[title]", Text),
    ("form[period]", Text),
    ("form[opens_on]", Text),
    ("form[closes_on]", Text),
    ("form[rating_year]", Year),
    ("form[scale]", Text),
    ("form[convention]", Text),
    ("form[weights]", Optional),
    ("form[audience_members]", Optional),
    ("form[audience_staff]", Optional),
    ("form[audience_parents]", Optional),
    ("form[audience_others]", Optional),
    ("form[extra_questions]", Optional),
    ("form[comment]", Optional),
    ("form[open_link]", Optional),
    ("form[satisfied_very]", Optional),
    ("form[satisfied_yes]", Optional),
    ("form[satisfied_basic]", Optional),
    ("form[satisfied_less]", Optional),
    ("form[min_group]", Text),
];
