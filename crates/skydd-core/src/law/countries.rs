//! ISO 3166-1 alpha-2 countries with English and Swedish names, and whether each is in the
//! EU/EEA (GDPR Art. 44 ff. apply to transfers to every other country: a "third country").
//!
//! Names follow the ISO short names in English and the Swedish names used by the Swedish
//! government (Regeringskansliet / Institutet för språk och folkminnen).

/// A country by its ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code, upper case, e.g. `"SE"`.
    pub code: &'static str,
    /// English short name, e.g. `"Sweden"`.
    pub en: &'static str,
    /// Swedish name, e.g. `"Sverige"`.
    pub sv: &'static str,
    /// Where the GDPR applies directly: the EU 27 with the parts of their territory inside
    /// the Union (Åland; the French outermost regions, TFEU art. 349 and 355.1), plus the
    /// EEA states Iceland, Liechtenstein and Norway. Sending data anywhere else is a
    /// transfer to a third country.
    pub eea: bool,
}

/// Every assigned ISO 3166-1 alpha-2 code, sorted by code.
// Kept as a table, one country per line; rustfmt would spread each entry over six lines.
#[rustfmt::skip]
pub static COUNTRIES: &[Country] = &[
    Country { code: "AD", en: "Andorra", sv: "Andorra", eea: false },
    Country { code: "AE", en: "United Arab Emirates", sv: "Förenade Arabemiraten", eea: false },
    Country { code: "AF", en: "Afghanistan", sv: "Afghanistan", eea: false },
    Country { code: "AG", en: "Antigua and Barbuda", sv: "Antigua och Barbuda", eea: false },
    Country { code: "AI", en: "Anguilla", sv: "Anguilla", eea: false },
    Country { code: "AL", en: "Albania", sv: "Albanien", eea: false },
    Country { code: "AM", en: "Armenia", sv: "Armenien", eea: false },
    Country { code: "AO", en: "Angola", sv: "Angola", eea: false },
    Country { code: "AQ", en: "Antarctica", sv: "Antarktis", eea: false },
    Country { code: "AR", en: "Argentina", sv: "Argentina", eea: false },
    Country { code: "AS", en: "American Samoa", sv: "Amerikanska Samoa", eea: false },
    Country { code: "AT", en: "Austria", sv: "Österrike", eea: true },
    Country { code: "AU", en: "Australia", sv: "Australien", eea: false },
    Country { code: "AW", en: "Aruba", sv: "Aruba", eea: false },
    // Åland is an autonomous region of Finland and part of the EU (with a tax derogation
    // under Protocol No 2 to Finland's Act of Accession); the GDPR applies there.
    Country { code: "AX", en: "Åland Islands", sv: "Åland", eea: true },
    Country { code: "AZ", en: "Azerbaijan", sv: "Azerbajdzjan", eea: false },
    Country { code: "BA", en: "Bosnia and Herzegovina", sv: "Bosnien och Hercegovina", eea: false },
    Country { code: "BB", en: "Barbados", sv: "Barbados", eea: false },
    Country { code: "BD", en: "Bangladesh", sv: "Bangladesh", eea: false },
    Country { code: "BE", en: "Belgium", sv: "Belgien", eea: true },
    Country { code: "BF", en: "Burkina Faso", sv: "Burkina Faso", eea: false },
    Country { code: "BG", en: "Bulgaria", sv: "Bulgarien", eea: true },
    Country { code: "BH", en: "Bahrain", sv: "Bahrain", eea: false },
    Country { code: "BI", en: "Burundi", sv: "Burundi", eea: false },
    Country { code: "BJ", en: "Benin", sv: "Benin", eea: false },
    Country { code: "BL", en: "Saint Barthélemy", sv: "Saint-Barthélemy", eea: false },
    Country { code: "BM", en: "Bermuda", sv: "Bermuda", eea: false },
    Country { code: "BN", en: "Brunei Darussalam", sv: "Brunei", eea: false },
    Country { code: "BO", en: "Bolivia", sv: "Bolivia", eea: false },
    Country {
        code: "BQ",
        en: "Bonaire, Sint Eustatius and Saba",
        sv: "Bonaire, Sint Eustatius och Saba",
        eea: false,
    },
    Country { code: "BR", en: "Brazil", sv: "Brasilien", eea: false },
    Country { code: "BS", en: "Bahamas", sv: "Bahamas", eea: false },
    Country { code: "BT", en: "Bhutan", sv: "Bhutan", eea: false },
    Country { code: "BV", en: "Bouvet Island", sv: "Bouvetön", eea: false },
    Country { code: "BW", en: "Botswana", sv: "Botswana", eea: false },
    Country { code: "BY", en: "Belarus", sv: "Belarus", eea: false },
    Country { code: "BZ", en: "Belize", sv: "Belize", eea: false },
    Country { code: "CA", en: "Canada", sv: "Kanada", eea: false },
    Country { code: "CC", en: "Cocos (Keeling) Islands", sv: "Kokosöarna", eea: false },
    Country {
        code: "CD",
        en: "Democratic Republic of the Congo",
        sv: "Demokratiska republiken Kongo",
        eea: false,
    },
    Country {
        code: "CF",
        en: "Central African Republic",
        sv: "Centralafrikanska republiken",
        eea: false,
    },
    Country { code: "CG", en: "Congo", sv: "Republiken Kongo", eea: false },
    Country { code: "CH", en: "Switzerland", sv: "Schweiz", eea: false },
    Country { code: "CI", en: "Côte d'Ivoire", sv: "Elfenbenskusten", eea: false },
    Country { code: "CK", en: "Cook Islands", sv: "Cooköarna", eea: false },
    Country { code: "CL", en: "Chile", sv: "Chile", eea: false },
    Country { code: "CM", en: "Cameroon", sv: "Kamerun", eea: false },
    Country { code: "CN", en: "China", sv: "Kina", eea: false },
    Country { code: "CO", en: "Colombia", sv: "Colombia", eea: false },
    Country { code: "CR", en: "Costa Rica", sv: "Costa Rica", eea: false },
    Country { code: "CU", en: "Cuba", sv: "Kuba", eea: false },
    Country { code: "CV", en: "Cabo Verde", sv: "Kap Verde", eea: false },
    Country { code: "CW", en: "Curaçao", sv: "Curaçao", eea: false },
    Country { code: "CX", en: "Christmas Island", sv: "Julön", eea: false },
    Country { code: "CY", en: "Cyprus", sv: "Cypern", eea: true },
    Country { code: "CZ", en: "Czechia", sv: "Tjeckien", eea: true },
    Country { code: "DE", en: "Germany", sv: "Tyskland", eea: true },
    Country { code: "DJ", en: "Djibouti", sv: "Djibouti", eea: false },
    Country { code: "DK", en: "Denmark", sv: "Danmark", eea: true },
    Country { code: "DM", en: "Dominica", sv: "Dominica", eea: false },
    Country { code: "DO", en: "Dominican Republic", sv: "Dominikanska republiken", eea: false },
    Country { code: "DZ", en: "Algeria", sv: "Algeriet", eea: false },
    Country { code: "EC", en: "Ecuador", sv: "Ecuador", eea: false },
    Country { code: "EE", en: "Estonia", sv: "Estland", eea: true },
    Country { code: "EG", en: "Egypt", sv: "Egypten", eea: false },
    Country { code: "EH", en: "Western Sahara", sv: "Västsahara", eea: false },
    Country { code: "ER", en: "Eritrea", sv: "Eritrea", eea: false },
    Country { code: "ES", en: "Spain", sv: "Spanien", eea: true },
    Country { code: "ET", en: "Ethiopia", sv: "Etiopien", eea: false },
    Country { code: "FI", en: "Finland", sv: "Finland", eea: true },
    Country { code: "FJ", en: "Fiji", sv: "Fiji", eea: false },
    Country { code: "FK", en: "Falkland Islands", sv: "Falklandsöarna", eea: false },
    Country { code: "FM", en: "Micronesia", sv: "Mikronesiska federationen", eea: false },
    // Part of the Kingdom of Denmark but outside the EU.
    Country { code: "FO", en: "Faroe Islands", sv: "Färöarna", eea: false },
    Country { code: "FR", en: "France", sv: "Frankrike", eea: true },
    Country { code: "GA", en: "Gabon", sv: "Gabon", eea: false },
    Country { code: "GB", en: "United Kingdom", sv: "Storbritannien", eea: false },
    Country { code: "GD", en: "Grenada", sv: "Grenada", eea: false },
    Country { code: "GE", en: "Georgia", sv: "Georgien", eea: false },
    Country { code: "GF", en: "French Guiana", sv: "Franska Guyana", eea: true },
    Country { code: "GG", en: "Guernsey", sv: "Guernsey", eea: false },
    Country { code: "GH", en: "Ghana", sv: "Ghana", eea: false },
    Country { code: "GI", en: "Gibraltar", sv: "Gibraltar", eea: false },
    // Part of the Kingdom of Denmark but outside the EU.
    Country { code: "GL", en: "Greenland", sv: "Grönland", eea: false },
    Country { code: "GM", en: "Gambia", sv: "Gambia", eea: false },
    Country { code: "GN", en: "Guinea", sv: "Guinea", eea: false },
    Country { code: "GP", en: "Guadeloupe", sv: "Guadeloupe", eea: true },
    Country { code: "GQ", en: "Equatorial Guinea", sv: "Ekvatorialguinea", eea: false },
    Country { code: "GR", en: "Greece", sv: "Grekland", eea: true },
    Country {
        code: "GS",
        en: "South Georgia and the South Sandwich Islands",
        sv: "Sydgeorgien och Sydsandwichöarna",
        eea: false,
    },
    Country { code: "GT", en: "Guatemala", sv: "Guatemala", eea: false },
    Country { code: "GU", en: "Guam", sv: "Guam", eea: false },
    Country { code: "GW", en: "Guinea-Bissau", sv: "Guinea-Bissau", eea: false },
    Country { code: "GY", en: "Guyana", sv: "Guyana", eea: false },
    Country { code: "HK", en: "Hong Kong", sv: "Hongkong", eea: false },
    Country {
        code: "HM",
        en: "Heard Island and McDonald Islands",
        sv: "Heard- och McDonaldöarna",
        eea: false,
    },
    Country { code: "HN", en: "Honduras", sv: "Honduras", eea: false },
    Country { code: "HR", en: "Croatia", sv: "Kroatien", eea: true },
    Country { code: "HT", en: "Haiti", sv: "Haiti", eea: false },
    Country { code: "HU", en: "Hungary", sv: "Ungern", eea: true },
    Country { code: "ID", en: "Indonesia", sv: "Indonesien", eea: false },
    Country { code: "IE", en: "Ireland", sv: "Irland", eea: true },
    Country { code: "IL", en: "Israel", sv: "Israel", eea: false },
    Country { code: "IM", en: "Isle of Man", sv: "Isle of Man", eea: false },
    Country { code: "IN", en: "India", sv: "Indien", eea: false },
    Country {
        code: "IO",
        en: "British Indian Ocean Territory",
        sv: "Brittiska territoriet i Indiska oceanen",
        eea: false,
    },
    Country { code: "IQ", en: "Iraq", sv: "Irak", eea: false },
    Country { code: "IR", en: "Iran", sv: "Iran", eea: false },
    Country { code: "IS", en: "Iceland", sv: "Island", eea: true },
    Country { code: "IT", en: "Italy", sv: "Italien", eea: true },
    Country { code: "JE", en: "Jersey", sv: "Jersey", eea: false },
    Country { code: "JM", en: "Jamaica", sv: "Jamaica", eea: false },
    Country { code: "JO", en: "Jordan", sv: "Jordanien", eea: false },
    Country { code: "JP", en: "Japan", sv: "Japan", eea: false },
    Country { code: "KE", en: "Kenya", sv: "Kenya", eea: false },
    Country { code: "KG", en: "Kyrgyzstan", sv: "Kirgizistan", eea: false },
    Country { code: "KH", en: "Cambodia", sv: "Kambodja", eea: false },
    Country { code: "KI", en: "Kiribati", sv: "Kiribati", eea: false },
    Country { code: "KM", en: "Comoros", sv: "Komorerna", eea: false },
    Country { code: "KN", en: "Saint Kitts and Nevis", sv: "Saint Kitts och Nevis", eea: false },
    Country { code: "KP", en: "North Korea", sv: "Nordkorea", eea: false },
    Country { code: "KR", en: "South Korea", sv: "Sydkorea", eea: false },
    Country { code: "KW", en: "Kuwait", sv: "Kuwait", eea: false },
    Country { code: "KY", en: "Cayman Islands", sv: "Caymanöarna", eea: false },
    Country { code: "KZ", en: "Kazakhstan", sv: "Kazakstan", eea: false },
    Country { code: "LA", en: "Laos", sv: "Laos", eea: false },
    Country { code: "LB", en: "Lebanon", sv: "Libanon", eea: false },
    Country { code: "LC", en: "Saint Lucia", sv: "Saint Lucia", eea: false },
    Country { code: "LI", en: "Liechtenstein", sv: "Liechtenstein", eea: true },
    Country { code: "LK", en: "Sri Lanka", sv: "Sri Lanka", eea: false },
    Country { code: "LR", en: "Liberia", sv: "Liberia", eea: false },
    Country { code: "LS", en: "Lesotho", sv: "Lesotho", eea: false },
    Country { code: "LT", en: "Lithuania", sv: "Litauen", eea: true },
    Country { code: "LU", en: "Luxembourg", sv: "Luxemburg", eea: true },
    Country { code: "LV", en: "Latvia", sv: "Lettland", eea: true },
    Country { code: "LY", en: "Libya", sv: "Libyen", eea: false },
    Country { code: "MA", en: "Morocco", sv: "Marocko", eea: false },
    Country { code: "MC", en: "Monaco", sv: "Monaco", eea: false },
    Country { code: "MD", en: "Moldova", sv: "Moldavien", eea: false },
    Country { code: "ME", en: "Montenegro", sv: "Montenegro", eea: false },
    Country {
        code: "MF",
        en: "Saint Martin (French part)",
        sv: "Saint-Martin (franska delen)",
        eea: true,
    },
    Country { code: "MG", en: "Madagascar", sv: "Madagaskar", eea: false },
    Country { code: "MH", en: "Marshall Islands", sv: "Marshallöarna", eea: false },
    Country { code: "MK", en: "North Macedonia", sv: "Nordmakedonien", eea: false },
    Country { code: "ML", en: "Mali", sv: "Mali", eea: false },
    Country { code: "MM", en: "Myanmar", sv: "Myanmar", eea: false },
    Country { code: "MN", en: "Mongolia", sv: "Mongoliet", eea: false },
    Country { code: "MO", en: "Macao", sv: "Macao", eea: false },
    Country { code: "MP", en: "Northern Mariana Islands", sv: "Nordmarianerna", eea: false },
    Country { code: "MQ", en: "Martinique", sv: "Martinique", eea: true },
    Country { code: "MR", en: "Mauritania", sv: "Mauretanien", eea: false },
    Country { code: "MS", en: "Montserrat", sv: "Montserrat", eea: false },
    Country { code: "MT", en: "Malta", sv: "Malta", eea: true },
    Country { code: "MU", en: "Mauritius", sv: "Mauritius", eea: false },
    Country { code: "MV", en: "Maldives", sv: "Maldiverna", eea: false },
    Country { code: "MW", en: "Malawi", sv: "Malawi", eea: false },
    Country { code: "MX", en: "Mexico", sv: "Mexiko", eea: false },
    Country { code: "MY", en: "Malaysia", sv: "Malaysia", eea: false },
    Country { code: "MZ", en: "Mozambique", sv: "Moçambique", eea: false },
    Country { code: "NA", en: "Namibia", sv: "Namibia", eea: false },
    Country { code: "NC", en: "New Caledonia", sv: "Nya Kaledonien", eea: false },
    Country { code: "NE", en: "Niger", sv: "Niger", eea: false },
    Country { code: "NF", en: "Norfolk Island", sv: "Norfolkön", eea: false },
    Country { code: "NG", en: "Nigeria", sv: "Nigeria", eea: false },
    Country { code: "NI", en: "Nicaragua", sv: "Nicaragua", eea: false },
    Country { code: "NL", en: "Netherlands", sv: "Nederländerna", eea: true },
    Country { code: "NO", en: "Norway", sv: "Norge", eea: true },
    Country { code: "NP", en: "Nepal", sv: "Nepal", eea: false },
    Country { code: "NR", en: "Nauru", sv: "Nauru", eea: false },
    Country { code: "NU", en: "Niue", sv: "Niue", eea: false },
    Country { code: "NZ", en: "New Zealand", sv: "Nya Zeeland", eea: false },
    Country { code: "OM", en: "Oman", sv: "Oman", eea: false },
    Country { code: "PA", en: "Panama", sv: "Panama", eea: false },
    Country { code: "PE", en: "Peru", sv: "Peru", eea: false },
    Country { code: "PF", en: "French Polynesia", sv: "Franska Polynesien", eea: false },
    Country { code: "PG", en: "Papua New Guinea", sv: "Papua Nya Guinea", eea: false },
    Country { code: "PH", en: "Philippines", sv: "Filippinerna", eea: false },
    Country { code: "PK", en: "Pakistan", sv: "Pakistan", eea: false },
    Country { code: "PL", en: "Poland", sv: "Polen", eea: true },
    Country {
        code: "PM",
        en: "Saint Pierre and Miquelon",
        sv: "Saint-Pierre och Miquelon",
        eea: false,
    },
    Country { code: "PN", en: "Pitcairn", sv: "Pitcairnöarna", eea: false },
    Country { code: "PR", en: "Puerto Rico", sv: "Puerto Rico", eea: false },
    Country { code: "PS", en: "Palestine", sv: "Palestina", eea: false },
    Country { code: "PT", en: "Portugal", sv: "Portugal", eea: true },
    Country { code: "PW", en: "Palau", sv: "Palau", eea: false },
    Country { code: "PY", en: "Paraguay", sv: "Paraguay", eea: false },
    Country { code: "QA", en: "Qatar", sv: "Qatar", eea: false },
    Country { code: "RE", en: "Réunion", sv: "Réunion", eea: true },
    Country { code: "RO", en: "Romania", sv: "Rumänien", eea: true },
    Country { code: "RS", en: "Serbia", sv: "Serbien", eea: false },
    Country { code: "RU", en: "Russian Federation", sv: "Ryssland", eea: false },
    Country { code: "RW", en: "Rwanda", sv: "Rwanda", eea: false },
    Country { code: "SA", en: "Saudi Arabia", sv: "Saudiarabien", eea: false },
    Country { code: "SB", en: "Solomon Islands", sv: "Salomonöarna", eea: false },
    Country { code: "SC", en: "Seychelles", sv: "Seychellerna", eea: false },
    Country { code: "SD", en: "Sudan", sv: "Sudan", eea: false },
    Country { code: "SE", en: "Sweden", sv: "Sverige", eea: true },
    Country { code: "SG", en: "Singapore", sv: "Singapore", eea: false },
    Country {
        code: "SH",
        en: "Saint Helena, Ascension and Tristan da Cunha",
        sv: "Sankta Helena, Ascension och Tristan da Cunha",
        eea: false,
    },
    Country { code: "SI", en: "Slovenia", sv: "Slovenien", eea: true },
    // Norwegian, but the EEA Agreement does not apply to Svalbard and Jan Mayen.
    Country { code: "SJ", en: "Svalbard and Jan Mayen", sv: "Svalbard och Jan Mayen", eea: false },
    Country { code: "SK", en: "Slovakia", sv: "Slovakien", eea: true },
    Country { code: "SL", en: "Sierra Leone", sv: "Sierra Leone", eea: false },
    Country { code: "SM", en: "San Marino", sv: "San Marino", eea: false },
    Country { code: "SN", en: "Senegal", sv: "Senegal", eea: false },
    Country { code: "SO", en: "Somalia", sv: "Somalia", eea: false },
    Country { code: "SR", en: "Suriname", sv: "Surinam", eea: false },
    Country { code: "SS", en: "South Sudan", sv: "Sydsudan", eea: false },
    Country { code: "ST", en: "Sao Tome and Principe", sv: "São Tomé och Príncipe", eea: false },
    Country { code: "SV", en: "El Salvador", sv: "El Salvador", eea: false },
    Country {
        code: "SX",
        en: "Sint Maarten (Dutch part)",
        sv: "Sint Maarten (nederländska delen)",
        eea: false,
    },
    Country { code: "SY", en: "Syria", sv: "Syrien", eea: false },
    Country { code: "SZ", en: "Eswatini", sv: "Eswatini", eea: false },
    Country {
        code: "TC",
        en: "Turks and Caicos Islands",
        sv: "Turks- och Caicosöarna",
        eea: false,
    },
    Country { code: "TD", en: "Chad", sv: "Tchad", eea: false },
    Country {
        code: "TF",
        en: "French Southern Territories",
        sv: "Franska sydterritorierna",
        eea: false,
    },
    Country { code: "TG", en: "Togo", sv: "Togo", eea: false },
    Country { code: "TH", en: "Thailand", sv: "Thailand", eea: false },
    Country { code: "TJ", en: "Tajikistan", sv: "Tadzjikistan", eea: false },
    Country { code: "TK", en: "Tokelau", sv: "Tokelau", eea: false },
    Country { code: "TL", en: "Timor-Leste", sv: "Östtimor", eea: false },
    Country { code: "TM", en: "Turkmenistan", sv: "Turkmenistan", eea: false },
    Country { code: "TN", en: "Tunisia", sv: "Tunisien", eea: false },
    Country { code: "TO", en: "Tonga", sv: "Tonga", eea: false },
    Country { code: "TR", en: "Türkiye", sv: "Turkiet", eea: false },
    Country { code: "TT", en: "Trinidad and Tobago", sv: "Trinidad och Tobago", eea: false },
    Country { code: "TV", en: "Tuvalu", sv: "Tuvalu", eea: false },
    Country { code: "TW", en: "Taiwan", sv: "Taiwan", eea: false },
    Country { code: "TZ", en: "Tanzania", sv: "Tanzania", eea: false },
    Country { code: "UA", en: "Ukraine", sv: "Ukraina", eea: false },
    Country { code: "UG", en: "Uganda", sv: "Uganda", eea: false },
    Country {
        code: "UM",
        en: "United States Minor Outlying Islands",
        sv: "Förenta staternas mindre öar i Oceanien och Västindien",
        eea: false,
    },
    Country { code: "US", en: "United States", sv: "USA", eea: false },
    Country { code: "UY", en: "Uruguay", sv: "Uruguay", eea: false },
    Country { code: "UZ", en: "Uzbekistan", sv: "Uzbekistan", eea: false },
    Country { code: "VA", en: "Holy See", sv: "Vatikanstaten", eea: false },
    Country {
        code: "VC",
        en: "Saint Vincent and the Grenadines",
        sv: "Saint Vincent och Grenadinerna",
        eea: false,
    },
    Country { code: "VE", en: "Venezuela", sv: "Venezuela", eea: false },
    Country { code: "VG", en: "British Virgin Islands", sv: "Brittiska Jungfruöarna", eea: false },
    Country { code: "VI", en: "U.S. Virgin Islands", sv: "Amerikanska Jungfruöarna", eea: false },
    Country { code: "VN", en: "Viet Nam", sv: "Vietnam", eea: false },
    Country { code: "VU", en: "Vanuatu", sv: "Vanuatu", eea: false },
    Country { code: "WF", en: "Wallis and Futuna", sv: "Wallis- och Futunaöarna", eea: false },
    Country { code: "WS", en: "Samoa", sv: "Samoa", eea: false },
    Country { code: "YE", en: "Yemen", sv: "Jemen", eea: false },
    Country { code: "YT", en: "Mayotte", sv: "Mayotte", eea: true },
    Country { code: "ZA", en: "South Africa", sv: "Sydafrika", eea: false },
    Country { code: "ZM", en: "Zambia", sv: "Zambia", eea: false },
    Country { code: "ZW", en: "Zimbabwe", sv: "Zimbabwe", eea: false },
];

