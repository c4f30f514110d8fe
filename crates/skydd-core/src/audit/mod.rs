//! `skydd audit`: read the privacy policy a company publishes today, without a register.
//!
//! Two kinds of finding. **Statements**: every sentence the statement rules of the lint
//! know to be outdated or unlawful, found by the very code `skydd check` runs on a
//! register's texts ([`crate::lint::statements::scan`]); what the policy's words are
//! checked against (a US company named as a recipient, an analytics cookie) is read from
//! the policy itself. **Missing elements**: every piece of information GDPR Art. 13 and 14
//! require that the text does not give — who the controller is and how to reach it,
//! purposes, legal bases, recipients, transfers, retention, each right, withdrawal of
//! consent, the complaint to IMY, sources, automated decisions.
//!
//! Text patterns find words, not meaning: a finding is where a person should look, and
//! the absence of one is not a certificate. The measured recall and precision on five real
//! Swedish policies are in `docs/audit-seeds.md`.

mod html;

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::diagnostic::Severity;
use crate::lint::statements::{self, Facts, quote, sentences};
use crate::lint::{self, Rule};
use crate::text::LineIndex;

pub use crate::lint::statements::RULE_IDS as STATEMENT_RULES;

/// How a policy file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// HTML, as published.
    Html,
}

impl Format {
    /// The format of a file with extension `ext` (without the dot), if skydd reads it.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            _ => None,
        }
    }

    /// A guess for text without a name (standard input): HTML when it starts with a tag.
    pub fn sniff(src: &str) -> Format {
        if src.trim_start().starts_with('<') {
            Format::Html
        } else {
            Format::Text
        }
    }
}

/// A policy as plain text, with the source line of each of its lines.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    source_lines: Vec<usize>,
}

impl Document {
    /// Reads `src` written in `format`.
    pub fn new(src: &str, format: Format) -> Document {
        let (text, source_lines) = match format {
            Format::Text => (src.replace('\r', ""), Vec::new()),
            Format::Markdown => (markdown_to_text(src), Vec::new()),
            Format::Html => html::to_text(src),
        };
        Document { text, source_lines }
    }

    /// The plain text that is read.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn source_line(&self, idx: &LineIndex, offset: usize) -> usize {
        let line = idx.line(offset.min(self.text.len()));
        if self.source_lines.is_empty() {
            line
        } else {
            self.source_lines.get(line - 1).copied().unwrap_or(line)
        }
    }
}

/// Markdown markup that would split a phrase ("**inte** ansvarig") is dropped, line by line,
/// so line numbers stay those of the file; a link keeps its text and its address.
fn markdown_to_text(src: &str) -> String {
    static LINK: LazyLock<Regex> = LazyLock::new(|| re(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)"));
    let mut out = String::with_capacity(src.len());
    for (i, line) in src.replace('\r', "").split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line
            .trim_start()
            .trim_start_matches('#')
            .trim_start_matches('>');
        let line = LINK.replace_all(line, "$1 <$2>");
        out.push_str(&line.replace("**", "").replace("__", "").replace('`', ""));
    }
    out.replace("<mailto:", "<")
}

/// One finding of the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule: a lint rule id for a statement, an `audit-…` id for a missing element.
    pub rule: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The line (of the file as given) of the sentence the finding rests on.
    pub line: Option<usize>,
    /// Further lines where the same rule is broken.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_on_lines: Vec<usize>,
    /// The sentence the finding rests on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence: Option<String>,
    /// For a missing element: what was looked for and not found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub looked_for: Option<&'static str>,
    /// The article or statute it rests on.
    pub law: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

macro_rules! elements {
    ($($id:literal, $sev:expr, $summary:literal, $law:literal, $fix:literal, $looked:literal;)*) => {
        /// The Art. 13/14 elements the audit looks for, in a fixed order.
        pub const ELEMENTS: &[Rule] = &[$(Rule { id: $id, severity: $sev, summary: $summary, law: $law, fix: $fix }),*];
        const LOOKED_FOR: &[(&str, &str)] = &[$(($id, $looked)),*];
    };
}

use Severity::{Error as E, Warning as W};

