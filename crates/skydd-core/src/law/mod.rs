//! Rules of law as data: the legal bases of GDPR Art. 6(1), the conditions of Art. 9(2),
//! transfer mechanisms of Chapter V, the Swedish statutes that impose retention, the
//! supervisory authority (IMY) and the Commission's adequacy decisions.
//!
//! Every value carries its citation, so output can always say which article it rests on.

pub mod countries;

use serde::Serialize;

use crate::diagnostic::suggestion;
use crate::retention::{Anchor, Event, Period, RetentionRule, Unit};
use crate::text::Lang;

/// A closed set of named values that can be written in a register in several ways.
pub trait Keyword: Sized + Copy + 'static {
    /// What the value is, for messages ("legal basis").
    const WHAT: &'static str;
    /// Every accepted spelling (normalised: lower case, `_` for separators) and its value.
    /// The first spelling of each value is its canonical key.
    fn spellings() -> &'static [(&'static str, Self)];
}

/// Why a keyword could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{input}`; expected one of: {expected}")]
pub struct KeywordError {
    /// What was being read.
    pub what: &'static str,
    /// What was written.
    pub input: String,
    /// The canonical keys, comma-separated.
    pub expected: String,
    /// "did you mean …", when a spelling is close.
    pub suggestion: Option<String>,
}

/// Lower case, with every run of separators (space, `-`, `.`, `/`, `_`, and the en dash of
/// "EU–US") one `_`: "hälso- och sjukvård" and "hälso_och_sjukvård" read alike.
fn normalise(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().to_lowercase().chars() {
        if matches!(c, ' ' | '-' | '.' | '/' | '_' | '–' | '\u{a0}') {
            if !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads a keyword in any accepted spelling.
pub fn parse_keyword<T: Keyword + PartialEq>(input: &str) -> Result<T, KeywordError> {
    let n = normalise(input);
    let n = n.trim_matches('_');
    if let Some((_, v)) = T::spellings().iter().find(|(k, _)| *k == n) {
        return Ok(*v);
    }
    let mut canonical: Vec<&str> = Vec::new();
    for (k, v) in T::spellings() {
        if !T::spellings()
            .iter()
            .any(|(k2, v2)| v2 == v && canonical.contains(k2))
        {
            canonical.push(k);
        }
    }
    Err(KeywordError {
        what: T::WHAT,
        input: input.to_owned(),
        expected: canonical.join(", "),
        suggestion: suggestion(n, T::spellings().iter().map(|(k, _)| *k)),
    })
}

/// The canonical key of a keyword value.
pub fn keyword_key<T: Keyword + PartialEq>(v: T) -> &'static str {
    T::spellings()
        .iter()
        .find(|(_, x)| *x == v)
        .map_or("?", |(k, _)| k)
}

/// A lawful basis for processing, GDPR Art. 6(1)(a)–(f). Swedish names are IMY's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// (a) samtycke.
    Consent,
    /// (b) avtal.
    Contract,
    /// (c) rättslig förpliktelse.
    LegalObligation,
    /// (d) grundläggande intresse.
    VitalInterests,
    /// (e) allmänt intresse eller myndighetsutövning.
    PublicTask,
    /// (f) intresseavvägning.
    LegitimateInterests,
}

impl Keyword for LegalBasis {
    const WHAT: &'static str = "legal basis";
    fn spellings() -> &'static [(&'static str, Self)] {
        use LegalBasis::*;
        &[
            ("consent", Consent),
            ("contract", Contract),
            ("legal_obligation", LegalObligation),
            ("vital_interests", VitalInterests),
            ("public_task", PublicTask),
            ("legitimate_interests", LegitimateInterests),
            ("samtycke", Consent),
            ("avtal", Contract),
            ("rättslig_förpliktelse", LegalObligation),
            ("grundläggande_intresse", VitalInterests),
            ("allmänt_intresse", PublicTask),
            ("myndighetsutövning", PublicTask),
            ("intresseavvägning", LegitimateInterests),
            ("legitimate_interest", LegitimateInterests),
            ("a", Consent),
            ("b", Contract),
            ("c", LegalObligation),
            ("d", VitalInterests),
            ("e", PublicTask),
            ("f", LegitimateInterests),
            ("6_1_a", Consent),
            ("6_1_b", Contract),
            ("6_1_c", LegalObligation),
            ("6_1_d", VitalInterests),
            ("6_1_e", PublicTask),
            ("6_1_f", LegitimateInterests),
            // Swedish as written in policies (IMY's names are above).
            ("berättigat_intresse", LegitimateInterests),
            ("berättigade_intressen", LegitimateInterests),
            ("berättigat_intresse_intresseavvägning", LegitimateInterests),
            ("fullgörande_av_avtal", Contract),
            ("avtalsfullgörelse", Contract),
            ("rättslig_skyldighet", LegalObligation),
            ("lagkrav", LegalObligation),
            ("grundläggande_intressen", VitalInterests),
            ("uppgift_av_allmänt_intresse", PublicTask),
            ("allmänt_intresse_eller_myndighetsutövning", PublicTask),
            ("art_6_1_a", Consent),
            ("art_6_1_b", Contract),
            ("art_6_1_c", LegalObligation),
            ("art_6_1_d", VitalInterests),
            ("art_6_1_e", PublicTask),
            ("art_6_1_f", LegitimateInterests),
        ]
    }
}

impl LegalBasis {
    /// The point of Art. 6(1) it rests on.
    pub fn article(self) -> &'static str {
        match self {
            LegalBasis::Consent => "GDPR art. 6.1 a",
            LegalBasis::Contract => "GDPR art. 6.1 b",
            LegalBasis::LegalObligation => "GDPR art. 6.1 c",
            LegalBasis::VitalInterests => "GDPR art. 6.1 d",
            LegalBasis::PublicTask => "GDPR art. 6.1 e",
            LegalBasis::LegitimateInterests => "GDPR art. 6.1 f",
        }
    }

    /// The name used in notices (IMY's Swedish names).
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            LegalBasis::Consent => lang.pick("Samtycke", "Consent"),
            LegalBasis::Contract => lang.pick("Avtal", "Contract"),
            LegalBasis::LegalObligation => lang.pick("Rättslig förpliktelse", "Legal obligation"),
            LegalBasis::VitalInterests => lang.pick("Grundläggande intresse", "Vital interests"),
            LegalBasis::PublicTask => lang.pick(
                "Allmänt intresse eller myndighetsutövning",
                "Public interest or official authority",
            ),
            LegalBasis::LegitimateInterests => {
                lang.pick("Intresseavvägning", "Legitimate interests")
            }
        }
    }

    /// The canonical key, as written in a register.
    pub fn key(self) -> &'static str {
        keyword_key(self)
    }
}

