//! `xingqi recount [--check]`: every activity's counts (`activity_tallies`) and every survey's
//! votes (`survey_counts`), kept beside the records for the bureau's roll-up, computed from
//! the raw records again and compared; without `--check`, those that differ are rewritten.
//! After a bulk load, or to prove they agree.

use crate::config::{Config, RecountArgs};
use anyhow::{Context, bail};
use app::activity::server::{Scope, recount};
use app::survey::server::recount_counts;
use secrecy::ExposeSecret;

pub async fn run(config: &Config, args: &RecountArgs) -> anyhow::Result<()> {
    // Opening fills the tallies of activities that have none; --check then compares them all.
    let db = crate::storage::open(config.database_url.expose_secret())
        .await
        .context("opening the database")?;
    let found = recount(&db, Scope::Every, !args.check)
        .await
        .map_err(|e| anyhow::anyhow!("recounting the activities: {e}"))?;
    for (id, stored, fresh) in found.differing.iter().take(20) {
        println!("  活动 {id}: 存储 {stored:?}，按原始记录应为 {fresh:?}");
    }
    let votes = recount_counts(&db, !args.check)
        .await
        .map_err(|e| anyhow::anyhow!("recounting the surveys: {e}"))?;
    for (key, stored, fresh) in votes.iter().take(20) {
        println!("  测评计数 {key:?}: 存储 {stored:?}，按答卷应为 {fresh:?}");
    }
    let (differing, activities) = (found.differing.len(), found.activities);
    if args.check {
        println!(
            "核对了 {activities} 个活动的统计：{differing} 个与原始记录不符；测评计数 {} 项不符",
            votes.len()
        );
        if differing + votes.len() > 0 {
            bail!("统计与原始记录不符（运行 xingqi recount 重新计算）");
        }
    } else {
        println!(
            "重新计算了 {activities} 个活动的统计：更正 {differing} 个；测评计数更正 {} 项",
            votes.len()
        );
    }
    Ok(())
}
