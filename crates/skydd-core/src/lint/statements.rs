//! Rules over the company's own words: outdated names and laws, PUL-era access rules,
//! consent by acceptance, cookie refusal by browser settings, disclaimed responsibility for
//! processors, a diminished complaint right, discouraged access requests, and words that
//! contradict what the company does. Swedish and English are both read.
//!
//! One implementation serves two readers: [`scan`] reads any text — a free text of the
//! register (`skydd check`) or a whole published policy (`skydd audit`) — and returns every
//! offending sentence with its byte range. What a text is checked *against* (is a recipient
//! in a third country? is an analytics or advertising cookie set?) comes in [`Facts`]: from
//! the register for `check`, from the policy's own words for `audit`.

use std::sync::LazyLock;

use regex::Regex;

use super::Findings;
use crate::law::CookieCategory;
use crate::register::Register;
use crate::text::{Span, Text};

struct Patterns {
    datainspektionen: Regex,
    pul: Regex,
    pul_historical: Regex,
    lek2003: Regex,
    once_per_year: Regex,
    access_context: Regex,
    signed: Regex,
    fee: Regex,
    free_of_charge: Regex,
    further_copies: Regex,
    acceptance: Regex,
    consent_words: Regex,
    cookie: Regex,
    browser: Regex,
    refuse: Regex,
    age16: Regex,
    consent_or_child: Regex,
    portability: Regex,
    authority: Regex,
    within: Regex,
    disclaim: Regex,
    processors: Regex,
    web_sites: Regex,
    complaint: Regex,
    company_first: Regex,
    only_to_us: Regex,
    contact_us: Regex,
    request_context: Regex,
    reasons: Regex,
    answer_verb: Regex,
    answer_time: Regex,
    extension: Regex,
    post_only: Regex,
    id_document: Regex,
    id_demand: Regex,
    id_doubt: Regex,
    anonymous: Regex,
    no_transfer: Regex,
    policy_agreement: Regex,
    views: Regex,
    alternatively: Regex,
}

fn re(p: &str) -> Regex {
    // The patterns are constants; `patterns_compile` in the tests builds every one.
    #[allow(clippy::expect_used)]
    Regex::new(p).expect("valid pattern")
}

