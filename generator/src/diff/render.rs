//! The report as Markdown (for reviewers and changelogs) and JSON (for tools).

use super::{Area, Report, Verdict};

/// How many documentation-only places are named before "and N more".
const DOCS_SHOWN: usize = 12;

pub(super) fn markdown(report: &Report) -> String {
    let mut md = String::new();
    let count = |pick: fn(&super::Change) -> Verdict| {
        report.changes.iter().filter(|c| pick(c) == Verdict::Breaking).count()
    };
    let (wire, rust) = (count(|c| c.wire), count(|c| c.rust));
    let counts = match report.changes.len() {
        0 => "No change to what the client sends, receives or exposes.".to_string(),
        n => format!(
            "{n} change{}: {wire} breaking on the wire, {rust} breaking in Rust.",
            if n == 1 { "" } else { "s" }
        ),
    };
    md.push_str(&format!(
        "API {} → {}. Semver bump: **{}**. {counts}\n",
        report.old_version,
        report.new_version,
        report.bump().as_str(),
    ));
    for area in [Area::Api, Area::Operations, Area::Types] {
        let mut rows = report.changes.iter().filter(|c| c.area == area).peekable();
        if rows.peek().is_none() {
            continue;
        }
        md.push_str(&format!(
            "\n### {}\n\n| Change | Wire | Rust |\n|---|---|---|\n",
            area.title()
        ));
        for c in rows {
            md.push_str(&format!(
                "| {} | {} | {} |\n",
                c.summary.replace('|', "\\|"),
                show(c.wire),
                show(c.rust)
            ));
        }
    }
    if !report.docs.is_empty() {
        let shown: Vec<&str> = report.docs.iter().take(DOCS_SHOWN).map(String::as_str).collect();
        let more = report.docs.len().saturating_sub(DOCS_SHOWN);
        md.push_str(&format!(
            "\nDocumentation changed in {} place{}: {}{}.\n",
            report.docs.len(),
            if report.docs.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        ));
    }
    md
}

fn show(v: Verdict) -> String {
    match v {
        Verdict::Breaking => "**breaking**".into(),
        Verdict::Compatible => "compatible".into(),
    }
}

pub(super) fn json(report: &Report) -> String {
    let changes: Vec<serde_json::Value> = report
        .changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "area": c.area.as_str(),
                "subject": c.subject,
                "kind": c.kind,
                "wire": c.wire.as_str(),
                "rust": c.rust.as_str(),
                "summary": c.summary,
            })
        })
        .collect();
    let value = serde_json::json!({
        "old_version": report.old_version,
        "new_version": report.new_version,
        "bump": report.bump().as_str(),
        "changes": changes,
        "docs": report.docs,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
