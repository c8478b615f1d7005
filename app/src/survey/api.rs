//! Server functions of the survey pages: thin adapters over `server.rs`.

use super::{CampaignInfo, CampaignResults, SlipSheet};
use crate::auth::CurrentUser;
use crate::domain::ballot::{Audience, Definition};
use crate::domain::survey::{Convention, Scale, ScaleKind};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The campaigns the signed-in organiser runs, and the organisations they may start one for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyList {
    pub viewer: CurrentUser,
    pub campaigns: Vec<CampaignInfo>,
    pub orgs: Vec<(String, String)>,
}

#[server(endpoint = "survey_list")]
pub async fn load_surveys() -> Result<SurveyList, AppError> {
    use crate::auth::server::current_user;
    let state = crate::state::app_state()?;
    let viewer = current_user().await.map_err(AppError::respond)?;
    let db = &state.db;
    let orgs = super::server::runnable_orgs(db, &viewer)
        .await
        .map_err(AppError::respond)?;
    let campaigns = super::server::campaigns(db, &viewer)
        .await
        .map_err(AppError::respond)?;
    Ok(SurveyList {
        viewer,
        campaigns,
        orgs,
    })
}

#[server(endpoint = "survey_results")]
pub async fn load_results(campaign_id: String) -> Result<CampaignResults, AppError> {
    use crate::auth::server::current_user;
    let state = crate::state::app_state()?;
    let viewer = current_user().await.map_err(AppError::respond)?;
    let mut results = super::server::results(&state.db, &viewer, &campaign_id, crate::db::now_ms())
        .await
        .map_err(AppError::respond)?;
    results.origin = request_origin().await;
    Ok(results)
}

/// `scheme://host` of the request, for absolute links in QR codes.
#[cfg(feature = "ssr")]
async fn request_origin() -> String {
    let headers: http::HeaderMap = leptos_axum::extract().await.unwrap_or_default();
    super::server::origin_of(&headers)
}

#[server(endpoint = "survey_slips")]
pub async fn load_slips(campaign_id: String) -> Result<SlipSheet, AppError> {
    use crate::auth::server::current_user;
    let state = crate::state::app_state()?;
    let viewer = current_user().await.map_err(AppError::respond)?;
    let (info, slips) = super::server::unused_invites(&state.db, &viewer, &campaign_id)
        .await
        .map_err(AppError::respond)?;
    Ok(SlipSheet {
        info,
        slips,
        origin: request_origin().await,
    })
}

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

/// Starts a campaign; the browser then goes to its page.
#[server(endpoint = "survey_create")]
pub async fn create_campaign(form: CampaignForm) -> Result<String, AppError> {
    use crate::auth::server::current_user;
    let state = crate::state::app_state()?;
    let viewer = current_user().await.map_err(AppError::respond)?;
    let orgs = super::server::runnable_orgs(&state.db, &viewer)
        .await
        .map_err(AppError::respond)?;
    let org_name = orgs
        .iter()
        .find(|(id, _)| *id == form.org_id)
        .map(|(_, n)| n.clone())
        .ok_or_else(|| AppError::Forbidden.respond())?;
    let definition = form
        .definition(&org_name)
        .map_err(|m| AppError::Invalid(m).respond())?;
    let new = super::NewCampaign {
        org_id: form.org_id,
        title: form.title,
        period: form.period,
        opens_on: form.opens_on,
        closes_on: form.closes_on,
        definition,
        open_link: form.open_link.is_some(),
    };
    let id = super::server::create_campaign(&state.db, &viewer, &new, crate::db::now_ms())
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/surveys/{id}"));
    Ok(id)
}

/// Saves a new version of a campaign's definition; the browser goes back to its page.
#[server(endpoint = "survey_revise")]
pub async fn revise_campaign(campaign_id: String, form: CampaignForm) -> Result<i64, AppError> {
    use crate::auth::server::current_user;
    let state = crate::state::app_state()?;
    let viewer = current_user().await.map_err(AppError::respond)?;
    let info = super::server::campaign_for_organiser(&state.db, &viewer, &campaign_id)
        .await
        .map_err(AppError::respond)?;
    let definition = form
        .definition(&info.org_name)
        .map_err(|m| AppError::Invalid(m).respond())?;
    let version = super::server::revise_campaign(
        &state.db,
        &viewer,
        &campaign_id,
        &definition,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/surveys/{campaign_id}"));
    Ok(version)
}

/// Renames a campaign or moves its dates; the browser goes back to its page.
#[server(endpoint = "survey_details")]
pub async fn change_campaign_details(
    campaign_id: String,
    details: super::CampaignDetails,
) -> Result<(), AppError> {
    use crate::auth::server::current_user;
    let state = crate::state::app_state()?;
    let viewer = current_user().await.map_err(AppError::respond)?;
    super::server::change_details(&state.db, &viewer, &campaign_id, &details)
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/surveys/{campaign_id}"));
    Ok(())
}

/// Makes one-time codes for an audience.
#[server(endpoint = "survey_invites")]
pub async fn make_invites(
    campaign_id: String,
    audience: String,
    count: String,
) -> Result<u32, AppError> {
    use crate::auth::server::current_user;
    let state = crate::state::app_state()?;
    let viewer = current_user().await.map_err(AppError::respond)?;
    let audience = Audience::parse(&audience)
        .ok_or_else(|| AppError::Invalid("请选择对象".into()).respond())?;
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid("请填写要生成的数量".into()).respond())?;
    super::server::create_invites(&state.db, &viewer, &campaign_id, audience, count)
        .await
        .map_err(AppError::respond)
}

/// What a respondent's link opens: the form, or why it can't be answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AnswerGate {
    Open {
        info: Box<CampaignInfo>,
        /// Fixed by a code; `None` on the open link.
        audience: Option<Audience>,
        /// A fresh record id for this form (a UUIDv7): a resubmitted form is stored once.
        record_id: String,
    },
    Closed {
        title: String,
        message: String,
    },
}

/// `code` is a one-time code, or `open:<token>` for an open link.
#[server(endpoint = "survey_entry")]
pub async fn load_answer_gate(code: String) -> Result<AnswerGate, AppError> {
    let state = crate::state::app_state()?;
    let now = crate::db::now_ms();
    let entry = match code.strip_prefix("open:") {
        Some(token) => super::server::entry_by_token(&state.db, token, now).await,
        None => super::server::entry_by_code(&state.db, &code, now).await,
    }
    .map_err(AppError::respond)?;
    Ok(match entry {
        Ok(e) => AnswerGate::Open {
            info: Box::new(e.info),
            audience: e.audience,
            record_id: uuid::Uuid::now_v7().to_string(),
        },
        Err(r) => {
            let title = match r {
                super::server::Refusal::UsedCode => "邀请码已使用",
                super::server::Refusal::Closed(_) => "测评已结束",
                super::server::Refusal::NotYetOpen(_) => "测评尚未开始",
                _ => "链接无效",
            };
            AnswerGate::Closed {
                title: title.into(),
                message: r.to_string(),
            }
        }
    })
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
