//! A survey answer as a phone or a form sends it, against a campaign definition as an organiser
//! saved it: both decoded from JSON, the definition checked, the answer parsed into a ballot.
//! Must never panic; a ballot that parses must fit its definition.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use xingqi_domain::ballot::{Audience, Ballot, Definition};

fuzz_target!(|data: &[u8]| {
    // `definition \n answer`: the answer is {"audience": …, "choices": {…}, "comment": …}.
    let mut parts = data.splitn(2, |b| *b == b'\n');
    let (head, tail) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let definition = serde_json::from_slice::<Definition>(head)
        .ok()
        .filter(|d| d.check().is_ok())
        .unwrap_or_else(|| Definition::seed("第一党支部"));
    let Ok(answer) = serde_json::from_slice::<serde_json::Value>(tail) else {
        return;
    };
    let audience = answer
        .get("audience")
        .and_then(|a| a.as_str())
        .and_then(Audience::parse)
        .unwrap_or(Audience::Parents);
    let choices: BTreeMap<String, u8> = answer
        .get("choices")
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_default();
    let comment = answer
        .get("comment")
        .and_then(|c| c.as_str())
        .map(str::to_owned);
    if let Ok(ballot) = Ballot::parse(&definition, audience, choices, comment) {
        assert_eq!(ballot.choices.len(), definition.questions.len());
        assert!(ballot.comment.as_ref().is_none_or(|c| c.chars().count() <= 500));
    }
});
