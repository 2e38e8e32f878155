//! Removes what could identify someone from a legal question before it is
//! published (the legal desk): names of persons, e-mail addresses, phone
//! numbers, PESEL, NIP, KRS, REGON, bank account numbers (NRB / IBAN) and
//! street addresses with postal codes. Each removal is reported (what, where,
//! what stands in its place), so that an advisor reviews the two texts side by
//! side before publishing; what the patterns cannot know (a surname alone, a
//! nickname, a rare detail of a story) is the advisor's to remove.
//!
//! Numbers are removed when they have the shape of an identifier even if their
//! check digit is wrong (a mistyped PESEL still identifies); the check digit only
//! decides whether 9 digits are reported as a REGON or a phone number. Names are
//! found after a form of address ("pani Anna Nowak", "panu Kowalskiemu") and as
//! common Polish first names, in any case ending, with the capitalised word
//! after them. Written for coophub.

use regex::Regex;
use std::sync::LazyLock;

/// What a removed piece was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Person,
    Email,
    Phone,
    Pesel,
    Nip,
    Krs,
    Regon,
    Account,
    Address,
}

impl Kind {
    /// What the published text says in its place.
    pub fn placeholder(self) -> &'static str {
        match self {
            Kind::Person => "[osoba]",
            Kind::Email => "[e-mail]",
            Kind::Phone => "[telefon]",
            Kind::Pesel => "[PESEL]",
            Kind::Nip => "[NIP]",
            Kind::Krs => "[KRS]",
            Kind::Regon => "[REGON]",
            Kind::Account => "[numer konta]",
            Kind::Address => "[adres]",
        }
    }
}

/// One piece removed: its kind and its place in the original (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub original: String,
}

/// A text with its removals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anonymised {
    pub text: String,
    pub removed: Vec<Removal>,
}

/// Common Polish first names (stems: a declined form starts with one; an
/// alternation of stems keeps "Jan" from matching inside "Janowski").
const FIRST_NAMES: &[&str] = &[
    "Adam",
    "Adrian",
    "Agnieszk",
    "Aleksandr",
    "Aleksander",
    "Alicj",
    "Andrzej",
    "Ann",
    "Antoni",
    "Arkadiusz",
    "Artur",
    "Barbar",
    "Bartosz",
    "Beat",
    "Bogdan",
    "Bożen",
    "Danut",
    "Dariusz",
    "Dawid",
    "Dominik",
    "Dorot",
    "Edyt",
    "Elżbiet",
    "Emili",
    "Ew",
    "Filip",
    "Grażyn",
    "Grzegorz",
    "Halin",
    "Henryk",
    "Hubert",
    "Iren",
    "Iwon",
    "Izabel",
    "Jacek",
    "Jack",
    "Jadwig",
    "Jakub",
    "Jan",
    "Janin",
    "Janusz",
    "Jerzy",
    "Joann",
    "Jolant",
    "Józef",
    "Julian",
    "Juli",
    "Justyn",
    "Kacper",
    "Kamil",
    "Karol",
    "Karolin",
    "Katarzyn",
    "Kazimierz",
    "Krystian",
    "Krystyn",
    "Krzysztof",
    "Leszek",
    "Leszk",
    "Lucyn",
    "Łukasz",
    "Maciej",
    "Magdalen",
    "Małgorzat",
    "Marcin",
    "Marek",
    "Mark",
    "Mari",
    "Mariusz",
    "Mart",
    "Marzen",
    "Mateusz",
    "Michał",
    "Mirosław",
    "Monik",
    "Natali",
    "Norbert",
    "Olg",
    "Oliwi",
    "Patryk",
    "Paweł",
    "Pawł",
    "Piotr",
    "Przemysław",
    "Rafał",
    "Renat",
    "Robert",
    "Roman",
    "Ryszard",
    "Sebastian",
    "Stanisław",
    "Stefan",
    "Sylwi",
    "Szymon",
    "Tadeusz",
    "Teres",
    "Tomasz",
    "Urszul",
    "Wand",
    "Wiesław",
    "Wiktor",
    "Wiktori",
    "Witold",
    "Władysław",
    "Wojciech",
    "Zbigniew",
    "Zdzisław",
    "Zofi",
    "Zuzann",
    "Zyta",
];

