//! Values read from and written to the company's databases, in a form every backend shares.
//!
//! The connectors cast what they read to a few portable types (integers, floats, text,
//! booleans, bytes); dates and timestamps arrive as ISO text. That keeps the core free of
//! any database's type system.

use std::fmt;

use serde::{Serialize, Serializer};

/// A database value.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// Text (also dates, timestamps, decimals and money, as the database prints them).
    Text(String),
    /// Binary data.
    Bytes(Vec<u8>),
}

impl Value {
    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A key for grouping and de-duplicating values (integers and their text agree).
    pub fn key(&self) -> String {
        match self {
            Value::Null => "\u{0}null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Text(s) => s.clone(),
            Value::Bytes(b) => hex(b),
        }
    }

    /// The value as text, for display.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            v => Some(v.key()),
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Text(s) => write!(f, "{s:?}"),
            v => f.write_str(&v.key()),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_none(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(x) => s.serialize_f64(*x),
            Value::Text(t) => s.serialize_str(t),
            Value::Bytes(b) => s.serialize_str(&format!("\\x{}", hex(b))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_serialise_as_json_scalars() {
        let v = vec![
            Value::Null,
            Value::Bool(true),
            Value::Int(7),
            Value::Text("a".into()),
            Value::Bytes(vec![1, 255]),
        ];
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"[null,true,7,"a","\\x01ff"]"#
        );
    }

    #[test]
    fn keys_make_integers_and_their_text_agree() {
        assert_eq!(Value::Int(1).key(), Value::Text("1".into()).key());
        assert_ne!(Value::Null.key(), Value::Text("null".into()).key());
    }
}
