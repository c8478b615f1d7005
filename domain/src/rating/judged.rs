//! A criterion's verdict while it is being judged, shared by the judging modules.

use super::State;
use super::inputs::Inputs;
use crate::time::year_of;

/// Whether the year is over, as of `inputs.now`.
pub(super) fn year_over(inputs: &Inputs<'_>) -> bool {
    inputs.year < year_of(inputs.now)
}

pub(super) struct Judged {
    pub(super) state: State,
    pub(super) figure: String,
    pub(super) detail: String,
    pub(super) next_step: String,
    pub(super) lost: bool,
    pub(super) at_risk: bool,
    pub(super) campaign_id: Option<String>,
}

impl Judged {
    pub(super) fn new(state: State, figure: impl Into<String>) -> Self {
        Judged {
            state,
            figure: figure.into(),
            detail: String::new(),
            next_step: String::new(),
            lost: false,
            at_risk: false,
            campaign_id: None,
        }
    }
    pub(super) fn next(mut self, step: impl Into<String>) -> Self {
        self.next_step = step.into();
        self
    }
    pub(super) fn lost(mut self, lost: bool) -> Self {
        self.lost = lost;
        self
    }
}
