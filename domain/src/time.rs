//! Time as the users read it: China Standard Time (UTC+8, no daylight saving), stored as
//! milliseconds since the Unix epoch.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike};

const CST_SECONDS: i32 = 8 * 3600;

fn cst() -> FixedOffset {
    FixedOffset::east_opt(CST_SECONDS).expect("UTC+8 is a valid offset")
}

fn to_cst(ms: i64) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&cst()))
}

/// Milliseconds at 00:00 China time of the given date.
pub fn start_of_day_ms(date: NaiveDate) -> i64 {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    cst()
        .from_local_datetime(&midnight)
        .single()
        .expect("a fixed offset has no gaps")
        .timestamp_millis()
}

/// The China date of an instant.
pub fn date_of(ms: i64) -> Option<NaiveDate> {
    to_cst(ms).map(|t| t.date_naive())
}

/// The China calendar year of an instant.
pub fn year_of(ms: i64) -> i32 {
    to_cst(ms).map_or(1970, |t| t.year())
}

/// [start, end) of a China calendar year in milliseconds.
pub fn year_bounds_ms(year: i32) -> (i64, i64) {
    let first = |y| NaiveDate::from_ymd_opt(y, 1, 1).expect("1 January exists");
    (
        start_of_day_ms(first(year)),
        start_of_day_ms(first(year + 1)),
    )
}

/// Milliseconds at 00:00 China time on the 1st of `month` (1–12) of `year`; month 13 is the
/// next year's January.
pub fn month_start_ms(year: i32, month: u32) -> i64 {
    let (y, m) = if month > 12 {
        (year + 1, 1)
    } else {
        (year, month.max(1))
    };
    start_of_day_ms(NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default())
}

/// The first year whose figures xingqi shows (the campaign began in 2020s; anything before is a
/// typo or a probe).
pub const FIRST_YEAR: i32 = 2000;

/// The year a figure page asks for: the current year when none is given; one from
/// `FIRST_YEAR` to next year (planning ahead), or the reason it is refused.
pub fn figure_year(asked: Option<i32>, now: i64) -> Result<i32, String> {
    let current = year_of(now);
    match asked {
        None => Ok(current),
        Some(y) if (FIRST_YEAR..=current + 1).contains(&y) => Ok(y),
        Some(y) => Err(format!(
            "没有{y}年的数据：可查看 {FIRST_YEAR} 年至 {} 年",
            current + 1
        )),
    }
}

/// The rating year a survey campaign counts for when its organiser chose none: the year its
/// period names ("2026年度"), else the year it closes (`YYYY-MM-DD`).
pub fn year_named(period: &str, closes_on: &str) -> Option<i32> {
    let chars: Vec<char> = period.chars().collect();
    chars
        .windows(4)
        .filter(|w| w.iter().all(char::is_ascii_digit))
        .filter_map(|w| w.iter().collect::<String>().parse::<i32>().ok())
        .find(|y| (FIRST_YEAR..=2100).contains(y))
        .or_else(|| closes_on.get(..4).and_then(|y| y.parse().ok()))
}

/// [start, end) of the China day containing `ms`.
pub fn day_bounds_ms(ms: i64) -> (i64, i64) {
    let day = date_of(ms).unwrap_or_default();
    let next = day.succ_opt().unwrap_or(day);
    (start_of_day_ms(day), start_of_day_ms(next))
}

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// "11月27日 周五 14:00"
pub fn format_day_time(ms: i64) -> String {
    match to_cst(ms) {
        Some(t) => format!(
            "{}月{}日 周{} {:02}:{:02}",
            t.month(),
            t.day(),
            WEEKDAYS[t.weekday().num_days_from_monday() as usize],
            t.hour(),
            t.minute()
        ),
        None => "—".to_owned(),
    }
}

/// "14:00"
pub fn format_time(ms: i64) -> String {
    to_cst(ms).map_or_else(
        || "—".to_owned(),
        |t| format!("{:02}:{:02}", t.hour(), t.minute()),
    )
}