elements! {
    "audit-controller-identity", E, "The policy does not say who the controller is: no legal name and no organisationsnummer.",
        "GDPR art. 13.1 a, 14.1 a",
        "name the company as registered, e.g. “Exempel AB (org.nr 556000-0000) är personuppgiftsansvarig”",
        "a company name with its form (AB, HB, KB, ekonomisk förening, bostadsrättsförening, Ltd …), “enskild firma”, or an organisationsnummer (NNNNNN-NNNN)";
    "audit-controller-orgnr", W, "The controller's organisationsnummer is not given.",
        "GDPR art. 13.1 a; lag (2002:562) om elektronisk handel och andra informationssamhällets tjänster 8 §",
        "add the organisationsnummer next to the company name",
        "an organisationsnummer (NNNNNN-NNNN)";
    "audit-controller-contact", E, "The policy gives no contact details for the controller.",
        "GDPR art. 12.2, 13.1 a, 14.1 a",
        "give an e-mail address and a postal address; a phone number helps",
        "an e-mail address, a postal address (postcode and town, or Box) or a phone number";
    "audit-dpo-contact", E, "A data protection officer is mentioned without contact details.",
        "GDPR art. 13.1 b, 37.7",
        "give the dataskyddsombud's e-mail address or phone number",
        "an e-mail address or phone number within three lines of the mention of the dataskyddsombud / DPO";
    "audit-purposes", E, "The policy states no purposes of processing.",
        "GDPR art. 13.1 c, 14.1 c",
        "say for each purpose what data is used and why",
        "words for purposes: ändamål, syfte, “används för”, “för att kunna”, purpose, “we use … to”";
    "audit-legal-basis", E, "The policy names no legal basis for processing.",
        "GDPR art. 6.1, 13.1 c, 14.1 c",
        "give each purpose its legal basis: avtal, rättslig förpliktelse, berättigat intresse (intresseavvägning) or samtycke",
        "a legal basis: rättslig grund, avtal, rättslig förpliktelse, berättigat intresse, intresseavvägning, samtycke (or the English names)";
    "audit-recipients", E, "The policy says nothing of recipients or categories of recipients.",
        "GDPR art. 13.1 e, 14.1 e",
        "name the recipients or their categories (IT suppliers, payment providers, authorities …)",
        "recipients: mottagare, lämnar ut, delar med, leverantör, personuppgiftsbiträde, “rapporteras till” or an application to an authority, “X kan ta del av”, recipient, share, disclose, processor";
    "audit-transfers", W, "The policy says nothing of transfers outside the EU/EEA, not even that there are none.",
        "GDPR art. 13.1 f, 14.1 f, 44",
        "say whether data leave the EU/EEA; if so, to which countries and under which safeguard",
        "“utanför/inom EU/EES”, tredjeland, “outside/within the EU/EEA”, third country, or where the servers are";
    "audit-transfer-safeguards", E, "Transfers outside the EU/EEA are mentioned but no safeguard is named.",
        "GDPR art. 13.1 f, 14.1 f, 44–46",
        "name the safeguard (adequacy decision, EU–US Data Privacy Framework, standard contractual clauses, BCR) and how to get a copy",
        "a transfer mechanism: adekvat skyddsnivå / beslut om adekvat skyddsnivå, Data Privacy Framework, standardavtalsklausuler (SCC), bindande företagsbestämmelser (BCR), art. 45–49";
    "audit-retention-period", E, "The policy gives no retention period: at most a criterion such as “as long as necessary”.",
        "GDPR art. 5.1 e, 13.2 a, 14.2 a; WP260 rev.01 (riktlinjer om öppenhet), bilagan om art. 13.2 a",
        "give a period per purpose (“2 år efter avslutat kundförhållande”, “7 år enligt bokföringslagen”)",
        "a period: a number of days, weeks, months or years";
    "audit-right-access", E, "The right of access (registerutdrag) is not stated.",
        "GDPR art. 13.2 b, 14.2 c, 15",
        "say the person may have a copy of their data and information about the processing, free of charge",
        "registerutdrag, “rätt till tillgång”, “tillgång till dina personuppgifter”, “ta del av”, “få en kopia”, “få veta vilka uppgifter”, right of access, copy of your data";
    "audit-right-rectification", E, "The right to rectification is not stated.",
        "GDPR art. 13.2 b, 14.2 c, 16",
        "say the person may have inaccurate data corrected and incomplete data completed",
        "rättelse, “rätta/ändra dina uppgifter”, rectification, correct your data";
    "audit-right-erasure", E, "The right to erasure is not stated.",
        "GDPR art. 13.2 b, 14.2 c, 17",
        "say the person may request erasure (and when the company must keep data anyway)",
        "radering, “ta bort”/“tar bort”, raderar, erasure, deletion — with “rätt”, “begära”, right or request";
    "audit-right-restriction", E, "The right to restriction of processing is not stated.",
        "GDPR art. 13.2 b, 14.2 c, 18",
        "say the person may have processing restricted (data only stored) while accuracy or an objection is checked",
        "begränsning (av behandling), restriction — with “rätt”, “begära”, right or request";
    "audit-right-portability", E, "The right to data portability is not stated.",
        "GDPR art. 13.2 b, 14.2 c, 20",
        "say the person may receive the data they provided, under consent or contract, in a machine-readable format",
        "dataportabilitet, maskinläsbart format, portability, machine-readable";
    "audit-right-object", E, "The right to object (to processing on legitimate interests) is not stated.",
        "GDPR art. 13.2 b, 14.2 c, 21.1, 21.4",
        "say the person may object, on grounds of their particular situation, to processing on legitimate interests",
        "invända / motsätta sig (not only to marketing), object — with “rätt”, right";
    "audit-right-object-marketing", E, "The policy speaks of marketing but not of the right to object to direct marketing.",
        "GDPR art. 21.2–21.4",
        "say explicitly and separately that the person may always object to direct marketing, and how (e.g. the unsubscribe link)",
        "a way to object to or stop marketing or newsletters: invända, motsätta, avregistrera, avsluta, unsubscribe, opt out";
    "audit-withdraw-consent", E, "Consent is mentioned but not how to withdraw it.",
        "GDPR art. 7.3, 13.2 c, 14.2 d",
        "say consent may be withdrawn at any time, as easily as given, and how",
        "återkalla, ta/dra tillbaka (samtycke), withdraw, revoke";
    "audit-complaint-authority", E, "The right to complain to the supervisory authority (IMY) is not stated.",
        "GDPR art. 13.2 d, 14.2 e, 77",
        "say the person may complain to Integritetsskyddsmyndigheten (IMY), imy@imy.se, Box 8114, 104 20 Stockholm",
        "Integritetsskyddsmyndigheten, IMY or “tillsynsmyndighet” in a sentence about complaints";
    "audit-source-unnamed", E, "Data is obtained from others than the person, but the source is not named.",
        "GDPR art. 14.1 d, 14.2 f",
        "name the sources (or their kinds, e.g. kreditupplysningsföretag, Bolagsverket, SPAR)",
        "a named source (a proper name or a kind such as kreditupplysningsföretag) beside “från andra källor / tredje part”";
    "audit-automated-decisions", W, "The policy does not say whether automated decisions or profiling are used.",
        "GDPR art. 13.2 f, 14.2 g, 22",
        "say whether decisions with legal or similarly significant effects are made automatically and whether profiling is used",
        "automatiserat beslutsfattande, automatiska beslut, profilering, automated decision, profiling";
    "audit-automated-decision-logic", E, "Automated decision-making is declared without its logic and consequences.",
        "GDPR art. 13.2 f, 14.2 g, 22",
        "explain the logic involved and the significance and consequences for the person, or remove the claim if no Art. 22 decision is made",
        "logik, konsekvenser, betydelse, logic, consequences, significance";
    "audit-personnummer-justification", W, "Personnummer is collected without saying why it is clearly justified.",
        "Dataskyddslagen (2018:218) 3 kap. 10 §",
        "say why personnummer is needed (e.g. secure identification for credit checks), or stop collecting it",
        "säker identifiering, klart motiverat, secure identification";
}

/// The rule `id` of the audit: an element, or a statement rule of the lint.
pub fn rule(id: &str) -> Option<&'static Rule> {
    ELEMENTS
        .iter()
        .find(|r| r.id == id)
        .or_else(|| lint::rule(id))
}

