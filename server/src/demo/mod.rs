//! The demo school, modelled on the seed plan: a 党总支 with four branches (第一…第四党支部),
//! 8–12 members each with a secretary, a school admin, and this year's activities — a 主题党日
//! every month (this month's is today, in progress), a 支委会 every month, a 党员大会 and a 党课
//! every quarter — with realistic attendance for those already held; last year's rating
//! (`rating`); this year's 争创活动 with its phases (`drive`) and each branch's annual plan in
//! a different state (`annual`).

mod annual;
mod drive;
mod plan;
mod rating;
mod school;
mod survey;

use app::db::{Db, now_ms};
use std::net::SocketAddr;

/// Who the demo can sign in as.
pub struct DemoReport {
    pub created: bool,
    pub password: String,
    pub accounts: Vec<(String, String, String)>,
}

impl DemoReport {
    pub fn print(&self, addr: SocketAddr) {
        if !self.created {
            println!("演示数据已存在，未重新生成。");
        }
        println!("\n  星旗演示  http://{addr}\n");
        println!("  {:<10} {:<14} 身份", "用户名", "姓名");
        for (username, name, role) in &self.accounts {
            println!("  {username:<12} {name:<12} {role}");
        }
        println!("\n  以上账号的密码都是：{}\n", self.password);
    }
}

/// The PostgreSQL advisory lock that lets one of several processes started at once seed.
const SEED_LOCK: i64 = 0x7869_6e67_7169; // "xingqi"

/// Fills an empty database with the demo school; leaves a database with any data alone. On
/// PostgreSQL, processes started at the same moment take turns (an advisory lock held on one
/// connection): the first seeds, the others find its school.
pub async fn seed_if_empty(db: &Db, password: &str) -> anyhow::Result<DemoReport> {
    if db.backend() != app::db::Backend::Postgres {
        return seed_unlocked(db, password).await;
    }
    let mut lock = db.pool().acquire().await?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(SEED_LOCK)
        .execute(&mut *lock)
        .await?;
    let report = seed_unlocked(db, password).await;
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(SEED_LOCK)
        .execute(&mut *lock)
        .await;
    if unlocked.is_err() {
        // Closing the connection lets the lock go with it.
        let _ = sqlx::Connection::close(lock.detach()).await;
    }
    report
}

async fn seed_unlocked(db: &Db, password: &str) -> anyhow::Result<DemoReport> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
        .fetch_one(db.pool())
        .await?;
    let mut report = DemoReport {
        created: existing == 0,
        password: password.to_owned(),
        accounts: Vec::new(),
    };
    if existing > 0 {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT username, display_name, role FROM users ORDER BY role, username",
        )
        .fetch_all(db.pool())
        .await?;
        for (username, display_name, role) in rows {
            if role != "member" || report.accounts.iter().filter(|a| a.2 == "党员").count() < 2 {
                report
                    .accounts
                    .push((username, display_name, role_label(&role)));
            }
        }
        return Ok(report);
    }
    let now = now_ms();
    school::seed(db, password, now, &mut report).await?;
    survey::seed_survey(db, now).await?;
    rating::seed_rating(db, now).await?;
    drive::seed_drive(db, now).await?;
    annual::seed_plans(db, now).await?;
    // The demo writes its attendance straight into the tables: its tallies follow from them.
    app::activity::server::recount(db, app::activity::server::Scope::Every, true)
        .await
        .map_err(|e| anyhow::anyhow!("counting the demo's attendance: {e}"))?;
    Ok(report)
}

fn role_label(role: &str) -> String {
    app::domain::role::Role::parse(role)
        .map_or("?", |r| r.label())
        .to_owned()
}
