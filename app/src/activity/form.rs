//! The activity form: what a secretary types, checked into what is stored. Pure, so the same
//! rules can run in the browser later.

use crate::domain::activity::ActivityKind;
use crate::domain::time::parse_local_datetime;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// Who an activity is for; fixed as its 应到 when scheduled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// Every active member of the branch.
    Branch,
    /// The branch committee (支委) only.
    Committee,
    /// One 党小组 of the branch.
    Group(String),
}

impl Audience {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "branch" => Some(Self::Branch),
            "committee" => Some(Self::Committee),
            _ => s
                .strip_prefix("group:")
                .filter(|g| !g.is_empty())
                .map(|g| Self::Group(g.to_owned())),
        }
    }

    pub fn encode(&self) -> String {
        match self {
            Self::Branch => "branch".into(),
            Self::Committee => "committee".into(),
            Self::Group(g) => format!("group:{g}"),
        }
    }

    /// Why `kind` cannot be held for this audience, if it cannot: a 支委会 is the committee's,
    /// a 党小组会 one group's, a 支部党员大会 the whole branch's.
    pub fn misfit(&self, kind: ActivityKind) -> Option<&'static str> {
        match (kind, self) {
            (ActivityKind::Committee, Self::Committee)
            | (ActivityKind::GroupMeeting, Self::Group(_))
            | (ActivityKind::BranchMeeting, Self::Branch) => None,
            (ActivityKind::Committee, _) => Some("支部委员会的参加对象应为支部委员会委员"),
            (ActivityKind::GroupMeeting, _) => Some("党小组会的参加对象应为一个党小组"),
            (ActivityKind::BranchMeeting, _) => Some("支部党员大会的参加对象应为全体党员"),
            _ => None,
        }
    }

    /// The audience a kind usually has.
    pub fn default_for(kind: ActivityKind) -> Self {
        match kind {
            ActivityKind::Committee => Self::Committee,
            _ => Self::Branch,
        }
    }
}

/// The form as posted (every field text, as browsers send them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityForm {
    pub kind: String,
    pub topic: String,
    /// `datetime-local` values, China time.
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub chair: String,
    pub recorder: String,
    pub audience: String,
    /// Why the kind of an activity that has started is changed (required then, kept in its trail).
    #[serde(default)]
    pub change_reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validated {
    pub kind: ActivityKind,
    pub topic: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub chair: String,
    pub recorder: String,
    pub audience: Audience,
}