/// What `skydd audit` looks for in a policy's text to find the element `id` present, when
/// `id` is one of [`ELEMENTS`].
pub fn looked_for(id: &str) -> Option<&'static str> {
    LOOKED_FOR.iter().find(|(i, _)| *i == id).map(|(_, l)| *l)
}

fn re(p: &str) -> Regex {
    // The patterns are constants; `patterns_compile` in the tests builds every one.
    #[allow(clippy::expect_used)]
    Regex::new(p).expect("valid pattern")
}

struct Patterns {
    us_company: Regex,
    tracking_tool: Regex,
    platform: Regex,
    tracking_word: Regex,
    cookie: Regex,
    restriction_heading: Regex,
    orgnr: Regex,
    legal_name: Regex,
    email: Regex,
    postal: Regex,
    phone: Regex,
    dpo: Regex,
    purposes: Regex,
    legal_basis: Regex,
    recipients: Regex,
    transfer_mention: Regex,
    transfer_out: Regex,
    negation: Regex,
    mechanism: Regex,
    retention: Regex,
    period: Regex,
    not_retention: Regex,
    how_long: Regex,
    as_long_as: Regex,
    frame: Regex,
    strict_frame: Regex,
    access: Regex,
    rectification: Regex,
    erasure: Regex,
    restriction: Regex,
    portability: Regex,
    object: Regex,
    legitimate: Regex,
    marketing: Regex,
    stop: Regex,
    consent: Regex,
    withdraw: Regex,
    authority: Regex,
    complaint: Regex,
    from_others: Regex,
    obtain: Regex,
    source_named: Regex,
    automated: Regex,
    automated_use: Regex,
    logic: Regex,
    personnummer: Regex,
    justified: Regex,
    person_named: Regex,
    others_may_see: Regex,
    personnummer_reason: Regex,
    consent_plain: Regex,
    consent_hypothetical: Regex,
}

/// Consent in plain words, without "samtycke"/"consent": "efter att du aktivt har tillåtit
/// oss", "ditt godkännande", "om du godkänner", "when you opt in". GDPR art. 4.11 asks for a
/// freely given, specific, informed and unambiguous indication of wishes, whatever it is called.
const CONSENT_PLAIN: &str = r"(?:har|har\s+du)\s+(?:\w+\s+){0,2}tillåtit\s+oss|\bdu\s+(?:\w+\s+){0,2}tillåter\s+oss|\b(?:ditt|dina|ert)\s+(?:\w+\s+)?(?:godkännande|tillstånd|medgivande)|\bom\s+du\s+(?:\w+\s+)?godkänner|\bgodkänner\s+du\s+att|\bopt(?:s|ed|ing)?[\s-]in\b|\byou\s+(?:have\s+)?(?:expressly\s+|explicitly\s+)?(?:allowed|permitted)\s+us|\byour\s+(?:\w+\s+)?(?:permission|approval)\b|\bif\s+you\s+(?:\w+\s+)?(?:agree|allow\s+us)";

