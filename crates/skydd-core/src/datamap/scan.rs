//! A light, linear pass over dataset YAML before the YAML parser sees it.
//!
//! It refuses what would make the parser slow or the data map ambiguous, each with its
//! line: a file over [`MAX_BYTES`], nesting deeper than [`MAX_DEPTH`] (the parser's time
//! grows with the square of the depth: 100,000 `[` took 23 s), anchors and aliases (an
//! alias repeats its anchor, so 40 KB of them built 64 million values in 24 s; fideslang
//! datasets never need them), and a second YAML document. On the way it notes the line of
//! every dataset, collection, field and reference written in block style, so that errors
//! found later can point at them.

use std::collections::BTreeMap;

/// The largest dataset file accepted: far above any real schema's (Fides' sample is 9 KB).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The deepest nesting accepted, counting every mapping key and sequence item on the way
/// (a fideslang masking configuration sits about 12 deep).
pub const MAX_DEPTH: usize = 64;

/// A position in the file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// Line.
    pub line: usize,
    /// Column, in characters.
    pub column: usize,
}

/// Where things are declared, by their place in the file: dataset `i`, its collection `j`,
/// that collection's field `k`, that field's reference `r`. Only block-style entries are
/// noted; an entry written in flow style (`{ name: x }`) falls back on its parent.
#[derive(Debug, Default)]
pub struct Index {
    /// `fides_key` of dataset `i`.
    pub datasets: BTreeMap<usize, Pos>,
    /// `name` of collection `(i, j)`.
    pub collections: BTreeMap<(usize, usize), Pos>,
    /// `name` of field `(i, j, k)`.
    pub fields: BTreeMap<(usize, usize, usize), Pos>,
    /// `field` of reference `(i, j, k, r)`.
    pub references: BTreeMap<(usize, usize, usize, usize), Pos>,
    /// Keys of a collection's `fides_meta` (`after`, `masking_strategy_override`, …).
    pub collection_meta: BTreeMap<(usize, usize, String), Pos>,
    /// Keys of a field's `fides_meta` (`references`, `masking_strategy_override`, …).
    pub field_meta: BTreeMap<(usize, usize, usize, String), Pos>,
}

/// Why the file was refused, and where.
#[derive(Debug, PartialEq, Eq)]
pub struct ScanError {
    /// Where.
    pub pos: Pos,
    /// Why.
    pub message: String,
}

#[derive(Debug)]
enum Label {
    Root,
    Key(String),
    Item(usize),
}

/// A mapping key or sequence item whose block holds the lines below it.
#[derive(Debug)]
struct Frame {
    /// Its column (byte offset in the line); the root's is below every line's.
    col: isize,
    label: Label,
    /// A key with nothing after it on its line: its value is the block below.
    open: bool,
    /// Sequence items seen under it so far.
    items: usize,
}

struct Scanner {
    stack: Vec<Frame>,
    index: Index,
    /// Open `[`/`{`.
    flow: usize,
    /// Inside a quoted scalar that goes on over lines.
    quote: Option<char>,
    /// Inside a block scalar (`|`, `>`) opened on a line of this indentation.
    block_scalar: Option<usize>,
    /// A node (value, item, key) may start at the next character.
    node_start: bool,
    content_seen: bool,
    document_ended: bool,
}

/// Checks `src` against the limits and notes where things are declared.
pub fn scan(src: &str) -> Result<Index, ScanError> {
    let at = |line, column| Pos { line, column };
    if src.len() > MAX_BYTES {
        return Err(ScanError {
            pos: at(1, 1),
            message: format!(
                "the file has {} bytes; a data map may have at most {MAX_BYTES} (5 MB)",
                src.len()
            ),
        });
    }
    let mut s = Scanner {
        stack: vec![Frame {
            col: -1,
            label: Label::Root,
            open: true,
            items: 0,
        }],
        index: Index::default(),
        flow: 0,
        quote: None,
        block_scalar: None,
        node_start: true,
        content_seen: false,
        document_ended: false,
    };
    for (n, line) in src.lines().enumerate() {
        s.line(n + 1, line)?;
    }
    Ok(s.index)
}

fn column(line: &str, byte: usize) -> usize {
    line.get(..byte).map_or(byte, |p| p.chars().count()) + 1
}