/// A condition of GDPR Art. 9(2) lifting the ban on special categories of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Art9Condition {
    /// (a) uttryckligt samtycke.
    ExplicitConsent,
    /// (b) arbetsrätt och social trygghet.
    Employment,
    /// (c) grundläggande intresse när den registrerade inte kan ge samtycke.
    VitalInterests,
    /// (d) ideell organisation med politiskt, filosofiskt, religiöst eller fackligt syfte.
    NonProfit,
    /// (e) uppgifter som den registrerade offentliggjort.
    MadePublic,
    /// (f) rättsliga anspråk.
    LegalClaims,
    /// (g) viktigt allmänt intresse.
    SubstantialPublicInterest,
    /// (h) hälso- och sjukvård.
    HealthCare,
    /// (i) folkhälsa.
    PublicHealth,
    /// (j) arkiv, forskning, statistik.
    Archiving,
}

impl Keyword for Art9Condition {
    const WHAT: &'static str = "Art. 9(2) condition";
    fn spellings() -> &'static [(&'static str, Self)] {
        use Art9Condition::*;
        &[
            ("explicit_consent", ExplicitConsent),
            ("employment", Employment),
            ("vital_interests", VitalInterests),
            ("non_profit", NonProfit),
            ("made_public", MadePublic),
            ("legal_claims", LegalClaims),
            ("substantial_public_interest", SubstantialPublicInterest),
            ("health_care", HealthCare),
            ("public_health", PublicHealth),
            ("archiving", Archiving),
            ("uttryckligt_samtycke", ExplicitConsent),
            ("a", ExplicitConsent),
            ("b", Employment),
            ("c", VitalInterests),
            ("d", NonProfit),
            ("e", MadePublic),
            ("f", LegalClaims),
            ("g", SubstantialPublicInterest),
            ("h", HealthCare),
            ("i", PublicHealth),
            ("j", Archiving),
            ("arbetsrätt", Employment),
            ("arbetsrätt_och_social_trygghet", Employment),
            ("grundläggande_intresse", VitalInterests),
            ("ideell_organisation", NonProfit),
            ("offentliggjorda_uppgifter", MadePublic),
            ("offentliggjort", MadePublic),
            ("rättsliga_anspråk", LegalClaims),
            ("viktigt_allmänt_intresse", SubstantialPublicInterest),
            ("hälso_och_sjukvård", HealthCare),
            ("vård", HealthCare),
            ("folkhälsa", PublicHealth),
            ("arkiv", Archiving),
            ("arkiv_forskning_statistik", Archiving),
            ("arkivändamål", Archiving),
        ]
    }
}

impl Art9Condition {
    /// The point of Art. 9(2).
    pub fn article(self) -> &'static str {
        use Art9Condition::*;
        match self {
            ExplicitConsent => "GDPR art. 9.2 a",
            Employment => "GDPR art. 9.2 b",
            VitalInterests => "GDPR art. 9.2 c",
            NonProfit => "GDPR art. 9.2 d",
            MadePublic => "GDPR art. 9.2 e",
            LegalClaims => "GDPR art. 9.2 f",
            SubstantialPublicInterest => "GDPR art. 9.2 g",
            HealthCare => "GDPR art. 9.2 h",
            PublicHealth => "GDPR art. 9.2 i",
            Archiving => "GDPR art. 9.2 j",
        }
    }

    /// The name used in notices.
    pub fn name(self, lang: Lang) -> &'static str {
        use Art9Condition::*;
        match self {
            ExplicitConsent => lang.pick("Uttryckligt samtycke", "Explicit consent"),
            Employment => lang.pick(
                "Skyldigheter inom arbetsrätten och den sociala tryggheten",
                "Obligations in employment and social security law",
            ),
            VitalInterests => lang.pick("Grundläggande intresse", "Vital interests"),
            NonProfit => lang.pick(
                "Ideell organisations verksamhet",
                "Activities of a not-for-profit body",
            ),
            MadePublic => lang.pick(
                "Uppgifter som du själv har offentliggjort",
                "Data you have manifestly made public",
            ),
            LegalClaims => lang.pick("Rättsliga anspråk", "Legal claims"),
            SubstantialPublicInterest => {
                lang.pick("Viktigt allmänt intresse", "Substantial public interest")
            }
            HealthCare => lang.pick("Hälso- och sjukvård", "Health or social care"),
            PublicHealth => lang.pick("Folkhälsa", "Public health"),
            Archiving => lang.pick(
                "Arkivändamål, forskning eller statistik",
                "Archiving, research or statistics",
            ),
        }
    }
}

/// The role of a recipient of personal data (Art. 4(9)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientRole {
    /// Personuppgiftsbiträde: processes on our behalf under an Art. 28 agreement.
    Processor,
    /// Självständigt personuppgiftsansvarig.
    Controller,
    /// Gemensamt personuppgiftsansvarig (Art. 26).
    JointController,
    /// A public authority receiving data under a legal duty (e.g. Polismyndigheten).
    Authority,
}

impl Keyword for RecipientRole {
    const WHAT: &'static str = "recipient role";
    fn spellings() -> &'static [(&'static str, Self)] {
        use RecipientRole::*;
        &[
            ("processor", Processor),
            ("controller", Controller),
            ("joint_controller", JointController),
            ("authority", Authority),
            ("personuppgiftsbiträde", Processor),
            ("biträde", Processor),
            ("underbiträde", Processor),
            ("sub_processor", Processor),
            ("personuppgiftsansvarig", Controller),
            ("independent_controller", Controller),
            ("gemensamt_personuppgiftsansvarig", JointController),
            ("myndighet", Authority),
            ("självständigt_personuppgiftsansvarig", Controller),
            ("självständig_personuppgiftsansvarig", Controller),
            ("gemensamt_ansvarig", JointController),
            ("gemensamt_personuppgiftsansvariga", JointController),
            ("gemensam_personuppgiftsansvarig", JointController),
            ("personuppgiftsbiträden", Processor),
            ("underbiträden", Processor),
            ("myndigheter", Authority),
            ("public_authority", Authority),
        ]
    }
}

impl RecipientRole {
    /// The name used in notices.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            RecipientRole::Processor => lang.pick("Personuppgiftsbiträde", "Processor"),
            RecipientRole::Controller => lang.pick(
                "Självständigt personuppgiftsansvarig",
                "Independent controller",
            ),
            RecipientRole::JointController => {
                lang.pick("Gemensamt personuppgiftsansvarig", "Joint controller")
            }
            RecipientRole::Authority => lang.pick("Myndighet", "Public authority"),
        }
    }
}

/// A lawful way to transfer personal data outside the EU/EEA (GDPR Chapter V).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferMechanism {
    /// An adequacy decision by the Commission (Art. 45).
    Adequacy,
    /// The EU–US Data Privacy Framework, an adequacy decision for certified US organisations
    /// (Commission Implementing Decision (EU) 2023/1795).
    DataPrivacyFramework,
    /// Standard contractual clauses (Art. 46(2)(c); Decision (EU) 2021/914).
    StandardContractualClauses,
    /// Binding corporate rules (Art. 47).
    BindingCorporateRules,
    /// A derogation for specific situations (Art. 49), for occasional transfers only.
    Derogation,
    /// The EU–US Privacy Shield (Decision (EU) 2016/1250), declared invalid by the CJEU in
    /// C-311/18 (Schrems II) on 16 July 2020. Read so that a register naming it gets an
    /// error saying why, not "unknown transfer mechanism".
    PrivacyShield,
    /// The Safe Harbour principles (Decision 2000/520/EC), declared invalid by the CJEU in
    /// C-362/14 (Schrems I) on 6 October 2015.
    SafeHarbor,
}

