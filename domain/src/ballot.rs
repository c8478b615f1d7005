//! A survey campaign's definition (who is asked what, on which scale, counted how) and a
//! respondent's ballot, parsed against it. Pure: the server stores what passes, the form shows
//! the messages.

use super::survey::{Convention, DEFAULT_MIN_GROUP, Scale, ScaleKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest free-text comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;
/// The most questions one campaign may ask.
pub const MAX_QUESTIONS: usize = 12;
/// The keys of the two questions every campaign asks.
pub const ORG_QUESTION: &str = "org";
pub const SECRETARY_QUESTION: &str = "secretary";

/// Who answers. Staff, parents and others together are the masses (群众).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Members,
    Staff,
    Parents,
    Others,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::Members,
        Audience::Staff,
        Audience::Parents,
        Audience::Others,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Audience::Members => "党员",
            Audience::Staff => "教职工",
            Audience::Parents => "家长",
            Audience::Others => "其他群众",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Audience::Members => "members",
            Audience::Staff => "staff",
            Audience::Parents => "parents",
            Audience::Others => "others",
        }
    }

    pub fn parse(key: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.key() == key)
    }

    /// Whether the audience belongs to the masses (群众).
    pub fn is_masses(self) -> bool {
        self != Audience::Members
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stable within a campaign: `org`, `secretary`, then `q3`, `q4`…
    pub key: String,
    pub text: String,
}

/// One version of a campaign's definition. Answers carry the version they were given under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub audiences: Vec<Audience>,
    pub questions: Vec<Question>,
    pub scale: Scale,
    pub convention: Convention,
    /// Whether a free-text comment is offered.
    pub comment: bool,
    /// Groups with fewer valid votes show counts only.
    pub min_group: u32,
}

impl Definition {
    /// The seed's campaign: members and the masses asked about the Party organisation and the
    /// branch secretary, on 满意 / 基本满意 / 不满意 / 不了解, counted as a rate.
    pub fn seed(org_name: &str) -> Definition {
        let scale = Scale {
            kind: ScaleKind::Three,
            dont_know: true,
        };
        Definition {
            audiences: Audience::ALL.to_vec(),
            questions: vec![
                Question {
                    key: ORG_QUESTION.into(),
                    text: format!("您对{org_name}的工作是否满意？"),
                },
                Question {
                    key: SECRETARY_QUESTION.into(),
                    text: "您对支部书记的工作是否满意？".into(),
                },
            ],
            convention: scale.default_rate(),
            scale,
            comment: true,
            min_group: DEFAULT_MIN_GROUP,
        }
    }

    /// Checks a definition as a secretary entered it; the message is for the form.
    pub fn check(&self) -> Result<(), String> {
        if self.audiences.is_empty() {
            return Err("请至少选择一类测评对象".into());
        }
        let keys: Vec<&str> = self.questions.iter().map(|q| q.key.as_str()).collect();
        if !keys.contains(&ORG_QUESTION) || !keys.contains(&SECRETARY_QUESTION) {
            return Err("必须包含“对党组织的满意度”和“对支部书记的满意度”两个问题".into());
        }
        if self.questions.len() > MAX_QUESTIONS {
            return Err(format!("问题最多 {MAX_QUESTIONS} 个"));
        }
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != keys.len() {
            return Err("问题编号重复".into());
        }
        if let Some(q) = self.questions.iter().find(|q| q.text.trim().is_empty()) {
            return Err(format!("问题 {} 的内容为空", q.key));
        }
        if self.questions.iter().any(|q| q.text.chars().count() > 200) {
            return Err("每个问题最多 200 字".into());
        }
        if self.min_group == 0 {
            return Err("最小样本量至少为 1".into());
        }
        self.convention.check(&self.scale)
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }
}

/// A respondent's answers, checked against the definition they were given under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub audience: Audience,
    /// Question key → index into [`Scale::choices`].
    pub choices: BTreeMap<String, u8>,
    /// Trimmed; `None` when left empty.
    pub comment: Option<String>,
}

/// Why a ballot is refused, worded for the respondent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BallotError {
    AudienceNotAsked,
    Unanswered(String),
    UnknownQuestion(String),
    ChoiceOutOfRange(String),
    CommentNotOffered,
    CommentTooLong(usize),
}