static P: LazyLock<Patterns> = LazyLock::new(|| Patterns {
    datainspektionen: re(r"(?i)\bdatainspektionen\b|\bdata inspection board\b"),
    pul: re(
        r"\bPU[lL]\b|\bPuL\b|(?i:\bpersonuppgiftslag(?:en)?\b|\bpersonal data act\b|\b1998:204\b)",
    ),
    // Words that put PUL in the past: "GDPR ersatte personuppgiftslagen (PUL)", "the former
    // law PUL", "PUL upphävdes 2018". Read within a few words of each mention.
    pul_historical: re(
        r"(?i)\bersatt\w*|\bersätt\w*|\bupphäv\w*|\bupphör\w*|\btidigare\b|\bförr\b|\bföre\s+(?:den\s+)?25\s+maj|\bfram\s+till\b|\bgällde\b|\bavskaffa\w*|\bhistori\w*|\breplac\w*|\bsupersed\w*|\bformer(?:ly)?\b|\bprevious(?:ly)?\b|\brepeal\w*|\buntil\s+(?:25\s+)?may\s+2018|\bno\s+longer\b|\bold\b|\bgamla\b",
    ),
    lek2003: re(r"(?i)\b2003:389\b|\b6\s*kap\.?\s*18\s*§"),
    once_per_year: re(
        r"(?i)\b(?:en|ett|1)\s*(?:\(1\)\s*)?gång(?:en)?\s+(?:per|om|varje|i)\s+(?:kalender)?år\b|\bonce\s+(?:a|per|every|each)\s+(?:calendar\s+)?year\b",
    ),
    access_context: re(
        r"(?i)registerutdrag|\butdrag\b|\btillgång\b|\bkopia\b|kostnadsfri|\bgratis\b|\baccess\b|\bcopy\b|\bextract\b|free of charge",
    ),
    signed: re(
        r"(?i)skriftlig\w*\s+(?:och\s+)?(?:egenhändigt\s+)?undertecknad|undertecknad\w*\s+(?:skriftlig|ansökan|begäran)|egenhändigt\s+undertecknad|\bsigned\s+(?:written\s+)?(?:request|application)|\bwritten\s+(?:and\s+)?signed\b",
    ),
    fee: re(r"(?i)\bkostnad(?:en)?\b|\bavgift\w*|\bfee\b|\bcharge\b"),
    free_of_charge: re(r"(?i)free\s+of\s+charge|at\s+no\s+charge|utan\s+kostnad"),
    further_copies: re(r"(?i)ytterligare|fler\s+kopior|additional|further|extra\s+kopi"),
    acceptance: re(
        r"(?i)\b(?:genom att|om du|när du)\s+(?:acceptera|accepterar|godkänna|godkänner|godta|godtar|använda|använder|registrera|registrerar|besöka|besöker|tillåta|tillåter)\b|\bby\s+(?:accepting|using|visiting|registering|continuing)\b",
    ),
    consent_words: re(
        r"(?i)\bsamtycker\b|\baccepterar du\b|\bgodkänner du\b|\bbekräftar du\b|\bgodtar du\b|\byou\s+(?:consent|agree|accept)\b",
    ),
    cookie: re(r"(?i)cookie|\bkak(?:a|or|orna)\b"),
    browser: re(r"(?i)webbläsar|\bbrowser"),
    refuse: re(
        r"(?i)stänga av|stäng av|inställning|blockera|avaktivera|\bsettings\b|\bdisable\b|\bblock\b|turn off",
    ),
    age16: re(r"(?i)\b16\s*(?:år|years)\b|\bsixteen\b"),
    consent_or_child: re(r"(?i)samtyck|consent|\bbarn|\bchild|minderårig|\bminor"),
    portability: re(r"(?i)maskinläsbar|machine.readable|portab|strukturerat|\böverföra\b"),
    authority: re(
        r"(?i)integritetsskyddsmyndigheten|\bIMY\b|datainspektionen|tillsynsmyndighet|supervisory authority|data protection authority",
    ),
    within: re(
        r"(?i)\b(?:inom|within)\s+(\d+)\s*(timmar|timmars|hours|dagar|days|arbetsdagar|working days)\b",
    ),
    // "vi ansvarar inte för", "är inte ansvarig", "inget ansvar", "not responsible/liable".
    disclaim: re(
        r"(?i)\bansvarar\s+(?:\w+\s+){0,2}(?:inte|ej|aldrig)\b|\b(?:inte|ej|aldrig)\s+(?:\w+\s+){0,2}ansvar(?:ig|iga|igt|et)?\b|\b(?:inget|något|allt)\s+ansvar\b|\bfriskriver\b|\bfrånsäger\b|\bnot\s+(?:be\s+)?(?:held\s+)?(?:responsible|liable)\b|\bno\s+(?:responsibility|liability)\b|\bdisclaim|\b(?:accept|assume|take)s?\s+no\s+(?:responsibility|liability)\b",
    ),
    processors: re(
        r"(?i)leverantör|biträde|samarbetspartner|\bpartner|tredje\s+(?:part|man)|molntjänst|webbhotell|\bsupplier|\bvendor|\bprocessor|sub-?processor|service\s+provider|third\s+part",
    ),
    // Linked web sites are separate controllers; disclaiming them is not disclaiming a processor.
    web_sites: re(r"(?i)webbplats|webbsid|hemsid|\blänk|web\s*site|\blink|\bsites?\b"),
    complaint: re(
        r"(?i)klagomål|\bklaga\b|\banmäl|missnöjd|\b(?:inte|ej)\s+(?:är\s+)?nöjd|complain|unhappy|dissatisfied|not\s+(?:satisfied|happy)",
    ),
    // The complaint to the authority made to wait for the company's own handling.
    company_first: re(
        r"(?i)\bförst\b|\bfirst\b|(?:inte|ej)\s+(?:är\s+)?nöjd\s+med\s+(?:det\s+|vårt\s+|vår\s+)?(?:svar|svaret|besked|beslut|hantering)|not\s+(?:satisfied|happy)\s+with\s+(?:our|the)\s+(?:answer|response|reply|decision|handling)|efter\s+att\s+(?:du\s+)?(?:ha\s+)?kontakta|after\s+(?:contacting|you\s+have\s+contacted)\s+us|om\s+vi\s+inte\s+(?:kan\s+)?(?:lös|hjälp)|if\s+we\s+(?:cannot|can't|do\s+not)\s+(?:resolve|help)",
    ),
    only_to_us: re(
        r"(?i)(?:endast|bara|enbart)\s+(?:\w+\s+){0,3}(?:till\s+oss|hos\s+oss|av\s+oss)|(?:only|solely|exclusively)\s+(?:\w+\s+){0,3}(?:to|with|by)\s+us\b",
    ),
    contact_us: re(
        r"(?i)kontakta\s+oss|vänd\s+dig\s+till\s+oss|skriv\s+till\s+oss|höra\s+av\s+dig\s+till\s+oss|contact\s+us|write\s+to\s+us|get\s+in\s+touch\s+with\s+us|kundtjänst|customer\s+service",
    ),
    request_context: re(
        r"(?i)registerutdrag|begäran|förfrågan|\bbegär|rättighet|\brätt\s+(?:till|att)|\bregistrerad\b|\brequest|\baccess\b|\bright",
    ),
    reasons: re(
        r"(?i)(?:ange|uppge|motivera|förklara|redogöra\s+för)\w*\s+(?:\w+\s+){0,3}(?:skäl|skälet|anledning|anledningen|varför|syfte)|motivera\w*\s+(?:din|er)\s+(?:begäran|förfrågan)|\b(?:state|give|explain|provide)\s+(?:\w+\s+){0,2}(?:reason|reasons|why)\b|justify\s+(?:your|the)\s+request",
    ),
    answer_verb: re(
        r"(?i)besvara|\bsvar|hantera|handlägg|behandla\w*\s+(?:din|er)\s+(?:begäran|förfrågan)|\banswer|\brespond|\breply|\bhandl|\bprocess",
    ),
    answer_time: re(
        r"(?i)\b(\d+)\s*(dagar|dagars|days|arbetsdagar|working\s+days|veckor|veckors|weeks|månader|månaders|months)\b",
    ),
    extension: re(r"(?i)förläng|\bextend|ytterligare\s+två|further\s+two|komplex|complex"),
    post_only: re(
        r"(?i)(?:endast|bara|enbart|only|solely)\s+(?:\w+\s+){0,4}(?:per\s+post|via\s+post|med\s+post|per\s+brev|med\s+brev|\bbrev\b|skriftligen|by\s+post|by\s+(?:regular\s+)?mail|by\s+letter|in\s+writing|postal)|(?:per\s+post|per\s+brev|by\s+post|by\s+letter|in\s+writing)\s+only\b",
    ),
    id_document: re(
        r"(?i)\bpass\b|passkopia|legitimation|id-handling|id-kort|körkort|identifikation|identitetshandling|personbevis|styrka\s+din\s+identitet|legitimera\s+dig|vidimera|bestyrk|passport|identity\s+(?:document|card)|\bid\s+card|proof\s+of\s+identity|\bidentification\b|certified\s+copy|notari[sz]ed",
    ),
    id_demand: re(
        r"(?i)förutsättning|\bkrav\b|\bkräver|\bkrävs|\bmåste|\bbifoga|\bskicka\s+(?:\w+\s+)?(?:med|in)\b|\bmust\b|\brequired?\b|\brequires\b|\bneed\s+to\s+(?:send|provide|submit|enclose)|\battach|\benclose|precondition|condition\s+for",
    ),
    id_doubt: re(
        r"(?i)tvivel|osäker|rimliga\s+skäl|befogad|om\s+det\s+behövs|vid\s+behov|om\s+vi\s+behöver|reasonable\s+doubt|\bdoubts?\b|if\s+(?:we\s+need|necessary|needed)|when\s+needed|where\s+necessary",
    ),
    anonymous: re(
        r"(?i)\banonym\w*|\b(?:inte|ej)\s+(?:heller\s+)?(?:\w+\s+){0,2}identifierande|\bidentifierar\s+(?:dig\s+)?(?:inte|ej)\b|\b(?:inga|ingen\s+form\s+av|någon\s+form\s+av)\s+personuppgifter|\binte\s+(?:\w+\s+){0,2}personuppgifter\b|\bno\s+personal\s+(?:data|information)|\bnot\s+personal\s+data|\bnon-?identifying|\b(?:do|does|cannot|can't|will\s+not)\s+(?:\w+\s+)?identify\s+you",
    ),
    // Consent by agreeing to the policy as a whole, without "by using": "asked whether they
    // agree to their data being processed in accordance with the privacy policy",
    // "godkänner att uppgifterna behandlas enligt denna integritetspolicy".
    policy_agreement: re(
        r"(?i)\bagree(?:s|d|ing)?\s+(?:to\s+)?(?:[\w’'-]+\s+){0,8}(?:in\s+accordance\s+with|according\s+to|under|as\s+(?:set\s+out|described)\s+in)\s+(?:the|this|our)\s+(?:privacy\s+|data\s+protection\s+)?(?:policy|notice|statement)|\bagree(?:s|d|ing)?\s+to\s+(?:the|this|our)\s+(?:privacy\s+|data\s+protection\s+)?(?:policy|notice|statement)|\b(?:godkänner|godkänna|accepterar|acceptera|godtar|samtycker\s+till)\s+(?:\w+\s+){0,8}(?:i\s+enlighet\s+med|enligt)\s+(?:denna|vår|den\s+här)\s+(?:integritetspolicy|personuppgiftspolicy|dataskyddspolicy|policy)",
    ),
    // A complaint to the authority called "views" or "comments" and offered as an alternative
    // to the company: "framföra synpunkter till oss alternativt till IMY".
    views: re(r"(?i)\bsynpunkt\w*|\bcomments?\b|\bfeedback\b|\bviews\b|\bopinions?\b"),
    alternatively: re(
        r"(?i)\balternativt\b|\beller\s+(?:till|hos)\b|\balternatively\b|\bor\s+(?:to|with)\b|\bändå\b",
    ),
    no_transfer: re(
        r"(?i)\b(?:inte|inga|inget|ingen|ej|aldrig|never|not|no|don't|won't)\b[^.]{0,60}?(?:utanför|outside(?:\s+(?:of\s+)?the)?)\s+(?:EU|EES|EU/EES|EEA|EU/EEA|Europa|Europe|European)|(?:endast|bara|enbart|only|solely|exclusively)\s+(?:\w+\s+){0,4}(?:inom|within|in)\s+(?:the\s+)?(?:EU|EES|EU/EES|EEA|EU/EEA|Europa|Europe|European)|\bnever\s+leaves?\s+the\s+(?:EU|EEA)|\b(?:stannar|stays|remains?)\s+(?:\w+\s+){0,2}(?:inom|within|in)\s+(?:the\s+)?(?:EU|EES|EEA)",
    ),
});