static P: LazyLock<Patterns> = LazyLock::new(|| Patterns {
    // US companies whose services send data to the United States even when an EU
    // subsidiary signs the contract (IMY's decisions on Google Analytics, July 2023).
    // Case-sensitive: company names.
    us_company: re(
        r"\b(?:Google|Facebook|Meta|Instagram|LinkedIn|Microsoft|Amazon Web Services|AWS|Mailchimp|HubSpot|Salesforce|Twitter|Zoom|Slack|Dropbox)\b",
    ),
    // Tools that by their nature set an identifier for analytics or advertising. (Some
    // analytics products set none, so "analytics" alone is not enough.)
    tracking_tool: re(
        r"(?i)google\s+analytics|google\s+ads|adwords|doubleclick|(?:facebook|meta|tiktok)[\s-]?pixel|linkedin\s+insight|hotjar|microsoft\s+clarity|bing\s+ads|adform",
    ),
    platform: re(
        r"\b(?:Google|Facebook|Meta|LinkedIn|Twitter|TikTok|Instagram|Snapchat|Pinterest)\b",
    ),
    tracking_word: re(
        r"(?i)annons|reklam|marknadsför|\banalys|statistik|spårning|advertis|marketing|analytics|tracking|retarget|remarket",
    ),
    cookie: re(r"(?i)cookie|\bkak(?:a|or|orna)\b"),
    restriction_heading: re(
        r"(?i)^\s*(?:\d+(?:\.\d+)*\.?\s*)?(?:rätt(?:en)?\s+till\s+)?(?:begränsning(?:\s+av\s+behandling(?:en)?)?|(?:right\s+to\s+)?restriction(?:\s+of\s+processing)?)\s*:?\s*$",
    ),
    // A non-breaking hyphen (U+2011, `&#8209;`) is a hyphen too.
    orgnr: re(r"\b(?:16|19|20)?\d{6}[-–‑]\d{4}\b"),
    legal_name: re(
        r"\b\p{Lu}[\p{L}\d&.-]*(?:\s+[\p{Lu}\d][\p{L}\d&.-]*){0,5}\s+(?:AB|HB|KB|Aktiebolag|Handelsbolag|Kommanditbolag|Ltd|Limited|Inc|GmbH|LLC)\b|(?i:ekonomisk\s+förening|bostadsrättsförening|\bbrf\b|enskild\s+firma|enskild\s+näringsidkare|ideell\s+förening|sole\s+trader)",
    ),
    email: re(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    postal: re(r"\b\d{3}\s?\d{2}\s+\p{Lu}\p{L}+|\bBox\s+\d+"),
    phone: re(r"(?i)\b(?:tel(?:efon)?|phone|tfn|mobil)\.?\s*:?\s*\+?\d[\d\s-]{5,}\d"),
    dpo: re(r"(?i)dataskyddsombud|data\s+protection\s+officer|\bDPO\b"),
    purposes: re(
        r"(?i)ändamål|\bsyfte|purpose|för\s+att\s+(?:fullgöra|uppfylla)|\bto\s+(?:fulfil|fulfill|comply\s+with)\b|behandla\w*\s+(?:[\w-]+\s+){0,6}för\s+att|\bprocess\w*\s+(?:[\w-]+\s+){0,6}(?:to|for)\b|används\s+(?:\w+\s+)?(?:för|till)|använder\s+(?:\w+\s+){0,3}(?:för|till)|we\s+use\s+(?:[\w-]+\s+){0,6}(?:to|for)|in\s+order\s+to|so\s+(?:that\s+)?we\s+can|i\s+syfte\s+att|(?:gör|behandla|registrera|samla|spara|lagra|använd|hantera|förvara)\w*\s+(?:[\w-]+\s+){0,8}för\s+att\s+kunna|för\s+att\s+(?:[\w-]+\s+){0,10}(?:behöver|måste)\s+(?:vi|jag)\s+(?:samla|registrera|behandla|spara|lagra|få|ha)|(?:collect|store|keep|need)\w*\s+(?:[\w-]+\s+){0,6}(?:to|so\s+that)\s+(?:we\s+can\s+)?\w+",
    ),
    legal_basis: re(
        r"(?i)rättslig(?:a)?\s+grund|laglig(?:a)?\s+grund|intresseavvägning|berättigat?\s+intresse|berättigade\s+intresse|fullgöra\s+(?:\w+\s+)?avtal|fullgörande\s+av\s+avtal|fullföljande\s+av\s+avtal|rättslig(?:a)?\s+förpliktelse|samtycke|legal\s+basis|lawful\s+basis|legitimate\s+interest|performance\s+of\s+(?:a\s+|the\s+)?contract|legal\s+obligation|\bconsent",
    ),
    recipients: re(
        r"(?i)mottagare|lämna[rs]?\s+(?:\w+\s+){0,3}ut|lämnas\s+ut|\bdelar\s+(?:\w+\s+){0,3}med|dela\s+med|personuppgiftsbiträde|underbiträde|leverantör|samarbetspartner|recipient|disclose|\bshare|processor|service\s+provider|third\s+part|delas\s+(?:\w+\s+){0,2}med|vidarebefordra|överlämna|rapportera\w*\s+(?:in\s+)?till|(?:ansökan|ansöka|söka|begär\w*|anmäl\w*|uppgifter\w*|lämna\w*|skicka\w*|överför\w*|redovisa\w*)\s+(?:[\w-]+\s+){0,4}(?:hos|till)\s+(?:Skatteverket|Försäkringskassan|Socialstyrelsen|Kronofogden|Polisen|Migrationsverket|Arbetsförmedlingen|CSN|IVO|Inspektionen\s+för\s+vård\s+och\s+omsorg|smittskydd\w*|myndighet)|pass(?:ed|es)?\s+on\s+to|report(?:ed|s)?\s+to\s+(?:the\s+)?(?:\w+\s+){0,2}(?:authorit|agency|agencies)|transferred\s+to",
    ),
    transfer_mention: re(
        r"(?i)(?:utanför|inom|outside(?:\s+(?:of\s+)?the)?|within(?:\s+the)?)\s+(?:EU|EES|EU/EES|EEA|EU/EEA|Europa|Europe|European)|tredje\s?land|third\s+countr|(?:överför\w*|transfer\w*)[^.]{0,80}?\b(?:till|to)\s+(?:the\s+)?(?:(?-i:USA|US)|United\s+States|Förenta\s+staterna|Storbritannien|United\s+Kingdom|(?-i:UK)|Kanada|Canada|Indien|India|Kina|China|Japan|Schweiz|Switzerland|Australien|Australia)\b|(?:servrar|server|servers|datacenter|serverhall|lagras|lagrar|behandlar|processed|stored|hosted)[^.\n]{0,60}\b(?:i|in)\s+(?:Sverige|Sweden)\b",
    ),
    transfer_out: re(
        r"(?i)(?:överför|behandlas|lagras|transfer|processed|stored)[^.\n]{0,80}?(?:utanför|outside(?:\s+(?:of\s+)?the)?)\s+(?:EU|EES|EEA|Europa|Europe|European)|(?:land|länder)\s+utanför\s+(?:EU|EES)|countr(?:y|ies)\s+outside\s+(?:the\s+)?(?:EU|EEA)|tredje\s?land|third\s+countr|(?:överför\w*|transfer\w*)[^.]{0,80}?\b(?:till|to)\s+(?:the\s+)?(?:(?-i:USA|US)|United\s+States|Förenta\s+staterna|Storbritannien|United\s+Kingdom|(?-i:UK)|Kanada|Canada|Indien|India|Kina|China|Japan|Schweiz|Switzerland|Australien|Australia)\b",
    ),
    negation: re(r"(?i)\b(?:inte|inga|inget|ingen|ej|aldrig|never|not|no|none|neither)\b"),
    mechanism: re(
        r"(?i)standardavtalsklausul|standard\s+contractual|\bSCCs?\b|adekvat\s+skyddsnivå|beslut\s+om\s+adekvat|adequacy|data\s+privacy\s+framework|\bDPF\b|bindande\s+företagsbestämmelser|binding\s+corporate|\bBCRs?\b|art(?:ikel|icle|\.)?\s*4[5-9]\b|derogation",
    ),
    retention: re(
        r"(?i)lagringstid|\bspara[rs]?\b|\blagra[rs]?\b|behåll|bevara|radera[rs]?\b|tas\s+bort|gallr|retention|\bretain|\bkept\b|\bkeep\b|\bstored?\b|\bdelete",
    ),
    period: re(
        r"(?i)\d+\s*(?:dag|dagar|vecka|veckor|månad|månader|år|days?|weeks?|months?|years?)\b|\b(?:en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|arton|tjugofyra|trettiosex|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty-four|thirty-six)\s+(?:dag|dagar|vecka|veckor|månad|månader|år|days?|weeks?|months?|years?)\b",
    ),
    // Periods that are not retention: notice of changes, answer times, breach notification.
    not_retention: re(r"(?i)varsel|notice|besvar|\bsvar|answer|respond|underrätt|notif"),
    how_long: re(r"(?i)lagringstid|\bperiod|hur\s+länge|how\s+long|retention"),
    as_long_as: re(r"(?i)så\s+länge|as\s+long\s+as|only\s+for\s+as\s+long"),
    // A sentence that grants something: a right, a request, what the person can do.
    frame: re(r"(?i)\brätt|\bbegär|\brequest|\bright|\bkan\b|\bcan\b|\bmay\b|\bfår\b|:\s*$"),
    strict_frame: re(
        r"(?i)\brätt|\bbegär|\brequest|\bright|\bask\b|\bvill\s+du\b|\bom\s+du\s+vill\b|\bif\s+you\s+(?:want|wish)",
    ),
    access: re(
        r"(?i)registerutdrag|rätt(?:en)?\s+(?:till|att\s+(?:begära|få))\s+(?:\w+\s+){0,2}tillgång|tillgång\s+till\s+(?:\w+\s+){0,3}(?:personuppgifter|uppgifter)|få\s+ut\s+(?:\w+\s+){0,3}(?:information|uppgifter|personuppgifter)|kopia\s+av\s+(?:\w+\s+){0,3}(?:personuppgifter|uppgifter)|right\s+(?:of|to)\s+access|access\s+(?:to\s+)?(?:\w+\s+){0,2}(?:data|information)|copy\s+of\s+(?:\w+\s+){0,3}data|subject\s+access|(?:rätt\s+att|begära\s+att|du\s+kan|du\s+får)\s+(?:\w+\s+){0,2}ta\s+del\s+av\s+(?:\w+\s+){0,3}(?:\w*uppgift|\w*journal|information|data|register)|få\s+(?:en\s+)?kopia\s+(?:av|på|över)\s+(?:\w+\s+){0,5}(?:\w*uppgift|\w*journal|information|data|register)|(?:begära\s+)?kopia\s+(?:av|på)\s+(?:\w+\s+){0,3}(?:\w*uppgift|\w*journal)|få\s+veta\s+(?:\w+\s+){0,2}(?:vilka|vilken|vilket|vad|om)\s+(?:\w+\s+){0,5}(?:\w*uppgift|information|data|register)|information\s+om\s+(?:vilka|vilken|vilket|vad)\s+(?:\w+\s+){0,2}(?:\w*uppgift|information|data)|(?:know|find\s+out|learn|be\s+told|informed\s+of)\s+(?:\w+\s+){0,2}(?:what|which)\s+(?:\w+\s+){0,3}(?:data|information)|(?:a\s+)?copy\s+of\s+(?:\w+\s+){0,3}(?:information|records)",
    ),
    rectification: re(
        r"(?i)rättelse|\brätta[rd]?e?\s+(?:\w+\s+){0,3}(?:uppgift|personuppgift|felaktig|information)|\brättas\b|\b(?:uppgifter|information)\s+(?:\w+\s+){0,2}rättade?\b|ändrar\s+(?:\w+\s+){0,2}(?:uppgifter|personuppgifter|felaktig)|uppdaterar\s+(?:\w+\s+){0,2}(?:uppgifter|personuppgifter)|korriger|ändra\s+(?:\w+\s+){0,2}(?:uppgifter|personuppgifter)|rectif|correct\s+(?:\w+\s+){0,3}(?:data|information)|update\s+your\s+(?:personal\s+)?(?:data|information|details)",
    ),
    erasure: re(
        r"(?i)radering|\braderas\b|\bradera[rd]?e?\b|ta\s+bort|tar\s+bort|tas\s+bort|borttag(?:en|et|na|ning)|utplån|förstör|erasure|\berase|\bdelet|right\s+to\s+be\s+forgotten|bortglömd",
    ),
    // Restriction of *processing*: "kan begränsas" of a web site's functions and
    // "nätbegränsning" are not the right.
    restriction: re(
        r"(?i)\bbegränsning\b|begränsa[rs]?\s+(?:\w+\s+){0,3}behandling|begränsad\s+behandling|behandling\w*\s+(?:\w+\s+){0,6}begränsas|\brestrict(?:ion|s)?\s+(?:of\s+)?(?:the\s+|your\s+)?processing|right\s+to\s+restrict|\brestriction\b",
    ),
    portability: re(
        r"(?i)portabilitet|portability|maskinläsbar|machine.readable|överföra\s+(?:\w+\s+){0,4}till\s+en\s+annan|transmit\s+(?:\w+\s+){0,4}to\s+another",
    ),
    object: re(r"(?i)invänd|invända|motsätt|\bobject(?:ion)?\b|\bobject\s+to"),
    legitimate: re(
        r"(?i)intresseavvägning|berättigat?\s+intresse|berättigade\s+intresse|särskild\s+situation|personliga\s+skäl|legitimate\s+interest|particular\s+situation",
    ),
    marketing: re(
        r"(?i)marknadsför|nyhetsbrev|erbjudanden|reklam|utskick|marketing|newsletter|\boffers\b|advertis",
    ),
    stop: re(
        r"(?i)invänd|motsätt|avregistrer|avanmäl|avsluta|säga\s+upp|tacka\s+nej|inte\s+(?:vill|önskar)|slippa|\bobject|opt.?out|unsubscribe|stop\s+receiving|do\s+not\s+(?:want|wish)|no\s+longer\s+(?:want|wish)",
    ),
    consent: re(r"(?i)samtyck|\bconsent"),
    consent_plain: re(&["(?i)", CONSENT_PLAIN].concat()),
    // A promise not to do something without permission ("vi säljer inte uppgifterna om vi
    // inte har ditt tillstånd") bases nothing on consent.
    consent_hypothetical: re(
        r"(?i)\butan\s+(?:\w+\s+)?(?:ditt|dina|ert)\b|\bom\s+(?:vi\s+|du\s+)?(?:inte|ej)\s+(?:\w+\s+){0,3}(?:ditt|dina|ert|godkänner|tillåter)\b|\bunless\b|\bwithout\s+(?:\w+\s+)?your\b",
    ),
    withdraw: re(
        r"(?i)återkall|återta|ta\s+tillbaka|dra\s+tillbaka|drar\s+tillbaka|withdraw|revoke",
    ),
    authority: re(
        r"(?i)integritetsskyddsmyndigheten|\bIMY\b|datainspektionen|tillsynsmyndighet|supervisory\s+authority|data\s+protection\s+authority",
    ),
    complaint: re(r"(?i)klag|anmäl|complain|lodge|\breport|vända\s+dig\s+till"),
    from_others: re(
        r"(?i)\b(?:från|ur|via|from|through)\s+(?:\w+\s+){0,2}(?:andra\s+källor|externa\s+källor|tredje\s+(?:part|man)|other\s+sources|external\s+sources|third\s+part(?:y|ies)|offentliga\s+register|public\s+(?:registers?|sources))",
    ),
    obtain: re(
        r"(?i)hämta|erhåll|samla\w*\s+in|\bfå\b|\bfår\b|köp|komplettera|uppdatera|\bobtain|\breceiv|\bcollect|\bget\b|\bbuy",
    ),
    source_named: re(
        r"(?i:kreditupplys|Bolagsverket|\bSPAR\b|folkbokför|Skatteverket|\bUC\b|credit\s+(?:reference|rating|agenc|bureau)|sociala\s+medier|social\s+media|arbetsgivare|employer|adressregister)|[\p{Ll},:;–-][ \t]+\p{Lu}\p{Ll}{2,}|\(\p{Lu}\p{Ll}{2,}",
    ),
    automated: re(
        r"(?i)automatiserat\s+beslutsfattande|automatiserade?\s+(?:individuella\s+)?beslut|automatiska\s+(?:individuella\s+)?beslut|profilering|automated\s+(?:individual\s+)?decision|profiling",
    ),
    automated_use: re(
        r"(?i)använd|fattar|tillämpa|förekommer|\buse|\bmake|\bemploy|\bkan\b|\bmay\b",
    ),
    logic: re(r"(?i)logik|logic|konsekvens|consequence|betydelse|significance|följder"),
    personnummer: re(
        r"(?i)personnummer|samordningsnummer|personal\s+identity\s+number|national\s+identification\s+number|social\s+security\s+number",
    ),
    justified: re(
        r"(?i)säker\s+identifiering|säkert\s+identifiera|identifiera\s+dig\s+säkert|klart\s+motiverat|beaktansvärt\s+skäl|secure\s+identification|identify\s+you\s+(?:securely|reliably)|clearly\s+justified",
    ),
    // A natural person named as the controller: a profession or "innehavare" before a
    // first and a last name ("Tandläkare Anna Berg"). Case-sensitive for the name. (A bare
    // "personuppgiftsansvarig är Två Ord" is not enough: brands look the same.)
    person_named: re(
        r"(?:(?i:tandläkare|tandhygienist|läkare|psykolog|psykoterapeut|fysioterapeut|sjukgymnast|naprapat|kiropraktor|dietist|barnmorska|sjuksköterska|veterinär|advokat|jurist|revisor|redovisningskonsult|fotograf|frisör|terapeut|massör|arkitekt|innehavare|ägare|dentist|hygienist|physician|psychologist|physiotherapist|lawyer|accountant|photographer|owner|proprietor)\.?\s+)(?:(?i:leg)\.?\s+)?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?\s+\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?\b",
    ),
    // "vi och vår kund kan ta del av": someone other than the person may see the data. The
    // words around the verb tell "du kan ta del av" (access) apart.
    others_may_see: re(
        r"(?i)\w+\s+(?:\w+\s+)?(?:kan|får|behöver|ska|måste)\s+(?:\w+\s+){0,3}ta\s+del\s+av|\w+\s+(?:can|may|will)\s+(?:also\s+)?(?:have\s+)?access\s+(?:to\s+)?(?:\w+\s+){0,2}(?:data|information)",
    ),
    // A reason that makes personnummer clearly justified (dataskyddslagen 3 kap. 10 §) in
    // the same or the next sentence: a tax reduction claimed from Skatteverket, whose
    // request must carry the buyer's personnummer (lag (2009:194) 8–9 §§); a patient
    // record, which must identify the patient (patientdatalagen (2008:355) 3 kap. 6 §);
    // a credit check; a duty under law; secure identification.
    personnummer_reason: re(
        r"(?i)\b(?:rot|rut|hus)[\s-]?avdrag|skattereduktion|skatteverket|\w*journal|patientdatalag|\w*vård\b|kreditupplys|kreditprövning|kreditkontroll|enligt\s+lag|lagkrav|krävs\s+(?:\w+\s+){0,2}lag|lagen\s+kräver|identifiera\s+dig|identifiering|tax\s+(?:deduction|reduction)|patient\s+record|credit\s+check|required\s+by\s+law|legal\s+requirement|identify\s+you|identification",
    ),
});

/// What the policy itself says it uses, for the statement rules to check its claims
/// against: a US company named in it, and an analytics or advertising cookie.
pub fn facts(text: &str) -> Facts {
    let p = &*P;
    let tracking = p
        .tracking_tool
        .find(text)
        .map(|m| m.as_str().to_owned())
        .or_else(|| {
            // A platform named with cookies and a tracking purpose on the same line.
            text.lines().find_map(|l| {
                (p.cookie.is_match(l) && p.tracking_word.is_match(l))
                    .then(|| p.platform.find(l).map(|m| m.as_str().to_owned()))
                    .flatten()
            })
        });
    Facts {
        third_country_recipient: p
            .us_company
            .find(text)
            .map(|m| format!("{} (a US company named in the policy)", m.as_str())),
        tracking_cookie: tracking.map(|t| format!("{t} (named in the policy)")),
    }
}

/// Audits a policy. Statement findings come in line order, then the missing elements.
pub fn audit(doc: &Document) -> Vec<Finding> {
    let text = doc.text();
    let idx = LineIndex::new(text);
    let line_of = |offset: usize| doc.source_line(&idx, offset);
    let sents = sentences(text);
    let mut out: Vec<Finding> = Vec::new();

    // 1. Statements: one finding per rule, at its first sentence, naming the other lines.
    let mut hits = statements::scan(text, &facts(text));
    // 1b. A heading naming restriction over a paragraph that describes portability.
    let headings = mislabelled_restriction(text);
    for &(heading, body) in &headings {
        hits.push(statements::Hit {
            rule: "restriction-described-as-portability",
            span: body,
            with_sentence: false,
            detail: Some(format!(
                "under the heading {} (line {}) the text describes data portability",
                quote(&text[heading.start..heading.end]),
                line_of(heading.start)
            )),
        });
    }
    for hit in hits {
        let line = line_of(hit.span.start);
        if let Some(f) = out.iter_mut().find(|f| f.rule == hit.rule) {
            if f.line != Some(line) && !f.also_on_lines.contains(&line) {
                f.also_on_lines.push(line);
            }
            continue;
        }
        let Some(r) = lint::rule(hit.rule) else {
            continue;
        };
        let message = match hit.detail {
            Some(d) => format!("{} ({d})", r.summary.trim_end_matches('.')),
            None => r.summary.to_owned(),
        };
        out.push(Finding {
            rule: r.id,
            severity: r.severity,
            message,
            line: Some(line),
            also_on_lines: Vec::new(),
            sentence: Some(text[hit.span.start..hit.span.end].to_owned()),
            looked_for: None,
            law: r.law,
            fix: r.fix,
        });
    }
    out.sort_by_key(|f| (f.line, f.severity));

    // 2. Missing elements.
    let mut missing = |id: &'static str, at: Option<(usize, &str)>, detail: Option<String>| {
        let Some(r) = ELEMENTS.iter().find(|r| r.id == id) else {
            return;
        };
        let looked_for = LOOKED_FOR.iter().find(|(i, _)| *i == id).map(|(_, l)| *l);
        out.push(Finding {
            rule: r.id,
            severity: r.severity,
            message: match detail {
                Some(d) => format!("{} ({d})", r.summary.trim_end_matches('.')),
                None => r.summary.to_owned(),
            },
            line: at.map(|(o, _)| line_of(o)),
            also_on_lines: Vec::new(),
            sentence: at.map(|(_, s)| s.to_owned()),
            looked_for,
            law: r.law,
            fix: r.fix,
        });
    };
    let p = &*P;
    let any = |r: &Regex| r.is_match(text);
    let sentence = |pred: &dyn Fn(&str) -> bool| sents.iter().find(|s| pred(s.text));
    let has = |pred: &dyn Fn(&str) -> bool| sentence(pred).is_some();

    // Controller (Art. 13.1 a).
    // A sole practitioner named by profession and name ("Tandläkare Anna Berg") is identified:
    // Art. 13.1 a asks for the controller's identity, and a natural person's name is one. Whether
    // the practice is an enskild firma (and its organisationsnummer, which e-handelslagen 8 §
    // asks of a web shop) cannot be read from the name, so the orgnr warning stays and says so.
    let orgnr = any(&p.orgnr);
    let person = p.person_named.find(text).map(|m| m.as_str().to_owned());
    if !orgnr && !any(&p.legal_name) && person.is_none() {
        missing("audit-controller-identity", None, None);
    } else if !orgnr {
        missing(
            "audit-controller-orgnr",
            None,
            person.map(|n| {
                format!("a person, {n}, is named; if this is an enskild firma, say so and give its organisationsnummer")
            }),
        );
    }
    if !any(&p.email) && !any(&p.postal) && !any(&p.phone) {
        missing("audit-controller-contact", None, None);
    }
    // The DPO (Art. 13.1 b): contact details near a mention.
    if let Some(m) = p.dpo.find(text) {
        let lines: Vec<&str> = text.lines().collect();
        let first = idx.line_col(text, m.start()).0 - 1;
        let near = text
            .lines()
            .enumerate()
            .filter(|(_, l)| p.dpo.is_match(l))
            .any(|(i, _)| {
                lines[i..lines.len().min(i + 4)]
                    .iter()
                    .any(|l| p.email.is_match(l) || p.phone.is_match(l))
            });
        if !near {
            let s = sents
                .iter()
                .find(|s| s.start >= m.start().saturating_sub(200) && p.dpo.is_match(s.text));
            missing(
                "audit-dpo-contact",
                s.map(at)
                    .or(Some((m.start(), lines.get(first).copied().unwrap_or("")))),
                None,
            );
        }
    }
    if !any(&p.purposes) {
        missing("audit-purposes", None, None);
    }
    // Consent in plain words, in a sentence that bases processing on it.
    let plain_consent =
        has(&|t| p.consent_plain.is_match(t) && !p.consent_hypothetical.is_match(t));
    if !any(&p.legal_basis) && !plain_consent {
        missing("audit-legal-basis", None, None);
    }
    // "vår kund kan ta del av": someone other than the person sees the data; "du kan ta del
    // av" is the right of access, not a recipient.
    let others_may_see = p.others_may_see.find_iter(text).any(|m| {
        !m.as_str().split_whitespace().any(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "du" | "ni" | "you" | "rätt" | "right"
            )
        })
    });
    if !any(&p.recipients) && !others_may_see {
        missing("audit-recipients", None, None);
    }
    // Transfers (Art. 13.1 f).
    if !any(&p.transfer_mention) {
        let named = p.us_company.find(text).map(|m| {
            format!(
                "{} is named, a US company whose services send data to the United States",
                m.as_str()
            )
        });
        missing("audit-transfers", None, named);
    } else if let Some(s) =
        sentence(&|t| p.transfer_out.is_match(t) && !p.negation.is_match(t) && !is_heading(t))
        && !any(&p.mechanism)
    {
        missing("audit-transfer-safeguards", Some(at(s)), None);
    }
    // Retention (Art. 13.2 a): a period, not only "as long as necessary".
    let has_period = sents
        .iter()
        .any(|s| p.period.is_match(s.text) && !p.not_retention.is_match(s.text));
    if !has_period {
        // Point at the vaguest sentence: "so long as", else one about periods (not a
        // one-word heading), else any about keeping data.
        let vague = sentence(&|t| p.retention.is_match(t) && p.as_long_as.is_match(t))
            .or_else(|| {
                sentence(&|t| {
                    p.how_long.is_match(t)
                        && p.retention.is_match(t)
                        && t.split_whitespace().count() > 3
                })
            })
            .or_else(|| sentence(&|t| p.retention.is_match(t)));
        match vague {
            Some(s) => missing("audit-retention-period", Some(at(s)), None),
            None => missing(
                "audit-retention-period",
                None,
                Some("nothing is said of how long data are kept".into()),
            ),
        }
    }
    // The rights (Art. 13.2 b). A heading naming restriction over a portability paragraph
    // does not state restriction.
    let heading_starts: Vec<usize> = headings.iter().map(|(h, _)| h.start).collect();
    // A list item is read with its lead-in: "Du har rätt att:" + "- begära registerutdrag".
    let leads = lead_ins(text);
    let framed: Vec<std::borrow::Cow<'_, str>> = sents
        .iter()
        .map(|s| match leads.get(idx.line(s.start).saturating_sub(1)) {
            Some(Some(lead)) => format!("{lead} {}", s.text).into(),
            _ => s.text.into(),
        })
        .collect();
    let framed_has = |pred: &dyn Fn(&str) -> bool| framed.iter().any(|t| pred(t));
    let right = |r: &Regex| {
        sents.iter().zip(&framed).any(|(s, t)| {
            r.is_match(s.text) && p.frame.is_match(t) && !heading_starts.contains(&s.start)
        })
    };
    if !right(&p.access) {
        missing("audit-right-access", None, None);
    }
    if !right(&p.rectification) {
        missing("audit-right-rectification", None, None);
    }
    // Policies describe their own deletion routines ("raderas löpande"); the right needs a
    // right or a request in the sentence.
    if !framed_has(&|t| p.erasure.is_match(t) && p.strict_frame.is_match(t)) {
        missing("audit-right-erasure", None, None);
    }
    if !right(&p.restriction) {
        missing("audit-right-restriction", None, None);
    }
    if !right(&p.portability) {
        missing("audit-right-portability", None, None);
    }
    if !framed_has(&|t| {
        p.object.is_match(t)
            && p.frame.is_match(t)
            && (!p.marketing.is_match(t) || p.legitimate.is_match(t))
    }) {
        missing("audit-right-object", None, None);
    }
    if any(&p.marketing)
        && !framed_has(&|t| p.stop.is_match(t) && p.marketing.is_match(t) && p.frame.is_match(t))
    {
        missing("audit-right-object-marketing", None, None);
    }
    if (any(&p.consent) || plain_consent) && !any(&p.withdraw) {
        missing("audit-withdraw-consent", None, None);
    }
    if !text
        .lines()
        .any(|l| p.authority.is_match(l) && p.complaint.is_match(l))
        && !framed_has(&|t| p.authority.is_match(t) && p.complaint.is_match(t))
    {
        missing("audit-complaint-authority", None, None);
    }
    // Sources (Art. 14.2 f).
    // The line and the next decide whether a source is named: "från andra källor – t.ex.
    // från kreditupplysningsföretag" is two sentences to the splitter, and a heading
    // ("Information från andra källor") is followed by the text that names them.
    let line_and_next = |s: &statements::Sentence<'_>| {
        let after = s.start + s.text.len();
        let next = text[after..]
            .split('\n')
            .skip(1)
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        format!("{}\n{next}", s.line)
    };
    if let Some(s) = sents.iter().find(|s| {
        p.from_others.is_match(s.text)
            && p.obtain.is_match(s.text)
            && !p.source_named.is_match(&line_and_next(s))
    }) {
        missing("audit-source-unnamed", Some(at(s)), None);
    }
    // Automated decisions (Art. 13.2 f).
    if !any(&p.automated) {
        missing("audit-automated-decisions", None, None);
    } else if let Some(s) = sentence(&|t| {
        p.automated.is_match(t) && p.automated_use.is_match(t) && !p.negation.is_match(t)
    }) && !any(&p.logic)
    {
        missing("audit-automated-decision-logic", Some(at(s)), None);
    }
    // Personnummer (dataskyddslagen 3 kap. 10 §).
    // A reason in the same sentence or the next ("för att söka ROT-avdrag … måste vi
    // registrera personnummer") justifies that mention; the first unjustified one is reported.
    let reason_near = |i: usize| {
        sents[i..sents.len().min(i + 2)]
            .iter()
            .any(|s| p.personnummer_reason.is_match(s.text))
    };
    if !any(&p.justified)
        && let Some(s) = sents
            .iter()
            .enumerate()
            .find(|(i, s)| p.personnummer.is_match(s.text) && !reason_near(*i))
            .map(|(_, s)| s)
    {
        missing("audit-personnummer-justification", Some(at(s)), None);
    }
    out
}