impl Keyword for TransferMechanism {
    const WHAT: &'static str = "transfer mechanism";
    fn spellings() -> &'static [(&'static str, Self)] {
        use TransferMechanism::*;
        &[
            ("adequacy", Adequacy),
            ("dpf", DataPrivacyFramework),
            ("scc", StandardContractualClauses),
            ("bcr", BindingCorporateRules),
            ("derogation", Derogation),
            ("adequacy_decision", Adequacy),
            ("beslut_om_adekvat_skyddsnivå", Adequacy),
            ("data_privacy_framework", DataPrivacyFramework),
            ("eu_us_dpf", DataPrivacyFramework),
            ("standard_contractual_clauses", StandardContractualClauses),
            ("standardavtalsklausuler", StandardContractualClauses),
            ("binding_corporate_rules", BindingCorporateRules),
            ("bindande_företagsbestämmelser", BindingCorporateRules),
            ("art49", Derogation),
            ("art_49", Derogation),
            ("undantag", Derogation),
            ("adekvat_skyddsnivå", Adequacy),
            ("adekvans", Adequacy),
            ("adekvansbeslut", Adequacy),
            ("beslut_om_adekvans", Adequacy),
            ("eu_us_data_privacy_framework", DataPrivacyFramework),
            ("dataskyddsramverket", DataPrivacyFramework),
            (
                "dataskyddsramverket_mellan_eu_och_usa",
                DataPrivacyFramework,
            ),
            ("standardavtalsklausulerna", StandardContractualClauses),
            ("standardklausuler", StandardContractualClauses),
            (
                "eu_kommissionens_standardavtalsklausuler",
                StandardContractualClauses,
            ),
            ("bindande_företagsregler", BindingCorporateRules),
            ("undantag_för_särskilda_situationer", Derogation),
            ("artikel_49", Derogation),
            ("privacy_shield", PrivacyShield),
            ("eu_us_privacy_shield", PrivacyShield),
            ("privacy_shield_framework", PrivacyShield),
            ("integritetsskölden", PrivacyShield),
            ("safe_harbor", SafeHarbor),
            ("safe_harbour", SafeHarbor),
            ("us_eu_safe_harbor", SafeHarbor),
        ]
    }
}

impl TransferMechanism {
    /// The article it rests on.
    pub fn article(self) -> &'static str {
        match self {
            TransferMechanism::Adequacy => "GDPR art. 45",
            TransferMechanism::DataPrivacyFramework => {
                "GDPR art. 45; kommissionens beslut (EU) 2023/1795"
            }
            TransferMechanism::StandardContractualClauses => {
                "GDPR art. 46.2 c; kommissionens beslut (EU) 2021/914"
            }
            TransferMechanism::BindingCorporateRules => "GDPR art. 47",
            TransferMechanism::Derogation => "GDPR art. 49.1",
            TransferMechanism::PrivacyShield => {
                "Beslut (EU) 2016/1250, ogiltigförklarat av EU-domstolen i mål C-311/18"
            }
            TransferMechanism::SafeHarbor => {
                "Beslut 2000/520/EG, ogiltigförklarat av EU-domstolen i mål C-362/14"
            }
        }
    }

    /// The judgment that struck the mechanism down, for mechanisms that are no longer valid.
    pub fn invalidated(self) -> Option<Invalidation> {
        match self {
            TransferMechanism::PrivacyShield => Some(Invalidation {
                case: "C-311/18 Data Protection Commissioner v Facebook Ireland and Maximillian Schrems (Schrems II)",
                date: "2020-07-16",
            }),
            TransferMechanism::SafeHarbor => Some(Invalidation {
                case: "C-362/14 Maximillian Schrems v Data Protection Commissioner (Schrems I)",
                date: "2015-10-06",
            }),
            _ => None,
        }
    }

    /// The name used in notices.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            TransferMechanism::Adequacy => lang.pick(
                "EU-kommissionens beslut om adekvat skyddsnivå",
                "European Commission adequacy decision",
            ),
            TransferMechanism::DataPrivacyFramework => lang.pick(
                "EU–US Data Privacy Framework (beslut om adekvat skyddsnivå)",
                "EU–US Data Privacy Framework (adequacy decision)",
            ),
            TransferMechanism::StandardContractualClauses => lang.pick(
                "EU-kommissionens standardavtalsklausuler",
                "European Commission standard contractual clauses",
            ),
            TransferMechanism::BindingCorporateRules => {
                lang.pick("Bindande företagsbestämmelser", "Binding corporate rules")
            }
            TransferMechanism::Derogation => lang.pick(
                "Undantag för särskilda situationer",
                "Derogation for a specific situation",
            ),
            TransferMechanism::PrivacyShield => lang.pick(
                "EU–US Privacy Shield (ogiltigt sedan 16 juli 2020)",
                "EU–US Privacy Shield (invalid since 16 July 2020)",
            ),
            TransferMechanism::SafeHarbor => lang.pick(
                "Safe Harbor (ogiltigt sedan 6 oktober 2015)",
                "Safe Harbor (invalid since 6 October 2015)",
            ),
        }
    }
}

/// A judgment of the Court of Justice of the EU that declared a transfer mechanism invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Invalidation {
    /// The case.
    pub case: &'static str,
    /// The day of the judgment (ISO 8601).
    pub date: &'static str,
}

/// Whether providing the data is required, as Art. 13(2)(e) asks the notice to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Required by law.
    Statutory,
    /// Required by the contract.
    Contractual,
    /// Necessary to enter into a contract.
    ContractPrecondition,
    /// Voluntary.
    Voluntary,
}

impl Keyword for Requirement {
    const WHAT: &'static str = "requirement";
    fn spellings() -> &'static [(&'static str, Self)] {
        use Requirement::*;
        &[
            ("statutory", Statutory),
            ("contractual", Contractual),
            ("contract_precondition", ContractPrecondition),
            ("voluntary", Voluntary),
            ("lagkrav", Statutory),
            ("avtalskrav", Contractual),
            ("frivillig", Voluntary),
            ("frivilligt", Voluntary),
            ("lagstadgat", Statutory),
            ("lagstadgad", Statutory),
            ("krav_enligt_lag", Statutory),
            ("avtalsenligt", Contractual),
            ("krav_enligt_avtal", Contractual),
            ("förutsättning_för_avtal", ContractPrecondition),
            ("nödvändigt_för_avtal", ContractPrecondition),
            ("avtalsförutsättning", ContractPrecondition),
        ]
    }
}

