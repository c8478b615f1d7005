//! Text bound for a spreadsheet: a cell that a spreadsheet program would read as a formula
//! (CSV injection, e.g. `=HYPERLINK(…)` in a question an organiser typed) is written so that
//! it reads as the text it is.

/// The characters that make Excel, WPS or LibreOffice read a cell as a formula when it starts
/// with them (full-width forms included: an IME may type them).
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// `text` as a CSV cell that no spreadsheet runs: a leading formula character is escaped with
/// an apostrophe, which spreadsheets show as text and do not display. Numbers stay numbers.
pub fn neutralise_formula(text: &str) -> String {
    let number = text.parse::<f64>().is_ok_and(f64::is_finite);
    match text.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) && !number => format!("'{text}"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise_formula;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        for formula in [
            "=HYPERLINK(\"http://evil.example\",\"点击\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1",
            "\r=1",
            "＝1+1",
        ] {
            assert_eq!(
                neutralise_formula(formula),
                format!("'{formula}"),
                "{formula:?}"
            );
        }
        for plain in [
            "满意",
            "90.0%",
            "12",
            "-3",
            "0.5",
            "",
            "[88.1%, 96.0%]",
            "a=b",
        ] {
            assert_eq!(neutralise_formula(plain), plain, "{plain:?}");
        }
    }
}