fn is_space(b: Option<&u8>) -> bool {
    b.is_none_or(|c| c.is_ascii_whitespace())
}

impl Scanner {
    fn line(&mut self, n: usize, line: &str) -> Result<(), ScanError> {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|b| **b == b' ').count();
        let blank = bytes[indent..].iter().all(u8::is_ascii_whitespace);
        if let Some(opened) = self.block_scalar {
            if blank || indent > opened {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let outside = self.quote.is_none() && self.flow == 0;
        if outside {
            let marker = |m: &[u8]| bytes.starts_with(m) && is_space(bytes.get(3));
            if marker(b"---") || (self.document_ended && !blank && !line.starts_with('#')) {
                if self.content_seen {
                    return Err(ScanError {
                        pos: Pos { line: n, column: 1 },
                        message: "a second YAML document starts here; a dataset file holds \
                                  one document (give each database its own file)"
                            .into(),
                    });
                }
                return Ok(());
            }
            if marker(b"...") {
                self.document_ended = true;
                return Ok(());
            }
            if blank || bytes[indent] == b'#' {
                return Ok(());
            }
        }
        self.content_seen |= !blank;
        let mut i = 0;
        if outside {
            i = self.structure(n, line, indent);
            self.node_start = true;
        }
        self.characters(n, line, i, indent)
    }

    /// Follows the block structure of a line that starts outside quotes and brackets:
    /// its sequence items and its key. Returns where the rest of the line starts.
    fn structure(&mut self, n: usize, line: &str, indent: usize) -> usize {
        let bytes = line.as_bytes();
        let mut i = indent;
        // `- ` items, several on one line in compact notation (`- - x`).
        while bytes.get(i) == Some(&b'-') && is_space(bytes.get(i + 1)) {
            let col = i as isize;
            while self.stack.len() > 1 {
                let top = &self.stack[self.stack.len() - 1];
                // A key's sequence may sit at the key's own indentation.
                let parent = top.col == col && matches!(top.label, Label::Key(_)) && top.open;
                if top.col < col || parent {
                    break;
                }
                self.stack.pop();
            }
            let ordinal = self.stack.last_mut().map_or(0, |p| {
                p.items += 1;
                p.items - 1
            });
            self.stack.push(Frame {
                col,
                label: Label::Item(ordinal),
                open: true,
                items: 0,
            });
            i += 1;
            while bytes.get(i) == Some(&b' ') {
                i += 1;
            }
        }
        let Some((key, value)) = key_at(line, i) else {
            return i;
        };
        let col = i as isize;
        while self.stack.len() > 1 && self.stack[self.stack.len() - 1].col >= col {
            self.stack.pop();
        }
        let rest = line[value..].trim();
        let open = rest.is_empty() || rest.starts_with('#');
        self.stack.push(Frame {
            col,
            label: Label::Key(key),
            open,
            items: 0,
        });
        // An open key is pointed at itself, a key with a value at the value.
        let pos = Pos {
            line: n,
            column: column(line, if open { i } else { value }),
        };
        self.note(pos);
        value
    }

    /// Notes the position of the key just pushed, when it is one errors point at.
    fn note(&mut self, pos: Pos) {
        // Most keys are none of these: leave them before building the path.
        let n = self.stack.len();
        let named = |f: Option<&Frame>, k: &str| matches!(f.map(|f| &f.label), Some(Label::Key(x)) if x == k);
        let wanted = ["fides_key", "name", "field"]
            .iter()
            .any(|k| named(self.stack.get(n - 1), k))
            || named(self.stack.get(n.wrapping_sub(2)), "fides_meta");
        if !wanted {
            return;
        }
        let path: Vec<&Label> = self.stack.iter().skip(1).map(|f| &f.label).collect();
        use Label::{Item, Key};
        let key = |l: &Label, k: &str| matches!(l, Key(x) if x == k);
        match path.as_slice() {
            [d, Item(i), Key(k)] if key(d, "dataset") && k == "fides_key" => {
                self.index.datasets.insert(*i, pos);
            }
            [d, Item(i), c, Item(j), Key(k)]
                if key(d, "dataset") && key(c, "collections") && k == "name" =>
            {
                self.index.collections.insert((*i, *j), pos);
            }
            [d, Item(i), c, Item(j), m, Key(k)]
                if key(d, "dataset") && key(c, "collections") && key(m, "fides_meta") =>
            {
                self.index.collection_meta.insert((*i, *j, k.clone()), pos);
            }
            [d, Item(i), c, Item(j), f, Item(k), Key(x)]
                if key(d, "dataset")
                    && key(c, "collections")
                    && key(f, "fields")
                    && x == "name" =>
            {
                self.index.fields.insert((*i, *j, *k), pos);
            }
            [d, Item(i), c, Item(j), f, Item(k), m, Key(x)]
                if key(d, "dataset")
                    && key(c, "collections")
                    && key(f, "fields")
                    && key(m, "fides_meta") =>
            {
                self.index.field_meta.insert((*i, *j, *k, x.clone()), pos);
            }
            [d, Item(i), c, Item(j), f, Item(k), m, r, Item(n), Key(x)]
                if key(d, "dataset")
                    && key(c, "collections")
                    && key(f, "fields")
                    && key(m, "fides_meta")
                    && key(r, "references")
                    && x == "field" =>
            {
                self.index.references.insert((*i, *j, *k, *n), pos);
            }
            _ => {}
        }
    }

    /// Scans the characters of a line from byte `i`: quotes, brackets, comments, block
    /// scalars, anchors and aliases, and the depth they reach.
    fn characters(
        &mut self,
        n: usize,
        line: &str,
        mut i: usize,
        indent: usize,
    ) -> Result<(), ScanError> {
        let bytes = line.as_bytes();
        let here = |i: usize| Pos {
            line: n,
            column: column(line, i),
        };
        self.check_depth(here(i))?;
        while i < bytes.len() {
            let c = bytes[i];
            match self.quote {
                Some('\'') => {
                    if c == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            self.quote = None;
                            self.node_start = false;
                        }
                    }
                    i += 1;
                    continue;
                }
                Some(_) => {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        self.quote = None;
                        self.node_start = false;
                    }
                    i += 1;
                    continue;
                }
                None => {}
            }
            let next = bytes.get(i + 1);
            match c {
                b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => break,
                b' ' | b'\t' => {}
                b'\'' | b'"' if self.node_start => self.quote = Some(char::from(c)),
                b'&' | b'*' if self.node_start => {
                    return Err(ScanError {
                        pos: here(i),
                        message: "YAML anchors and aliases (`&name`, `*name`) are not accepted \
                                  in a data map: write each value out"
                            .into(),
                    });
                }
                b'!' if self.node_start => {
                    // A tag: the node still starts after it.
                    while i + 1 < bytes.len() && !bytes[i + 1].is_ascii_whitespace() {
                        i += 1;
                    }
                }
                b'[' | b'{' if self.node_start || self.flow > 0 => {
                    self.flow += 1;
                    self.node_start = true;
                    self.check_depth(here(i))?;
                }
                b']' | b'}' if self.flow > 0 => {
                    self.flow -= 1;
                    self.node_start = false;
                }
                b',' if self.flow > 0 => self.node_start = true,
                b':' if is_space(next)
                    || (self.flow > 0 && matches!(next, Some(b',' | b']' | b'}'))) =>
                {
                    self.node_start = true;
                }
                b'|' | b'>' if self.node_start && self.flow == 0 => {
                    self.block_scalar = Some(indent);
                    break;
                }
                _ => self.node_start = false,
            }
            i += 1;
        }
        Ok(())
    }

    fn check_depth(&self, pos: Pos) -> Result<(), ScanError> {
        let depth = self.stack.len() - 1 + self.flow;
        if depth > MAX_DEPTH {
            return Err(ScanError {
                pos,
                message: format!(
                    "the data map nests deeper than {MAX_DEPTH} levels here; a fideslang dataset needs about 12"
                ),
            });
        }
        Ok(())
    }
}

