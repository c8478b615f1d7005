//! The one place a user row is written: the roster's imports and forms, the demo school and the
//! test fixtures all go through [`insert_user`].

use sqlx::AnyConnection;

/// A user as first stored. Dates are `YYYY-MM-DD`; an empty `password_hash` is an account not
/// yet activated (its member sets a password with an invite code).
pub struct NewUser<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    /// `member`, `secretary` or `admin`.
    pub role: &'a str,
    pub created_at: i64,
    pub phone: Option<&'a str>,
    pub gender: Option<&'a str>,
    pub birth_date: Option<&'a str>,
    pub join_date: Option<&'a str>,
    /// `full` or `probationary`.
    pub standing: &'a str,
    pub post: Option<&'a str>,
    /// `secretary`, `deputy` or `member` (`crate::domain::roster::CommitteeRole`): a seat on
    /// the branch committee, or none.
    pub committee_role: Option<&'a str>,
    pub group_id: Option<&'a str>,
    /// On the school's staff (教职工).
    pub staff: bool,
    /// 转正日期
    pub full_date: Option<&'a str>,
    /// The change counter for pulls (`crate::db::next_version`), or 0.
    pub version: i64,
}

impl Default for NewUser<'_> {
    fn default() -> Self {
        Self {
            id: "",
            org_id: "",
            username: "",
            display_name: "",
            password_hash: "",
            role: "member",
            created_at: 0,
            phone: None,
            gender: None,
            birth_date: None,
            join_date: None,
            standing: "full",
            post: None,
            committee_role: None,
            group_id: None,
            staff: true,
            full_date: None,
            version: 0,
        }
    }
}

/// The unique constraints of a user row: within a school, a username and a phone number belong
/// to one account (another school may use the same ones: nothing tells its admin they exist).
pub const USER_UNIQUE: &[&str] = &["users_school_username", "users_school_phone"];

/// The school whose usernames an account in the organisation `$N` shares (see the migration
/// `20261201000010_school_names`), as an SQL expression on the placeholder `org`.
macro_rules! school_of_org {
    ($org:literal) => {
        concat!(
            "(SELECT CASE WHEN o.kind = 'school' OR o.parent_id IS NULL THEN o.id ",
            "ELSE o.parent_id END FROM organisations o WHERE o.id = ",
            $org,
            ")"
        )
    };
}
pub(crate) use school_of_org;

/// Writes one active user. A username or phone number already taken in its school is refused
/// by the database ([`USER_UNIQUE`]; see `crate::db::is_unique_violation`).
pub async fn insert_user(conn: &mut AnyConnection, u: &NewUser<'_>) -> Result<(), sqlx::Error> {
    let text = |s: Option<&str>| s.map(str::to_owned);
    sqlx::query(concat!(
        "INSERT INTO users (id, org_id, username, display_name, password_hash, role, active, \
           created_at, phone, gender, birth_date, join_date, standing, post, committee, group_id, \
           version, committee_role, staff, full_date, school_id) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
           $18, $19, ",
        school_of_org!("$2"),
        ")"
    ))
    .bind(u.id)
    .bind(u.org_id)
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.password_hash)
    .bind(u.role)
    .bind(u.created_at)
    .bind(text(u.phone))
    .bind(text(u.gender))
    .bind(text(u.birth_date))
    .bind(text(u.join_date))
    .bind(u.standing)
    .bind(text(u.post))
    .bind(i32::from(u.committee_role.is_some()))
    .bind(text(u.group_id))
    .bind(u.version)
    .bind(text(u.committee_role))
    .bind(i32::from(u.staff))
    .bind(text(u.full_date))
    .execute(conn)
    .await?;
    Ok(())
}