impl Requirement {
    /// The sentence used in notices.
    pub fn sentence(self, lang: Lang) -> &'static str {
        match self {
            Requirement::Statutory => lang.pick(
                "Uppgifterna krävs enligt lag.",
                "Providing the data is a statutory requirement.",
            ),
            Requirement::Contractual => lang.pick(
                "Uppgifterna krävs enligt avtalet med dig.",
                "Providing the data is a contractual requirement.",
            ),
            Requirement::ContractPrecondition => lang.pick(
                "Uppgifterna krävs för att vi ska kunna ingå avtal med dig.",
                "Providing the data is necessary to enter into a contract with you.",
            ),
            Requirement::Voluntary => lang.pick(
                "Det är frivilligt att lämna uppgifterna.",
                "Providing the data is voluntary.",
            ),
        }
    }
}

/// Where personal data comes from (Art. 13 when from the person, Art. 14 otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Given by the person.
    DataSubject,
    /// Observed or generated while the person uses the service (logs, IP addresses).
    Observed,
    /// Obtained from another party (Art. 14): credit agencies, registers, partners.
    ThirdParty,
    /// From publicly accessible sources (Art. 14(2)(f)).
    PublicSource,
    /// Collected automatically from the person's device while they use the website: IP
    /// addresses, cookie identifiers, device data, browsing (the person does not hand it
    /// over, so a notice must not say it comes "from you").
    Automatic,
}

impl Keyword for Source {
    const WHAT: &'static str = "source";
    fn spellings() -> &'static [(&'static str, Self)] {
        use Source::*;
        &[
            ("data_subject", DataSubject),
            ("observed", Observed),
            ("third_party", ThirdParty),
            ("public_source", PublicSource),
            ("den_registrerade", DataSubject),
            ("från_dig", DataSubject),
            ("generated", Observed),
            ("tredje_part", ThirdParty),
            ("public", PublicSource),
            ("offentlig_källa", PublicSource),
            ("automatic", Automatic),
            ("collected_automatically", Automatic),
            ("automatiskt", Automatic),
            ("automatisk_insamling", Automatic),
            ("från_den_registrerade", DataSubject),
            ("observerat", Observed),
            ("observerad", Observed),
            ("genererat", Observed),
            ("automatiskt_insamlat", Automatic),
            ("insamlat_automatiskt", Automatic),
            ("tredje_man", ThirdParty),
            ("annan_källa", ThirdParty),
            ("andra_källor", ThirdParty),
            ("offentliga_källor", PublicSource),
            ("offentligt_tillgänglig_källa", PublicSource),
            ("offentligt_tillgängliga_källor", PublicSource),
        ]
    }
}

impl Source {
    /// True for sources that make Art. 14 apply.
    pub fn is_elsewhere(self) -> bool {
        matches!(self, Source::ThirdParty | Source::PublicSource)
    }

    /// The phrase used in notices.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Source::DataSubject => lang.pick("Från dig", "From you"),
            Source::Observed => lang.pick(
                "Skapas när du använder våra tjänster",
                "Generated when you use our services",
            ),
            Source::ThirdParty => lang.pick("Från andra än dig", "From others than you"),
            Source::PublicSource => lang.pick(
                "Från offentligt tillgängliga källor",
                "From publicly accessible sources",
            ),
            Source::Automatic => lang.pick(
                "Samlas in automatiskt när du använder webbplatsen",
                "Collected automatically when you use the website",
            ),
        }
    }

    /// The canonical key, as written in a register.
    pub fn key(self) -> &'static str {
        keyword_key(self)
    }
}

/// What a cookie is for, in the categories consent tools and PTS use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CookieCategory {
    /// Strictly necessary for a service the user asked for: no consent needed
    /// (lagen (2022:482) om elektronisk kommunikation 9 kap. 28 § andra stycket).
    Necessary,
    /// Remembers choices.
    Preferences,
    /// Statistics and analytics.
    Statistics,
    /// Advertising and tracking.
    Marketing,
}

impl Keyword for CookieCategory {
    const WHAT: &'static str = "cookie category";
    fn spellings() -> &'static [(&'static str, Self)] {
        use CookieCategory::*;
        &[
            ("necessary", Necessary),
            ("preferences", Preferences),
            ("statistics", Statistics),
            ("marketing", Marketing),
            ("nödvändig", Necessary),
            ("nödvändiga", Necessary),
            ("funktionella", Preferences),
            ("inställningar", Preferences),
            ("analytics", Statistics),
            ("statistik", Statistics),
            ("marknadsföring", Marketing),
            ("advertising", Marketing),
            ("strikt_nödvändiga", Necessary),
            ("nödvändiga_kakor", Necessary),
            ("preferenser", Preferences),
            ("funktionell", Preferences),
            ("analys", Statistics),
            ("analytiska", Statistics),
            ("statistikkakor", Statistics),
            ("reklam", Marketing),
            ("annonsering", Marketing),
            ("marknadsföringskakor", Marketing),
        ]
    }
}

impl CookieCategory {
    /// The name used in notices.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            CookieCategory::Necessary => lang.pick("Nödvändiga", "Strictly necessary"),
            CookieCategory::Preferences => lang.pick("Inställningar", "Preferences"),
            CookieCategory::Statistics => lang.pick("Statistik", "Statistics"),
            CookieCategory::Marketing => lang.pick("Marknadsföring", "Marketing"),
        }
    }
}

/// How a statute's period binds the controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatuteKind {
    /// The statute obliges the controller to keep the data at least `minimum`: a shorter
    /// retention breaks the law (`retention-shorter-than-obligation`).
    Obligation,
    /// The statute sets the time within which claims can be brought. Keeping the data that
    /// long is justified (GDPR art. 17.3 e) but not required, so a shorter retention is lawful.
    ClaimsPeriod,
    /// The statute governs keeping, but sets no period skydd can check: shown as a note.
    Note,
}

/// A Swedish statute that obliges the controller to keep data for a minimum time (or, for
/// [`StatuteKind::ClaimsPeriod`] and [`StatuteKind::Note`], bears on how long it is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statute {
    /// Key used in registers (`statute = "bokforingslagen"`).
    pub key: &'static str,
    /// Citation, e.g. "Bokföringslagen (1999:1078) 7 kap. 2 §".
    pub citation: &'static str,
    /// What must be kept, in Swedish and English.
    pub summary: (&'static str, &'static str),
    /// The shortest retention the statute allows for what it covers.
    pub minimum: RetentionRule,
    /// How `minimum` binds.
    pub kind: StatuteKind,
    /// The longest retention the statute allows, when it sets one.
    pub maximum: Option<RetentionRule>,
    /// Who the statute requires the data to be disclosed to, when it does.
    pub disclosure_to: Option<&'static str>,
    /// What else a reader needs to know, in Swedish and English.
    pub note: Option<(&'static str, &'static str)>,
    /// Other spellings accepted for `key` (folded: lower case, å/ä → a, ö → o, `_`).
    pub aliases: &'static [&'static str],
}

