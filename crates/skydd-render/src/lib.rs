//! People-facing documents rendered from a register: the privacy notice (integritetspolicy)
//! in Swedish and English as HTML and Markdown, and the record of processing activities
//! (Art. 30) as CSV and HTML.
//!
//! Templates are minijinja, embedded in the binary; a company may override any of them, and
//! the fixed strings, with files of the same name (`notice.html`, `notice.md`, `ropa.html`,
//! `strings.sv.toml`, `strings.en.toml`). The view the templates get is [`view::NoticeView`].
//!
//! **Architecture invariant:** no I/O here. Overrides arrive as strings; the CLI reads them.
#![deny(missing_docs)]

pub mod view;

use std::collections::BTreeMap;

use minijinja::{Environment, context};
use skydd_core::package::AccessPackage;
use skydd_core::register::Register;
use skydd_core::{Lang, ropa};

/// An output format for the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A standalone HTML page.
    Html,
    /// Markdown.
    Markdown,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
        }
    }
}

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template does not parse or fails while rendering.
    #[error("template {name}: {source:#}")]
    Template {
        /// The template's file name.
        name: String,
        /// What went wrong.
        source: minijinja::Error,
    },
    /// A strings file does not parse.
    #[error("{name}: {source}")]
    Strings {
        /// The file name.
        name: String,
        /// What went wrong.
        source: toml::de::Error,
    },
    /// An override has a name no template has.
    #[error("`{0}` is not a template skydd uses; overridable files: {files}", files = OVERRIDABLE.join(", "))]
    UnknownOverride(String),
    /// CSV writing failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// Names of the files a company may override.
pub const OVERRIDABLE: [&str; 10] = [
    "notice.html",
    "notice.md",
    "ropa.html",
    "strings.sv.toml",
    "strings.en.toml",
    "ropa_processor.html",
    "subprocessors.html",
    "subprocessors.md",
    "subprocessors.sv.toml",
    "subprocessors.en.toml",
];

const EMBEDDED: [(&str, &str); 11] = [
    ("notice.html", include_str!("../templates/notice.html")),
    ("notice.md", include_str!("../templates/notice.md")),
    ("ropa.html", include_str!("../templates/ropa.html")),
    ("access.html", include_str!("../templates/access.html")),
    (
        "strings.sv.toml",
        include_str!("../templates/strings.sv.toml"),
    ),
    (
        "strings.en.toml",
        include_str!("../templates/strings.en.toml"),
    ),
    (
        "ropa_processor.html",
        include_str!("../templates/ropa_processor.html"),
    ),
    (
        "subprocessors.html",
        include_str!("../templates/subprocessors.html"),
    ),
    (
        "subprocessors.md",
        include_str!("../templates/subprocessors.md"),
    ),
    (
        "subprocessors.sv.toml",
        include_str!("../templates/subprocessors.sv.toml"),
    ),
    (
        "subprocessors.en.toml",
        include_str!("../templates/subprocessors.en.toml"),
    ),
];

/// Renders documents from registers.
pub struct Renderer {
    env: Environment<'static>,
    /// The fixed strings by language: the plural voice, then the singular.
    strings: BTreeMap<Lang, [BTreeMap<String, String>; 2]>,
}

/// A strings file: `key = "text"` in the plural voice (vi/we), and a `[singular]` table with
/// the first-person singular (jag/I) of every text that speaks as the company.
#[derive(Debug, Default, serde::Deserialize)]
struct StringsFile {
    #[serde(default)]
    singular: BTreeMap<String, String>,
    #[serde(flatten)]
    plural: BTreeMap<String, String>,
}

/// Collapses runs of blank lines into one (outside fenced code blocks) and ends the text with
/// one newline: Markdown gives a run no meaning, and templates with optional parts leave them.
fn tidy_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        let empty = line.trim().is_empty();
        if empty && blank && !fenced {
            continue;
        }
        blank = empty;
        out.push_str(if empty && !fenced { "" } else { line });
        out.push('\n');
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out.push('\n');
    out
}

/// Escapes a value for a Markdown table cell.
fn cell(value: String) -> String {
    value.replace('|', "\\|").replace('\n', "<br>")
}

impl Renderer {
    /// A renderer with the embedded templates.
    pub fn new() -> Result<Self, RenderError> {
        Self::with_overrides(std::iter::empty())
    }