/// The mapping key at byte `i` of a line, and where its value starts: `name: x`,
/// `"a b": x`, `key:` at the end of the line.
fn key_at(line: &str, i: usize) -> Option<(String, usize)> {
    let bytes = line.as_bytes();
    let (key, end) = match bytes.get(i)? {
        q @ (b'"' | b'\'') => {
            let close = line[i + 1..].find(char::from(*q))? + i + 1;
            (line[i + 1..close].to_owned(), close + 1)
        }
        b'[' | b'{' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' => {
            return None;
        }
        _ => {
            let mut end = None;
            for (j, b) in bytes.iter().enumerate().skip(i) {
                if *b == b'#' && bytes[j - 1].is_ascii_whitespace() {
                    break;
                }
                if *b == b':' && is_space(bytes.get(j + 1)) {
                    end = Some(j);
                    break;
                }
            }
            let end = end?;
            (line[i..end].trim_end().to_owned(), end)
        }
    };
    if bytes.get(end) != Some(&b':') || !is_space(bytes.get(end + 1)) {
        return None;
    }
    let value = end + 1 + bytes[end + 1..].iter().take_while(|b| **b == b' ').count();
    Some((key, value))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn refused(src: &str) -> (usize, usize, String) {
        let e = scan(src).unwrap_err();
        (e.pos.line, e.pos.column, e.message)
    }

    #[test]
    fn entries_in_block_style_are_located() {
        let src = "\
dataset:
  - fides_key: shop   # the key
    collections:
      - name: customer
        fides_meta:
          after: [shop.invoice]
        fields:
          - name: id
          - name: 'e-mail'
            fides_meta:
              description: |
                - name: not a field
                  # nor this
              references:
                - dataset: shop
                  field: invoice.customer_id
      - name: invoice
        fields:
        - name: customer_id
";
        let ix = scan(src).unwrap();
        let p = |line, column| Pos { line, column };
        assert_eq!(ix.datasets[&0], p(2, 16));
        assert_eq!(ix.collections[&(0, 0)], p(4, 15));
        assert_eq!(ix.collections[&(0, 1)], p(17, 15));
        assert_eq!(ix.fields[&(0, 0, 0)], p(8, 19));
        assert_eq!(ix.fields[&(0, 0, 1)], p(9, 19));
        assert_eq!(
            ix.fields.get(&(0, 0, 2)),
            None,
            "the block scalar holds no field"
        );
        assert_eq!(
            ix.fields[&(0, 1, 0)],
            p(19, 17),
            "items at their key's indentation"
        );
        assert_eq!(ix.references[&(0, 0, 1, 0)], p(16, 26));
        assert_eq!(ix.collection_meta[&(0, 0, "after".into())], p(6, 18));
        assert_eq!(ix.field_meta[&(0, 0, 1, "references".into())], p(14, 15));
    }

    #[test]
    fn anchors_aliases_and_second_documents_are_refused_where_they_are() {
        assert_eq!(
            refused("a: &x [1]\nb: *x\n").0,
            1,
            "the anchor already is refused"
        );
        let (line, col, m) = refused("dataset:\n  - fides_key: x\n    name: *n\n");
        assert_eq!((line, col), (3, 11));
        assert!(m.contains("anchors and aliases"), "{m}");
        // An ampersand or asterisk inside text is text.
        assert!(scan("a: R&D *team*\nb: 'x &y'\nc: \"*z\"\n").is_ok());
        let (line, _, m) = refused("---\ndataset: []\n---\ndataset: []\n");
        assert_eq!(line, 3);
        assert!(m.contains("second YAML document"), "{m}");
        assert_eq!(refused("dataset: []\n...\ndataset: []\n").0, 3);
        assert!(scan("--- # one document\ndataset: []\n...\n").is_ok());
    }

    #[test]
    fn deep_nesting_and_huge_files_are_refused_before_parsing() {
        let flow = format!("dataset: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let (line, col, m) = refused(&flow);
        // `dataset` is one level, so the 64th bracket is one too many.
        assert_eq!((line, col), (1, 9 + MAX_DEPTH));
        assert!(m.contains("nests deeper than 64"), "{m}");
        let block: String = (0..100)
            .map(|d| format!("{}k{d}:\n", "  ".repeat(d)))
            .collect();
        assert_eq!(refused(&block).0, MAX_DEPTH + 1);
        assert_eq!(refused(&format!("dataset:\n{}x\n", "- ".repeat(200))).0, 2);
        let (_, _, m) = refused(&"#".repeat(MAX_BYTES + 1));
        assert!(m.contains("at most 5242880"), "{m}");
        // Brackets inside quotes, comments and plain text do not nest.
        assert!(
            scan(&format!(
                "a: '{}'\nb: x{}\n# {}\n",
                "[".repeat(200),
                "[".repeat(200),
                "{".repeat(200)
            ))
            .is_ok()
        );
    }
}
