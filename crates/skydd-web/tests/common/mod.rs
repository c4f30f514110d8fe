//! The company every API test starts from: the demo company with skydd's state started,
//! an owner, and an API token for each role.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use skydd_app::{Workspace, clock, staff};
use skydd_core::staff::Role;
use skydd_web::AppState;

pub const ANNA: &str = "anna.andersson@example.se";

pub struct Company {
    pub _dir: tempfile::TempDir,
    pub state: AppState,
    /// An API token per role.
    pub tokens: std::collections::BTreeMap<Role, String>,
}

/// The demo company with skydd's state started, an owner, and a token for each role.
pub async fn company() -> Company {
    let dir = tempfile::tempdir().unwrap();
    let register = skydd_demo::write_company(dir.path(), clock::today(), &"k".repeat(43))
        .await
        .unwrap();
    let ws = Workspace::open(&register, None).await.unwrap();
    let (store, _) = ws.state(true).await.unwrap();
    staff::add_user(
        store,
        staff::AddUser {
            email: "agare@webbplatsnu.se".into(),
            name: "Ägare".into(),
            role: Role::Owner,
            password: "ett långt lösenord".into(),
        },
    )
    .await
    .unwrap();
    let mut tokens = std::collections::BTreeMap::new();
    for role in Role::ALL {
        let t = staff::create_token(
            store,
            staff::CreateToken {
                user_email: "agare@webbplatsnu.se".into(),
                name: format!("test {role}"),
                role: Some(*role),
                expires_in_days: None,
            },
        )
        .await
        .unwrap();
        tokens.insert(*role, t.text);
    }
    Company {
        _dir: dir,
        state: AppState { ws: Arc::new(ws) },
        tokens,
    }
}