    /// A renderer whose templates or strings are replaced by `overrides` (file name →
    /// content). Strings files are merged key by key over the embedded ones.
    pub fn with_overrides(
        overrides: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, RenderError> {
        let mut files: BTreeMap<String, String> = EMBEDDED
            .iter()
            .map(|(n, s)| ((*n).to_owned(), (*s).to_owned()))
            .collect();
        let mut string_overrides: BTreeMap<String, String> = BTreeMap::new();
        for (name, content) in overrides {
            if !OVERRIDABLE.contains(&name.as_str()) {
                return Err(RenderError::UnknownOverride(name));
            }
            if name.ends_with(".toml") {
                string_overrides.insert(name, content);
            } else {
                files.insert(name, content);
            }
        }
        let mut env = Environment::new();
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|source| RenderError::Template {
                name: "(syntax)".into(),
                source,
            })?;
        env.set_syntax(syntax);
        env.add_filter("cell", cell);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in &files {
            if name.ends_with(".toml") {
                continue;
            }
            env.add_template_owned(name.clone(), source.clone())
                .map_err(|source| RenderError::Template {
                    name: name.clone(),
                    source,
                })?;
        }
        let mut strings = BTreeMap::new();
        for lang in Lang::ALL {
            // The notice's strings, then the sub-processor list's (keys `sp_…`) from files of
            // their own; each may be overridden by the company.
            let mut voices: [BTreeMap<String, String>; 2] = Default::default();
            for stem in ["strings", "subprocessors"] {
                let name = format!("{stem}.{}.toml", lang.code());
                let parse = |text: &str| {
                    toml::from_str::<StringsFile>(text).map_err(|source| RenderError::Strings {
                        name: name.clone(),
                        source,
                    })
                };
                let embedded = parse(&files[&name])?;
                let company = string_overrides
                    .get(&name)
                    .map(|o| parse(o))
                    .transpose()?
                    .unwrap_or_default();
                // The company's strings win over skydd's in either voice: a sentence the
                // company rewrote in the plural is not replaced by skydd's singular of the old
                // sentence.
                let [plural, singular] = &mut voices;
                plural.extend(embedded.plural.clone());
                plural.extend(company.plural.clone());
                singular.extend(embedded.plural);
                singular.extend(embedded.singular);
                singular.extend(company.plural);
                singular.extend(company.singular);
            }
            strings.insert(lang, voices);
        }
        Ok(Renderer { env, strings })
    }

    /// The fixed strings of `lang` in the voice the register chose.
    fn strings(&self, reg: &Register, lang: Lang) -> BTreeMap<String, String> {
        let voice = usize::from(reg.notice.voice == skydd_core::register::Voice::Singular);
        self.strings
            .get(&lang)
            .map(|v| v[voice].clone())
            .unwrap_or_default()
    }

    fn render(&self, name: &str, ctx: minijinja::Value) -> Result<String, RenderError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|source| RenderError::Template {
                name: name.to_owned(),
                source,
            })?;
        template
            .render(ctx)
            .map_err(|source| RenderError::Template {
                name: name.to_owned(),
                source,
            })
    }

    /// The privacy notice of `reg` in `lang` and `format`.
    pub fn notice(
        &self,
        reg: &Register,
        lang: Lang,
        format: Format,
    ) -> Result<String, RenderError> {
        let t = self.strings(reg, lang);
        let view = view::NoticeView::build(reg, lang, t);
        let name = format!("notice.{}", format.extension());
        let mut out = self.render(
            &name,
            minijinja::Value::from(minijinja::value::Serde(&view)),
        )?;
        if format == Format::Markdown {
            out = tidy_markdown(&out);
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
        Ok(out)
    }

    /// The Art. 30 record of `reg` as an HTML page.
    pub fn ropa_html(&self, reg: &Register, lang: Lang) -> Result<String, RenderError> {
        let record = ropa::build(reg, lang);
        let first = record.rows.first().cloned();
        let pick = |i: usize| first.as_ref().map(|r| r[i].clone()).unwrap_or_default();
        let controller = first
            .as_ref()
            .map_or_else(|| reg.controller.display_name(), |r| r[10].clone());
        self.render(
            "ropa.html",
            context! {
                lang => lang.code(),
                title => lang.pick("Register över behandlingar (artikel 30.1)", "Record of processing activities (Article 30(1))"),
                subtitle => lang.pick(
                    "Förteckning enligt artikel 30.1 i dataskyddsförordningen, med de uppgifter IMY:s checklista efterfrågar.",
                    "Record kept under Article 30(1) GDPR, with the fields of IMY's checklist.",
                ),
                generated => lang.pick("Skapad med skydd.", "Generated with skydd."),
                headers => record.headers,
                rows => record.rows,
                controller => controller,
                dpo => pick(11),
                representative => pick(12),
                content_hash => reg.content_hash(),
            },
        )
    }

    /// A register extract (Art. 15) as an HTML page in `lang`.
    pub fn access_report(
        &self,
        reg: &Register,
        package: &AccessPackage,
        lang: Lang,
    ) -> Result<String, RenderError> {
        let t = self.strings(reg, lang);
        let t: BTreeMap<String, String> = t
            .into_iter()
            .map(|(k, v)| {
                let v = v.replace("{controller}", &reg.controller.display_name());
                let v = v.replace("{contact}", reg.rights_contact().unwrap_or(""));
                (k, v)
            })
            .collect();
        let view = view::AccessView::build(reg, package, lang);
        self.render("access.html", minijinja::context! { t => t, ..minijinja::Value::from(minijinja::value::Serde(&view)) })
    }
}

