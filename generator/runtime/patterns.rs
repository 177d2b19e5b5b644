//! The spec's `pattern`s, checked before a value is sent. Carried by the
//! crates whose spec has a pattern the generator could check.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::runtime::{Checks, Request};

/// Each pattern compiled once, when first used. The generator compiled
/// every pattern it emits with the same engine, so none fails here; one
/// that did would check nothing rather than refuse every value.
fn matches(pattern: &'static str, value: &str) -> bool {
    static COMPILED: OnceLock<Mutex<HashMap<&'static str, Option<regex_lite::Regex>>>> = OnceLock::new();
    let mut compiled = COMPILED.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let regex = compiled.entry(pattern).or_insert_with(|| regex_lite::Regex::new(pattern).ok());
    regex.as_ref().is_none_or(|r| r.is_match(value))
}

impl Checks {
    /// A body field's pattern, the field named as `` `body.a.b` ``.
    /// (A spec whose patterns are all on parameters does not use it.)
    #[allow(dead_code)]
    pub(crate) fn pattern(&mut self, at: &str, name: &str, value: Option<&str>, pattern: &'static str) {
        self.pattern_of(&|| format!("`{at}.{name}`"), value, pattern);
    }

    /// As JSON Schema says, a pattern matches anywhere in the value unless
    /// it is anchored. The value is not repeated: it may be a secret.
    pub(crate) fn pattern_of(&mut self, place: &dyn Fn() -> String, value: Option<&str>, pattern: &'static str) {
        let Some(value) = value else { return };
        if !matches(pattern, value) {
            self.fail(|| format!("{} must match the spec's pattern `{pattern}`", place()));
        }
    }
}

impl Request<'_> {
    /// A string parameter's pattern. (A spec whose patterns are all in
    /// bodies does not use it.)
    #[allow(dead_code)]
    pub(crate) fn check_pattern(&mut self, name: &str, value: &str, pattern: &'static str) {
        self.check_param(name, &mut |c, at| c.pattern_of(at, Some(value), pattern));
    }
}
