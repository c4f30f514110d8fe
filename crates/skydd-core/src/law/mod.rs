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
    /// (Commission Implementing Decision (EU) 2023/1795 of 10 July 2023).
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
    // Dates checked: C-311/18 on 16 July 2020 and C-362/14 on 6 October 2015
    // (https://digitalpolicyalert.org/event/3208-invalidation-of-us-eu-safe-harbor-mechanism-in-cjeu-schrems-i-decision,
    // https://clearygottlieb.com/news-and-insights/publication-listing/schrems-ii-the-cjeu-declares-eu-us-privacy-shield-invalid);
    // Decision (EU) 2023/1795 of 10 July 2023 (https://www.data-privacy-framework.com/Commission_Implementing_Decision_EU_2023_1795.html).
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
            // Checked against secondary sources quoting the text (BFN's vägledning
            // https://www.srfredovisning.se/bokforingsnamnden-bfn/bfnar-20132-lagregler-allmant-rad-och-kommentarer/kapitel-8-arkivering-av-rakenskapsinformation/,
            // https://www.faronline.se/dokument/rattserien/redovisa-ratt/a/rr_arkivering/).
            // Chapter 7 was reworded from 1 July 2024 (SFS after prop. 2023/24:78: originals
            // may be destroyed once digitised); the seven-year "bevarandetid" stayed. The
            // paragraph number after that change is not verified against the SFS text.
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
                "Handlingar och uppgifter om åtgärder för kundkännedom ska bevaras i minst fem år efter att affärsförbindelsen upphörde (eller den enstaka transaktionen genomfördes) och aldrig längre än tio år.",
                "Customer due diligence records must be kept for at least five years after the business relationship ended (or the occasional transaction was carried out), and never longer than ten years.",
            ),
            // Not verified against the SFS text (no copy of 5 kap. 3 § was reachable); from
            // Directive (EU) 2015/849 art. 40.1, which the paragraph implements: records are
            // kept five years after the business relationship ended or the occasional
            // transaction was carried out, and a Member State may allow or require keeping
            // them for at most five further years. So: minimum five years (an obligation, the
            // company must not erase earlier) and maximum ten, the longest the directive
            // allows; a maximum read this way is never shorter than the law permits.
            // The period runs from the end of the relationship; for an occasional transaction
            // that is the transaction itself, which comes no later, so the rule is safe.
            minimum: years_after(5, Anchor::Event(Event::ContractEnd)),
            kind: StatuteKind::Obligation,
            maximum: Some(years_after(10, Anchor::Event(Event::ContractEnd))),
            disclosure_to: None,
            note: Some((
                "Att bevara handlingarna längre än fem år måste ha stöd i lagen och kunna motiveras; tio år är den yttre gränsen (direktiv (EU) 2015/849 art. 40.1).",
                "Keeping the records longer than five years must have support in the Act and be justified; ten years is the outer limit (Directive (EU) 2015/849 art. 40(1)).",
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
            // "minst tio år efter det att den sista uppgiften fördes in i journalen": checked
            // against secondary sources citing 3 kap. 17 § (https://tryggleg.se/fragor/hur-lange-maste-journaler-sparas-inom-enskild-och-allman-vardverksamhet/,
            // https://flexident.se/faq/hur-lange-bevaras-personuppgifter/), not the SFS text.
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
            citation: "Skatteförfarandelagen (2011:1244) 39 kap. 3 §; lag (2009:194) om förfarandet vid skattereduktion för hushållsarbete 8, 9 och 9 a §§",
            summary: (
                "Den som begär utbetalning för rut- eller rotarbete lämnar elektroniskt, senast den 31 januari året efter det år då köparen betalade, Skatteverket uppgifter om köparen (personnummer), arbetet, arbetskostnaden och vad köparen betalat, för rotarbete även bostadens beteckning; underlaget ska bevaras i sju år efter utgången av det kalenderår då beskattningsåret gick ut.",
                "A business claiming payment for RUT or ROT work gives the Swedish Tax Agency, electronically and by 31 January of the year after the buyer paid, the buyer's personal identity number, the work, the labour cost and what the buyer paid, and for ROT work the designation of the home; the records must be kept for seven years after the end of the calendar year in which the tax year ended.",
            ),
            // Lag (2009:194): 6 § lets the performer ask for payment "enligt 8 §"; 8 § says
            // when (after the work is done and paid) and that the request, made
            // electronically, must reach Skatteverket by 31 January of the year after the tax
            // year in which the buyer paid; 9 § lists what the request contains and 9 a § adds
            // the home's designation for ROT work (and the housing co-operative's
            // organisationsnummer for a tenant-owned flat). From Skatteverket's rättslig
            // vägledning (https://www4.skatteverket.se/rattsligvagledning/edition/2015.12/339102.html)
            // and SFS 2009:539 (9 a §); the full list in 9 § is not verified against the SFS
            // text, so the summary names only what those sources state.
            // SFL 39 kap. 3 § (generell dokumentationsskyldighet, confirmed by
            // https://www4.skatteverket.se/rattsligvagledning/edition/2023.15/331199.html) binds
            // whoever must file under SFL 15–35 kap., so it reaches the performer's own
            // records behind its returns; the invoices and payments are räkenskapsinformation
            // under bokföringslagen 7 kap. 2 § in any case. The seven years after the end of
            // the calendar year in which the tax year ended are from a secondary source
            // (https://www.entreprenor.se/experten/hur-lange-ska-deklarationsunderlag-sparas_660188.html),
            // not the SFS text; they end on the same day as bokföringslagen's period, so the
            // company cannot erase earlier than either allows. A business's tax year is its
            // financial year (inkomstskattelagen 1 kap. 13–14 §§).
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
                "En arbetssökande som anser sig diskriminerad måste påkalla förhandling (eller, utan facklig organisation, väcka talan) inom fyra månader från det att hen fick kännedom om beslutet och senast två år efter beslutet; ansökningshandlingar får därför sparas så länge för att kunna bemöta ett sådant anspråk.",
                "A job applicant who claims discrimination must call for negotiation (or, without a trade union, bring an action) within four months of learning of the decision and at the latest two years after it; application documents may therefore be kept that long to answer such a claim.",
            ),
            // Diskrimineringslagen 6 kap. 3 § applies the time limits of MBL 64–66 §§ to claims
            // in working life (the DL text itself is not verified against the SFS; the MBL
            // text is, at https://lagstiftning.codeberg.page/medbestammandelagen/2021:1114/section-64
            // and https://666a.se/labour-law/codetermination-act/2021:1114/section-65 and
            // section-66, which reproduce riksdagen.se): MBL 64 § negotiation within four
            // months of learning of the circumstance and at the latest two years after it
            // occurred (a central negotiation within two months of the local one); 65 § the
            // action within three months of the end of the negotiation; 66 § third paragraph,
            // for someone no organisation can represent, the action within four months of
            // learning and at the latest two years after. Conservative reading: the outer
            // two-year limit counted from the end of the recruitment (the decision); the
            // four-month limits from knowledge are ignored, since an applicant's knowledge
            // cannot be known. What can run past two years (65 §, 66 § first paragraph, the
            // Equality Ombudsman's interruption in DL 6 kap. 5 §) is in the note.
            minimum: years_after(2, Anchor::Event(Event::RecruitmentEnd)),
            kind: StatuteKind::ClaimsPeriod,
            maximum: None,
            disclosure_to: None,
            note: Some((
                "Har förhandling påkallats inom två år kan talan väckas inom tre månader efter att förhandlingen avslutats (MBL 65 §), och Diskrimineringsombudsmannen kan avbryta preskriptionen (diskrimineringslagen 6 kap. 5 §): bevara uppgifter längre bara om ett anspråk framställts.",
                "Where negotiation was called within the two years, an action may be brought within three months of its end (Co-Determination Act s. 65), and the Equality Ombudsman can interrupt the limitation period (Discrimination Act ch. 6 s. 5): keep data longer only where a claim has been made.",
            )),
            aliases: &["diskl", "dl"],
        },
        Statute {
            key: "bostadsrattslagen",
            citation: "Bostadsrättslagen (1991:614) 9 kap. 8–11 §§",
            summary: (
                "Styrelsen ska föra en medlemsförteckning (medlemmens namn, postadress och bostadsrätt) och en lägenhetsförteckning (lägenheten, bostadsrättshavarens namn och anteckningar om pantsättning), så länge bostadsrätten innehas.",
                "The board must keep a register of members (the member's name, postal address and flat) and a register of flats (the flat, the holder's name and notes of pledges), for as long as the tenant-ownership is held.",
            ),
            // 9 kap. 8–11 §§: the member register (8–9 §§, open to anyone who asks) and the
            // register of flats with pledges (10–11 §§). Not verified against the SFS text;
            // from secondary sources describing the registers (e.g.
            // https://www.skytten3.se/boende/medlems-och-lagenhetsforteckning/). The previous
            // citation "8–10 §§" left out 11 §; citing the whole group cannot omit the rule
            // that applies. How long an entry must stay after the membership ends is not
            // verified; the minimum is read as lasting until then, and the note sends the
            // fees' records to bokföringslagen.
            minimum: RetentionRule::Until {
                event: Event::Custom(MEMBERSHIP_END.into()),
            },
            kind: StatuteKind::Obligation,
            maximum: None,
            disclosure_to: None,
            note: Some((
                "Efter medlemskapets slut gäller bokföringslagen för räkenskapsinformation om avgifter. Om förteckningarna själva ska bevaras längre än medlemskapet är inte kontrollerat mot lagtexten.",
                "After the membership ends, the Bookkeeping Act governs the accounting records of fees. Whether the registers themselves must be kept beyond the membership is not checked against the text of the act.",
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
            // No period: preservation is the rule (3 §, cited for that by
            // https://tryggleg.se/fragor/hur-lange-maste-journaler-sparas-inom-enskild-och-allman-vardverksamhet/)
            // and disposal (gallring) needs a regulation or decision (10 §); the exact wording
            // of both is not verified against the SFS text. Private companies
            // are not bound (only authorities and the bodies listed in the annex to
            // offentlighets- och sekretesslagen (2009:400)), so this is a note.
            // No purpose text: the Swedish description cannot quote English words, so
            // both languages say "as long as necessary for the purpose" alike (and
            // `as required by arkivlagen` is refused: it sets no period for a company).
            minimum: RetentionRule::AsLongAsNecessary { purpose: None },
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

/// The adequacy decisions for countries and territories skydd knows, as in force at the end
/// of 2025 (the Commission's list at
/// https://commission.europa.eu/law/law-topic/data-protection/international-dimension-data-protection/adequacy-decisions_en;
/// the eleven pre-GDPR decisions were confirmed by the Commission's review of 15 January
/// 2024). A decision adopted later is not listed: the `transfer-adequacy-unrecognised` lint
/// is a warning, not an error. The one decision for an international organisation is in
/// [`ADEQUACY_DECISIONS_INTERNATIONAL_ORGANISATIONS`].
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
        // Adopted 28 June 2021 for four years, extended to 27 December 2025 (June 2025) and
        // renewed on 19 December 2025 until 27 December 2031
        // (https://www.dpocentre.com/news/eu-renews-uk-personal-data-adequacy-decisions).
        // The numbers of the 2025 extending and renewing decisions are not verified here.
        reference: "Implementing Decision (EU) 2021/1772, renewed on 19 December 2025 until 27 December 2031",
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
        scope: Some("business operators handling personal information under the APPI"),
    },
    AdequacyDecision {
        country: "KR",
        // Adopted 17 December 2021. It covers processing under the Personal Information
        // Protection Act; it leaves out personal credit information processed by bodies the
        // Financial Services Commission supervises and processing by religious
        // organisations and political parties for their own activities.
        reference: "Implementing Decision (EU) 2022/254",
        scope: Some("processing subject to the Personal Information Protection Act (PIPA)"),
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

/// An adequacy decision for an international organisation (Art. 45(1) and (3) allow one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OrganisationAdequacy {
    /// The organisation.
    pub organisation: &'static str,
    /// The decision.
    pub reference: &'static str,
}

/// Adequacy decisions for international organisations, as in force at the end of 2025: the
/// first one, for the European Patent Organisation, adopted on 15 July 2025 and in force
/// since 18 July 2025 (OJ L 2025/1382; https://epo.org/en/news-events/news/epo-welcomes-european-commissions-adequacy-decision-safe-data-flows).
pub const ADEQUACY_DECISIONS_INTERNATIONAL_ORGANISATIONS: &[OrganisationAdequacy] =
    &[OrganisationAdequacy {
        organisation: "European Patent Organisation (EPO)",
        reference: "Implementing Decision (EU) 2025/1382",
    }];

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
    fn every_current_adequacy_decision_is_listed_with_the_uk_renewal_and_the_epo() {
        let mut codes: Vec<_> = ADEQUACY_DECISIONS.iter().map(|d| d.country).collect();
        codes.sort_unstable();
        assert_eq!(
            codes,
            [
                "AD", "AR", "CA", "CH", "FO", "GB", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "US",
                "UY"
            ]
        );
        let gb = adequacy("GB").unwrap();
        assert!(
            gb.reference
                .starts_with("Implementing Decision (EU) 2021/1772")
        );
        assert!(
            gb.reference.contains("27 December 2031"),
            "{}",
            gb.reference
        );
        assert_eq!(
            adequacy("KR").unwrap().reference,
            "Implementing Decision (EU) 2022/254"
        );
        assert!(adequacy("KR").unwrap().scope.is_some());
        assert!(adequacy("JP").unwrap().scope.unwrap().contains("APPI"));
        assert!(adequacy("US").unwrap().reference.contains("2023/1795"));
        let [epo] = ADEQUACY_DECISIONS_INTERNATIONAL_ORGANISATIONS else {
            panic!("one decision for an international organisation");
        };
        assert!(epo.organisation.starts_with("European Patent Organisation"));
        assert_eq!(epo.reference, "Implementing Decision (EU) 2025/1382");
    }

    #[test]
    fn the_dpf_cites_the_decision_of_10_july_2023() {
        assert!(
            TransferMechanism::DataPrivacyFramework
                .article()
                .ends_with("(EU) 2023/1795")
        );
        assert_eq!(TransferMechanism::DataPrivacyFramework.invalidated(), None);
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
        assert!(ptl.summary.0.contains("minst fem år"));
        assert!(ptl.summary.1.contains("at least five years"));
    }

    #[test]
    fn every_statute_maximum_is_never_shorter_than_its_minimum() {
        for s in statutes() {
            if let Some(max) = &s.maximum {
                for (y, m, d) in [(2025, 1, 1), (2025, 2, 28), (2024, 2, 29), (2025, 12, 31)] {
                    assert!(due(max, y, m, d) >= due(&s.minimum, y, m, d), "{}", s.key);
                }
            }
        }
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
        assert!(
            sfl.citation.ends_with("8, 9 och 9 a §§"),
            "{}",
            sfl.citation
        );
        assert!(sfl.summary.0.contains("31 januari"));
        assert!(sfl.summary.1.contains("31 January"));
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
        assert!(
            dl.citation
                .contains("(1976:580) om medbestämmande i arbetslivet 64–66 §§")
        );
        assert_eq!(dl.minimum.event(), Some(&Event::RecruitmentEnd));
        assert_eq!(due(&dl.minimum, 2025, 6, 30), jiff::civil::date(2027, 7, 1));
        let note = dl.note.unwrap();
        assert!(
            note.0.contains("tre månader") && note.0.contains("MBL 65 §"),
            "{}",
            note.0
        );
        assert!(note.1.contains("three months"), "{}", note.1);
        assert!(dl.summary.0.contains("fyra månader") && dl.summary.0.contains("två år"));
    }

    #[test]
    fn housing_cooperatives_and_archives_are_in_the_table() {
        let brl = statute("bostadsrättslagen").unwrap();
        assert_eq!(brl.citation, "Bostadsrättslagen (1991:614) 9 kap. 8–11 §§");
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