/// Looks a country up by its alpha-2 code (case-insensitive).
///
/// Returns `None` for anything that is not an assigned two-letter code; never allocates.
#[must_use]
pub fn country(code: &str) -> Option<&'static Country> {
    let bytes = code.as_bytes();
    if bytes.len() != 2 || !bytes.is_ascii() {
        return None;
    }
    let upper = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase()];
    let key = std::str::from_utf8(&upper).ok()?;
    COUNTRIES
        .binary_search_by(|c| c.code.cmp(key))
        .ok()
        .map(|i| &COUNTRIES[i])
}

/// Other names people write for a country, in English and Swedish (folded: lower case,
/// single spaces), beside the two names in [`COUNTRIES`].
const ALIASES: &[(&str, &str)] = &[
    ("usa", "US"),
    ("u.s.", "US"),
    ("u.s.a.", "US"),
    ("us", "US"),
    ("united states of america", "US"),
    ("america", "US"),
    ("förenta staterna", "US"),
    ("amerikas förenta stater", "US"),
    ("uk", "GB"),
    ("u.k.", "GB"),
    ("great britain", "GB"),
    ("britain", "GB"),
    ("england", "GB"),
    ("förenade kungariket", "GB"),
    ("england och wales", "GB"),
    ("holland", "NL"),
    ("the netherlands", "NL"),
    ("czech republic", "CZ"),
    ("tjeckiska republiken", "CZ"),
    ("russia", "RU"),
    ("vietnam", "VN"),
    ("korea", "KR"),
    ("republic of korea", "KR"),
    ("republiken korea", "KR"),
    ("sydkorea", "KR"),
    ("schweiz", "CH"),
];