static PATTERNS: LazyLock<Vec<(Pattern, Regex)>> = LazyLock::new(|| {
    let names = FIRST_NAMES.join("|");
    let word = r"\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?";
    let raw: Vec<(Pattern, String)> = vec![
        (
            Pattern::Email,
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}".into(),
        ),
        // NRB (26 digits, with or without PL and spaces) and other IBANs.
        (
            Pattern::Account,
            r"\b(?:[A-Z]{2}\s?)?\d{2}(?:\s?[0-9]{4}){6}\b|\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b".into(),
        ),
        (
            Pattern::Labelled,
            r"(?i)\b(PESEL|NIP|KRS|REGON)\b\s*(?:nr\.?|numer)?\s*:?\s*(?:PL\s?)?[0-9][0-9 \-]{7,20}[0-9]".into(),
        ),
        (Pattern::Pesel, r"\b\d{11}\b".into()),
        (
            Pattern::TenDigits,
            r"\b(?:\d{3}-\d{3}-\d{2}-\d{2}|\d{3}-\d{2}-\d{2}-\d{3}|\d{10})\b".into(),
        ),
        (Pattern::Regon14, r"\b\d{14}\b".into()),
        (
            Pattern::Phone,
            r"(?:\+48[\s\-]?)?(?:\(\d{2}\)\s?\d{3}[\s\-]?\d{2}[\s\-]?\d{2}|\b\d{2}\s\d{3}[\s\-]\d{2}[\s\-]\d{2}|\b\d{3}[\s\-]?\d{3}[\s\-]?\d{3})\b".into(),
        ),
        (
            Pattern::Address,
            format!(
                r"\b(?:[Uu]l\.|[Uu]lic[aąy]|[Aa]l\.|[Aa]lej[aię]|[Oo]s\.|[Oo]siedl[eu]|[Pp]l\.|[Pp]lac[u]?)\s+(?:(?:{word}|\d+|[IVX]{{1,4}})\s+){{0,4}}?(?:{word}|[IVX]{{1,4}})\s+\d+[a-zA-Z]?(?:\s*/\s*\d+[a-zA-Z]?|\s+(?:m\.|lok\.)\s*\d+)?"
            ),
        ),
        (
            Pattern::Address,
            format!(r"\b\d{{2}}-\d{{3}}(?:\s+{word}(?:\s+{word})?)?"),
        ),
        (
            Pattern::Person,
            format!(
                r"\b(?:[Pp]an(?:i|a|u|em|ią|ie|owie|ów)?|[Dd]r|[Mm]gr|[Mm]ecenas(?:a|owi)?|[Pp]rof|[Aa]dw|[Ii]nż|[Rr]\.\s?pr|[Ww]ójt(?:a|owi|em)?|[Bb]urmistrz(?:a|owi|em)?|[Ss]tarost(?:a|y|ą|ę)|[Pp]rezes(?:a|owi|em|ka|ki)?)\.?\s+((?:{word})(?:\s+{word})?)"
            ),
        ),
        (
            Pattern::Person,
            format!(r"\b((?:{names})(?:a|y|i|ie|e|ę|ą|u|o|em|owi|ego|emu|ii|ią)?(?:\s+{word})?)\b"),
        ),
    ];
    raw.into_iter()
        .filter_map(|(p, r)| match Regex::new(&r) {
            Ok(re) => Some((p, re)),
            Err(e) => {
                tracing::error!(error = %e, "an anonymiser pattern does not compile");
                None
            }
        })
        .collect()
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pattern {
    Email,
    Account,
    /// A number after its name: `NIP: 526-000-12-46`, `KRS 0000012345`.
    Labelled,
    Pesel,
    /// NIP when its check digit says so, else a KRS-shaped or other number.
    TenDigits,
    Regon14,
    Phone,
    Address,
    Person,
}

fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

fn weighted_ok(ds: &[u32], weights: &[u32], modulus: u32, check: impl Fn(u32) -> u32) -> bool {
    ds.len() == weights.len() + 1
        && check(ds.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % modulus)
            == ds[weights.len()]
}

/// Whether 11 digits are a PESEL by its check digit.
pub fn is_pesel(s: &str) -> bool {
    weighted_ok(&digits(s), &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3], 10, |r| {
        (10 - r) % 10
    })
}