impl Renderer {
    /// The processor's record (Art. 30(2)) of `reg` as an HTML page, as of `today`; `None`
    /// when the register records no processing on behalf of others.
    pub fn ropa_processor_html(
        &self,
        reg: &Register,
        lang: Lang,
        today: jiff::civil::Date,
    ) -> Result<Option<String>, RenderError> {
        let Some(record) = ropa::build_processor(reg, lang, today) else {
            return Ok(None);
        };
        let first = record.rows.first().cloned();
        let pick = |i: usize| first.as_ref().map(|r| r[i].clone()).unwrap_or_default();
        let processor = first
            .as_ref()
            .map_or_else(|| reg.controller.display_name(), |r| r[10].clone());
        self.render(
            "ropa_processor.html",
            context! {
                lang => lang.code(),
                title => lang.pick(
                    "Register över behandlingar som personuppgiftsbiträde (artikel 30.2)",
                    "Record of processing activities as a processor (Article 30(2))",
                ),
                subtitle => lang.pick(
                    "Förteckning enligt artikel 30.2 i dataskyddsförordningen över alla kategorier av behandling som utförs för personuppgiftsansvarigas räkning, med de uppgifter IMY:s checklista för personuppgiftsbiträden efterfrågar.",
                    "Record kept under Article 30(2) GDPR of all categories of processing carried out on behalf of controllers, with the fields of IMY's checklist for processors.",
                ),
                generated => lang.pick("Skapad med skydd.", "Generated with skydd."),
                headers => record.headers,
                rows => record.rows,
                processor => processor,
                dpo => pick(11),
                representative => pick(12),
                content_hash => reg.content_hash(),
            },
        )
        .map(Some)
    }

    /// The sub-processor list customers rely on (Art. 28(2)) in `lang` and `format`, as of
    /// `today`: current, intended and removed sub-processors and the dated changes.
    pub fn subprocessors(
        &self,
        reg: &Register,
        lang: Lang,
        format: Format,
        today: jiff::civil::Date,
    ) -> Result<String, RenderError> {
        let t = self.strings(reg, lang);
        let view = view::SubprocessorView::build(reg, lang, today, t);
        let name = format!("subprocessors.{}", format.extension());
        let mut out = self.render(
            &name,
            minijinja::Value::from(minijinja::value::Serde(&view)),
        )?;
        if !out.ends_with('\n') {
            out.push('\n');
        }
        Ok(out)
    }
}

/// The processor's record (Art. 30(2)) of `reg` as CSV (UTF-8, comma-separated, header row
/// first), as of `today`; `None` when the register records no processing on behalf of others.
pub fn ropa_processor_csv(
    reg: &Register,
    lang: Lang,
    today: jiff::civil::Date,
) -> Result<Option<Vec<u8>>, RenderError> {
    let Some(record) = ropa::build_processor(reg, lang, today) else {
        return Ok(None);
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&record.headers)?;
    for row in &record.rows {
        w.write_record(row)?;
    }
    w.into_inner()
        .map(Some)
        .map_err(|e| RenderError::Csv(e.into_error().into()))
}

/// The Art. 30 record of `reg` as CSV (UTF-8, comma-separated, header row first).
pub fn ropa_csv(reg: &Register, lang: Lang) -> Result<Vec<u8>, RenderError> {
    let record = ropa::build(reg, lang);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&record.headers)?;
    for row in &record.rows {
        w.write_record(row)?;
    }
    w.into_inner()
        .map_err(|e| RenderError::Csv(e.into_error().into()))
}

#[cfg(test)]
mod tests;
