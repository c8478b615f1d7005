//! The secretary's pages: the branches they run, and one branch's year of activities.

mod figures;
mod leave;
mod list;
mod overview;
mod todos;
mod year;

pub use list::BranchesPage;
pub use overview::BranchPage;
pub(crate) use year::{YearPicker, asked_year};
