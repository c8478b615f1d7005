//! The server's integration tests, as one test binary (one link of the whole app instead of
//! one per file): storage and HTTP suites on both backends, the roster and survey suites, the
//! protocol model test, the SIGKILL test and the process tests.

#[macro_use]
mod common;

mod audit;
mod backup;
mod batch;
mod bureau;
mod cadence;
mod cluster;
mod crash;
mod drive;
mod http;
mod letter;
mod limits;
mod matrix;
mod merge;
mod moves;
mod names;
mod plan;
mod process;
mod rating;
mod rating_general;
mod rating_year;
mod replay;
mod roster;
mod roster_import;
mod school;
mod setup;
mod storage;
mod survey;
mod sync_model;
mod tallies;
mod trail;
mod year;
