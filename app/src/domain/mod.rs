//! The rules of 创五星、争红旗 as pure data and functions: no I/O, the same on server and browser.

pub mod activity;
pub mod attendance;
pub mod ballot;
pub mod cadence;
pub mod figures;
pub mod participation;
pub mod proof;
pub mod role;
pub mod roster;
pub mod spreadsheet;
pub mod survey;
pub mod time;
pub mod todo;