/// The rules this module reports (on a register's texts and on a published policy).
pub const RULE_IDS: &[&str] = &[
    "outdated-authority-name",
    "outdated-law-pul",
    "outdated-lek-2003",
    "access-once-per-year",
    "access-signed-request",
    "access-fee-first-copy",
    "policy-acceptance-as-consent",
    "browser-settings-as-cookie-consent",
    "child-consent-age-16",
    "restriction-described-as-portability",
    "breach-notification-late",
    "processor-responsibility-disclaimed",
    "complaint-right-diminished",
    "access-request-discouraged",
    "cookies-called-anonymous",
    "transfer-denied-but-third-country",
];

/// The portability pattern, for the document reader's check of mislabelled headings.
pub(crate) fn portability() -> &'static Regex {
    &P.portability
}

/// What the company's words are checked against.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// A recipient outside the EU/EEA, by name.
    pub third_country_recipient: Option<String>,
    /// An analytics or advertising cookie (or the tool that sets one), by name.
    pub tracking_cookie: Option<String>,
}

impl Facts {
    /// What the register says of its recipients and cookies.
    pub fn of_register(reg: &Register) -> Self {
        Facts {
            third_country_recipient: reg.recipients.iter().find(|r| r.is_third_country()).map(
                |r| {
                    let country = r.country.as_ref().and_then(|c| c.code()).unwrap_or("?");
                    format!("recipient `{}` ({country})", r.id)
                },
            ),
            tracking_cookie: reg
                .cookies
                .iter()
                .find(|c| {
                    matches!(
                        c.category,
                        CookieCategory::Statistics | CookieCategory::Marketing
                    )
                })
                .map(|c| format!("cookie `{}`", c.name)),
        }
    }
}

