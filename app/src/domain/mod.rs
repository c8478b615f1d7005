//! The rules of 创五星、争红旗 as pure data and functions: no I/O, the same on server and browser.

pub mod activity;
pub mod attendance;
pub mod ballot;
pub mod cadence;
pub mod csp;
pub mod figures;
pub mod limits;
pub mod participation;
pub mod password;
pub mod proof;
pub mod public_url;
pub mod role;
pub mod roster;
pub mod spreadsheet;
pub mod survey;
pub mod time;
pub mod todo;