fn is_regon9(s: &str) -> bool {
    weighted_ok(&digits(s), &[8, 9, 2, 3, 4, 5, 6, 7], 11, |r| r % 10)
}

fn kind_of(p: Pattern, m: &str) -> Kind {
    match p {
        Pattern::Email => Kind::Email,
        Pattern::Account => Kind::Account,
        Pattern::Labelled => {
            let label = m.trim_start().get(..3).unwrap_or("").to_ascii_uppercase();
            match label.as_str() {
                "PES" => Kind::Pesel,
                "NIP" => Kind::Nip,
                "KRS" => Kind::Krs,
                _ => Kind::Regon,
            }
        }
        Pattern::Pesel => Kind::Pesel,
        // KRS numbers are written with their leading zeros; no NIP starts with 0.
        Pattern::TenDigits if m.starts_with('0') => Kind::Krs,
        Pattern::TenDigits => Kind::Nip,
        Pattern::Regon14 => Kind::Regon,
        Pattern::Phone if !m.contains([' ', '-', '(', '+']) && is_regon9(m) => Kind::Regon,
        Pattern::Phone => Kind::Phone,
        Pattern::Address => Kind::Address,
        Pattern::Person => Kind::Person,
    }
}

/// Words that follow a form of address or a first name without being a person:
/// institutions ("Wójt Gminy"), and names of patrons and saints ("im. Jana
/// Pawła II", "św. Anny").
fn not_a_person(text: &str, start: usize, name: &str) -> bool {
    const INSTITUTIONS: [&str; 8] = [
        "Gmin",
        "Miast",
        "Powiat",
        "Wojew",
        "Spółdziel",
        "Urz",
        "Zarz",
        "Rad",
    ];
    let before = text[..start].trim_end();
    before.ends_with("im.")
        || before.ends_with("św.")
        || INSTITUTIONS.iter().any(|i| name.starts_with(i))
}

/// Whether a number is followed by a currency: an amount, not a phone number.
fn is_amount(after: &str) -> bool {
    let next = after.trim_start().to_lowercase();
    ["zł", "pln", "eur", "euro", "tys", "mln", "gr"]
        .iter()
        .any(|c| next.starts_with(c))
}

