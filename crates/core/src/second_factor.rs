//! Which roles must log in with a second factor (TOTP). The regio-beheerder
//! always must ([`Role::requires_second_factor`]); the region decides for the
//! other roles. New installations require it for praktijk and netwerkpartner,
//! because those accounts open patient data and NEN 7510 asks for strong
//! authentication there.

use crate::access::Role;

/// The roles the region can require a second factor for.
pub const CONFIGURABLE: [Role; 3] = [Role::Networks, Role::Practice, Role::Organization];

/// The roles that require it in a new installation.
pub const DEFAULT_REQUIRED: [Role; 2] = [Role::Practice, Role::Organization];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    required: Vec<Role>,
}

impl Policy {
    /// A policy requiring a second factor of these roles (and always of the
    /// regio-beheerder).
    pub fn new(required: impl IntoIterator<Item = Role>) -> Self {
        let mut required: Vec<Role> = required.into_iter().filter(|r| CONFIGURABLE.contains(r)).collect();
        required.dedup();
        Policy { required }
    }

    pub fn requires(&self, role: Role) -> bool {
        role.requires_second_factor() || self.required.contains(&role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_regio_beheerder_always_needs_one_the_others_by_choice() {
        let none = Policy::new([]);
        assert!(none.requires(Role::Region));
        assert!(!none.requires(Role::Practice));
        let default = Policy::new(DEFAULT_REQUIRED);
        assert!(default.requires(Role::Practice) && default.requires(Role::Organization));
        assert!(!default.requires(Role::Networks));
        assert!(!Policy::new([Role::Operator]).requires(Role::Operator), "the operator has no account");
    }
}