/// One offending sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The rule it breaks.
    pub rule: &'static str,
    /// The sentence, as a byte range of the scanned text.
    pub span: Span,
    /// What in it is wrong, when more than the sentence itself must be said.
    pub detail: Option<String>,
    /// Whether a message should quote the sentence before the detail.
    pub with_sentence: bool,
}

/// A sentence of a text, with where it stands and the line (paragraph) it stands in.
pub(crate) struct Sentence<'a> {
    pub start: usize,
    pub text: &'a str,
    pub line: &'a str,
}

/// The most of a sentence's line given as its context on either side: a paragraph is far
/// shorter, but minified HTML or a text without line breaks is one line of megabytes, and
/// handing every sentence the whole line would make reading it quadratic.
const LINE_CONTEXT: usize = 2_000;

/// Splits text into sentences (at `.`, `!`, `?` before white space, and at line breaks
/// that end a paragraph). A line break inside a paragraph does not end a sentence: a text
/// wrapped at 80 columns ("Du har rätt att begära\ntillgång till …") is one sentence, read
/// from the line it starts on. A line break ends the sentence when the next line is blank,
/// is a list item, or does not continue the phrase (it starts with a capital and the line
/// before does not end in a comma), which keeps a heading apart from the text under it.
/// Linear in the text: each line's end is found once, and a sentence's `line` is at most
/// [`LINE_CONTEXT`] bytes either side of it (from the line it starts on to the one it ends on).
pub(crate) fn sentences(text: &str) -> Vec<Sentence<'_>> {
    fn push<'a>(
        text: &'a str,
        (from, to): (usize, usize),
        (line_start, line_end): (usize, usize),
        out: &mut Vec<Sentence<'a>>,
    ) {
        let raw = &text[from..to];
        let s = raw.trim();
        if s.is_empty() {
            return;
        }
        let lead = raw.len() - raw.trim_start().len();
        let start = from + lead;
        // At most 3 steps each: a UTF-8 character is at most 4 bytes.
        let mut context_start = start.saturating_sub(LINE_CONTEXT).max(line_start);
        while !text.is_char_boundary(context_start) {
            context_start -= 1;
        }
        let mut context_end = (start + s.len()).saturating_add(LINE_CONTEXT).min(line_end);
        while !text.is_char_boundary(context_end) {
            context_end += 1;
        }
        out.push(Sentence {
            start,
            text: s,
            line: &text[context_start..context_end],
        });
    }
    let line_end_from = |from: usize| text[from..].find('\n').map_or(text.len(), |i| from + i);
    let mut out = Vec::new();
    let mut line = (0, line_end_from(0));
    // Where the line the current sentence starts on begins.
    let mut first_line_start = 0;
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        if c == '\n' {
            let end = i + 1;
            let next = (end, line_end_from(end));
            if continues_paragraph(&text[start..i], &text[next.0..next.1]) {
                line = next;
                continue;
            }
            push(text, (start, end), (first_line_start, line.1), &mut out);
            start = end;
            line = next;
            first_line_start = line.0;
        } else if matches!(c, '.' | '!' | '?') && next_is_space {
            let end = i + c.len_utf8();
            push(text, (start, end), (first_line_start, line.1), &mut out);
            start = end;
            first_line_start = line.0;
        }
    }
    push(
        text,
        (start, text.len()),
        (first_line_start, line.1),
        &mut out,
    );
    out
}

/// Whether a line break after `so_far` (the sentence up to the break) joins it to `next`
/// (the following line): both have text, `next` is no list item, and it continues the
/// phrase, starting in lower case or after a comma.
fn continues_paragraph(so_far: &str, next: &str) -> bool {
    let so_far = so_far.trim_end();
    let next = next.trim();
    if so_far.trim().is_empty() || next.is_empty() || is_list_item(next) {
        return false;
    }
    let Some(first) = next.chars().next() else {
        return false;
    };
    first.is_lowercase() || so_far.ends_with(',')
}

/// Whether a line (trimmed) is a list item: `-`, `*`, `+`, `•`, `–` or `1.`, `1)`, `a)` first.
pub(crate) fn is_list_item(line: &str) -> bool {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix(['-', '*', '+', '•', '–']) {
        return rest.starts_with(char::is_whitespace);
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        let rest = &line[digits..];
        return rest.starts_with(". ") || rest.starts_with(") ");
    }
    let mut cs = line.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_lowercase()) && cs.as_str().starts_with(") ")
}

/// Whether the mention of PUL at `start..end` of `t` is put in the past by a word within
/// about 60 bytes before it or 40 after it.
fn pul_in_the_past(t: &str, start: usize, end: usize) -> bool {
    let mut from = start.saturating_sub(60);
    while !t.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + 40).min(t.len());
    while !t.is_char_boundary(to) {
        to += 1;
    }
    P.pul_historical.is_match(&t[from..to])
}

pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 90;
    let s = s.trim();
    if s.chars().count() <= MAX {
        format!("“{s}”")
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("“{cut}…”")
    }
}

pub(super) fn check(reg: &Register, f: &mut Findings) {
    let p = &*P;
    let facts = Facts::of_register(reg);
    for (what, text) in reg.free_texts() {
        report_text(&what, text, &facts, f);
    }
    if let Some(restriction) = &reg.rights.statements.restriction {
        for (_, t) in restriction.variants() {
            if let Some(m) = p.portability.find(t) {
                f.report(
                    "restriction-described-as-portability",
                    format!(
                        "the statement on restriction speaks of “{}”, which is data portability",
                        m.as_str()
                    ),
                    restriction.span,
                );
                break;
            }
        }
    }
    automated_decisions_denied_but_declared(reg, f);
    let a = &reg.authority;
    if reg.authority_declared.is_some()
        && (p.datainspektionen.is_match(&a.name)
            || a.email
                .as_deref()
                .is_some_and(|e| e.contains("datainspektionen")))
    {
        f.report(
            "outdated-authority-name",
            format!(
                "the supervisory authority is given as `{}` <{}>",
                a.name,
                a.email.as_deref().unwrap_or("-")
            ),
            reg.authority_declared,
        );
    }
}

/// A text that says no automated decisions are made, while a purpose declares one
/// (`automated_decision = { … }`): the notice would say both (GDPR art. 5.1 a, 13.2 f, 22).
/// A sentence stating the Art. 22 right ("rätt att inte bli föremål för…", "right not to
/// be subject to…") is not a denial.
fn automated_decisions_denied_but_declared(reg: &Register, f: &mut Findings) {
    static DENIAL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)\b(?:inga|inget|ingen|inte|ej|aldrig)\b[^.]{0,40}?automatiser\w*\s+(?:individuell\w*\s+)?beslut|\b(?:no|not|never|don't|doesn't)\b[^.]{0,40}?automated\s+(?:individual\s+)?decision",
        )
    });
    static RIGHT: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?i)rätt\w*\s+att\s+(?:inte|slippa)|right\s+not\s+to|rätt\w*\s+till\s+att\s+inte")
    });
    let Some(declared) = reg.purposes.iter().find(|p| p.automated_decision.is_some()) else {
        return;
    };
    for (what, text) in reg.free_texts() {
        let denial = text.variants().find_map(|(_, t)| {
            sentences(t)
                .into_iter()
                .find(|s| DENIAL.is_match(s.text) && !RIGHT.is_match(s.text))
                .map(|s| quote(s.text))
        });
        if let Some(sentence) = denial {
            f.report(
                "automated-decisions-denied-but-declared",
                format!(
                    "{what}: {sentence}, but purpose `{}` declares an automated decision",
                    declared.id
                ),
                text.span,
            );
        }
    }
}

/// Reports the hits in one free text of the register: one finding per rule and text, at the
/// text, for its first offending sentence.
fn report_text(what: &str, text: &Text, facts: &Facts, f: &mut Findings) {
    let mut fired: Vec<&'static str> = Vec::new();
    for (_, t) in text.variants() {
        for hit in scan(t, facts) {
            if fired.contains(&hit.rule) {
                continue;
            }
            fired.push(hit.rule);
            let sentence = quote(&t[hit.span.start..hit.span.end]);
            let msg = match hit.detail {
                Some(d) if hit.with_sentence => format!("{sentence}: {d}"),
                Some(d) => d,
                None => sentence,
            };
            f.report(hit.rule, format!("{what}: {msg}"), text.span);
        }
    }
}

