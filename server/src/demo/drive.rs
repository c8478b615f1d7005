//! The demo school's 争创活动: this year's, in the seed plan's shape (查找问题 in January and
//! February, 公开承诺 in March with the letters due by the 15th, 整改落实 to November, the
//! rating in December), set by its 总支 through the same function the page uses.

use app::db::Db;
use app::domain::drive::Drive;
use app::domain::role::Role;
use app::domain::time::year_of;

pub(super) async fn seed_drive(db: &Db, now: i64) -> anyhow::Result<()> {
    let admin = super::rating::account(db, "admin", Role::Admin).await?;
    app::drive::server::save(db, &admin, Drive::seed(year_of(now)), now).await?;
    Ok(())
}
