//! HTML to plain text, small and careful: tags go, the text of `<script>`, `<style>`,
//! `<template>` and comments goes with them, common entities are decoded, and every plain
//! line remembers the source line it came from, so a finding points into the file the
//! company publishes. Block elements (`<p>`, `<li>`, `<br>`, headings, table cells) end a
//! line, so their text is never glued to the next block's. `mailto:` addresses of links are
//! kept in the text: they are the company's contact details.
//!
//! No HTML parser is needed for this (and none is added to the tree): skydd reads text, not
//! structure, and a policy page that a browser shows is text in tags.

/// Plain text and, for each of its lines, the 1-based line of the source it starts on.
pub(crate) fn to_text(src: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(src.len());
    let mut lines = vec![1];
    let mut src_line = 1;
    let mut rest = src;
    let mut unclosed = false;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if rest.starts_with("<!--") {
                let end = rest[4..].find("-->").map_or(rest.len(), |i| i + 4 + 3);
                src_line += rest[..end].matches('\n').count();
                rest = &rest[end..];
                continue;
            }
            let found = if unclosed { None } else { tag_end(rest) };
            let Some(Ok(tag_end)) = found else {
                // A lone `<` is text. A tag that never closes (an unbalanced quote) would
                // make every later `<` scan to the end again: after one, all are text.
                unclosed |= matches!(found, Some(Err(Unclosed)));
                out.push('<');
                rest = &rest[1..];
                continue;
            };
            let tag = &rest[..tag_end];
            src_line += tag.matches('\n').count();
            let name = tag_name(tag);
            rest = &rest[tag_end..];
            if matches!(name.as_str(), "script" | "style" | "template" | "noscript")
                && !tag.starts_with("</")
            {
                // Skip to the closing tag.
                let skip = find_close(rest, &name).unwrap_or(rest.len());
                src_line += rest[..skip].matches('\n').count();
                rest = &rest[skip..];
                continue;
            }
            if let Some(mail) = mailto(tag) {
                out.push(' ');
                out.push_str(&mail);
                out.push(' ');
            }
            if is_block(&name) {
                newline(&mut out, &mut lines, src_line);
            } else if !is_inline(&name) {
                out.push(' ');
            }
        } else if c == '&' {
            let (decoded, used) = entity(rest);
            out.push_str(&decoded);
            rest = &rest[used..];
        } else {
            if c == '\n' {
                src_line += 1;
                newline(&mut out, &mut lines, src_line);
            } else if c != '\r' {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    (out, lines)
}

/// Where `</name` starts in `s`, in any case.
fn find_close(s: &str, name: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find("</") {
        let at = from + i;
        let end = at + 2 + name.len();
        if bytes
            .get(at + 2..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

fn newline(out: &mut String, lines: &mut Vec<usize>, src_line: usize) {
    out.push('\n');
    lines.push(src_line);
}

/// A tag that runs to the end of the document.
struct Unclosed;

/// The byte length of the tag at the start of `s` (quotes may hold `>`): `None` when `s`
/// does not start a tag, `Err` when the tag never closes.
fn tag_end(s: &str) -> Option<Result<usize, Unclosed>> {
    let second = s.get(1..)?.chars().next()?;
    if !(second.is_ascii_alphabetic() || matches!(second, '/' | '!' | '?')) {
        return None;
    }
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(Ok(i + 1)),
            _ => {}
        }
    }
    Some(Err(Unclosed))
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "main"
            | "blockquote"
            | "hr"
            | "title"
            | "address"
            | "pre"
            | "figure"
            | "figcaption"
    )
}

fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "b"
            | "i"
            | "em"
            | "strong"
            | "span"
            | "u"
            | "small"
            | "sup"
            | "sub"
            | "abbr"
            | "mark"
            | "code"
            | "wbr"
    )
}

fn mailto(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find("mailto:")? + "mailto:".len();
    let addr: String = tag[at..]
        .chars()
        .take_while(|c| !matches!(c, '"' | '\'' | '?' | '>' | ' '))
        .collect();
    (!addr.is_empty()).then_some(addr)
}