/// Whether a sentence is a heading: no closing punctuation and at most eight words
/// ("Överföring till länder utanför EU/EES"). A heading names a subject; it claims nothing.
fn is_heading(t: &str) -> bool {
    let t = t.trim();
    !t.ends_with(['.', '!', '?', ':', ';', ',']) && t.split_whitespace().count() <= 8
}

/// For each line of `text` (0-based), the lead-in it completes when it is an item of a list
/// under a line ending in a colon ("You have the right to:"): list items, lines starting in
/// lower case (an HTML `<li>` has no marker) and blank lines stay under the lead-in; any
/// other line ends the list.
fn lead_ins(text: &str) -> Vec<Option<&str>> {
    let mut lead: Option<&str> = None;
    text.split('\n')
        .map(|line| {
            let t = line.trim();
            if t.is_empty() {
                return None;
            }
            let item = statements::is_list_item(t) || t.starts_with(char::is_lowercase);
            if item && lead.is_some() {
                return lead;
            }
            lead = t.ends_with(':').then_some(t);
            None
        })
        .collect()
}

/// (heading, body) spans where a line that is only a heading naming restriction is
/// followed by a paragraph that speaks of portability and not of restriction.
fn at<'a>(s: &statements::Sentence<'a>) -> (usize, &'a str) {
    (s.start, s.text)
}

/// (heading, body) spans: see below.
fn mislabelled_restriction(text: &str) -> Vec<(crate::text::Span, crate::text::Span)> {
    let p = &*P;
    let mut out = Vec::new();
    let mut offset = 0;
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .map(|l| {
            let at = offset;
            offset += l.len() + 1;
            (at, l)
        })
        .collect();
    for (i, (at, line)) in lines.iter().enumerate() {
        if !p.restriction_heading.is_match(line) {
            continue;
        }
        let Some((body_at, body)) = lines[i + 1..].iter().find(|(_, l)| !l.trim().is_empty())
        else {
            continue;
        };
        if statements::portability().is_match(body) && !p.restriction.is_match(body) {
            let h = line.trim();
            let h_at = at + (line.len() - line.trim_start().len());
            let b = body.trim();
            let b_at = body_at + (body.len() - body.trim_start().len());
            out.push((
                crate::text::Span::new(h_at, h_at + h.len()),
                crate::text::Span::new(b_at, b_at + b.len()),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
