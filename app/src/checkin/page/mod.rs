//! "我的活动": today's and upcoming activities. Check in by scanning the organiser's QR code
//! (which opens this page) or typing its six digits; ask for leave; all of it offline too.

mod card;
mod list;
mod scan;
mod status;

pub use list::MyActivitiesPage;