impl std::fmt::Display for BallotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BallotError::AudienceNotAsked => write!(f, "本次测评不面向您所选的身份"),
            BallotError::Unanswered(q) => write!(f, "还有问题没有作答：{q}"),
            BallotError::UnknownQuestion(k) => write!(f, "问卷中没有问题 {k}，问卷可能已更新"),
            BallotError::ChoiceOutOfRange(q) => write!(f, "选项无效：{q}"),
            BallotError::CommentNotOffered => write!(f, "本次测评不收集意见建议"),
            BallotError::CommentTooLong(n) => {
                write!(f, "意见建议最多 {MAX_COMMENT_CHARS} 字，现有 {n} 字")
            }
        }
    }
}

impl Ballot {
    /// Parses raw answers (question key → chosen index) against `def`. Every question must be
    /// answered (不了解 is an answer where offered); unknown keys mean the form was of another
    /// version.
    pub fn parse(
        def: &Definition,
        audience: Audience,
        choices: BTreeMap<String, u8>,
        comment: Option<String>,
    ) -> Result<Ballot, BallotError> {
        if !def.audiences.contains(&audience) {
            return Err(BallotError::AudienceNotAsked);
        }
        if let Some(k) = choices.keys().find(|k| def.question(k).is_none()) {
            return Err(BallotError::UnknownQuestion(k.clone()));
        }
        let options = def.scale.choices().len();
        for q in &def.questions {
            match choices.get(&q.key) {
                None => return Err(BallotError::Unanswered(q.text.clone())),
                Some(&c) if usize::from(c) >= options => {
                    return Err(BallotError::ChoiceOutOfRange(q.text.clone()));
                }
                Some(_) => {}
            }
        }
        let comment = comment
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        if let Some(c) = &comment {
            if !def.comment {
                return Err(BallotError::CommentNotOffered);
            }
            let n = c.chars().count();
            if n > MAX_COMMENT_CHARS {
                return Err(BallotError::CommentTooLong(n));
            }
        }
        Ok(Ballot {
            audience,
            choices,
            comment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    #[test]
    fn the_seed_definition_is_valid_and_asks_the_two_questions() {
        let def = Definition::seed("第一党支部");
        assert_eq!(def.check(), Ok(()));
        assert_eq!(def.questions.len(), 2);
        assert!(def.questions[0].text.contains("第一党支部"));
    }

    #[test]
    fn a_definition_without_the_required_questions_is_refused() {
        let mut def = Definition::seed("x");
        def.questions.retain(|q| q.key != SECRETARY_QUESTION);
        assert!(def.check().unwrap_err().contains("支部书记"));
        let mut def = Definition::seed("x");
        def.audiences.clear();
        assert!(def.check().is_err());
        let mut def = Definition::seed("x");
        def.questions.push(def.questions[0].clone());
        assert_eq!(def.check(), Err("问题编号重复".into()));
    }

    #[test]
    fn a_complete_ballot_parses_and_trims_its_comment() {
        let def = Definition::seed("x");
        let b = Ballot::parse(
            &def,
            Audience::Parents,
            answers(&[("org", 0), ("secretary", 3)]),
            Some("  很好  ".into()),
        )
        .unwrap();
        assert_eq!(b.comment.as_deref(), Some("很好"));
        let b = Ballot::parse(
            &def,
            Audience::Staff,
            answers(&[("org", 0), ("secretary", 1)]),
            Some("   ".into()),
        )
        .unwrap();
        assert_eq!(b.comment, None, "a blank comment is no comment");
    }

    #[test]
    fn bad_ballots_say_what_is_wrong() {
        let def = Definition::seed("x");
        let parse = |pairs: &[(&str, u8)], comment: Option<String>| {
            Ballot::parse(&def, Audience::Staff, answers(pairs), comment)
        };
        assert!(matches!(
            parse(&[("org", 0)], None),
            Err(BallotError::Unanswered(_))
        ));
        assert!(matches!(
            parse(&[("org", 0), ("secretary", 4)], None),
            Err(BallotError::ChoiceOutOfRange(_))
        ));
        assert!(matches!(
            parse(&[("org", 0), ("secretary", 0), ("q9", 0)], None),
            Err(BallotError::UnknownQuestion(_))
        ));
        let long = "好".repeat(MAX_COMMENT_CHARS + 1);
        let err = parse(&[("org", 0), ("secretary", 0)], Some(long)).unwrap_err();
        assert_eq!(err, BallotError::CommentTooLong(MAX_COMMENT_CHARS + 1));
        assert_eq!(err.to_string(), "意见建议最多 500 字，现有 501 字");
        let mut members_only = Definition::seed("x");
        members_only.audiences = vec![Audience::Members];
        assert_eq!(
            Ballot::parse(
                &members_only,
                Audience::Parents,
                answers(&[("org", 0), ("secretary", 0)]),
                None
            ),
            Err(BallotError::AudienceNotAsked)
        );
    }
}