/// "11月27日"
pub fn format_date(ms: i64) -> String {
    to_cst(ms).map_or_else(
        || "—".to_owned(),
        |t| format!("{}月{}日", t.month(), t.day()),
    )
}

/// Reads what a `<input type="datetime-local">` sends ("2026-11-27T14:30", seconds optional)
/// as China time.
pub fn parse_local_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .ok()?;
    cst()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.timestamp_millis())
}

/// The value for a `<input type="datetime-local">`: "2026-11-27T14:30".
pub fn to_local_datetime(ms: i64) -> String {
    to_cst(ms).map_or_else(String::new, |t| t.format("%Y-%m-%dT%H:%M").to_string())
}

/// "2026年11月27日 14:00"
pub fn format_full(ms: i64) -> String {
    to_cst(ms).map_or_else(
        || "—".to_owned(),
        |t| {
            format!(
                "{}年{}月{}日 {:02}:{:02}",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute()
            )
        },
    )
}

/// Year, month (1–12) and quarter (1–4) of an instant in China time.
pub fn year_month(ms: i64) -> Option<(i32, u32)> {
    to_cst(ms).map(|t| (t.year(), t.month()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_campaign_counts_for_the_year_its_period_names_else_the_year_it_closes() {
        use super::year_named;
        assert_eq!(year_named("2025年度", "2026-01-10"), Some(2025));
        assert_eq!(year_named("第一学期", "2026-01-10"), Some(2026));
        assert_eq!(year_named("编号123456", "2026-01-10"), Some(2026));
        assert_eq!(year_named("1999—2025", "2026-01-10"), Some(2025));
        assert_eq!(year_named("", "x"), None);
    }

    use super::*;

    // 2026-11-27 06:00 UTC = 14:00 China time, a Friday.
    const FRI_2PM: i64 = 1_795_759_200_000;

    #[test]
    fn a_figure_year_defaults_to_now_and_stays_in_range() {
        assert_eq!(figure_year(None, FRI_2PM), Ok(2026));
        assert_eq!(figure_year(Some(2025), FRI_2PM), Ok(2025));
        assert_eq!(figure_year(Some(2027), FRI_2PM), Ok(2027));
        assert_eq!(figure_year(Some(FIRST_YEAR), FRI_2PM), Ok(FIRST_YEAR));
        assert!(figure_year(Some(2028), FRI_2PM).is_err());
        assert!(figure_year(Some(FIRST_YEAR - 1), FRI_2PM).is_err());
        assert!(figure_year(Some(i32::MIN), FRI_2PM).is_err());
    }

    #[test]
    fn formats_in_china_time() {
        assert_eq!(format_day_time(FRI_2PM), "11月27日 周五 14:00");
        assert_eq!(format_time(FRI_2PM), "14:00");
        assert_eq!(format_date(FRI_2PM), "11月27日");
    }

    #[test]
    fn datetime_inputs_are_china_time() {
        assert_eq!(parse_local_datetime("2026-11-27T14:00"), Some(FRI_2PM));
        assert_eq!(parse_local_datetime("2026-11-27T14:00:00"), Some(FRI_2PM));
        assert_eq!(parse_local_datetime("27/11/2026"), None);
        assert_eq!(to_local_datetime(FRI_2PM), "2026-11-27T14:00");
        assert_eq!(format_full(FRI_2PM), "2026年11月27日 14:00");
        assert_eq!(year_month(FRI_2PM), Some((2026, 11)));
    }

    #[test]
    fn a_day_starts_at_china_midnight() {
        let (start, end) = day_bounds_ms(FRI_2PM);
        assert_eq!(FRI_2PM - start, 14 * 3_600_000);
        assert_eq!(end - start, 24 * 3_600_000);
    }

    #[test]
    fn the_year_turns_at_china_midnight() {
        let (start, end) = year_bounds_ms(2026);
        // 2025-12-31 16:00 UTC
        assert_eq!(start, 1_767_196_800_000);
        assert_eq!(year_of(start), 2026);
        assert_eq!(year_of(start - 1), 2025);
        assert_eq!(year_of(end), 2027);
    }
}
