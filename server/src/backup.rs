//! `xingqi backup` and `xingqi restore`: a copy of everything a deployment holds, taken while
//! the server keeps serving, and put back into an empty database.
//!
//! A backup is a folder: the database (`xingqi.db`, SQLite's `VACUUM INTO` — one consistent
//! snapshot read beside the running server, which WAL lets go on writing; or `xingqi.pgdump`,
//! `pg_dump`'s custom format, itself one consistent snapshot), the data folder's files
//! (`files/`: evidence, photos; written once and never changed, so copying them after the
//! snapshot finds every file the snapshot names), and `backup.json`, written last. The folder
//! is made under a `.partial` name and renamed when complete: a backup cut off half-way never
//! looks like one.
//!
//! Restoring never overwrites: the SQLite file must not exist yet, the PostgreSQL database must
//! hold no tables, and a file already in the data folder with other content stops the restore.

use crate::config::{BackupArgs, Config, RestoreArgs};
use anyhow::{Context, bail};
use app::db::Db;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

const MANIFEST: &str = "backup.json";
const SQLITE_FILE: &str = "xingqi.db";
const PG_FILE: &str = "xingqi.pgdump";
const FILES: &str = "files";

/// What a backup holds, written last.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    backend: String,
    database: String,
    files: usize,
    taken_at: i64,
    xingqi: String,
}

pub async fn backup(config: &Config, args: &BackupArgs) -> anyhow::Result<()> {
    let url = config.database_url.expose_secret();
    if args.to.exists() {
        bail!(
            "{} 已存在：备份不会覆盖已有的文件夹，请换一个位置",
            args.to.display()
        );
    }
    let partial = partial_of(&args.to);
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .with_context(|| format!("清理上次未完成的备份 {}", partial.display()))?;
    }
    std::fs::create_dir_all(&partial).with_context(|| format!("创建 {}", partial.display()))?;
    let taken_at = app::db::now_ms();
    let (backend, database) = if url.starts_with("sqlite:") {
        let file = partial.join(SQLITE_FILE);
        sqlite_snapshot(url, &file).await?;
        ("sqlite", SQLITE_FILE)
    } else {
        run(Command::new("pg_dump")
            .arg("--format=custom")
            .arg("--no-owner")
            .arg("--no-privileges")
            .arg("--file")
            .arg(partial.join(PG_FILE))
            .arg("--dbname")
            .arg(url))
        .context("pg_dump（Debian 的 postgresql-client 软件包）")?;
        ("postgres", PG_FILE)
    };
    let files = copy_tree(&config.data_dir, &partial.join(FILES), false)?;
    let manifest = Manifest {
        backend: backend.into(),
        database: database.into(),
        files,
        taken_at,
        xingqi: env!("CARGO_PKG_VERSION").into(),
    };
    std::fs::write(
        partial.join(MANIFEST),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    std::fs::rename(&partial, &args.to)?;
    println!(
        "已备份到 {}：数据库（{backend}）和 {files} 个文件",
        args.to.display()
    );
    Ok(())
}