/// The custom event a patient record's retention runs from: the day the last entry was made
/// (patientdatalagen 3 kap. 17 §). It is not a built-in event (the events belong to the
/// retention language); a register that keeps records declares it:
/// `[[event]] key = "journal_last_entry"`.
pub const JOURNAL_LAST_ENTRY: &str = "journal_last_entry";

/// The custom event a housing co-operative's member data runs until: the day a membership
/// ends (bostadsrättslagen 9 kap.). Declared by the register like [`JOURNAL_LAST_ENTRY`].
pub const MEMBERSHIP_END: &str = "membership_end";

fn years_after(amount: u32, anchor: Anchor) -> RetentionRule {
    RetentionRule::After {
        period: Period {
            amount,
            unit: Unit::Year,
        },
        anchor,
    }
}

/// The statutes skydd knows the retention obligations of.
pub fn statutes() -> Vec<Statute> {
    vec![
        Statute {
            key: "bokforingslagen",
            citation: "Bokföringslagen (1999:1078) 7 kap. 2 §",
            summary: (
                "Räkenskapsinformation ska bevaras till och med det sjunde året efter utgången av det kalenderår då räkenskapsåret avslutades.",
                "Accounting records must be kept until the end of the seventh year after the end of the calendar year in which the financial year ended.",
            ),
            // "till och med det sjunde året efter utgången av det kalenderår då
            // räkenskapsåret avslutades": the end of that calendar year plus seven years.
            minimum: years_after(7, Anchor::EndOfCalendarYear(Event::FinancialYearEnd)),
            kind: StatuteKind::Obligation,
            maximum: None,
            disclosure_to: None,
            note: None,
            aliases: &["bfl"],
        },
        Statute {
            key: "penningtvattslagen",
            citation: "Lagen (2017:630) om åtgärder mot penningtvätt och finansiering av terrorism 5 kap. 3 §",
            summary: (
                "Handlingar och uppgifter om åtgärder för kundkännedom ska bevaras i fem år efter att affärsförbindelsen avslutades (eller den enstaka transaktionen genomfördes); finns särskilda skäl får de bevaras längre, dock högst tio år.",
                "Customer due diligence records must be kept for five years after the business relationship ended (or the occasional transaction was carried out); where there are special reasons they may be kept longer, but for at most ten years.",
            ),
            // Five years is what the law requires; Directive (EU) 2015/849 art. 40.1 lets
            // Member States allow at most five more, which Sweden did ("högst tio år").
            minimum: years_after(5, Anchor::Event(Event::ContractEnd)),
            kind: StatuteKind::Obligation,
            maximum: Some(years_after(10, Anchor::Event(Event::ContractEnd))),
            disclosure_to: None,
            note: Some((
                "Längre tid än fem år kräver särskilda skäl som ska kunna visas.",
                "Keeping the records longer than five years needs special reasons that can be shown.",
            )),
            aliases: &["ptl", "penningtvatt", "lag_2017_630"],
        },
        Statute {
            key: "patientdatalagen",
            citation: "Patientdatalagen (2008:355) 3 kap. 17 §",
            summary: (
                "En patientjournal ska bevaras minst tio år efter det att den sista uppgiften fördes in i journalen.",
                "A patient record must be kept for at least ten years after the last entry was made in it.",
            ),
            // The period runs from the last entry in the record, an event no built-in event
            // is (not the patient's last activity, nor the end of a contract): a custom event
            // the register declares.
            minimum: years_after(10, Anchor::Event(Event::Custom(JOURNAL_LAST_ENTRY.into()))),
            kind: StatuteKind::Obligation,
            maximum: None,
            disclosure_to: None,
            note: Some((
                "\"Minst tio år\" är ingen slutpunkt: registret ska ange när journalen gallras, t.ex. \"10 years after journal_last_entry\". Hos offentliga vårdgivare gäller även arkivlagen (1990:782).",
                "\"At least ten years\" is not an end: the register must say when the record is erased, e.g. \"10 years after journal_last_entry\". Public care providers are also bound by the Archives Act (1990:782).",
            )),
            aliases: &["pdl"],
        },
        Statute {
            key: "skatteforfarandelagen",
            citation: "Skatteförfarandelagen (2011:1244) 39 kap. 3 §; lag (2009:194) om förfarandet vid skattereduktion för hushållsarbete 8–9 §§",
            summary: (
                "Den som begär utbetalning för rut- eller rotarbete lämnar Skatteverket köparens namn och personnummer, arbetets art, pris och vad köparen betalat; underlaget ska bevaras i sju år efter utgången av det kalenderår då beskattningsåret gick ut.",
                "A business claiming payment for RUT or ROT work gives the Swedish Tax Agency the buyer's name and personal identity number, the kind of work, its price and what the buyer paid; the records must be kept for seven years after the end of the calendar year in which the tax year ended.",
            ),
            // A business's tax year is its financial year (inkomstskattelagen 1 kap. 13–14 §§),
            // so the period runs like bokföringslagen's.
            minimum: years_after(7, Anchor::EndOfCalendarYear(Event::FinancialYearEnd)),
            kind: StatuteKind::Obligation,
            maximum: None,
            disclosure_to: Some("Skatteverket"),
            note: Some((
                "Skatteverket är självständigt personuppgiftsansvarig för uppgifterna det tar emot och ska anges som mottagare.",
                "The Swedish Tax Agency is an independent controller of the data it receives and must be named as a recipient.",
            )),
            aliases: &[
                "sfl",
                "rut",
                "rot",
                "rut_rot",
                "rot_rut",
                "husavdrag",
                "lag_2009_194",
            ],
        },
        Statute {
            key: "diskrimineringslagen",
            citation: "Diskrimineringslagen (2008:567) 6 kap. 3–5 §§; lagen (1976:580) om medbestämmande i arbetslivet 64–66 §§",
            summary: (
                "En arbetssökande som anser sig diskriminerad måste påkalla förhandling eller väcka talan senast två år efter beslutet; ansökningshandlingar får därför sparas så länge för att kunna bemöta ett sådant anspråk.",
                "A job applicant who claims discrimination must call for negotiation or bring an action at the latest two years after the decision; application documents may therefore be kept that long to answer such a claim.",
            ),
            // Conservative reading: the outer two-year limit counted from the end of the
            // recruitment (the decision); the shorter four-month limits from knowledge are
            // ignored, since an applicant's knowledge cannot be known.
            minimum: years_after(2, Anchor::Event(Event::RecruitmentEnd)),
            kind: StatuteKind::ClaimsPeriod,
            maximum: None,
            disclosure_to: None,
            note: Some((
                "En talan kan väckas upp till fyra månader efter en förhandling som påkallats inom två år, och Diskrimineringsombudsmannen kan avbryta preskriptionen (6 kap. 5 §): bevara uppgifter längre bara om ett anspråk framställts.",
                "An action may be brought up to four months after a negotiation called within the two years, and the Equality Ombudsman can interrupt the limitation period (ch. 6 s. 5): keep data longer only where a claim has been made.",
            )),
            aliases: &["diskl", "dl"],
        },
        Statute {
            key: "bostadsrattslagen",
            citation: "Bostadsrättslagen (1991:614) 9 kap. 8–10 §§",
            summary: (
                "Styrelsen ska föra en medlemsförteckning och en lägenhetsförteckning med bostadsrättshavarens namn, lägenheten och anteckningar om pantsättning, så länge bostadsrätten innehas.",
                "The board must keep a register of members and a register of flats with the holder's name, the flat and notes of pledges, for as long as the tenant-ownership is held.",
            ),
            minimum: RetentionRule::Until {
                event: Event::Custom(MEMBERSHIP_END.into()),
            },
            kind: StatuteKind::Obligation,
            maximum: None,
            disclosure_to: None,
            note: Some((
                "Efter medlemskapets slut gäller bokföringslagen för räkenskapsinformation om avgifter; förteckningarna själva kräver inget längre bevarande.",
                "After the membership ends, the Bookkeeping Act governs the accounting records of fees; the registers themselves require no longer keeping.",
            )),
            aliases: &["brl"],
        },
        Statute {
            key: "arkivlagen",
            citation: "Arkivlagen (1990:782) 3 och 10 §§",
            summary: (
                "Myndigheters allmänna handlingar ska bevaras; de får gallras bara enligt föreskrifter eller beslut om gallring.",
                "Public authorities' official documents must be preserved; they may be erased only under regulations or decisions on disposal.",
            ),
            // No period: preservation is the rule and disposal a decision. Private companies
            // are not bound (only authorities and the bodies listed in the annex to
            // offentlighets- och sekretesslagen (2009:400)), so this is a note.
            minimum: RetentionRule::AsLongAsNecessary {
                purpose: Some("the archive until a decision on disposal (arkivlagen 10 §)".into()),
            },
            kind: StatuteKind::Note,
            maximum: None,
            disclosure_to: None,
            note: Some((
                "Gäller myndigheter och vissa organ som anges i bilagan till offentlighets- och sekretesslagen (2009:400), inte privata företag.",
                "Applies to public authorities and certain bodies listed in the annex to the Public Access to Information and Secrecy Act (2009:400), not to private companies.",
            )),
            aliases: &[],
        },
    ]
}

