//! The one chokepoint for Rust identifiers.
//!
//! Every name the generator emits (types, fields, functions, modules,
//! variants) is made here, so the rules live in one place: heck for the case
//! conversion, then a pass that guarantees a valid, non-keyword identifier, and
//! a [`NameSet`] that resolves collisions deterministically. The wire name is
//! never touched; serde attributes carry it.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords in any Rust edition up to 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers (`r#self` is invalid).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Type names a generated crate must not shadow, since generated code and the
/// prelude refer to them unqualified.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Self",
    "Client",
    "Error",
    "ApiResponse",
];

/// Whether `name` is a Rust keyword in the 2024 edition.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Splits text into ASCII words, replacing everything that cannot appear in an
/// identifier by a word break. Non-ASCII letters are transliterated to their
/// code point so distinct names stay distinct (`café` and `cafe` differ).
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" u{:x} ", c as u32));
        } else {
            out.push(' ');
        }
    }
    out
}

/// Makes a plural acronym one word: `IPs` → `Ips`, `ISOs` → `Isos`, `URLs`
/// → `Urls`. heck starts a word at the last capital before a lowercase
/// letter, so `Floating IPs` would be `floating_i_ps` and `ISOs` `is_os`; a
/// person writes `floating_ips` and `isos`. A run of two or more capitals
/// followed by an `s` that ends the word is such an acronym.
fn plural_acronyms(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let plural = |end: usize| {
        b.get(end) == Some(&b's') && !b.get(end + 1).is_some_and(u8::is_ascii_lowercase)
    };
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_uppercase() {
            let start = i;
            while i < b.len() && b[i].is_ascii_uppercase() {
                i += 1;
            }
            if i - start >= 2 && plural(i) {
                runs.push(start + 1..i);
            }
        } else {
            i += 1;
        }
    }
    if runs.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for run in runs {
        out[run.clone()].make_ascii_lowercase();
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `raw` is snake case already, which heck leaves as it is.
fn plain_snake(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.first().is_some_and(u8::is_ascii_lowercase)
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        && !raw.contains("__")
        && !raw.ends_with('_')
}

/// Whether `raw` is upper camel case with no run of capitals (`UserInfo`,
/// not `MFAMethod`) and no capital after a digit: heck starts a word at
/// each capital of such a name and nowhere else.
fn plain_camel(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.first().is_some_and(u8::is_ascii_uppercase)
        && b.iter().all(u8::is_ascii_alphanumeric)
        && b.windows(2).all(|w| !w[1].is_ascii_uppercase() || w[0].is_ascii_lowercase())
}

/// `snake_case` through heck, skipped when `raw` already is snake case (as
/// most wire names are) or plain camel case (as type names are): heck
/// formats one character at a time, and naming was half of lowering.
fn snake(raw: &str) -> String {
    if plain_snake(raw) {
        raw.to_string()
    } else if plain_camel(raw) {
        let mut out = String::with_capacity(raw.len() + raw.len() / 4);
        for (i, c) in raw.char_indices() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    } else {
        plural_acronyms(&words(raw)).to_snake_case()
    }
}

/// `UpperCamelCase` through heck, skipped when `raw` already is plain
/// camel case, or is plain snake case, whose words heck would only
/// capitalise.
fn upper_camel(raw: &str) -> String {
    if plain_camel(raw) {
        raw.to_string()
    } else if plain_snake(raw) {
        let mut out = String::with_capacity(raw.len());
        for word in raw.split('_') {
            let mut chars = word.chars();
            out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
            out.push_str(chars.as_str());
        }
        out
    } else {
        plural_acronyms(&words(raw)).to_upper_camel_case()
    }
}

/// Prefixes names that start with a digit (or are empty) so they are valid.
fn lead(name: String, fallback: &str, digit_prefix: &str) -> String {
    match name.chars().next() {
        None => fallback.to_string(),
        Some(c) if c.is_ascii_digit() => format!("{digit_prefix}{name}"),
        Some(_) => name,
    }
}

/// `UpperCamelCase` for types and enum variants.
pub fn type_name(raw: &str) -> String {
    let name = lead(upper_camel(raw), "Unnamed", "N");
    if RESERVED_TYPES.contains(&name.as_str()) || is_keyword(&name) {
        format!("{name}Type")
    } else {
        name
    }
}

/// `UpperCamelCase` for enum variants, where only `Self` is off limits.
pub fn variant_name(raw: &str) -> String {
    let name = lead(upper_camel(raw), "Empty", "V");
    if name == "Self" { "SelfValue".to_string() } else { name }
}

/// `snake_case` for fields, functions and parameters. Keywords become raw
/// identifiers (`r#type`) where Rust allows it, and get a trailing underscore
/// where it does not (`self_`).
pub fn field_name(raw: &str) -> String {
    let name = lead(snake(raw), "value", "n");
    escape_keyword(name)
}

/// `snake_case` for modules; never raw, since `r#type` as a file name is odd.
pub fn module_name(raw: &str) -> String {
    let name = lead(snake(raw), "default", "m");
    if is_keyword(&name) { format!("{name}_") } else { name }
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if is_keyword(&name) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Strips the raw prefix for use inside other names (`r#type` + `_item`).
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// A set of names in one namespace. `claim` returns the requested name, or the
/// first free `name2`, `name3`, … so collisions resolve the same way on every
/// run provided names are claimed in a deterministic order.
#[derive(Debug, Default, Clone)]
pub struct NameSet {
    taken: BTreeSet<String>,
}

impl NameSet {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self { taken: reserved.iter().map(|s| s.to_string()).collect() }
    }

    /// Claims `name` or the first free numbered variant of it.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        // A numbered keyword is no keyword, so the raw prefix goes.
        let stem = bare(&name).to_string();
        let sep = if stem.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        for n in 2.. {
            let candidate = format!("{stem}{sep}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// The crate name a spec's client gets when none is given:
/// `petstore.yaml` → `petstore-client`, `My API v2.json` → `my-api-v2-client`.
pub fn client_crate_name(spec: &std::path::Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    let mut name = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    match name.trim_matches('-') {
        "" => "api-client".to_string(),
        name => format!("{name}-client"),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_spec_file_names_its_client_crate() {
        let name = |p: &str| client_crate_name(std::path::Path::new(p));
        assert_eq!(name("spec/petstore.yaml"), "petstore-client");
        assert_eq!(name("My API v2.json"), "my-api-v2-client");
        assert_eq!(name("--.yaml"), "api-client");
    }

    use super::*;

    #[test]
    fn types_are_upper_camel() {
        assert_eq!(type_name("MFAChallengeMethod"), "MfaChallengeMethod");
        assert_eq!(type_name("user_info"), "UserInfo");
        assert_eq!(type_name("UserInfo"), "UserInfo");
        assert_eq!(type_name("1password"), "N1password");
        assert_eq!(type_name("!!!"), "Unnamed");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(type_name("Result"), "ResultType");
        assert_eq!(type_name("Self"), "SelfType");
    }

    #[test]
    fn fields_escape_keywords() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(field_name("crate"), "crate_");
        assert_eq!(field_name("match"), "r#match");
        assert_eq!(field_name("async"), "r#async");
        assert_eq!(field_name("userId"), "user_id");
        assert_eq!(field_name("UserID"), "user_id");
        assert_eq!(field_name("2fa"), "n2fa");
        assert_eq!(field_name("@odata.type"), "odata_type");
        assert_eq!(field_name("-"), "value");
    }

    #[test]
    fn a_plural_acronym_is_one_word() {
        assert_eq!(module_name("Floating IPs"), "floating_ips");
        assert_eq!(type_name("Floating IPsApi"), "FloatingIpsApi");
        assert_eq!(module_name("ISOs"), "isos");
        assert_eq!(type_name("ISOs"), "Isos");
        assert_eq!(field_name("userIDs"), "user_ids");
        assert_eq!(field_name("listURLsForOrg"), "list_urls_for_org");
        // Not plural acronyms: a capital run before a word, a lone capital.
        assert_eq!(type_name("MFAMethods"), "MfaMethods");
        assert_eq!(field_name("HTTPSettings"), "http_settings");
        assert_eq!(field_name("Is"), "is");
    }

    #[test]
    fn non_ascii_stays_distinct() {
        assert_ne!(field_name("café"), field_name("cafe"));
        assert_ne!(variant_name("ü"), variant_name(""));
    }

    #[test]
    fn variants_allow_most_names() {
        assert_eq!(variant_name("gizmo-2"), "Gizmo2");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(variant_name("a b"), "AB");
        assert_eq!(variant_name("Self"), "SelfValue");
    }

    proptest::proptest! {
        /// The shortcuts for names already in case agree with heck.
        #[test]
        fn shortcuts_agree_with_heck(raw in "[a-zA-Z0-9_]{0,10}") {
            proptest::prop_assert_eq!(snake(&raw), plural_acronyms(&words(&raw)).to_snake_case());
            proptest::prop_assert_eq!(upper_camel(&raw), plural_acronyms(&words(&raw)).to_upper_camel_case());
        }

        #[test]
        fn snake_shortcut_agrees_with_heck(raw in "[a-z][a-z0-9_]{0,10}") {
            proptest::prop_assert_eq!(snake(&raw), plural_acronyms(&words(&raw)).to_snake_case());
            proptest::prop_assert_eq!(upper_camel(&raw), plural_acronyms(&words(&raw)).to_upper_camel_case());
        }

        #[test]
        fn camel_shortcut_agrees_with_heck(raw in "([A-Z][a-z0-9]{0,4}){1,4}") {
            proptest::prop_assert_eq!(snake(&raw), plural_acronyms(&words(&raw)).to_snake_case());
            proptest::prop_assert_eq!(upper_camel(&raw), plural_acronyms(&words(&raw)).to_upper_camel_case());
        }
    }

    #[test]
    fn collisions_are_numbered_in_claim_order() {
        let mut set = NameSet::with_reserved(&["client"]);
        assert_eq!(set.claim("user_id".into()), "user_id");
        assert_eq!(set.claim("user_id".into()), "user_id2");
        assert_eq!(set.claim("user_id".into()), "user_id3");
        assert_eq!(set.claim("client".into()), "client2");
        assert_eq!(set.claim("v1".into()), "v1");
        assert_eq!(set.claim("v1".into()), "v1_2");
        assert_eq!(set.claim("r#type".into()), "r#type");
        assert_eq!(set.claim("r#type".into()), "type2");
    }
}
