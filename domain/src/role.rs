//! Who may do what: roles and the permission rules the server checks on every request.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 党员: belongs to one branch.
    Member,
    /// 支部书记 / 组织委员: runs the branch they belong to (and is a member of it).
    Secretary,
    /// 总支 / school admin: every branch of the school whose organisation they belong to.
    Admin,
    /// 教育局 viewer: reads the figures of every school under their bureau; changes nothing.
    BureauViewer,
    /// 教育局 admin: reads like a viewer, and adds schools (with their first admin) and viewers
    /// to the bureau. Runs no school's records.
    BureauAdmin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Secretary => "secretary",
            Self::Admin => "admin",
            Self::BureauViewer => "bureau_viewer",
            Self::BureauAdmin => "bureau_admin",
        }
    }

    pub const ALL: [Self; 5] = [
        Self::Member,
        Self::Secretary,
        Self::Admin,
        Self::BureauViewer,
        Self::BureauAdmin,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Member => "党员",
            Self::Secretary => "支部书记",
            Self::Admin => "总支管理员",
            Self::BureauViewer => "教育局（只读）",
            Self::BureauAdmin => "教育局管理员",
        }
    }

    /// Whether this role runs branches at all (which ones is [`may_organise`]).
    pub fn runs_branches(self) -> bool {
        matches!(self, Self::Secretary | Self::Admin)
    }

    /// Whether this role reads branch pages at all (which ones is [`may_read`]).
    pub fn reads_branches(self) -> bool {
        self.runs_branches() || self.is_bureau()
    }

    /// A role of the education bureau above the schools.
    pub fn is_bureau(self) -> bool {
        matches!(self, Self::BureauViewer | Self::BureauAdmin)
    }
}

/// The one rule of who runs what: whether a user with `role` in organisation `user_org` may
/// read and change the records of organisation `org`, whose parent is `org_parent`. A
/// secretary runs their own branch; an admin (the 总支) runs their school and each of its
/// branches; a member runs nothing (their own records are theirs by id, not by organisation).
/// A 党小组 is run through its branch.
/// The bureau's roles run nothing: they read ([`may_read`]).
pub fn may_organise(role: Role, user_org: &str, org: &str, org_parent: Option<&str>) -> bool {
    match role {
        Role::Member | Role::BureauViewer | Role::BureauAdmin => false,
        Role::Secretary => user_org == org,
        Role::Admin => user_org == org || org_parent == Some(user_org),
    }
}

/// Whether a user with `role` in organisation `user_org` may read the figures and records of
/// organisation `org`, whose parent is `org_parent` and whose parent's parent is
/// `org_grandparent`: whoever runs it ([`may_organise`]), and the bureau above its school —
/// a school (parent: the bureau) or a branch (grandparent: the bureau).
pub fn may_read(
    role: Role,
    user_org: &str,
    org: &str,
    org_parent: Option<&str>,
    org_grandparent: Option<&str>,
) -> bool {
    if role.is_bureau() {
        return org == user_org
            || org_parent == Some(user_org)
            || org_grandparent == Some(user_org);
    }
    may_organise(role, user_org, org, org_parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secretary_runs_only_their_own_branch() {
        assert!(may_organise(Role::Secretary, "b1", "b1", Some("s")));
        assert!(!may_organise(Role::Secretary, "b1", "b2", Some("s")));
        assert!(
            !may_organise(Role::Secretary, "b1", "s", None),
            "not the school"
        );
    }

    #[test]
    fn an_admin_runs_their_school_and_its_branches_only() {
        assert!(may_organise(Role::Admin, "s", "s", None));
        assert!(may_organise(Role::Admin, "s", "b2", Some("s")));
        assert!(!may_organise(Role::Admin, "s", "b9", Some("other-school")));
        assert!(!may_organise(Role::Admin, "s", "other-school", None));
        assert!(
            !may_organise(Role::Admin, "s", "g1", Some("b2")),
            "a group, through its branch"
        );
    }

    #[test]
    fn a_member_runs_nothing() {
        assert!(!may_organise(Role::Member, "b1", "b1", Some("s")));
    }

    #[test]
    fn the_bureau_reads_its_schools_and_runs_nothing() {
        for role in [Role::BureauViewer, Role::BureauAdmin] {
            assert!(may_read(role, "bu", "s", Some("bu"), None), "its school");
            assert!(
                may_read(role, "bu", "b1", Some("s"), Some("bu")),
                "a branch"
            );
            assert!(
                !may_read(role, "bu", "b9", Some("s9"), Some("bu2")),
                "another bureau's"
            );
            assert!(
                !may_read(role, "bu", "s9", None, None),
                "a school on its own"
            );
            for (org, parent) in [("bu", None), ("s", Some("bu")), ("b1", Some("s"))] {
                assert!(!may_organise(role, "bu", org, parent), "{org}");
            }
            assert!(role.reads_branches() && !role.runs_branches());
        }
        // Everyone else reads what they run, no more.
        assert!(may_read(Role::Admin, "s", "b1", Some("s"), Some("bu")));
        assert!(!may_read(Role::Admin, "s", "s2", Some("bu"), None));
        assert!(!may_read(
            Role::Secretary,
            "b1",
            "b2",
            Some("s"),
            Some("bu")
        ));
        assert!(!may_read(Role::Member, "b1", "b1", Some("s"), Some("bu")));
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
