//! A branch's rolls of a year read in bulk (the branch page: about 750 expected members).
//!
//! The same facts as an activity's own roll (`roll_sql`), but one row per activity: its
//! expected members' facts joined into one text with `string_agg` (SQLite ≥ 3.44 and
//! PostgreSQL), and their names read once (the branch's people beside the rolls, anyone else
//! expected by id after them). sqlx's SQLite driver hands every row from its worker
//! thread to the caller on its own (a wake-up and a thread switch each): 750 rows took 7 ms
//! where SQLite needed 3, the largest part of the branch page at county scale. Leave reasons,
//! free text, are left out: the branch page shows none (an activity's own roll reads them).

use super::super::RollEntry;
use super::roll::RollRow;
use crate::db::Db;
use crate::error::AppError;
use std::collections::{BTreeSet, HashMap};

/// The activities a branch page shows: the branch's scheduled ones starting in [$2, $3).
macro_rules! branch_year {
    () => {
        "a.org_id = $1 AND a.status = 'scheduled' AND a.starts_at >= $2 AND a.starts_at < $3"
    };
}

/// Each activity's expected members (`roll_facts!`), as
/// `user|method|review|leave|mark|marked_at|received_at` joined by commas: every field an id,
/// a code or a number, none of which holds `|` or `,`.
const PACKED: &str = concat!(
    roll_facts!(branch_year!()),
    " SELECT e.activity_id, string_agg(e.user_id \
        || '|' || COALESCE(ck.checkin_method, '') || '|' || COALESCE(ck.checkin_review, '') \
        || '|' || COALESCE(CAST(lv.leave AS TEXT), '') \
        || '|' || COALESCE(",
    latest_mark!(),
    ", '') || '|' || COALESCE(CAST(",
    latest_mark_at!(),
    " AS TEXT), '') || '|' || COALESCE(CAST(ck.checkin_received_at AS TEXT), ''), ',')",
    roll_from!(),
    " GROUP BY e.activity_id"
);

/// The names of the branch's own people (most of everyone expected at its activities).
const MEMBERS: &str = "SELECT id, display_name FROM users WHERE org_id = $1";

/// Most ids looked up in one statement.
const IDS_PER_STATEMENT: usize = 500;

/// The roll of every scheduled activity of a branch starting in [from, to), by activity id,
/// each sorted by name (leave reasons left out).
pub async fn rolls_of_branch(
    db: &Db,
    branch_id: &str,
    from: i64,
    to: i64,
) -> Result<HashMap<String, Vec<RollEntry>>, AppError> {
    // The year's two halves and the names, each on a connection of its own: the database works
    // on them at once (on two cores, the half-year's rolls take about half the time; the rolls
    // are the longest read of the branch page).
    let half = from + (to - from) / 2;
    let packed_in = |from: i64, to: i64| {
        sqlx::query_as::<_, (String, String)>(PACKED)
            .bind(branch_id)
            .bind(from)
            .bind(to)
            .fetch_all(db.pool())
    };
    let members = sqlx::query_as::<_, (String, String)>(MEMBERS)
        .bind(branch_id)
        .fetch_all(db.pool());
    let (mut packed, later, members) =
        futures::try_join!(packed_in(from, half), packed_in(half, to), members)?;
    packed.extend(later);
    let mut names: HashMap<String, String> = members.into_iter().collect();
    // Anyone expected who is no longer the branch's (moved since, or switched to another
    // role's organisation): looked up by id, once the rolls say who.
    let others: BTreeSet<&str> = packed
        .iter()
        .flat_map(|(_, facts)| facts.split(',').filter_map(|one| one.split('|').next()))
        .filter(|id| !names.contains_key(*id))
        .collect();
    let others: Vec<&str> = others.into_iter().collect();
    for ids in others.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT id, display_name FROM users WHERE id IN ({})",
            db.value_marks(ids.len()).join(", ")
        );
        // Only placeholders are formatted in; every id is bound.
        let mut query = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        names.extend(query.fetch_all(db.pool()).await?);
    }
    let mut rolls = HashMap::with_capacity(packed.len());
    for (activity_id, facts) in packed {
        let mut roll = facts
            .split(',')
            .map(|one| unpack(&activity_id, one, &names).map(|row| row.into_entry().1))
            .collect::<Result<Vec<_>, _>>()?;
        roll.sort_by(|a, b| a.name.cmp(&b.name));
        rolls.insert(activity_id, roll);
    }
    Ok(rolls)
}

/// One expected member's facts as `PACKED` joined them.
fn unpack(
    activity_id: &str,
    packed: &str,
    names: &HashMap<String, String>,
) -> Result<RollRow, AppError> {
    let f: Vec<&str> = packed.split('|').collect();
    let [user, method, review, leave, mark, marked_at, received_at] = f[..] else {
        tracing::error!(activity_id, packed, "a roll entry did not unpack");
        return Err(AppError::Internal);
    };
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let number = |s: &str| s.parse::<i64>().ok();
    Ok(RollRow {
        activity_id: activity_id.to_owned(),
        user_id: user.to_owned(),
        display_name: names.get(user).cloned().unwrap_or_default(),
        checkin_method: text(method),
        checkin_review: text(review),
        leave: number(leave),
        leave_reason: None,
        latest_mark: text(mark),
        latest_mark_at: number(marked_at),
        checkin_received_at: number(received_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_every_field_and_the_empty_ones() {
        let names = HashMap::from([("u1".to_owned(), "张三".to_owned())]);
        let row = unpack("a1", "u1|qr||3|absent|17|18", &names).expect("unpacks");
        assert_eq!(row.display_name, "张三");
        assert_eq!(row.checkin_method.as_deref(), Some("qr"));
        assert_eq!(row.checkin_review, None);
        assert_eq!(row.leave, Some(3));
        assert_eq!(row.latest_mark.as_deref(), Some("absent"));
        assert_eq!(row.latest_mark_at, Some(17));
        assert_eq!(row.checkin_received_at, Some(18));
        let bare = unpack("a1", "u2||||||", &names).expect("unpacks");
        assert_eq!(bare.display_name, "");
        assert_eq!(
            (bare.checkin_method, bare.leave, bare.latest_mark_at),
            (None, None, None)
        );
        assert_eq!(
            unpack("a1", "u1|qr", &names).err(),
            Some(AppError::Internal)
        );
    }
}
