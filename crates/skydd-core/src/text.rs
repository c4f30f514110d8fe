//! People-facing text in Swedish and English, and source locations.
//!
//! Everything skydd shows to a data subject exists in both languages. A register may give
//! only Swedish (a plain string); the `missing-translation` lint then asks for English,
//! and renderers fall back to the language that exists.

use serde::Serialize;

/// A language skydd renders people-facing output in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Swedish, the language of the register's users and of IMY.
    Sv,
    /// English.
    En,
}

impl Lang {
    /// Both languages, Swedish first.
    pub const ALL: [Lang; 2] = [Lang::Sv, Lang::En];

    /// The ISO 639-1 code, as used in file names and `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// Picks the Swedish or English variant of a pair.
    pub fn pick<T>(self, sv: T, en: T) -> T {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "sv" | "swedish" | "svenska" => Ok(Lang::Sv),
            "en" | "english" | "engelska" => Ok(Lang::En),
            _ => Err(format!("unknown language `{s}`: use `sv` or `en`")),
        }
    }
}

/// A byte range in the register's source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from a byte range.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

/// Text in Swedish and/or English, with where it was written.
///
/// Equality ignores the location: two registers that say the same thing are equal.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Text {
    /// The Swedish text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sv: Option<String>,
    /// The English text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    /// Where the text stands in the register.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.sv == other.sv && self.en == other.en
    }
}

impl Eq for Text {}

impl Text {
    /// Text in both languages, not located in any source.
    pub fn new(sv: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            sv: Some(sv.into()),
            en: Some(en.into()),
            span: None,
        }
    }

    /// The text in `lang`, if it was written in that language.
    pub fn exact(&self, lang: Lang) -> Option<&str> {
        lang.pick(self.sv.as_deref(), self.en.as_deref())
    }

    /// The text in `lang`, falling back to the other language, or `""` when empty.
    pub fn get(&self, lang: Lang) -> &str {
        let other = lang.pick(Lang::En, Lang::Sv);
        self.exact(lang).or_else(|| self.exact(other)).unwrap_or("")
    }

    /// True when neither language has any text.
    pub fn is_empty(&self) -> bool {
        self.sv.as_deref().is_none_or(str::is_empty) && self.en.as_deref().is_none_or(str::is_empty)
    }

    /// Every written variant, for scanning free text.
    pub fn variants(&self) -> impl Iterator<Item = (Lang, &str)> {
        [
            (Lang::Sv, self.sv.as_deref()),
            (Lang::En, self.en.as_deref()),
        ]
        .into_iter()
        .filter_map(|(l, t)| t.map(|t| (l, t)))
    }
}

/// Maps byte offsets to 1-based line and column (in characters), for `file:line:column`.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `src`.
    pub fn new(src: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// 1-based line of byte `offset`, without counting the column (which is linear in the
    /// line's length).
    pub fn line(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based (line, column) of byte `offset` in `src` (which must be the indexed text).
    pub fn line_col(&self, src: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(src.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = src
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_falls_back_to_the_other_language() {
        let only_sv = Text {
            sv: Some("Namn".into()),
            en: None,
            span: None,
        };
        assert_eq!(only_sv.get(Lang::En), "Namn");
        assert_eq!(only_sv.exact(Lang::En), None);
        assert_eq!(Text::default().get(Lang::Sv), "");
        assert!(Text::default().is_empty());
    }

    #[test]
    fn text_equality_ignores_location() {
        let mut a = Text::new("a", "b");
        let b = a.clone();
        a.span = Some(Span::new(1, 2));
        assert_eq!(a, b);
    }

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let src = "a = 1\nnamn = \"Åsa\"\nx";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_col(src, 0), (1, 1));
        assert_eq!(idx.line_col(src, 6), (2, 1));
        let after_aa = src.find("sa\"").unwrap();
        assert_eq!(idx.line_col(src, after_aa), (2, 10));
        assert_eq!(idx.line_col(src, src.len()), (3, 2));
    }

    #[test]
    fn languages_parse_from_codes_and_names() {
        assert_eq!("SV".parse::<Lang>(), Ok(Lang::Sv));
        assert_eq!("english".parse::<Lang>(), Ok(Lang::En));
        assert!("de".parse::<Lang>().is_err());
    }
}
