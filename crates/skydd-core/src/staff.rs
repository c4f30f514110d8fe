//! Who among the company's staff may do what in skydd. Three roles, as small companies have
//! them: the owner (answers for the register and the people who use skydd), handlers (answer
//! requests), viewers (read, e.g. an auditor or the DPO). API tokens carry a role too, and
//! never more than the user who made them.

use serde::{Deserialize, Serialize};

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads only.
    Viewer,
    /// Handles requests: verifies, runs, extends, refuses, answers.
    Handler,
    /// Everything, including users, tokens and retention runs.
    Owner,
}

impl Role {
    /// Every role, least first.
    pub const ALL: &[Role] = &[Role::Viewer, Role::Handler, Role::Owner];

    /// The key it is stored and written as.
    pub fn key(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Handler => "handler",
            Role::Owner => "owner",
        }
    }

    /// The role stored as `key`.
    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.key() == key)
    }

    /// Whether the role may do `action`.
    pub fn may(self, action: Action) -> bool {
        self >= action.needs()
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// What staff do through skydd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read requests, restrictions, holds, retention runs, the register's findings.
    Read,
    /// Read the audit log and verify it.
    ReadAuditLog,
    /// Register a request received by letter, phone or e-mail.
    RegisterRequest,
    /// Verify, extend, refuse, answer a request; run access and export.
    HandleRequest,
    /// Carry out an erasure or a rectification in the company's databases.
    ChangeData,
    /// Record restrictions, objections, withdrawn consent.
    RecordRights,
    /// Start a retention run.
    RunRetention,
    /// Add and remove users and API tokens.
    ManageUsers,
}

impl Action {
    /// The least role that may do it.
    pub fn needs(self) -> Role {
        match self {
            Action::Read | Action::ReadAuditLog => Role::Viewer,
            Action::RegisterRequest
            | Action::HandleRequest
            | Action::ChangeData
            | Action::RecordRights => Role::Handler,
            Action::RunRetention | Action::ManageUsers => Role::Owner,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewers_read_and_change_nothing() {
        assert!(Role::Viewer.may(Action::Read));
        assert!(Role::Viewer.may(Action::ReadAuditLog));
        for a in [
            Action::RegisterRequest,
            Action::HandleRequest,
            Action::ChangeData,
            Action::RecordRights,
            Action::RunRetention,
            Action::ManageUsers,
        ] {
            assert!(!Role::Viewer.may(a), "{a:?}");
        }
    }

    #[test]
    fn handlers_answer_requests_but_manage_no_users_and_start_no_retention_run() {
        assert!(Role::Handler.may(Action::ChangeData));
        assert!(Role::Handler.may(Action::HandleRequest));
        assert!(!Role::Handler.may(Action::ManageUsers));
        assert!(!Role::Handler.may(Action::RunRetention));
        assert!(Role::Owner.may(Action::ManageUsers));
    }

    #[test]
    fn roles_read_back_from_their_keys_only() {
        for r in Role::ALL {
            assert_eq!(Role::from_key(r.key()), Some(*r));
        }
        assert_eq!(Role::from_key("admin"), None);
    }
}