pub async fn restore(config: &Config, args: &RestoreArgs) -> anyhow::Result<()> {
    let url = config.database_url.expose_secret();
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(args.from.join(MANIFEST)).with_context(|| {
            format!("{} 不是完整的备份（没有 {MANIFEST}）", args.from.display())
        })?)
        .context("备份说明文件无法读取")?;
    let to_sqlite = url.starts_with("sqlite:");
    match (manifest.backend.as_str(), to_sqlite) {
        ("sqlite", true) => {
            let target = sqlite_path(url)?;
            if target.metadata().is_ok_and(|m| m.len() > 0) {
                bail!(
                    "{} 已存在：恢复不会覆盖数据库，请先把它移走",
                    target.display()
                );
            }
            let partial = target.with_extension("restoring");
            std::fs::copy(args.from.join(SQLITE_FILE), &partial)?;
            std::fs::rename(&partial, &target)?;
        }
        ("postgres", false) => {
            let db = Db::connect(url).await?;
            let tables: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema()",
            )
            .fetch_one(db.pool())
            .await?;
            db.close().await;
            if tables > 0 {
                bail!("目标数据库已有 {tables} 张表：恢复只写入空数据库，请新建一个");
            }
            run(Command::new("pg_restore")
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg("--exit-on-error")
                .arg("--single-transaction")
                .arg("--dbname")
                .arg(url)
                .arg(args.from.join(PG_FILE)))
            .context("pg_restore（Debian 的 postgresql-client 软件包）")?;
        }
        (backend, _) => bail!(
            "这是 {backend} 的备份，不能恢复到 {} 数据库",
            if to_sqlite { "SQLite" } else { "PostgreSQL" }
        ),
    }
    let files = copy_tree(&args.from.join(FILES), &config.data_dir, true)?;
    // Opening it runs any migration a newer xingqi has, and shows the database is whole.
    let db = crate::storage::open(url).await?;
    let checkins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkins")
        .fetch_one(db.pool())
        .await?;
    let answers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_answers")
        .fetch_one(db.pool())
        .await?;
    db.close().await;
    println!(
        "已恢复 {}（{} 的备份）：{checkins} 条签到、{answers} 份答卷、{files} 个文件",
        args.from.display(),
        app::domain::time::to_local_datetime(manifest.taken_at)
    );
    Ok(())
}

/// `VACUUM INTO`: a consistent copy of the live database, read in one transaction while the
/// server goes on writing (WAL), into a file no one else has open.
async fn sqlite_snapshot(url: &str, file: &Path) -> anyhow::Result<()> {
    let source = sqlite_path(url)?;
    if !source.exists() {
        bail!("{} 不存在：没有可备份的数据库", source.display());
    }
    let db = Db::connect(url).await?;
    let done = sqlx::query("VACUUM INTO $1")
        .bind(file.to_string_lossy().into_owned())
        .execute(db.pool())
        .await;
    db.close().await;
    done.context("VACUUM INTO")?;
    Ok(())
}

/// The file of a `sqlite://path?options` URL.
fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        bail!("DATABASE_URL 没有指向 SQLite 文件");
    }
    Ok(PathBuf::from(path))
}

fn partial_of(to: &Path) -> PathBuf {
    let mut name = to.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    to.with_file_name(name)
}

/// Copies every file under `from` to the same place under `to`; answers how many. With
/// `keep`, a file already at its place stays if it is the same and stops the copy if not.
fn copy_tree(from: &Path, to: &Path, keep: bool) -> anyhow::Result<usize> {
    if !from.exists() {
        return Ok(0);
    }
    let mut copied = 0;
    let mut folders = vec![PathBuf::new()];
    while let Some(rel) = folders.pop() {
        std::fs::create_dir_all(to.join(&rel))?;
        for entry in std::fs::read_dir(from.join(&rel))? {
            let entry = entry?;
            let rel = rel.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push(rel);
            } else if kind.is_file() {
                let target = to.join(&rel);
                if keep && target.exists() {
                    if std::fs::read(&target)? != std::fs::read(entry.path())? {
                        bail!("{} 已存在且内容不同：恢复不会覆盖它", target.display());
                    }
                    continue;
                }
                std::fs::copy(entry.path(), &target)
                    .with_context(|| format!("复制 {}", rel.display()))?;
                copied += 1;
            }
        }
    }
    Ok(copied)
}

/// Runs a tool to its end; its own message when it fails.
fn run(command: &mut Command) -> anyhow::Result<()> {
    let out = command
        .output()
        .with_context(|| format!("无法运行 {:?}", command.get_program()))?;
    if !out.status.success() {
        bail!(
            "{:?} 失败：{}",
            command.get_program(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_path("sqlite://data/x.db?mode=rwc").unwrap(),
            PathBuf::from("data/x.db")
        );
        assert_eq!(sqlite_path("sqlite:x.db").unwrap(), PathBuf::from("x.db"));
        assert!(sqlite_path("sqlite::memory:").is_err());
    }

    #[test]
    fn a_backup_is_made_beside_its_place() {
        assert_eq!(
            partial_of(Path::new("/b/2026-12-07")),
            PathBuf::from("/b/2026-12-07.partial")
        );
    }
}
