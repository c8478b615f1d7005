//! A roster file as a secretary uploads it — CSV in any encoding or an XLSX workbook, possibly
//! hostile (a zip bomb, a sheet claiming a huge range) — read and checked row by row. Must never
//! panic, and never hold more than the bounded table.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xingqi_domain::import::check_table;
use xingqi_domain::table::read_table;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the name the file was uploaded under (it steers the reader).
    let (name, bytes) = match data.split_first() {
        Some((b, rest)) if b % 3 == 0 => ("名单.xlsx", rest),
        Some((b, rest)) if b % 3 == 1 => ("名单.xls", rest),
        Some((_, rest)) => ("名单.csv", rest),
        None => ("名单.csv", data),
    };
    if let Ok(table) = read_table(name, bytes) {
        assert!(table.len() <= 5_001, "{} rows", table.len());
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        let _ = check_table(&table, today);
    }
});