/// The entity at the start of `s` decoded, and how many bytes it took; an unknown one is
/// kept as written.
fn entity(s: &str) -> (String, usize) {
    let Some(semi) = s.bytes().take(12).position(|b| b == b';') else {
        return ("&".into(), 1);
    };
    let name = &s[1..semi];
    let decoded = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        };
        code.and_then(char::from_u32).map(|c| c.to_string())
    } else {
        let c = match name {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "apos" => "'",
            "nbsp" => " ",
            "aring" => "å",
            "Aring" => "Å",
            "auml" => "ä",
            "Auml" => "Ä",
            "ouml" => "ö",
            "Ouml" => "Ö",
            "eacute" => "é",
            "Eacute" => "É",
            "uuml" => "ü",
            "ndash" => "–",
            "mdash" => "—",
            "hellip" => "…",
            "lsquo" => "‘",
            "rsquo" => "’",
            "ldquo" => "“",
            "rdquo" => "”",
            "laquo" => "«",
            "raquo" => "»",
            "sect" => "§",
            "copy" => "©",
            "shy" => "",
            _ => return ("&".into(), 1),
        };
        Some(c.to_owned())
    };
    match decoded {
        Some(d) => (d, semi + 1),
        None => ("&".into(), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_scripts_styles_and_comments_are_removed() {
        let (t, _) = to_text(
            "<html><head><style>p { color: red }</style><script>var a = '<p>';</script></head><body><!-- note <p> --><p>Hej <b>där</b></p></body></html>",
        );
        assert_eq!(t.split_whitespace().collect::<Vec<_>>(), ["Hej", "där"]);
    }

    #[test]
    fn entities_are_decoded() {
        let (t, _) = to_text(
            "Integritetsskyddsmyndigheten&nbsp;(IMY) &amp; R&auml;tt &#228;r &#xE5; &unknown; a & b",
        );
        assert_eq!(
            t,
            "Integritetsskyddsmyndigheten (IMY) & Rätt är å &unknown; a & b"
        );
    }

    #[test]
    fn every_plain_line_knows_its_source_line() {
        let src = "<html>\n<!-- a\ncomment -->\n<p>Första</p><p>Andra</p>\n<script>\nx\n</script><p>Tredje</p>";
        let (t, lines) = to_text(src);
        let at = |word: &str| {
            let i = t.lines().position(|l| l.contains(word)).unwrap();
            lines[i]
        };
        assert_eq!(at("Första"), 4);
        assert_eq!(at("Andra"), 4);
        assert_eq!(at("Tredje"), 7);
        assert_eq!(t.split('\n').count(), lines.len());
    }

    #[test]
    fn blocks_end_lines_and_quoted_brackets_stay_in_tags() {
        let (t, _) = to_text("<li title=\"a > b\">ett</li><li>två</li>");
        assert!(t.lines().any(|l| l.trim() == "ett"), "{t:?}");
        assert!(t.lines().any(|l| l.trim() == "två"), "{t:?}");
    }

    #[test]
    fn mailto_addresses_are_kept() {
        let (t, _) = to_text("<a href=\"mailto:dataskydd@exempel.se\">skriv till oss</a>");
        assert!(t.contains("dataskydd@exempel.se"), "{t}");
    }

    #[test]
    fn broken_markup_never_panics() {
        for src in [
            "<",
            "&",
            "<!--",
            "<!-- open",
            "<script>never closed",
            "<a href=\"x",
            "&#xZZ;",
            "&#99999999;",
            "&;",
            "å&å;<å>",
            "<SCRIPT>x</ScRiPt>Text",
            "a\r\nb",
        ] {
            let (t, lines) = to_text(src);
            assert_eq!(t.split('\n').count(), lines.len(), "{src:?}");
        }
        assert_eq!(to_text("<SCRIPT>x</ScRiPt>Text").0.trim(), "Text");
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        let (t, _) = to_text("3 < 4 och 5 > 2");
        assert_eq!(t, "3 < 4 och 5 > 2");
    }

    #[test]
    fn a_tag_that_never_closes_makes_later_brackets_text_in_one_pass() {
        // Each `<a"` opens a quote no `>` closes; scanning each to the end was quadratic.
        let src = "<a\"".repeat(20_000) + "\nIntegritetspolicy";
        let (text, lines) = to_text(&src);
        assert!(
            text.ends_with("Integritetspolicy"),
            "{}",
            &text[text.len() - 40..]
        );
        assert_eq!(lines.last(), Some(&2));
        // A closed tag before it is still a tag.
        let (text, _) = to_text("<p>Hej</p><a title=\"x>y");
        assert!(text.contains("Hej") && !text.contains("<p>"), "{text}");
    }
}