/// Every offending sentence of `text`, in order. The same code reads a register's free
/// texts and a whole published policy.
pub fn scan(text: &str, facts: &Facts) -> Vec<Hit> {
    let p = &*P;
    let mut out = Vec::new();
    // Facts a text may contradict: the whole text counts (a claim of "anonymous" cookies is
    // checked against the cookies the register or the same policy declares).
    let authority_anywhere = p.authority.is_match(text);
    for s in sentences(text) {
        let t = s.text;
        let span = Span::new(s.start, s.start + t.len());
        let mut hit = |rule: &'static str, detail: Option<String>| {
            // The three "names/cites" details say all; the others explain the sentence.
            let with_sentence = detail.is_some()
                && !matches!(
                    rule,
                    "outdated-authority-name" | "outdated-law-pul" | "outdated-lek-2003"
                );
            out.push(Hit {
                rule,
                span,
                detail,
                with_sentence,
            });
        };
        if let Some(m) = p.datainspektionen.find(t) {
            hit(
                "outdated-authority-name",
                Some(format!("names “{}”", m.as_str())),
            );
        }
        // A mention that puts PUL in the past ("GDPR ersatte PUL") is history, not a citation.
        if let Some(m) = p
            .pul
            .find_iter(t)
            .find(|m| !pul_in_the_past(t, m.start(), m.end()))
        {
            hit("outdated-law-pul", Some(format!("cites “{}”", m.as_str())));
        }
        if let Some(m) = p.lek2003.find(t) {
            hit("outdated-lek-2003", Some(format!("cites “{}”", m.as_str())));
        }
        if p.once_per_year.is_match(t) && p.access_context.is_match(t) {
            hit("access-once-per-year", None);
        }
        if p.signed.is_match(t) {
            hit("access-signed-request", None);
        }
        // "free of charge" names no fee.
        let without_free = p.free_of_charge.replace_all(t, "");
        let fee = p.fee.is_match(&without_free);
        if fee
            && (p.access_context.is_match(t) || t.to_lowercase().contains("vid begäran"))
            && !p.further_copies.is_match(t)
        {
            hit("access-fee-first-copy", None);
        }
        if p.acceptance
            .find(t)
            .is_some_and(|a| p.consent_words.find_at(t, a.end()).is_some())
            || p.policy_agreement.is_match(t)
        {
            hit("policy-acceptance-as-consent", None);
        }
        if p.cookie.is_match(t) && p.browser.is_match(t) && p.refuse.is_match(t) {
            hit("browser-settings-as-cookie-consent", None);
        }
        if p.age16.is_match(t) && p.consent_or_child.is_match(t) {
            hit("child-consent-age-16", None);
        }
        if p.authority.is_match(t)
            && let Some(c) = p.within.captures(t)
        {
            // More digits than a u64 holds is still a long time, not none.
            let n: u64 = c[1].parse().unwrap_or(u64::MAX);
            let unit = c[2].to_lowercase();
            let hours = if unit.starts_with("tim") || unit == "hours" {
                n
            } else {
                n.saturating_mul(24)
            };
            if hours > 72 {
                hit("breach-notification-late", None);
            }
        }
        // GDPR art. 24, 28.1, 82.4: the controller answers for the processors it chose and
        // for what it discloses; it cannot contract or write that responsibility away.
        if p.disclaim.is_match(t) && p.processors.is_match(t) && !p.web_sites.is_match(t) {
            hit("processor-responsibility-disclaimed", None);
        }
        // GDPR art. 77: the complaint to IMY is a right of its own, "without prejudice to any
        // other remedy"; it neither waits for nor goes through the company.
        // "framföra synpunkter … till oss alternativt till IMY": the right to lodge a complaint
        // (art. 77) offered as comments, and as an alternative to the company.
        if !p.complaint.is_match(t)
            && p.views.is_match(t)
            && p.authority.is_match(t)
            && p.alternatively.is_match(t)
        {
            hit(
                "complaint-right-diminished",
                Some("the complaint to the supervisory authority is offered as comments (synpunkter), an alternative to the company, not as a right to lodge a complaint".to_owned()),
            );
        }
        if p.complaint.is_match(t) {
            let authority = p.authority.is_match(t);
            if authority && p.company_first.is_match(t) {
                hit(
                    "complaint-right-diminished",
                    Some("the complaint to the supervisory authority is made to wait for the company's own answer".to_owned()),
                );
            } else if !authority
                && (p.only_to_us.is_match(t) || (p.contact_us.is_match(t) && !authority_anywhere))
            {
                hit(
                    "complaint-right-diminished",
                    Some("complaints go to the company, and the text names no supervisory authority (IMY)".to_owned()),
                );
            }
        }
        // GDPR art. 12.2 (facilitate the exercise of rights), 12.3 (one month, extendable by
        // two only when necessary), 12.6 (identity asked for only on reasonable doubt).
        if p.request_context.is_match(s.line) || p.request_context.is_match(t) {
            let long_answer = p.answer_verb.is_match(t)
                && !p.extension.is_match(t)
                && p.answer_time.captures_iter(t).any(|c| {
                    let n: u64 = c[1].parse().unwrap_or(u64::MAX);
                    let unit = c[2].to_lowercase();
                    if unit.starts_with("dag") || unit.contains("day") {
                        n > 31
                    } else if unit.starts_with("veck") || unit.starts_with("week") {
                        n > 4
                    } else {
                        n > 1
                    }
                });
            let why = if p.reasons.is_match(t) {
                Some("asks the person to give reasons for the request")
            } else if p.post_only.is_match(t) {
                Some("accepts requests only by post or in writing")
            } else if p.id_document.is_match(t)
                && p.id_demand.is_match(t)
                && !p.id_doubt.is_match(t)
            {
                Some("demands identity documents for every request, not only on reasonable doubt")
            } else if long_answer {
                Some("promises an answer later than one month")
            } else {
                None
            };
            if let Some(why) = why {
                hit("access-request-discouraged", Some(why.to_owned()));
            }
        }
        // A cookie identifier is personal data (CJEU C-582/14 Breyer; recital 30); calling
        // analytics or advertising cookies anonymous contradicts what is set.
        if let Some(tracking) = &facts.tracking_cookie
            && (p.cookie.is_match(t) || p.cookie.is_match(s.line))
            && p.anonymous.is_match(t)
        {
            hit(
                "cookies-called-anonymous",
                Some(format!(
                    "but {tracking} is an analytics or advertising cookie with an identifier"
                )),
            );
        }
        if let Some(recipient) = &facts.third_country_recipient
            && p.no_transfer.is_match(t)
        {
            hit(
                "transfer-denied-but-third-country",
                Some(format!("but {recipient} is outside the EU/EEA")),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str, facts: &Facts) -> Vec<&'static str> {
        scan(text, facts).into_iter().map(|h| h.rule).collect()
    }

    fn fires(rule: &str, text: &str, facts: &Facts) -> bool {
        rules(text, facts).contains(&rule)
    }

    fn none() -> Facts {
        Facts::default()
    }

    fn us_recipient() -> Facts {
        Facts {
            third_country_recipient: Some("Google".into()),
            ..Facts::default()
        }
    }

    fn analytics_cookie() -> Facts {
        Facts {
            tracking_cookie: Some("Google Analytics".into()),
            ..Facts::default()
        }
    }

    #[test]
    fn patterns_compile() {
        let _ = &*P;
    }

    #[test]
    fn every_statement_rule_id_is_a_lint_rule() {
        for id in RULE_IDS {
            assert!(super::super::rule(id).is_some(), "{id}");
        }
    }

    #[test]
    fn sentences_split_at_stops_and_line_breaks() {
        let got: Vec<&str> = sentences("A b. C d!\nE f").iter().map(|s| s.text).collect();
        assert_eq!(got, ["A b.", "C d!", "E f"]);
        let got: Vec<&str> = sentences("www.imy.se är IMY.")
            .iter()
            .map(|s| s.text)
            .collect();
        assert_eq!(got, ["www.imy.se är IMY."]);
    }

    #[test]
    fn sentences_know_where_they_stand_and_their_line() {
        let text = "Rubrik\n  Första meningen. Andra.\n";
        let s = sentences(text);
        assert_eq!(s[1].text, "Första meningen.");
        assert_eq!(
            &text[s[1].start..s[1].start + s[1].text.len()],
            "Första meningen."
        );
        assert_eq!(s[2].line, "  Första meningen. Andra.");
    }

    #[test]
    fn a_sentence_on_a_very_long_line_carries_a_bounded_part_of_it() {
        let text = "Vi behandlar personuppgifter. ".repeat(10_000);
        let s = sentences(&text);
        assert_eq!(s.len(), 10_000);
        for x in &s {
            assert!(x.line.len() <= 2 * super::LINE_CONTEXT + x.text.len() + 6);
            assert!(x.line.contains(x.text));
        }
        // Short lines are given whole.
        let s = sentences("Ett. Två.\nTre.");
        assert_eq!(s[1].line, "Ett. Två.");
    }

    #[test]
    fn a_breach_period_too_long_for_a_number_is_late_not_a_crash() {
        let h = scan(
            "Vi anmäler incidenten till IMY inom 1000000000000000000 dagar.",
            &none(),
        );
        assert!(h.iter().any(|h| h.rule == "breach-notification-late"));
        let h = scan(
            "We notify IMY within 99999999999999999999999 hours.",
            &none(),
        );
        assert!(h.iter().any(|h| h.rule == "breach-notification-late"));
    }

    #[test]
    fn hits_point_at_the_offending_sentence() {
        let text = "Hej.\nKlaga hos Datainspektionen. Tack.";
        let h = scan(text, &none());
        assert_eq!(h.len(), 1);
        assert_eq!(
            &text[h[0].span.start..h[0].span.end],
            "Klaga hos Datainspektionen."
        );
    }

    #[test]
    fn disclaiming_responsibility_for_processors_is_flagged_in_swedish_and_english() {
        for t in [
            "Vi ansvarar inte för hur våra leverantörer behandlar dina personuppgifter.",
            "Vi tar inget ansvar för underbiträdens hantering av uppgifterna.",
            "We are not responsible for how our service providers process your data.",
            "We accept no liability for third parties we share your data with.",
        ] {
            assert!(
                fires("processor-responsibility-disclaimed", t, &none()),
                "{t}"
            );
        }
    }

    #[test]
    fn disclaiming_linked_web_sites_or_owning_processors_is_not_flagged() {
        for t in [
            "Dessa webbplatser har egna integritetspolicyer och vi är inte ansvariga för deras verksamhet.",
            "We are not responsible for the content of third-party websites we link to.",
            "Vi ansvarar för att våra leverantörer behandlar uppgifterna enligt avtal.",
        ] {
            assert!(
                !fires("processor-responsibility-disclaimed", t, &none()),
                "{t}"
            );
        }
    }

    #[test]
    fn a_complaint_right_less_than_a_complaint_to_imy_is_flagged() {
        for t in [
            "Är du inte nöjd med det svar du fått av oss har du rätt att klaga hos Integritetsskyddsmyndigheten (IMY).",
            "Kontakta oss först om du vill klaga; därefter kan du vända dig till IMY.",
            "Om du är missnöjd, kontakta oss.",
            "Klagomål tas endast emot av oss.",
            "If you are unhappy, please contact us.",
            "If you are not satisfied with our response you may complain to the supervisory authority.",
        ] {
            assert!(fires("complaint-right-diminished", t, &none()), "{t}");
        }
    }

    #[test]
    fn a_complaint_right_that_offers_imy_directly_is_not_flagged() {
        for t in [
            "Du har rätt att lämna klagomål till Integritetsskyddsmyndigheten (IMY).",
            "Om du anser att vi har behandlat dina uppgifter felaktigt får du gärna kontakta oss eller lämna in ett klagomål till IMY.",
            "You may complain to the supervisory authority, IMY, at any time.",
            // Naming IMY elsewhere in the same text: "contact us" is then an extra way.
            "Om du är missnöjd, kontakta oss. Du kan också klaga hos IMY.",
        ] {
            assert!(!fires("complaint-right-diminished", t, &none()), "{t}");
        }
    }

    #[test]
    fn statements_that_discourage_access_requests_are_flagged() {
        for t in [
            "Ange skälet till din begäran om registerutdrag.",
            "Vi besvarar begäran om registerutdrag endast per post.",
            "Till din begäran ska du bifoga en vidimerad kopia av ditt pass.",
            "En förutsättning för att vi ska kunna utföra din begäran är att vi erhåller fullgoda underlag för identifikation.",
            "Vi besvarar din begäran inom 90 dagar.",
            "Please state the reason for your request.",
            "Access requests are accepted by post only.",
            "You must enclose a certified copy of your passport with every request.",
            "We will answer your request within 3 months.",
            "För att dina rättigheter ska kunna tillgodoses måste du kunna styrka din identitet.",
            "Till en skriftlig begäran ska ett personbevis alltid bifogas.",
        ] {
            assert!(fires("access-request-discouraged", t, &none()), "{t}");
        }
    }

    #[test]
    fn asking_for_identity_on_doubt_or_answering_within_a_month_is_not_discouraging() {
        for t in [
            "Om vi har rimliga skäl att tvivla på din identitet kan vi begära att du styrker den.",
            "Vi besvarar din begäran inom 30 dagar, eller inom en månad.",
            "Skicka din begäran per post eller e-post.",
            "If we have reasonable doubts about your identity we may ask for identification with your request.",
            "We answer your request within one month; for complex requests we may extend this by two further months.",
        ] {
            assert!(!fires("access-request-discouraged", t, &none()), "{t}");
        }
    }

    #[test]
    fn cookies_called_anonymous_contradict_an_analytics_cookie() {
        for t in [
            "Vi använder kakor. Insamlingen är helt anonym.",
            "Dessa cookies innehåller inte heller identifierande information.",
            "Our cookies are anonymous.",
            "The cookies we use collect no personal data.",
        ] {
            assert!(
                fires("cookies-called-anonymous", t, &analytics_cookie()),
                "{t}"
            );
            assert!(
                !fires("cookies-called-anonymous", t, &none()),
                "{t} without analytics"
            );
        }
        assert!(!fires(
            "cookies-called-anonymous",
            "Svaren från enkäten är anonyma.",
            &analytics_cookie()
        ));
    }

    #[test]
    fn denying_transfers_contradicts_a_recipient_in_a_third_country() {
        for t in [
            "Vi delar inga uppgifter med företag utanför EU.",
            "Vi överför aldrig personuppgifter utanför EU/EES.",
            "Dina uppgifter behandlas endast inom EU/EES.",
            "We do not transfer personal data outside the EEA.",
            "Your data never leaves the EU.",
        ] {
            assert!(
                fires("transfer-denied-but-third-country", t, &us_recipient()),
                "{t}"
            );
            assert!(
                !fires("transfer-denied-but-third-country", t, &none()),
                "{t} without one"
            );
        }
        for t in [
            "Vi strävar efter att behandla uppgifterna inom EU/EES.",
            "Uppgifter kan överföras utanför EU/EES med standardavtalsklausuler.",
        ] {
            assert!(
                !fires("transfer-denied-but-third-country", t, &us_recipient()),
                "{t}"
            );
        }
    }

    #[test]
    fn a_mention_of_pul_as_history_is_not_a_citation_in_swedish_or_english() {
        for t in [
            "Sedan maj 2018 har dataskyddsförordningen ersatt personuppgiftslagen (PUL).",
            "PUL upphävdes när GDPR började gälla.",
            "GDPR took the place of, and replaced, the old Swedish Personal Data Act.",
            "The former Swedish law PUL no longer applies.",
        ] {
            assert!(!fires("outdated-law-pul", t, &none()), "{t}");
        }
    }

    #[test]
    fn citing_pul_as_in_force_is_still_flagged_beside_a_historical_word() {
        for t in [
            "Vi hanterar dina uppgifter enligt personuppgiftslagen (PUL).",
            "We process your data in line with the Personal Data Act.",
            // history far from the citation does not excuse it
            "Vår verksamhet har funnits sedan 1990 och har tidigare haft ett annat namn, och vi behandlar alla kunduppgifter enligt PUL.",
        ] {
            assert!(fires("outdated-law-pul", t, &none()), "{t}");
        }
    }

    #[test]
    fn agreeing_to_processing_under_the_policy_is_acceptance_as_consent() {
        for t in [
            "Before we register anyone we ask whether they agree to their data being handled in accordance with this privacy notice.",
            "By using the app you agree to this policy.",
            "Kunden godkänner att uppgifterna hanteras i enlighet med denna integritetspolicy.",
        ] {
            assert!(fires("policy-acceptance-as-consent", t, &none()), "{t}");
        }
    }

    #[test]
    fn processing_under_the_policy_without_agreement_is_not_acceptance_as_consent() {
        for t in [
            "We handle your data in accordance with this privacy notice.",
            "If you agree to receive our newsletter, tick the box.",
            "Vi behandlar uppgifterna i enlighet med denna integritetspolicy.",
        ] {
            assert!(!fires("policy-acceptance-as-consent", t, &none()), "{t}");
        }
    }

    #[test]
    fn a_complaint_to_imy_offered_as_comments_beside_the_company_is_diminished() {
        for t in [
            "Har du synpunkter på hur vi hanterar dina uppgifter kan du vända dig till oss alternativt till IMY.",
            "You may send comments on our handling of your data to us or to the supervisory authority.",
        ] {
            assert!(fires("complaint-right-diminished", t, &none()), "{t}");
        }
    }

    #[test]
    fn comments_without_the_authority_or_beside_a_real_complaint_are_not_diminished() {
        for t in [
            "Har du synpunkter på denna policy tar vi gärna emot dem. Du har rätt att klaga hos IMY.",
            "Du har rätt att lämna klagomål till IMY, eller till oss om du har synpunkter.",
            "We welcome feedback. You may lodge a complaint with IMY.",
        ] {
            assert!(!fires("complaint-right-diminished", t, &none()), "{t}");
        }
    }
}
