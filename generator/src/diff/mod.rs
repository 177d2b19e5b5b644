//! What a spec change does to a client: the API change report.
//!
//! Two versions of an API are compared as intermediate models ([`ir::Api`]),
//! so every input format the loader reads is compared the same way, and the
//! comparison sees both what travels on the wire and the Rust names and
//! types the generated crate exposes. Each change gets two verdicts:
//!
//! - **wire**: does a client generated from the old spec still work against
//!   a server implementing the new one;
//! - **rust**: does Rust code written against the crate generated from the
//!   old spec still compile against the crate generated from the new one.
//!
//! The semver bump of the generated crate follows from them ([`Bump`]).

mod compare;
mod render;
mod wire;

use crate::ir;

/// Whether a change keeps existing users working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Compatible,
    Breaking,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Compatible => "compatible",
            Verdict::Breaking => "breaking",
        }
    }

    fn breaking_if(breaking: bool) -> Self {
        if breaking { Verdict::Breaking } else { Verdict::Compatible }
    }
}

/// Which part of the API a change is in: the report's sections, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    /// Servers, authentication, webhooks: what the whole client shares.
    Api,
    Operations,
    Types,
}

impl Area {
    pub fn title(self) -> &'static str {
        match self {
            Area::Api => "Servers and authentication",
            Area::Operations => "Operations",
            Area::Types => "Types",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Api => "api",
            Area::Operations => "operation",
            Area::Types => "type",
        }
    }
}

/// One change that matters to a client user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub area: Area,
    /// What changed, for grouping (`operation`, `create_user`; `type`,
    /// `User`): changes to one subject are listed together.
    pub subject: String,
    /// What kind of change, stable for tools (`parameter-added`).
    pub kind: &'static str,
    /// One sentence naming the operation, type, property or value.
    pub summary: String,
    pub wire: Verdict,
    pub rust: Verdict,
}

/// How far the generated crate's version must move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing in the generated crate changes.
    None,
    /// Documentation (or the API's version string) only.
    Patch,
    /// Additions, or wire changes that leave Rust code compiling.
    Minor,
    /// Rust code written against the old crate may not compile.
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The next version under Cargo's rules, where the leftmost non-zero
    /// number is the one that says "incompatible": 1.2.3 → 2.0.0 for a
    /// major change, 0.2.3 → 0.3.0; a minor change moves 1.2.3 to 1.3.0
    /// but 0.2.3 only to 0.2.4 (0.x has no separate number for additions).
    /// `None` when the version is not `MAJOR.MINOR.PATCH`.
    pub fn apply(self, version: &str) -> Option<String> {
        let core = version.split(['-', '+']).next().unwrap_or(version);
        let parts: Vec<u64> = core.split('.').map(str::parse).collect::<Result<_, _>>().ok()?;
        let [major, minor, patch] = parts[..] else { return None };
        let next = match (self, major, minor) {
            (Bump::None, ..) => (major, minor, patch),
            (Bump::Major, 0, 0) => (0, 0, patch + 1),
            (Bump::Major, 0, _) => (0, minor + 1, 0),
            (Bump::Major, ..) => (major + 1, 0, 0),
            (Bump::Minor, 0, _) => (0, minor, patch + 1),
            (Bump::Minor, ..) => (major, minor + 1, 0),
            (Bump::Patch, ..) => (major, minor, patch + 1),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }
}

/// Everything that changed between two versions of an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub old_version: String,
    pub new_version: String,
    /// Sorted by area, subject and kind, so reports diff well.
    pub changes: Vec<Change>,
    /// Places whose documentation alone changed (descriptions, summaries,
    /// examples), by name, sorted.
    pub docs: Vec<String>,
}

impl Report {
    /// The bump the generated crate needs: major when any change breaks
    /// Rust code, minor for any other change to the API, patch when only
    /// documentation or the version string moved.
    pub fn bump(&self) -> Bump {
        if self.changes.iter().any(|c| c.rust == Verdict::Breaking) {
            Bump::Major
        } else if !self.changes.is_empty() {
            Bump::Minor
        } else if !self.docs.is_empty() || self.old_version != self.new_version {
            Bump::Patch
        } else {
            Bump::None
        }
    }

    /// How many changes are compatible on the wire, and how many of those
    /// are compatible in Rust too: the generated API's promise is that the
    /// two numbers are equal.
    pub fn additive_share(&self) -> (usize, usize) {
        let wire_ok = self.changes.iter().filter(|c| c.wire == Verdict::Compatible);
        let both = wire_ok.clone().filter(|c| c.rust == Verdict::Compatible).count();
        (wire_ok.count(), both)
    }

    /// The report as Markdown, for people (a changelog entry's body).
    pub fn to_markdown(&self) -> String {
        render::markdown(self)
    }

    /// The report as a JSON object (`bump`, `changes`, …), for tools.
    pub fn to_json(&self) -> String {
        render::json(self)
    }
}

/// Compares two versions of an API.
pub fn diff(old: &ir::Api, new: &ir::Api) -> Report {
    let mut changes = Vec::new();
    let mut docs = Vec::new();
    compare::api(old, new, &mut changes, &mut docs);
    changes.sort_by(|a, b| (a.area, &a.subject, a.kind).cmp(&(b.area, &b.subject, b.kind)));
    changes.dedup();
    docs.sort();
    docs.dedup();
    Report { old_version: old.version.clone(), new_version: new.version.clone(), changes, docs }
}

#[cfg(test)]
mod tests {
    use super::Bump;

    #[test]
    fn bumps_follow_cargo_rules() {
        assert_eq!(Bump::Major.apply("1.2.3").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::Minor.apply("1.2.3").as_deref(), Some("1.3.0"));
        assert_eq!(Bump::Patch.apply("1.2.3").as_deref(), Some("1.2.4"));
        assert_eq!(Bump::Major.apply("0.2.3").as_deref(), Some("0.3.0"));
        assert_eq!(Bump::Minor.apply("0.2.3").as_deref(), Some("0.2.4"));
        assert_eq!(Bump::Major.apply("0.0.3").as_deref(), Some("0.0.4"));
        assert_eq!(Bump::None.apply("0.1.0").as_deref(), Some("0.1.0"));
        assert_eq!(Bump::Minor.apply("0.1.0-beta.1").as_deref(), Some("0.1.1"));
        assert_eq!(Bump::Minor.apply("one"), None);
    }
}