/// Folds a statute key as written: lower case, å/ä → a, ö → o, separators → `_`.
fn fold_statute_key(key: &str) -> String {
    normalise(key)
        .trim_matches('_')
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            c => c,
        })
        .collect()
}

/// The statute with `key` (or one of its aliases, in Swedish spelling too:
/// "bokföringslagen", "BFL"), if skydd knows it.
pub fn statute(key: &str) -> Option<Statute> {
    let k = fold_statute_key(key);
    statutes()
        .into_iter()
        .find(|s| s.key == k || s.aliases.contains(&k.as_str()))
}

/// A supervisory authority and how to reach it (Art. 13(2)(d), 77).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Authority {
    /// Name.
    pub name: String,
    /// Postal address.
    pub address: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Web site.
    pub website: Option<String>,
}

/// Integritetsskyddsmyndigheten (IMY), the Swedish supervisory authority, named so since
/// 2021-01-01 (förordning (2007:975) med instruktion för Integritetsskyddsmyndigheten);
/// before that Datainspektionen.
pub fn imy() -> Authority {
    Authority {
        name: "Integritetsskyddsmyndigheten (IMY)".into(),
        address: Some("Box 8114, 104 20 Stockholm".into()),
        email: Some("imy@imy.se".into()),
        phone: Some("08-657 61 00".into()),
        website: Some("https://www.imy.se".into()),
    }
}

/// An adequacy decision of the European Commission under Art. 45(3) (or its predecessor,
/// Directive 95/46/EC Art. 25(6), kept in force by Art. 45(9)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AdequacyDecision {
    /// ISO 3166-1 alpha-2 code.
    pub country: &'static str,
    /// The decision.
    pub reference: &'static str,
    /// A limit on its scope, if any.
    pub scope: Option<&'static str>,
}

/// The adequacy decisions skydd knows, as in force at the end of 2025. A decision adopted
/// later is not listed: the `transfer-adequacy-unrecognised` lint is a warning, not an error.
pub const ADEQUACY_DECISIONS: &[AdequacyDecision] = &[
    AdequacyDecision {
        country: "AD",
        reference: "Decision 2010/625/EU",
        scope: None,
    },
    AdequacyDecision {
        country: "AR",
        reference: "Decision 2003/490/EC",
        scope: None,
    },
    AdequacyDecision {
        country: "CA",
        reference: "Decision 2002/2/EC",
        scope: Some("commercial organisations subject to PIPEDA"),
    },
    AdequacyDecision {
        country: "CH",
        reference: "Decision 2000/518/EC",
        scope: None,
    },
    AdequacyDecision {
        country: "FO",
        reference: "Decision 2010/146/EU",
        scope: None,
    },
    AdequacyDecision {
        country: "GB",
        reference: "Implementing Decision (EU) 2021/1772",
        scope: None,
    },
    AdequacyDecision {
        country: "GG",
        reference: "Decision 2003/821/EC",
        scope: None,
    },
    AdequacyDecision {
        country: "IL",
        reference: "Decision 2011/61/EU",
        scope: None,
    },
    AdequacyDecision {
        country: "IM",
        reference: "Decision 2004/411/EC",
        scope: None,
    },
    AdequacyDecision {
        country: "JE",
        reference: "Decision 2008/393/EC",
        scope: None,
    },
    AdequacyDecision {
        country: "JP",
        reference: "Implementing Decision (EU) 2019/419",
        scope: None,
    },
    AdequacyDecision {
        country: "KR",
        reference: "Implementing Decision (EU) 2022/254",
        scope: None,
    },
    AdequacyDecision {
        country: "NZ",
        reference: "Decision 2013/65/EU",
        scope: None,
    },
    AdequacyDecision {
        country: "US",
        reference: "Implementing Decision (EU) 2023/1795 (EU–US Data Privacy Framework)",
        scope: Some("organisations certified under the Data Privacy Framework"),
    },
    AdequacyDecision {
        country: "UY",
        reference: "Decision 2012/484/EU",
        scope: None,
    },
];

/// The adequacy decision for `country`, if one is known.
pub fn adequacy(country: &str) -> Option<&'static AdequacyDecision> {
    ADEQUACY_DECISIONS
        .iter()
        .find(|d| d.country.eq_ignore_ascii_case(country))
}

