//! The generated crate's version and changelog, moved by what changed in
//! the spec since the crate was last generated.
//!
//! A crate records the spec it was generated from ([`RECORDED_SPEC`]).
//! When the spec changes, the next generation compares the two
//! ([`crate::diff`]), moves the version by the report's bump under Cargo's
//! rules, and puts the report at the top of `CHANGELOG.md`. Everything is a
//! function of the committed files and the new spec, so regenerating twice
//! changes nothing, and a drift check catches a spec committed without
//! regenerating.

use crate::diff::{Bump, Report};

/// Where a generated crate keeps a copy of the spec it was generated from
/// (`openapi.yaml` or `openapi.json`, after the spec's own format).
pub const RECORDED_SPEC: &str = "openapi";

/// The generated crate's changelog.
pub const CHANGELOG: &str = "CHANGELOG.md";

const CHANGELOG_INTRO: &str = "# Changelog\n\n\
Each entry is the API change report of one regeneration: what changed in the \
spec, whether it breaks a client on the wire (a client built from the older \
spec calling a server that implements the newer one) or Rust code written \
against the previous version of this crate, and the version bump that \
follows under Cargo's rules. Newest first.\n";

/// What the crate was before this generation.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    /// The version in the crate's manifest.
    pub version: &'a str,
    /// The changelog as committed, if there is one.
    pub changelog: Option<&'a str>,
}

/// The crate's version and changelog after this generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: String,
    pub changelog: String,
    /// The bump applied (`None` when nothing in the crate's API moved).
    pub bump: Bump,
}

/// The next release: `report` compares the recorded spec with the new one,
/// `None` when there is no recorded spec (the first generation, which
/// starts the changelog at the current version). `api_version` is the new
/// spec's `info.version`.
pub fn next(previous: Previous<'_>, report: Option<&Report>, api_version: &str) -> Release {
    let first = || Release {
        version: previous.version.to_string(),
        changelog: match previous.changelog {
            Some(text) => text.to_string(),
            None => format!(
                "{CHANGELOG_INTRO}\n## {} (API {api_version})\n\nFirst generated version.\n",
                previous.version
            ),
        },
        bump: Bump::None,
    };
    let Some(report) = report else { return first() };
    let bump = report.bump();
    if bump == Bump::None {
        return Release { bump, ..first() };
    }
    // A version that is not MAJOR.MINOR.PATCH is the user's to move.
    let version = bump.apply(previous.version).unwrap_or_else(|| previous.version.to_string());
    let entry = format!("## {version} (API {api_version})\n\n{}", report.to_markdown());
    let earlier = previous.changelog.map_or("", |text| {
        text.strip_prefix(CHANGELOG_INTRO).unwrap_or(text).trim_start_matches('\n')
    });
    let changelog = if earlier.is_empty() {
        format!("{CHANGELOG_INTRO}\n{entry}")
    } else {
        format!("{CHANGELOG_INTRO}\n{entry}\n{earlier}")
    };
    Release { version, changelog, bump }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Area, Change, Verdict};

    fn report(rust: Verdict) -> Report {
        Report {
            old_version: "1".into(),
            new_version: "2".into(),
            changes: vec![Change {
                area: Area::Types,
                subject: "Pet".into(),
                kind: "property-added",
                summary: "New property `Pet.age`, optional".into(),
                wire: Verdict::Compatible,
                rust,
            }],
            docs: Vec::new(),
        }
    }

    #[test]
    fn the_first_generation_starts_the_changelog() {
        let release = next(Previous { version: "0.1.0", changelog: None }, None, "1");
        assert_eq!(release.version, "0.1.0");
        assert!(release.changelog.ends_with("## 0.1.0 (API 1)\n\nFirst generated version.\n"));
    }

    #[test]
    fn each_change_prepends_an_entry_and_moves_the_version() {
        let start = next(Previous { version: "0.1.0", changelog: None }, None, "1");
        let previous = Previous { version: "0.1.0", changelog: Some(&start.changelog) };
        let minor = next(previous, Some(&report(Verdict::Compatible)), "2");
        assert_eq!((minor.version.as_str(), minor.bump), ("0.1.1", Bump::Minor));
        let previous = Previous { version: &minor.version, changelog: Some(&minor.changelog) };
        let major = next(previous, Some(&report(Verdict::Breaking)), "3");
        assert_eq!(major.version, "0.2.0");
        let entries: Vec<&str> = major.changelog.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(entries, ["## 0.2.0 (API 3)", "## 0.1.1 (API 2)", "## 0.1.0 (API 1)"]);
        assert_eq!(major.changelog.matches("# Changelog").count(), 1);
    }

    #[test]
    fn an_unchanged_api_keeps_version_and_changelog() {
        let mut same = report(Verdict::Compatible);
        same.changes.clear();
        same.new_version = "1".into();
        let previous = Previous { version: "0.3.0", changelog: Some("# Changelog\n") };
        let release = next(previous, Some(&same), "1");
        assert_eq!(
            (release.version.as_str(), release.changelog.as_str()),
            ("0.3.0", "# Changelog\n")
        );
    }
}