fn fold_name(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Every name [`by_name`] reads (English, Swedish and the other names), for suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    COUNTRIES
        .iter()
        .flat_map(|c| [c.sv, c.en])
        .chain(ALIASES.iter().map(|(alias, _)| *alias))
}

/// Looks a country up by its ISO code or its name in English or Swedish, ignoring case:
/// "SE", "Sverige", "Sweden", "USA", "Förenta staterna", "Storbritannien", "UK".
#[must_use]
pub fn by_name(name: &str) -> Option<&'static Country> {
    let trimmed = name.trim();
    if let Some(c) = country(trimmed) {
        return Some(c);
    }
    let folded = fold_name(trimmed);
    if folded.is_empty() {
        return None;
    }
    COUNTRIES
        .iter()
        .find(|c| fold_name(c.en) == folded || fold_name(c.sv) == folded)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| *alias == folded)
                .and_then(|(_, code)| country(code))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        for pair in COUNTRIES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} !< {}",
                pair[0].code,
                pair[1].code
            );
        }
    }

    #[test]
    fn codes_are_two_upper_case_letters() {
        for c in COUNTRIES {
            assert_eq!(c.code.len(), 2, "{}", c.code);
            assert!(c.code.bytes().all(|b| b.is_ascii_uppercase()), "{}", c.code);
            assert!(!c.en.is_empty() && !c.sv.is_empty(), "{}", c.code);
        }
    }

    #[test]
    fn all_249_assigned_codes() {
        assert_eq!(COUNTRIES.len(), 249);
    }

    #[test]
    fn eu_and_eea_members() {
        let expected = [
            "AT", "AX", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GF", "GP",
            "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MF", "MQ", "MT", "NL",
            "NO", "PL", "PT", "RE", "RO", "SE", "SI", "SK", "YT",
        ];
        let actual: Vec<&str> = COUNTRIES.iter().filter(|c| c.eea).map(|c| c.code).collect();
        assert_eq!(actual, expected);
        assert_eq!(actual.len(), 37);
        for code in ["GL", "FO", "GB", "CH", "SJ", "GI"] {
            assert!(!country(code).is_some_and(|c| c.eea), "{code}");
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        let se = country("se").map(|c| c.sv);
        assert_eq!(se, Some("Sverige"));
        assert_eq!(country("SE").map(|c| c.en), Some("Sweden"));
        assert_eq!(country("sE").map(|c| c.code), Some("SE"));
        assert_eq!(country("us").map(|c| c.sv), Some("USA"));
        assert_eq!(country("ax").map(|c| (c.sv, c.eea)), Some(("Åland", true)));
        assert_eq!(country("AD").map(|c| c.code), Some("AD"));
        assert_eq!(country("zw").map(|c| c.code), Some("ZW"));
    }

    #[test]
    fn unknown_codes() {
        for code in ["XX", "", "SWE", "S", "é", "Ås", "AN", "XK", " SE"] {
            assert_eq!(country(code), None, "{code:?}");
        }
    }

    #[test]
    fn every_entry_is_found() {
        for c in COUNTRIES {
            assert_eq!(country(c.code), Some(c));
            assert_eq!(country(&c.code.to_ascii_lowercase()), Some(c));
        }
    }

    #[test]
    fn names_in_swedish_and_english_are_read_as_codes_ignoring_case() {
        let code = |n: &str| by_name(n).map(|c| c.code);
        for (name, expected) in [
            ("USA", "US"),
            ("usa", "US"),
            ("Förenta staterna", "US"),
            ("United States", "US"),
            ("united states of america", "US"),
            ("Storbritannien", "GB"),
            ("United Kingdom", "GB"),
            ("UK", "GB"),
            ("Irland", "IE"),
            ("Ireland", "IE"),
            ("Tyskland", "DE"),
            ("GERMANY", "DE"),
            ("Sverige", "SE"),
            ("sweden", "SE"),
            ("  Nederländerna ", "NL"),
            ("se", "SE"),
            ("Åland", "AX"),
        ] {
            assert_eq!(code(name), Some(expected), "{name}");
        }
    }

    #[test]
    fn what_is_not_a_country_name_is_not_read_as_one() {
        for name in ["", "Sverge", "Europe", "EU", "Nordamerika", "XX"] {
            assert_eq!(by_name(name), None, "{name}");
        }
    }

    #[test]
    fn every_alias_names_an_assigned_code() {
        for (alias, code) in ALIASES {
            assert!(country(code).is_some(), "{alias} → {code}");
            assert_eq!(*alias, fold_name(alias), "aliases are written folded");
        }
    }
}