/// Citations used by lint rules and notices, in one place so they are spelt one way.
pub mod cite {
    /// Dataskyddslagen: a child's own consent to information society services from 13.
    pub const DSL_2_4: &str = "Lag (2018:218) med kompletterande bestämmelser till EU:s dataskyddsförordning (dataskyddslagen) 2 kap. 4 §";
    /// Dataskyddslagen: personnummer only when clearly justified.
    pub const DSL_3_10: &str = "Dataskyddslagen (2018:218) 3 kap. 10 §";
    /// Dataskyddslagen: data on criminal offences.
    pub const DSL_3_8: &str = "GDPR art. 10; dataskyddslagen (2018:218) 3 kap. 8 §";
    /// Cookies and similar technology.
    pub const LEK_9_28: &str = "Lag (2022:482) om elektronisk kommunikation 9 kap. 28 §";
    /// Bookkeeping retention.
    pub const BFL_7_2: &str = "Bokföringslagen (1999:1078) 7 kap. 2 §";
    /// Computing periods given in months or years.
    pub const BERAKNING: &str = "Lag (1930:173) om beräkning av lagstadgad tid";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_bases_read_in_english_swedish_and_by_letter() {
        assert_eq!(
            parse_keyword::<LegalBasis>("consent"),
            Ok(LegalBasis::Consent)
        );
        assert_eq!(
            parse_keyword::<LegalBasis>("Intresseavvägning"),
            Ok(LegalBasis::LegitimateInterests)
        );
        assert_eq!(
            parse_keyword::<LegalBasis>("rättslig förpliktelse"),
            Ok(LegalBasis::LegalObligation)
        );
        assert_eq!(
            parse_keyword::<LegalBasis>("f"),
            Ok(LegalBasis::LegitimateInterests)
        );
        assert_eq!(
            parse_keyword::<LegalBasis>("6.1.b"),
            Ok(LegalBasis::Contract)
        );
        assert_eq!(
            parse_keyword::<LegalBasis>("legal-obligation"),
            Ok(LegalBasis::LegalObligation)
        );
    }

