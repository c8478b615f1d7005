//! The inputs of a campaign's definition, shared by the new-campaign and revise forms.

use crate::domain::ballot::Audience;
use leptos::prelude::*;

/// The inputs of a campaign's definition, filled from `def`.
#[component]
pub(super) fn DefinitionFields(def: crate::domain::ballot::Definition) -> impl IntoView {
    use crate::domain::ballot::{ORG_QUESTION, SECRETARY_QUESTION};
    use crate::domain::survey::{Convention, ScaleKind};
    let asks = |a: Audience| def.audiences.contains(&a);
    let scale = match (def.scale.kind, def.scale.dont_know) {
        (ScaleKind::Three, true) => "three_dk",
        (ScaleKind::Three, false) => "three",
        (ScaleKind::Five, _) => "five",
    };
    let labels = def.scale.labels();
    let counted = |label: &str| match &def.convention {
        Convention::Rate { satisfied } => satisfied
            .iter()
            .any(|&i| labels.get(usize::from(i)) == Some(&label)),
        // Not a rate now: offer the usual choice if the secretary switches to one.
        Convention::Weighted { .. } => ["很满意", "满意", "基本满意"].contains(&label),
    };
    let (very, yes, basic, less) = (
        counted("很满意") || def.scale.kind == ScaleKind::Three,
        counted("满意"),
        counted("基本满意"),
        counted("不太满意"),
    );
    let (convention, weights) = match &def.convention {
        Convention::Rate { .. } => ("rate", String::new()),
        Convention::Weighted { weights } => (
            "weighted",
            weights
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join("/"),
        ),
    };
    let extra = def
        .questions
        .iter()
        .filter(|q| q.key != ORG_QUESTION && q.key != SECRETARY_QUESTION)
        .map(|q| q.text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <fieldset class="field">
            <legend>"测评对象"</legend>
            <label class="check"><input type="checkbox" name="form[audience_members]" value="on" checked=asks(Audience::Members)/>"党员"</label>
            <label class="check"><input type="checkbox" name="form[audience_staff]" value="on" checked=asks(Audience::Staff)/>"教职工"</label>
            <label class="check"><input type="checkbox" name="form[audience_parents]" value="on" checked=asks(Audience::Parents)/>"家长"</label>
            <label class="check"><input type="checkbox" name="form[audience_others]" value="on" checked=asks(Audience::Others)/>"其他群众"</label>
        </fieldset>
        <label class="field"><span>"量表"</span>
            <select name="form[scale]">
                <option value="three_dk" selected=scale == "three_dk">"满意 / 基本满意 / 不满意 / 不了解"</option>
                <option value="three" selected=scale == "three">"满意 / 基本满意 / 不满意"</option>
                <option value="five" selected=scale == "five">"很满意 / 满意 / 基本满意 / 不太满意 / 不满意"</option>
            </select>
        </label>
        <label class="field"><span>"统计口径"</span>
            <select name="form[convention]">
                <option value="rate" selected=convention == "rate">"满意率：计为满意的票 ÷ 有效票"</option>
                <option value="weighted" selected=convention == "weighted">"加权得分：按下面的权重求平均分"</option>
            </select>
        </label>
        <fieldset class="field">
            <legend>"满意率中计为“满意”的选项（量表中没有的选项不计）"</legend>
            <label class="check"><input type="checkbox" name="form[satisfied_very]" value="on" checked=very/>"很满意"</label>
            <label class="check"><input type="checkbox" name="form[satisfied_yes]" value="on" checked=yes/>"满意"</label>
            <label class="check"><input type="checkbox" name="form[satisfied_basic]" value="on" checked=basic/>"基本满意"</label>
            <label class="check"><input type="checkbox" name="form[satisfied_less]" value="on" checked=less/>"不太满意"</label>
        </fieldset>
        <label class="field"><span>"权重（加权得分时填写，从最满意到最不满意，如 100/80/60/30/0；留空用默认）"</span><input name="form[weights]" inputmode="numeric" value=weights/></label>
        <label class="field"><span>"其他问题（可选，每行一个；“对党组织”和“对支部书记”的满意度总会问）"</span><textarea name="form[extra_questions]" rows="3">{extra}</textarea></label>
        <label class="field"><span>"最小样本量（作答少于此数的组不显示票数；测评进行中的份数按此步长更新）"</span><input name="form[min_group]" inputmode="numeric" value=def.min_group.to_string()/></label>
        <label class="check"><input type="checkbox" name="form[comment]" value="on" checked=def.comment/>"收集意见建议（选填文字）"</label>
    }
}