/// `text` with everything that could identify someone replaced, and the list of
/// what was replaced (in order).
pub fn anonymise(text: &str) -> Anonymised {
    let mut found: Vec<Removal> = Vec::new();
    for (p, re) in PATTERNS.iter() {
        for caps in re.captures_iter(text) {
            // A person's name is the group after its form of address.
            let Some(m) = (if *p == Pattern::Person {
                caps.get(1)
            } else {
                caps.get(0)
            }) else {
                continue;
            };
            let (start, end) = (m.start(), m.end());
            if *p == Pattern::Person && not_a_person(text, start, m.as_str()) {
                continue;
            }
            if *p == Pattern::Phone && is_amount(&text[end..]) {
                continue;
            }
            if found.iter().any(|r| start < r.end && r.start < end) {
                continue; // an earlier, more specific pattern has it
            }
            found.push(Removal {
                kind: kind_of(*p, m.as_str()),
                start,
                end,
                original: m.as_str().to_owned(),
            });
        }
    }
    found.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in &found {
        out.push_str(&text[at..r.start]);
        out.push_str(r.kind.placeholder());
        at = r.end;
    }
    out.push_str(&text[at..]);
    Anonymised {
        text: out,
        removed: found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_tell_identifiers_apart() {
        assert!(is_pesel("44051401359"));
        assert!(!is_pesel("44051401358"));
        assert!(is_regon9("000331501"));
    }

    #[test]
    fn real_shaped_identifiers_are_removed_and_named() {
        // (text, what must go, its kind)
        let table = [
            (
                "Mój PESEL to 44051401359, proszę o pomoc.",
                "44051401359",
                Kind::Pesel,
            ),
            ("PESEL córki: 02070803628.", "02070803628", Kind::Pesel),
            ("NIP spółdzielni: 526-000-12-46", "526-000-12-46", Kind::Nip),
            (
                "Faktura na NIP 5260001246 nie przeszła.",
                "5260001246",
                Kind::Nip,
            ),
            (
                "Wpisani do KRS pod nr 0000012345 od 2019 r.",
                "0000012345",
                Kind::Krs,
            ),
            ("REGON 000331501 podaje GUS.", "000331501", Kind::Regon),
            (
                "Konto: PL61 1090 1014 0000 0712 1981 2874.",
                "1090 1014",
                Kind::Account,
            ),
            (
                "przelew na 61109010140000071219812874",
                "61109010140000071219812874",
                Kind::Account,
            ),
            (
                "IBAN DE89 3704 0044 0532 0130 00",
                "DE89 3704 0044 0532 0130 00",
                Kind::Account,
            ),
            (
                "Proszę dzwonić: +48 600 123 456 po 16.",
                "600 123 456",
                Kind::Phone,
            ),
            ("tel. 600-123-456", "600-123-456", Kind::Phone),
            ("sekretariat (12) 345 67 89", "(12) 345 67 89", Kind::Phone),
            (
                "Piszę z adresu anna.nowak@example.pl wieczorem",
                "anna.nowak@example.pl",
                Kind::Email,
            ),
            (
                "Mieszkam przy ul. Długiej 5/7, 31-147 Kraków.",
                "Długiej 5/7",
                Kind::Address,
            ),
            (
                "Mieszkam przy ul. Długiej 5/7, 31-147 Kraków.",
                "31-147 Kraków",
                Kind::Address,
            ),
            (
                "Siedziba: al. Jana Pawła II 12 m. 4",
                "Pawła II 12",
                Kind::Address,
            ),
            (
                "Rozmawiałam z panią Barbarą Kowalską z gminy.",
                "Barbarą Kowalską",
                Kind::Person,
            ),
            (
                "Prezes, Anna Nowak, nie zgadza się.",
                "Anna Nowak",
                Kind::Person,
            ),
            ("Pan Zieliński nie zapłacił.", "Zieliński", Kind::Person),
            ("Umowę podpisał mecenas Wróbel.", "Wróbel", Kind::Person),
            (
                "Rozmawiałam z wójtem Kowalczykiem.",
                "Kowalczykiem",
                Kind::Person,
            ),
            ("Prezes Zieliński odmówił.", "Zieliński", Kind::Person),
            ("Opinię wydał prof. Nowak.", "Nowak", Kind::Person),
            (
                "List od Krzysztofa Wiśniewskiego",
                "Krzysztofa Wiśniewskiego",
                Kind::Person,
            ),
        ];
        for (text, gone, kind) in table {
            let a = anonymise(text);
            assert!(!a.text.contains(gone), "{text:?} → {:?}", a.text);
            assert!(
                a.removed.iter().any(|r| r.kind == kind),
                "{text:?}: {:?}",
                a.removed
            );
            assert!(a.text.contains(kind.placeholder()), "{:?}", a.text);
            for r in &a.removed {
                assert_eq!(&text[r.start..r.end], r.original);
            }
        }
    }

    #[test]
    fn ordinary_words_and_figures_stay() {
        for text in [
            "Spółdzielnia socjalna zatrudnia 5 osób, w tym 2 z orzeczeniem o niepełnosprawności.",
            "Zamówienie o wartości 130 000 zł netto w 2024 r. (art. 94 ust. 1 Pzp).",
            "Gmina Kraków i Powiat Wielicki podpisały porozumienie 12 maja 2025 r.",
            "Dofinansowanie z PFRON wyniosło 2 400 zł miesięcznie przez 12 miesięcy.",
            "Ani ustawa, ani statut nie zabraniają tego; limit to 120 000 000 zł.",
            "Szkoła im. Jana Pawła II w Tomaszowie Mazowieckim; Wójt Gminy Dobra zgodził się.",
            "Państwa Członkowskie stosują dyrektywę; Piotrków Trybunalski też.",
        ] {
            let a = anonymise(text);
            assert_eq!(a.text, text, "{:?}", a.removed);
        }
    }
}
