//! The fideslang dataset format as published (`dataset:` YAML), read as-is.
//!
//! Keys skydd does not use (descriptions, tags, retention text, namespaces…) are accepted
//! and ignored, so any dataset Fides accepts loads here unmodified.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A dataset file: `dataset: [ … ]`.
#[derive(Debug, Deserialize)]
pub struct FidesFile {
    /// The datasets in the file.
    pub dataset: Vec<FidesDataset>,
}

/// One dataset.
#[derive(Debug, Deserialize)]
pub struct FidesDataset {
    /// Key referenced by `references[].dataset`.
    pub fides_key: String,
    /// Name.
    pub name: Option<String>,
    /// Collections (tables).
    #[serde(default)]
    pub collections: Vec<FidesCollection>,
}

/// One collection (table).
#[derive(Debug, Deserialize)]
pub struct FidesCollection {
    /// Table name.
    pub name: String,
    /// Categories for the whole collection.
    #[serde(default)]
    pub data_categories: Vec<String>,
    /// Fields (columns).
    #[serde(default)]
    pub fields: Vec<FidesField>,
    /// Collection-level metadata.
    pub fides_meta: Option<FidesCollectionMeta>,
}

/// Collection-level `fides_meta`.
#[derive(Debug, Default, Deserialize)]
pub struct FidesCollectionMeta {
    /// Collections (`dataset.collection`) to process before this one.
    #[serde(default)]
    pub after: Vec<String>,
    /// Collections to erase before this one.
    #[serde(default)]
    pub erase_after: Vec<String>,
    /// Leave this collection out of requests.
    #[serde(default)]
    pub skip_processing: bool,
    /// Masking for the whole collection (`strategy: delete` deletes rows).
    pub masking_strategy_override: Option<FidesMasking>,
}

/// One field (column).
#[derive(Debug, Deserialize)]
pub struct FidesField {
    /// Column name.
    pub name: String,
    /// Data categories.
    #[serde(default)]
    pub data_categories: Vec<String>,
    /// Field metadata.
    pub fides_meta: Option<FidesFieldMeta>,
    /// Sub-fields (document stores); not supported for SQL sources.
    #[serde(default)]
    pub fields: Vec<FidesField>,
}

/// Field-level `fides_meta`.
#[derive(Debug, Default, Deserialize)]
pub struct FidesFieldMeta {
    /// The identity this field holds (`email`, `phone_number`, …): a lookup seed.
    pub identity: Option<String>,
    /// Part of the primary key.
    #[serde(default)]
    pub primary_key: Option<bool>,
    /// References to other fields.
    #[serde(default)]
    pub references: Vec<FidesReference>,
    /// Declared type: string, integer, float, boolean, object_id, object, …
    pub data_type: Option<String>,
    /// Maximum length (for strings).
    pub length: Option<u64>,
    /// Never written to.
    #[serde(default)]
    pub read_only: Option<bool>,
    /// Masking for this field.
    pub masking_strategy_override: Option<FidesMasking>,
}

/// A reference to a field of another collection.
#[derive(Debug, Clone, Deserialize)]
pub struct FidesReference {
    /// The dataset's fides_key.
    pub dataset: String,
    /// `collection.field`.
    pub field: String,
    /// `from` (this field is filled from the other), `to` (the other is looked up with this
    /// field's values), or absent (both ways).
    pub direction: Option<String>,
}

/// A masking strategy with its configuration.
#[derive(Debug, Clone, Deserialize)]
pub struct FidesMasking {
    /// `null_rewrite`, `string_rewrite`, `hash`, `hmac`, `random_string_rewrite`,
    /// `aes_encrypt`, `delete`.
    pub strategy: String,
    /// Strategy configuration.
    #[serde(default)]
    pub configuration: BTreeMap<String, serde_yaml_ng::Value>,
}
