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
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Secretary => "secretary",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Member, Self::Secretary, Self::Admin]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Member => "党员",
            Self::Secretary => "支部书记",
            Self::Admin => "总支管理员",
        }
    }

    /// Whether this role reads branch pages at all (which branch is [`may_read_branch`]).
    pub fn runs_branches(self) -> bool {
        matches!(self, Self::Secretary | Self::Admin)
    }
}

/// The one rule of who runs what: whether a user with `role` in organisation `user_org` may
/// read and change the records of organisation `org`, whose parent is `org_parent`. A
/// secretary runs their own branch; an admin (the 总支) runs their school and each of its
/// branches; a member runs nothing (their own records are theirs by id, not by organisation).
/// A 党小组 is run through its branch.
pub fn may_organise(role: Role, user_org: &str, org: &str, org_parent: Option<&str>) -> bool {
    match role {
        Role::Member => false,
        Role::Secretary => user_org == org,
        Role::Admin => user_org == org || org_parent == Some(user_org),
    }
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
    fn roles_round_trip() {
        for r in [Role::Member, Role::Secretary, Role::Admin] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
