//! The notice a recipient receives: what was done to which person's data, for which request,
//! by which controller. It is the webhook's JSON body and the e-mail's content alike.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What was done to the person's data (GDPR Art. 16, 17(1), 18; Art. 19 asks that each be
/// communicated, and a lifted restriction ends what the recipient was told to do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The data was rectified (Art. 16): the recipient should rectify its copy.
    Rectification,
    /// The data was erased (Art. 17(1)): the recipient should erase its copy.
    Erasure,
    /// Processing was restricted (Art. 18): the recipient should only store the data.
    Restriction,
    /// A restriction was lifted (Art. 18(3)): the recipient may process the data again.
    RestrictionLifted,
}

impl NoticeKind {
    /// The key used in JSON and templates.
    pub fn key(self) -> &'static str {
        match self {
            NoticeKind::Rectification => "rectification",
            NoticeKind::Erasure => "erasure",
            NoticeKind::Restriction => "restriction",
            NoticeKind::RestrictionLifted => "restriction_lifted",
        }
    }
}

/// The controller that sends the notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    /// Its name.
    pub name: String,
    /// Its organisationsnummer, when the register gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_number: Option<String>,
}

/// One identity of the person, as the recipient knows them (the identities the controller
/// disclosed to it, so the recipient can find the person without learning more).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownIdentity {
    /// The kind: `email`, `phone_number`, `personnummer` or a dataset's own (`customer_id`).
    pub kind: String,
    /// The value.
    pub value: String,
}

/// What the notice concerns: the fields and the data categories affected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// Fields as `collection.field`, when the recipient knows the controller's names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Data category keys (fideslang taxonomy or the register's own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_categories: Vec<String>,
}

impl Affected {
    /// True when nothing is named.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.data_categories.is_empty()
    }
}

/// A new value after a rectification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewValue {
    /// The field or data category rectified.
    pub field: String,
    /// Its value now.
    pub value: String,
}

/// A notice to one recipient of one change to one person's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The notice's id, also its idempotency key: a resend carries the same id (webhook
    /// header `Idempotency-Key`, e-mail `Message-ID`), so a receiver acts on it once.
    /// ASCII letters, digits, `.`, `_` and `-`, at most 128 characters.
    pub id: String,
    /// What was done.
    pub kind: NoticeKind,
    /// The request the change was made for.
    pub request: String,
    /// The controller.
    pub controller: Sender,
    /// The recipient's id in the register.
    pub recipient: String,
    /// The person, as the recipient knows them.
    pub identities: Vec<KnownIdentity>,
    /// What was affected.
    pub affected: Affected,
    /// The new values (rectification only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_values: Vec<NewValue>,
    /// The day the change was made (in Sweden).
    pub date: Date,
}

/// Why a notice cannot be sent; sending it again would not help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidNotice {
    /// The id cannot stand in a header or a Message-ID.
    #[error(
        "the notice id `{0}` must be 1 to 128 ASCII letters, digits, `.`, `_` or `-`: it is the idempotency key and the e-mail's Message-ID"
    )]
    Id(String),
    /// The recipient could not find the person.
    #[error("the notice names no identity of the person, so the recipient cannot find them")]
    NoIdentity,
    /// A rectification without its new values, or another kind with some.
    #[error("{0}")]
    NewValues(&'static str),
}

impl Notice {
    /// Checks what a recipient needs to act on the notice.
    pub fn check(&self) -> Result<(), InvalidNotice> {
        let id_ok = (1..=128).contains(&self.id.len())
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !id_ok {
            return Err(InvalidNotice::Id(self.id.clone()));
        }
        if self.identities.iter().all(|i| i.value.trim().is_empty()) {
            return Err(InvalidNotice::NoIdentity);
        }
        match (self.kind, self.new_values.is_empty()) {
            (NoticeKind::Rectification, true) => Err(InvalidNotice::NewValues(
                "a rectification notice gives the new values: the recipient rectifies its copy to them",
            )),
            (NoticeKind::Rectification, false) | (_, true) => Ok(()),
            (_, false) => Err(InvalidNotice::NewValues(
                "only a rectification notice carries new values",
            )),
        }
    }
}
