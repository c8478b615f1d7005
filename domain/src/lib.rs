//! The rules of 创五星、争红旗 as pure data and functions, and (feature `files`) the reader of
//! roster files: no I/O and no web framework, the same on server and browser, and small enough
//! for the fuzzers (`fuzz/`) to build alone with the address sanitizer.

pub mod activity;
pub mod attendance;
pub mod ballot;
pub mod cadence;
pub mod csp;
pub mod drive;
pub mod figures;
pub mod import;
pub mod letter;
pub mod limits;
pub mod participation;
pub mod password;
pub mod plan;
pub mod proof;
pub mod public_url;
pub mod rating;
pub mod replay;
pub mod role;
pub mod roster;
pub mod setup;
pub mod spreadsheet;
pub mod survey;
#[cfg(feature = "files")]
pub mod table;
pub mod time;
pub mod todo;