    #[test]
    fn an_unknown_legal_basis_lists_the_valid_ones_and_suggests_one() {
        let e = parse_keyword::<LegalBasis>("samtyke").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("did you mean `samtycke`?"));
        assert!(
            e.expected
                .starts_with("consent, contract, legal_obligation")
        );
        assert!(
            !e.expected.contains("samtycke"),
            "only canonical keys are listed: {}",
            e.expected
        );
    }

    #[test]
    fn every_legal_basis_has_its_imy_name_and_article() {
        let all = [
            LegalBasis::Consent,
            LegalBasis::Contract,
            LegalBasis::LegalObligation,
            LegalBasis::VitalInterests,
            LegalBasis::PublicTask,
            LegalBasis::LegitimateInterests,
        ];
        let sv: Vec<_> = all.iter().map(|b| b.name(Lang::Sv)).collect();
        assert_eq!(
            sv,
            [
                "Samtycke",
                "Avtal",
                "Rättslig förpliktelse",
                "Grundläggande intresse",
                "Allmänt intresse eller myndighetsutövning",
                "Intresseavvägning"
            ]
        );
        let letters: String = all
            .iter()
            .map(|b| b.article().chars().last().unwrap())
            .collect();
        assert_eq!(letters, "abcdef");
        assert_eq!(
            LegalBasis::LegitimateInterests.key(),
            "legitimate_interests"
        );
    }

    #[test]
    fn adequacy_is_known_for_the_uk_and_japan_but_not_india() {
        assert!(adequacy("gb").is_some());
        assert!(adequacy("JP").is_some());
        assert!(adequacy("IN").is_none());
        assert!(adequacy("US").unwrap().scope.is_some());
    }

    #[test]
    fn bookkeeping_obligation_is_seven_years_after_the_calendar_year() {
        let bfl = statute("bokforingslagen").unwrap();
        assert_eq!(bfl.citation, cite::BFL_7_2);
        assert!(statute("gdpr").is_none());
    }

    #[test]
    fn imy_is_the_authority_with_its_current_address() {
        let a = imy();
        assert!(a.name.starts_with("Integritetsskyddsmyndigheten"));
        assert_eq!(a.address.as_deref(), Some("Box 8114, 104 20 Stockholm"));
    }

    #[test]
    fn every_keyword_reads_the_swedish_words_policies_use() {
        use crate::taxonomy::Sensitivity;
        let lb = |w: &str| parse_keyword::<LegalBasis>(w);
        assert_eq!(
            lb("berättigat intresse"),
            Ok(LegalBasis::LegitimateInterests)
        );
        assert_eq!(
            lb("Berättigade intressen"),
            Ok(LegalBasis::LegitimateInterests)
        );
        assert_eq!(lb("intresseavvägning"), Ok(LegalBasis::LegitimateInterests));
        assert_eq!(lb("fullgörande av avtal"), Ok(LegalBasis::Contract));
        assert_eq!(lb("Rättslig förpliktelse"), Ok(LegalBasis::LegalObligation));
        assert_eq!(lb("art. 6.1 f"), Ok(LegalBasis::LegitimateInterests));
        let role = |w: &str| parse_keyword::<RecipientRole>(w);
        assert_eq!(role("personuppgiftsbiträde"), Ok(RecipientRole::Processor));
        assert_eq!(role("Underbiträde"), Ok(RecipientRole::Processor));
        assert_eq!(
            role("personuppgiftsansvarig"),
            Ok(RecipientRole::Controller)
        );
        assert_eq!(
            role("gemensamt personuppgiftsansvarig"),
            Ok(RecipientRole::JointController)
        );
        assert_eq!(role("myndighet"), Ok(RecipientRole::Authority));
        let tm = |w: &str| parse_keyword::<TransferMechanism>(w);
        assert_eq!(
            tm("standardavtalsklausuler"),
            Ok(TransferMechanism::StandardContractualClauses)
        );
        assert_eq!(tm("adekvat skyddsnivå"), Ok(TransferMechanism::Adequacy));
        assert_eq!(
            tm("bindande företagsbestämmelser"),
            Ok(TransferMechanism::BindingCorporateRules)
        );
        assert_eq!(
            tm("EU–US Data Privacy Framework"),
            Ok(TransferMechanism::DataPrivacyFramework)
        );
        assert_eq!(
            parse_keyword::<Art9Condition>("hälso- och sjukvård"),
            Ok(Art9Condition::HealthCare)
        );
        assert_eq!(
            parse_keyword::<Art9Condition>("rättsliga anspråk"),
            Ok(Art9Condition::LegalClaims)
        );
        assert_eq!(
            parse_keyword::<Requirement>("förutsättning för avtal"),
            Ok(Requirement::ContractPrecondition)
        );
        assert_eq!(
            parse_keyword::<Requirement>("lagstadgat"),
            Ok(Requirement::Statutory)
        );
        assert_eq!(
            parse_keyword::<Source>("tredje man"),
            Ok(Source::ThirdParty)
        );
        assert_eq!(
            parse_keyword::<Source>("automatiskt insamlat"),
            Ok(Source::Automatic)
        );
        assert_eq!(
            parse_keyword::<CookieCategory>("analys"),
            Ok(CookieCategory::Statistics)
        );
        assert_eq!(
            parse_keyword::<CookieCategory>("Reklam"),
            Ok(CookieCategory::Marketing)
        );
        assert_eq!(
            parse_keyword::<Sensitivity>("känsliga"),
            Ok(Sensitivity::Special)
        );
        assert_eq!(
            parse_keyword::<Sensitivity>("Uppgifter om lagöverträdelser"),
            Ok(Sensitivity::Criminal)
        );
        assert_eq!(
            parse_keyword::<Sensitivity>("samordningsnummer"),
            Ok(Sensitivity::NationalId)
        );
        assert_eq!(
            parse_keyword::<Sensitivity>("vanliga"),
            Ok(Sensitivity::Ordinary)
        );
    }

    #[test]
    fn the_canonical_key_stays_english_and_errors_list_only_canonical_keys() {
        assert_eq!(
            keyword_key(parse_keyword::<LegalBasis>("berättigat intresse").unwrap()),
            "legitimate_interests"
        );
        assert_eq!(
            keyword_key(parse_keyword::<RecipientRole>("personuppgiftsbiträde").unwrap()),
            "processor"
        );
        let e = parse_keyword::<TransferMechanism>("standardavtalsklausul").unwrap_err();
        assert_eq!(
            e.suggestion.as_deref(),
            Some("did you mean `standardavtalsklausuler`?")
        );
        assert!(!e.expected.contains("standardavtal"), "{}", e.expected);
        assert!(
            e.expected
                .starts_with("adequacy, dpf, scc, bcr, derogation")
        );
    }

    #[test]
    fn every_spelling_is_written_normalised_so_it_can_be_matched() {
        fn check<T: Keyword + PartialEq>() {
            for (k, _) in T::spellings() {
                assert_eq!(normalise(k).trim_matches('_'), *k, "{}: {k}", T::WHAT);
            }
        }
        check::<LegalBasis>();
        check::<Art9Condition>();
        check::<RecipientRole>();
        check::<TransferMechanism>();
        check::<Requirement>();
        check::<Source>();
        check::<CookieCategory>();
        check::<crate::taxonomy::Sensitivity>();
    }

    #[test]
    fn privacy_shield_and_safe_harbor_are_known_but_invalid() {
        let ps = parse_keyword::<TransferMechanism>("EU-US Privacy Shield").unwrap();
        assert_eq!(ps, TransferMechanism::PrivacyShield);
        let inv = ps.invalidated().unwrap();
        assert!(inv.case.starts_with("C-311/18"));
        assert_eq!(inv.date, "2020-07-16");
        let sh = parse_keyword::<TransferMechanism>("Safe Harbour").unwrap();
        assert_eq!(sh.invalidated().map(|i| i.date), Some("2015-10-06"));
        assert!(sh.invalidated().unwrap().case.starts_with("C-362/14"));
        for valid in [
            TransferMechanism::Adequacy,
            TransferMechanism::DataPrivacyFramework,
            TransferMechanism::StandardContractualClauses,
        ] {
            assert_eq!(valid.invalidated(), None);
        }
    }

    fn due(rule: &RetentionRule, y: i16, m: i8, d: i8) -> jiff::civil::Date {
        rule.due_on(
            jiff::civil::date(y, m, d),
            &crate::retention::FinancialYears::calendar(),
        )
        .unwrap()
    }

    #[test]
    fn money_laundering_records_are_kept_five_years_and_at_most_ten() {
        let ptl = statute("penningtvättslagen").unwrap();
        assert!(
            ptl.citation
                .contains("(2017:630) om åtgärder mot penningtvätt")
        );
        assert!(ptl.citation.ends_with("5 kap. 3 §"));
        assert_eq!(ptl.kind, StatuteKind::Obligation);
        assert_eq!(
            due(&ptl.minimum, 2025, 3, 31),
            jiff::civil::date(2030, 4, 1)
        );
        let max = ptl.maximum.unwrap();
        assert_eq!(due(&max, 2025, 3, 31), jiff::civil::date(2035, 4, 1));
        assert_eq!(ptl.minimum.event(), max.event());
    }

    #[test]
    fn a_patient_record_runs_from_its_last_entry_a_custom_event() {
        let pdl = statute("PDL").unwrap();
        assert_eq!(pdl.citation, "Patientdatalagen (2008:355) 3 kap. 17 §");
        assert_eq!(
            pdl.minimum.event(),
            Some(&Event::Custom(JOURNAL_LAST_ENTRY.into()))
        );
        assert!(!crate::retention::BUILTIN_EVENT_KEYS.contains(&JOURNAL_LAST_ENTRY));
        assert_eq!(
            due(&pdl.minimum, 2016, 2, 29),
            jiff::civil::date(2026, 3, 1)
        );
    }

    #[test]
    fn rut_and_rot_records_go_to_skatteverket_and_are_kept_like_bookkeeping() {
        let sfl = statute("rut").unwrap();
        assert_eq!(sfl.key, "skatteforfarandelagen");
        assert_eq!(sfl.disclosure_to, Some("Skatteverket"));
        assert!(sfl.citation.contains("(2011:1244) 39 kap. 3 §"));
        assert!(sfl.citation.contains("lag (2009:194)"));
        assert_eq!(sfl.minimum, statute("bokforingslagen").unwrap().minimum);
    }

    #[test]
    fn recruitment_claims_justify_two_years_but_oblige_nothing() {
        let dl = statute("diskrimineringslagen").unwrap();
        assert_eq!(dl.kind, StatuteKind::ClaimsPeriod);
        assert!(
            dl.citation
                .starts_with("Diskrimineringslagen (2008:567) 6 kap.")
        );
        assert_eq!(dl.minimum.event(), Some(&Event::RecruitmentEnd));
        assert_eq!(due(&dl.minimum, 2025, 6, 30), jiff::civil::date(2027, 7, 1));
    }

    #[test]
    fn housing_cooperatives_and_archives_are_in_the_table() {
        let brl = statute("bostadsrättslagen").unwrap();
        assert!(
            brl.citation
                .starts_with("Bostadsrättslagen (1991:614) 9 kap.")
        );
        assert_eq!(
            brl.minimum,
            RetentionRule::Until {
                event: Event::Custom(MEMBERSHIP_END.into())
            }
        );
        let arkiv = statute("arkivlagen").unwrap();
        assert_eq!(arkiv.kind, StatuteKind::Note);
        assert!(arkiv.citation.starts_with("Arkivlagen (1990:782)"));
    }

    #[test]
    fn every_statute_cites_its_sfs_number_and_keys_are_unique() {
        let all = statutes();
        let mut keys = std::collections::HashSet::new();
        for s in &all {
            assert!(keys.insert(s.key), "{}", s.key);
            for a in s.aliases {
                assert!(keys.insert(a), "alias {a} of {} is taken", s.key);
                assert_eq!(fold_statute_key(a), *a, "aliases are written folded");
            }
            let sfs = s
                .citation
                .split('(')
                .nth(1)
                .and_then(|x| x.split(')').next())
                .unwrap_or("");
            let (year, number) = sfs.split_once(':').unwrap_or(("", ""));
            assert!(
                year.len() == 4 && !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
                "{}: no SFS number",
                s.citation
            );
            assert!(s.citation.contains('§'), "{}", s.citation);
            assert!(!s.summary.0.is_empty() && !s.summary.1.is_empty());
            assert_eq!(statute(s.key).map(|x| x.key), Some(s.key));
        }
        assert_eq!(all.len(), 7);
    }
}