const MAX_TOPIC: usize = 100;
const MAX_SHORT: usize = 50;
const MAX_HOURS: i64 = 12;

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// Checks every field and reports every problem at once.
pub fn validate(form: &ActivityForm) -> Result<Validated, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    let kind = ActivityKind::parse(form.kind.trim());
    if kind.is_none() {
        err("kind", "请选择活动类型");
    }
    let topic = form.topic.trim();
    if topic.is_empty() {
        err("topic", "请填写活动主题");
    } else if too_long(topic, MAX_TOPIC) {
        err("topic", "主题最多 100 字");
    }
    let starts = parse_local_datetime(&form.starts_at);
    let ends = parse_local_datetime(&form.ends_at);
    if starts.is_none() {
        err("starts_at", "请填写开始时间");
    }
    if ends.is_none() {
        err("ends_at", "请填写结束时间");
    }
    if let (Some(s), Some(e)) = (starts, ends) {
        if e <= s {
            err("ends_at", "结束时间要晚于开始时间");
        } else if e - s > MAX_HOURS * 3_600_000 {
            err("ends_at", "一次活动最长 12 小时");
        }
    }
    for (field, value, label) in [
        ("place", &form.place, "地点"),
        ("chair", &form.chair, "主持人"),
        ("recorder", &form.recorder, "记录人"),
    ] {
        if too_long(value.trim(), MAX_SHORT) {
            err(field, &format!("{label}最多 50 字"));
        }
    }
    let audience = Audience::parse(form.audience.trim());
    match (&audience, kind) {
        (None, _) => err("audience", "请选择参加对象"),
        (Some(a), Some(k)) => {
            if let Some(why) = a.misfit(k) {
                err("audience", why)
            }
        }
        (Some(_), None) => {}
    }
    match (kind, starts, ends, audience) {
        (Some(kind), Some(starts_at), Some(ends_at), Some(audience)) if errors.is_empty() => {
            Ok(Validated {
                kind,
                topic: topic.to_owned(),
                starts_at,
                ends_at,
                place: form.place.trim().to_owned(),
                chair: form.chair.trim().to_owned(),
                recorder: form.recorder.trim().to_owned(),
                audience,
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ActivityForm {
        ActivityForm {
            kind: "theme_day".into(),
            topic: " 学习党章 ".into(),
            starts_at: "2026-12-15T14:30".into(),
            ends_at: "2026-12-15T16:30".into(),
            place: "党员活动室".into(),
            chair: "王建国".into(),
            recorder: "李秀英".into(),
            audience: "branch".into(),
            change_reason: String::new(),
        }
    }

    #[test]
    fn a_good_form_is_taken_trimmed() {
        let v = validate(&good()).unwrap();
        assert_eq!(v.topic, "学习党章");
        assert_eq!(v.kind, ActivityKind::ThemeDay);
        assert_eq!(v.ends_at - v.starts_at, 2 * 3_600_000);
        assert_eq!(v.audience, Audience::Branch);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let form = ActivityForm {
            kind: "party".into(),
            topic: "".into(),
            starts_at: "2026-12-15T16:30".into(),
            ends_at: "2026-12-15T14:30".into(),
            audience: "everyone".into(),
            ..good()
        };
        let fields: Vec<_> = validate(&form)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["kind", "topic", "ends_at", "audience"]);
    }

    #[test]
    fn overlong_and_missing_times_are_refused() {
        let form = ActivityForm {
            ends_at: "2026-12-16T14:30".into(),
            ..good()
        };
        assert_eq!(
            validate(&form).unwrap_err()[0].message,
            "一次活动最长 12 小时"
        );
        let form = ActivityForm {
            starts_at: "".into(),
            ..good()
        };
        assert_eq!(validate(&form).unwrap_err()[0].field, "starts_at");
        let form = ActivityForm {
            topic: "长".repeat(101),
            ..good()
        };
        assert_eq!(validate(&form).unwrap_err()[0].field, "topic");
    }

    #[test]
    fn a_kind_must_fit_its_audience() {
        let with = |kind: &str, audience: &str| {
            validate(&ActivityForm {
                kind: kind.into(),
                audience: audience.into(),
                ..good()
            })
        };
        assert_eq!(
            with("committee", "branch").unwrap_err()[0].message,
            "支部委员会的参加对象应为支部委员会委员"
        );
        assert_eq!(
            with("group_meeting", "committee").unwrap_err()[0].message,
            "党小组会的参加对象应为一个党小组"
        );
        assert_eq!(
            with("branch_meeting", "group:g1").unwrap_err()[0].field,
            "audience"
        );
        assert!(with("committee", "committee").is_ok());
        assert!(with("group_meeting", "group:g1").is_ok());
        assert!(
            with("party_lesson", "group:g1").is_ok(),
            "a lesson may be for one group"
        );
        assert!(with("theme_day", "committee").is_ok());
        for kind in ActivityKind::ALL {
            let fits = [
                Audience::Branch,
                Audience::Committee,
                Audience::Group("g".into()),
            ]
            .iter()
            .filter(|a| a.misfit(kind).is_none())
            .count();
            assert!(fits >= 1, "{kind:?} has an audience it fits");
            assert!(
                Audience::default_for(kind).misfit(kind).is_none()
                    || kind == ActivityKind::GroupMeeting,
                "the form's default audience for {kind:?} fits it"
            );
        }
    }

    #[test]
    fn audiences_round_trip() {
        for a in [
            Audience::Branch,
            Audience::Committee,
            Audience::Group("g1".into()),
        ] {
            assert_eq!(Audience::parse(&a.encode()), Some(a));
        }
        assert_eq!(Audience::parse("group:"), None);
        assert_eq!(
            Audience::default_for(ActivityKind::Committee),
            Audience::Committee
        );
    }
}
