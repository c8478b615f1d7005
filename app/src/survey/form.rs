//! The campaign form's fields as posted, and the definition they describe.

use crate::domain::ballot::{Audience, Definition};
use crate::domain::survey::{Convention, Scale, ScaleKind};
use serde::{Deserialize, Serialize};

/// The new-campaign form's fields, as posted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignForm {
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub closes_on: String,
    /// The rating year its figures count for; empty: from the period, else the closing day.
    #[serde(default)]
    pub rating_year: String,
    /// `three`, `three_dk` (with 不了解) or `five`.
    pub scale: String,
    /// `rate` or `weighted`.
    pub convention: String,
    /// Weights for a weighted score, best option first, separated by `/` or spaces.
    #[serde(default)]
    pub weights: String,
    #[serde(default)]
    pub audience_members: Option<String>,
    #[serde(default)]
    pub audience_staff: Option<String>,
    #[serde(default)]
    pub audience_parents: Option<String>,
    #[serde(default)]
    pub audience_others: Option<String>,
    /// Further questions, one per line.
    #[serde(default)]
    pub extra_questions: String,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub open_link: Option<String>,
    /// The options a rate counts as satisfied (checkboxes, by option).
    #[serde(default)]
    pub satisfied_very: Option<String>,
    #[serde(default)]
    pub satisfied_yes: Option<String>,
    #[serde(default)]
    pub satisfied_basic: Option<String>,
    #[serde(default)]
    pub satisfied_less: Option<String>,
    #[serde(default)]
    pub min_group: String,
}

impl CampaignForm {
    /// The rating year chosen, if any, or what to fix.
    pub fn chosen_year(&self) -> Result<Option<i32>, String> {
        parse_year(&self.rating_year)
    }

    /// The definition the form describes; the message says what to fix.
    pub fn definition(&self, org_name: &str) -> Result<Definition, String> {
        let scale = match self.scale.as_str() {
            "three" => Scale {
                kind: ScaleKind::Three,
                dont_know: false,
            },
            "three_dk" => Scale {
                kind: ScaleKind::Three,
                dont_know: true,
            },
            "five" => Scale {
                kind: ScaleKind::Five,
                dont_know: false,
            },
            _ => return Err("请选择量表".into()),
        };
        let convention = match self.convention.as_str() {
            "rate" => {
                // Which options count as satisfied, by name: an option the scale lacks is
                // ignored (很满意 and 不太满意 exist only on five levels).
                let labels = scale.labels();
                let satisfied: Vec<u8> = [
                    ("很满意", &self.satisfied_very),
                    ("满意", &self.satisfied_yes),
                    ("基本满意", &self.satisfied_basic),
                    ("不太满意", &self.satisfied_less),
                ]
                .into_iter()
                .filter(|(_, on)| on.is_some())
                .filter_map(|(label, _)| labels.iter().position(|l| *l == label))
                .filter_map(|i| u8::try_from(i).ok())
                .collect();
                Convention::Rate { satisfied }
            }
            "weighted" if self.weights.trim().is_empty() => scale.default_weights(),
            "weighted" => {
                let weights = self
                    .weights
                    .split(|c: char| c == '/' || c == ',' || c == '，' || c.is_whitespace())
                    .filter(|w| !w.is_empty())
                    .map(|w| {
                        w.parse::<u8>()
                            .map_err(|_| format!("权重“{w}”不是 0–100 的整数"))
                    })
                    .collect::<Result<Vec<u8>, String>>()?;
                Convention::Weighted { weights }
            }
            _ => return Err("请选择统计口径".into()),
        };
        let audiences: Vec<Audience> = [
            (Audience::Members, &self.audience_members),
            (Audience::Staff, &self.audience_staff),
            (Audience::Parents, &self.audience_parents),
            (Audience::Others, &self.audience_others),
        ]
        .into_iter()
        .filter(|(_, on)| on.is_some())
        .map(|(a, _)| a)
        .collect();
        let mut def = Definition::seed(org_name);
        def.scale = scale;
        def.convention = convention;
        def.audiences = audiences;
        def.comment = self.comment.is_some();
        for (i, line) in self
            .extra_questions
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            def.questions.push(crate::domain::ballot::Question {
                key: format!("q{}", i + 3),
                text: line.to_owned(),
            });
        }
        if !self.min_group.trim().is_empty() {
            def.min_group = self
                .min_group
                .trim()
                .parse()
                .map_err(|_| "最小样本量应为正整数".to_owned())?;
        }
        def.check()?;
        Ok(def)
    }
}

/// A rating year from a form's select or field: empty for none.
pub fn parse_year(s: &str) -> Result<Option<i32>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.trim_end_matches('年')
        .parse::<i32>()
        .map(Some)
        .map_err(|_| format!("评定年度“{s}”不是年份"))
}

/// Reads a rating year posted as a number, as text (a form's select: empty for none) or as
/// null; text that is not a year is refused with the reason.
pub fn year_field<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Posted {
        Number(i32),
        Text(String),
    }
    match Option::<Posted>::deserialize(d)? {
        None => Ok(None),
        Some(Posted::Number(y)) => Ok(Some(y)),
        Some(Posted::Text(t)) => parse_year(&t).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(scale: &str, satisfied: [bool; 4]) -> CampaignForm {
        let on = |b: bool| b.then(|| "on".to_owned());
        CampaignForm {
            scale: scale.into(),
            convention: "rate".into(),
            audience_parents: on(true),
            satisfied_very: on(satisfied[0]),
            satisfied_yes: on(satisfied[1]),
            satisfied_basic: on(satisfied[2]),
            satisfied_less: on(satisfied[3]),
            ..CampaignForm::default()
        }
    }

    #[test]
    fn the_satisfied_options_are_read_by_name_against_the_scale() {
        let five = form("five", [true, true, false, false])
            .definition("x")
            .unwrap();
        assert_eq!(
            five.convention,
            Convention::Rate {
                satisfied: vec![0, 1]
            }
        );
        // 很满意 is not on three levels: ignored; 满意 + 基本满意 are its first two options.
        let three = form("three_dk", [true, true, true, false])
            .definition("x")
            .unwrap();
        assert_eq!(
            three.convention,
            Convention::Rate {
                satisfied: vec![0, 1]
            }
        );
        assert!(
            form("three", [true, false, false, true])
                .definition("x")
                .is_err()
        );
    }

    #[test]
    fn weights_are_read_from_the_form() {
        let mut f = form("five", [false; 4]);
        f.convention = "weighted".into();
        f.weights = "100/85/60/20/0".into();
        let def = f.definition("x").unwrap();
        assert_eq!(
            def.convention,
            Convention::Weighted {
                weights: vec![100, 85, 60, 20, 0]
            }
        );
        f.weights = "100/abc".into();
        assert!(f.definition("x").unwrap_err().contains("abc"));
    }
}
