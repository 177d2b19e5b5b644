//! `cargo xtask conformance [--filter S] [--limit N] [--dynamic]`: every
//! operation of every spec called against Prism.
//!
//! For the Agilicus spec and each corpus spec (as `cargo xtask corpus`
//! lists them): generate the crate with its conformance harness
//! (`tests/conformance.rs`), start Prism on the spec, run the harness, and
//! gather its lines: per operation and call, accepted or not, and why. One
//! spec at a time, sharing a target directory. Results go to
//! `target/conformance/results.tsv` (per spec) and `failures.tsv` (per
//! failed call, with the error); the summary groups failures by cause.
//! Slow, so a command, not CI; the Agilicus harness runs in `e2e`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use generator::Settings;

use crate::mock_bugs;
use crate::prism::{self, Mode};

/// How one spec went.
#[derive(Default)]
struct Outcome {
    /// Where it stopped, when it did not get to run its calls.
    stopped: Option<String>,
    ok: usize,
    failed: usize,
    skipped: usize,
    /// Failed and skipped calls.
    failures: Vec<Failure>,
    /// Calls made, and of them passed, by kind of call.
    by_kind: BTreeMap<CallKind, (usize, usize)>,
    /// Operations with a call made, and with every call made passing.
    operations: (usize, usize),
}

/// The kinds of call the harness makes for an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum CallKind {
    Required,
    Optional,
    DocsExample,
    Forced,
}

impl CallKind {
    fn of(call: &str) -> Self {
        match call {
            "optional" => CallKind::Optional,
            "docs example" => CallKind::DocsExample,
            _ if call.starts_with("status ") => CallKind::Forced,
            _ => CallKind::Required,
        }
    }

    fn label(self) -> &'static str {
        match self {
            CallKind::Required => "required arguments only: accepted and decoded as documented",
            CallKind::Optional => "every optional parameter set too: accepted and decoded",
            CallKind::DocsExample => "the docs' example as shown: accepted and decoded",
            CallKind::Forced => "a documented error status asked for: arrived as its typed variant",
        }
    }
}

/// A call that failed or was skipped.
struct Failure {
    operation: String,
    call: String,
    /// The error (its body cut to an excerpt), or why it was skipped.
    detail: String,
    /// What it is put down to, for grouping (see [`cause`]).
    cause: String,
}

/// Specs with more operations are left out unless `--max-operations`
/// says otherwise, and the summary says so: Microsoft Graph's 11,422 and
/// 22,361 operations make harnesses whose debug build alone takes hours on
/// two cores.
const MAX_OPERATIONS: usize = 5000;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut selection = crate::corpus::Selection::default();
    let mut mode = Mode::Static;
    let mut max_operations = MAX_OPERATIONS;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--dynamic" => mode = Mode::Dynamic,
            "--max-operations" => {
                max_operations = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--max-operations takes a number")?
            }
            other if selection.take(other, &mut it)? => {}
            other => return Err(format!("unknown argument `{other}`\n\n{}", super::USAGE)),
        }
    }
    let crate::corpus::Selection { filter, limit } = selection;
    let root = crate::codegen::root();
    let corpus = root.join("target/corpus");
    crate::corpus::install(&corpus)?;
    let prism = prism::install(&root)?;
    let mut specs: Vec<(String, PathBuf, usize)> =
        vec![("agilicus".into(), root.join("spec/agilicus.yaml"), 45)];
    specs.extend(
        crate::corpus::specs(&root, &corpus)?
            .into_iter()
            .map(|s| (s.id, s.path, s.operations.parse().unwrap_or(0))),
    );
    let specs: Vec<(String, PathBuf, usize)> = specs
        .into_iter()
        .filter(|(id, _, _)| filter.as_ref().is_none_or(|f| id.contains(f.as_str())))
        .take(limit)
        .collect();
    let work = root.join("target/conformance");
    fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let started = Instant::now();
    let mut rows = Vec::new();
    for (i, (id, path, operations)) in specs.iter().enumerate() {
        let outcome = if *operations > max_operations {
            Outcome {
                stopped: Some(format!(
                    "not run: {operations} operations, over --max-operations {max_operations} (its harness alone would take hours to build on this machine)"
                )),
                ..Outcome::default()
            }
        } else {
            one(id, path, &work, &prism, mode)
        };
        println!(
            "[{:>3}/{}] {:<44} ok {:>4}  failed {:>3}  skipped {:>3}  {}",
            i + 1,
            specs.len(),
            id,
            outcome.ok,
            outcome.failed,
            outcome.skipped,
            outcome.stopped.as_deref().unwrap_or("")
        );
        rows.push((id.clone(), outcome));
        // Written as it goes, so a long run stopped early still tells.
        write_results(&work, &rows)?;
    }
    let summary = summary(&rows, mode, started.elapsed());
    print!("{summary}");
    fs::write(work.join("summary.md"), &summary).map_err(|e| e.to_string())?;
    println!("results: {}", work.join("results.tsv").display());
    Ok(())
}

fn one(id: &str, spec: &Path, work: &Path, prism: &Path, mode: Mode) -> Outcome {
    let mut outcome = Outcome::default();
    let slug: String = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .to_ascii_lowercase();
    let mut settings = Settings::new(format!("conformance-{slug}"));
    settings.conformance = true;
    let generated = match generator::generate_file(spec, &settings) {
        Ok(g) => g,
        Err(f) => {
            outcome.stopped = Some(format!("generation failed ({} errors)", f.errors()));
            return outcome;
        }
    };
    let out = work.join("crates").join(&slug);
    if let Err(e) = crate::codegen::write_scratch_crate(&out, &generated.files) {
        outcome.stopped = Some(format!("cannot write the crate: {e}"));
        return outcome;
    }
    // Built before Prism starts, so the mock is not kept waiting.
    let mut build = Command::new(crate::cargo());
    build
        .args(["test", "--quiet", "--no-run", "--test", "conformance"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("CARGO_INCREMENTAL", "0");
    match crate::corpus::run_with_limit(&mut build, Duration::from_secs(1800)) {
        Some(built) if built.success => {}
        Some(built) => {
            let first = built.stderr.lines().find(|l| l.starts_with("error")).unwrap_or("");
            outcome.stopped = Some(format!("harness does not compile: {first}"));
            return outcome;
        }
        None => {
            outcome.stopped = Some("the harness build timed out (30 min)".into());
            return outcome;
        }
    }
    let log = work.join(format!("prism-{slug}.log"));
    let mut server = match prism::Server::start(prism, spec, mode, &log) {
        Ok(s) => s,
        Err(e) => {
            outcome.stopped = Some(format!("Prism did not start: {e}"));
            return outcome;
        }
    };
    let mut command = Command::new(crate::cargo());
    command
        .args(["test", "--quiet", "--test", "conformance", "--", "--ignored", "--nocapture"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .env("CONFORMANCE_URL", &server.url);
    let Some(run) = crate::corpus::run_with_limit(&mut command, Duration::from_secs(600)) else {
        outcome.stopped = Some("the harness timed out".into());
        return outcome;
    };
    let stdout = run.stdout;
    let crashed = server.crashed(&log);
    drop(server);
    let stalled = prism::longest_silence(&log) >= STALL_SECONDS;
    // The crate's own build products go (the shared dependencies stay):
    // a whole-corpus run would otherwise fill the disk.
    let _ = Command::new(crate::cargo())
        .args(["clean", "--quiet", "-p", &format!("conformance-{slug}")])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .status();
    let mut facts = SpecFacts::of(spec);
    // Per operation: whether every call made passed.
    let mut operations: BTreeMap<String, bool> = BTreeMap::new();
    for line in stdout.lines().filter_map(|l| l.strip_prefix("CONFORMANCE ")) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
        let passed = v.get("ok").and_then(|o| o.as_bool()) == Some(true);
        if v.get("skipped").is_none() {
            let tally = outcome.by_kind.entry(CallKind::of(&field("call"))).or_default();
            *tally = (tally.0 + 1, tally.1 + usize::from(passed));
            *operations.entry(field("operation")).or_insert(true) &= passed;
        }
        let detail = if let Some(why) = v.get("skipped").and_then(|s| s.as_str()) {
            outcome.skipped += 1;
            format!("skipped: {why}")
        } else if passed {
            outcome.ok += 1;
            continue;
        } else {
            outcome.failed += 1;
            field("detail")
        };
        // The whole response body, when there was one: the detail holds
        // only an excerpt.
        let body =
            v.get("body").and_then(|b| b.as_str()).and_then(|b| serde_json::from_str(b).ok());
        // Prism's reasons for refusing a request it answered with one of
        // the spec's own errors, as a problem of its own.
        let body = v
            .get("violations")
            .and_then(|b| b.as_str())
            .and_then(|b| serde_json::from_str::<Vec<serde_json::Value>>(b).ok())
            .and_then(refusal)
            .or(body);
        let cause = match &crashed {
            // Every call after the crash found no server.
            Some(why) if detail.contains("(Transport)") => {
                format!(
                    "mock: Prism crashed during the run ({why}), so later calls found no server"
                )
            }
            _ if stalled
                && detail.contains("(Transport)")
                && detail.contains("operation timed out") =>
            {
                STALLED.to_string()
            }
            _ if mode == Mode::Dynamic && facts.forced_schemaless(&field("operation"), &detail) => {
                mock_bugs::DYNAMIC_SKIPS_SCHEMALESS_STATUS.cause.to_string()
            }
            _ if mode == Mode::Dynamic
                && detail.contains("(Decode)")
                && mock_bugs::missing_from_empty_object(&detail, &field("body")) =>
            {
                mock_bugs::DYNAMIC_EMPTY_RECURSION.cause.to_string()
            }
            _ if facts.head_answered_500(&field("operation"), &detail, &field("body")) => {
                mock_bugs::HEAD_ERROR_WITHOUT_BODY.cause.to_string()
            }
            _ if facts.read().twins.contains(&field("operation")) => TWIN_ROUTE.to_string(),
            _ => cause(&field("operation"), &detail, body.as_ref(), &mut facts),
        };
        outcome.failures.push(Failure {
            operation: field("operation"),
            call: field("call"),
            detail,
            cause,
        });
    }
    outcome.operations = (operations.len(), operations.values().filter(|&&all| all).count());
    if outcome.ok + outcome.failed + outcome.skipped == 0 {
        outcome.stopped = Some("the harness printed no results".into());
    }
    secondary_forced_failures(&mut outcome.failures);
    outcome
}

/// A forced status that did not arrive, for an operation whose plain call
/// failed too, is counted as a consequence: the mock refused the request
/// before it could answer the status asked for (payrun.io's `Authorization`
/// header), so the plain call's cause is the one to count.
fn secondary_forced_failures(failures: &mut [Failure]) {
    let plain_failed: std::collections::BTreeSet<String> = failures
        .iter()
        .filter(|f| f.call == "required" && !f.detail.starts_with("skipped"))
        .map(|f| f.operation.clone())
        .collect();
    for f in failures.iter_mut() {
        if f.call.starts_with("status ") && plain_failed.contains(&f.operation) {
            f.cause = "forced status not reached: the operation's plain call fails too (counted under its own cause)".into();
        }
    }
}

/// The spec's own examples, read when a decode failure needs them: Prism
/// answers an example as written, so a decode failure over one means the
/// spec contradicts itself and the decode error is right (microsoft.com's
/// LocalSearch: an example lacks a `_type` its schema requires).
/// What failures are checked against in the spec, read once per spec and
/// only if a failure needs it.
struct SpecFacts<'a> {
    spec: &'a Path,
    read: Option<Facts>,
}

struct Facts {
    /// Every example in the spec, references resolved.
    examples: Vec<serde_json::Value>,
    /// Every `example` of a schema that is not of the schema's own type
    /// (telnyx.com: `{type: string, example: 13035551234}`).
    mistyped: Vec<serde_json::Value>,
    /// The path templates that carry a `#fragment` or `?query` (AWS's
    /// `x-hasEquivalentPaths`: `/#X-Amz-Target=…`), cut where it starts.
    cut_paths: Vec<String>,
    /// Each operation's documented statuses whose response has content
    /// without a schema (Jira's errors, given by an example alone).
    schemaless: BTreeSet<(String, u16)>,
    /// The operations that are HEAD requests.
    heads: BTreeSet<String>,
    /// The operations whose request body's schema is a `$ref` with a `type`
    /// or `required` beside it (britbox.co.uk: `{$ref: …Request, type:
    /// string}`; soundcloud.com: `required: ['track[title]']`), which
    /// OpenAPI 3.0 says to ignore and Prism applies, with those keywords.
    typed_refs: BTreeMap<String, BTreeSet<&'static str>>,
    /// (operationId, property) of each field of a form-encoded or
    /// multipart request body that Prism refuses however it is sent, with
    /// the known bug that says so and the JSON type Prism wants it as: a
    /// list without an `encoding` entry giving its style (twilio.com's
    /// `Permission`, elevenlabs.io's `files`), an object in a multipart
    /// body (nrm.se's `formData`).
    refused_form_fields: BTreeMap<(String, String), FormFieldBug>,
    /// What no value can satisfy, as Prism words its refusal (see
    /// [`collect_impossible`]): enums of another type or format than their
    /// own, required properties `additionalProperties: false` forbids, and
    /// `oneOf`s whose members differ only in `format` or are open objects.
    impossible: BTreeSet<String>,
    /// The operations on a path that differs from another's only in its
    /// variables' names (vtex.local: `/accounts/{accountId}` and
    /// `/accounts/{creditAccountId}`), which a server routes to one of them.
    twins: BTreeSet<String>,
    /// The operations whose path, its variables filled, another path of
    /// the same method matches too, with another template (hhs.gov's
    /// `/resources/tags/tagTypes.{format}` is also `/resources/tags/
    /// {id}.{format}`): OpenAPI leaves such a match to the tool, and the
    /// mock may route the call to the other operation.
    ambiguous_routes: BTreeSet<String>,
    /// The component schemas that describe an object (`properties`,
    /// `allOf`) without saying `type: object`, which JSON Schema reads as
    /// admitting any value (azure.com's `FabricEvent`).
    untyped: BTreeSet<String>,
    /// The operations whose request body is raw bytes (`application/
    /// octet-stream`, an image) described by a JSON schema of a list or an
    /// object (apache.org's qakka: octet-stream with `{type: array}`),
    /// which bytes are not; Prism parses the body as JSON against it.
    bytes_as_json: BTreeSet<String>,
    /// Per operation, the query keys two of its parameters share, as
    /// Prism locates a complaint (`movements.type`, `type`): an exploded
    /// object's property named like another query parameter (sinao.app's
    /// `movements` object beside a `type` parameter), so one key carries
    /// both values and neither can be read back.
    query_clashes: BTreeMap<String, BTreeSet<String>>,
    /// Per operation whose JSON request body is an `anyOf` or `oneOf`,
    /// what each member declares: Prism's refusal lists every member's
    /// complaints, and those of members the client did not send say
    /// nothing about the one it did (snyk.io's integrations: a `type` and
    /// `credentials` member beside one requiring `broker`).
    body_unions: BTreeMap<String, Vec<UnionMember>>,
}

/// One member of a request body's `anyOf` or `oneOf`, as far as telling
/// its complaints from another member's needs.
#[derive(Clone, Debug, Default, PartialEq)]
struct UnionMember {
    properties: BTreeSet<String>,
    required: BTreeSet<String>,
}

impl UnionMember {
    /// Whether a complaint about the body may be this member's: a missing
    /// property it requires, something inside a property it declares, or
    /// anything about the whole body but the union's own summary.
    fn may_own(&self, complaint: &serde_json::Value) -> bool {
        let place = complaint["location"].as_array().map(Vec::as_slice).unwrap_or_default();
        let message = complaint["message"].as_str().unwrap_or_default();
        match place.get(1).and_then(|p| p.as_str()) {
            Some(property) => self.properties.is_empty() || self.properties.contains(property),
            None if complaint["code"] == "required" => {
                let missing = message.split("must have required property '").nth(1);
                let missing = missing.and_then(|m| m.strip_suffix('\''));
                missing.is_none_or(|m| self.required.contains(m))
            }
            None => true,
        }
    }
}

/// Whether a complaint is a body-level `anyOf`/`oneOf` failing as a whole,
/// which follows from its members' own complaints.
fn union_summary(complaint: &serde_json::Value) -> bool {
    let place = complaint["location"].as_array().map(Vec::as_slice).unwrap_or_default();
    place.len() == 1
        && place[0] == "body"
        && matches!(complaint["code"].as_str(), Some("anyOf" | "oneOf"))
}

impl Facts {
    fn of(spec: &Path) -> Self {
        // JSON first: a JSON spec may hold characters YAML refuses (a C1
        // control in one of sendgrid.com's descriptions), which left every
        // fact of it unread.
        let document = fs::read_to_string(spec).ok().and_then(|text| {
            serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .or_else(|| serde_yaml::from_str(&text).ok())
        });
        let (mut found, mut mistyped, mut impossible) = (Vec::new(), Vec::new(), BTreeSet::new());
        if let Some(document) = &document {
            collect_examples(document, &mut found);
            collect_mistyped(document, &mut mistyped);
            collect_impossible(document, &mut impossible);
        }
        // An example may be a reference to another's value, and hold
        // references inside (soundcloud.com's track lists: a track whose
        // `user` is another example's value); Prism answers them resolved.
        let examples = found.into_iter().map(|example| match &document {
            Some(document) => resolved(document, example, 0),
            None => example.clone(),
        });
        let examples = examples.collect();
        let paths = document.as_ref().and_then(|d| d.get("paths")?.as_object());
        let cut_paths = paths
            .into_iter()
            .flat_map(|p| p.keys())
            .filter_map(|path| path.find(['#', '?']).map(|at| path[..at].to_string()))
            .collect();
        let schemaless = document.as_ref().map(schemaless_responses).unwrap_or_default();
        // The harness names an operation by its id as the model has it: the
        // spec's `operationId`, or one made from method and path.
        let model = generator::model_file(spec, &Settings::new("facts")).ok();
        let heads = model
            .iter()
            .flat_map(|api| &api.groups)
            .flat_map(|group| &group.operations)
            .filter(|op| op.method == generator::ir::Method::Head)
            .map(|op| op.id.clone())
            .collect();
        let typed_refs = document.as_ref().map(typed_ref_bodies).unwrap_or_default();
        let refused_form_fields = document.as_ref().map(refused_form_fields).unwrap_or_default();
        Facts {
            examples,
            mistyped,
            cut_paths,
            schemaless,
            heads,
            typed_refs,
            refused_form_fields,
            impossible,
            twins: document.as_ref().map(twin_routes).unwrap_or_default(),
            query_clashes: document.as_ref().map(query_name_clashes).unwrap_or_default(),
            bytes_as_json: document.as_ref().map(bytes_as_json).unwrap_or_default(),
            ambiguous_routes: document.as_ref().map(ambiguous_routes).unwrap_or_default(),
            untyped: document.as_ref().map(untyped_objects).unwrap_or_default(),
            body_unions: document.as_ref().map(body_unions).unwrap_or_default(),
        }
    }
}

/// The operations whose JSON request body is an `anyOf` or `oneOf`, with
/// what each member declares (see [`Facts::body_unions`]).
fn body_unions(document: &serde_json::Value) -> BTreeMap<String, Vec<UnionMember>> {
    let mut found = BTreeMap::new();
    for (id, _, operation) in operations_by_id(document) {
        let Some(body) = operation.get("requestBody") else { continue };
        let content = follow_refs(document, body).get("content").and_then(|c| c.as_object());
        let json = content.into_iter().flatten().find(|(media, _)| media.contains("json"));
        let Some(schema) = json.and_then(|(_, media)| media.get("schema")) else { continue };
        let schema = follow_refs(document, schema);
        let members = ["anyOf", "oneOf"].iter().find_map(|k| schema.get(*k)?.as_array());
        let Some(members) = members else { continue };
        let members = members.iter().map(|m| union_member(document, m)).collect();
        found.insert(id, members);
    }
    found
}

/// What one union member declares, its `allOf` parts' included.
fn union_member(document: &serde_json::Value, member: &serde_json::Value) -> UnionMember {
    let member = follow_refs(document, member);
    let mut made = UnionMember::default();
    let parts = member.get("allOf").and_then(|a| a.as_array()).into_iter().flatten();
    for part in std::iter::once(member).chain(parts.map(|p| follow_refs(document, p))) {
        let names = part.get("properties").and_then(|p| p.as_object()).into_iter().flatten();
        made.properties.extend(names.map(|(name, _)| name.clone()));
        let required = part.get("required").and_then(|r| r.as_array()).into_iter().flatten();
        made.required.extend(required.filter_map(|r| r.as_str()).map(String::from));
    }
    made
}

/// The operations whose request body's schema has a `type` or `required`
/// beside its `$ref`, with those keywords (see [`Facts::typed_refs`]).
fn typed_ref_bodies(document: &serde_json::Value) -> BTreeMap<String, BTreeSet<&'static str>> {
    let mut found = BTreeMap::new();
    for (id, _, operation) in operations_by_id(document) {
        let Some(body) = operation.get("requestBody") else { continue };
        let content = follow_refs(document, body).get("content").and_then(|c| c.as_object());
        let schemas = content.into_iter().flatten().filter_map(|(_, media)| media.get("schema"));
        let beside: BTreeSet<&'static str> = schemas
            .filter(|s| s.get("$ref").is_some())
            .flat_map(|s| ["type", "required"].into_iter().filter(|k| s.get(k).is_some()))
            .collect();
        if !beside.is_empty() {
            found.insert(id.to_string(), beside);
        }
    }
    found
}

/// A form field Prism refuses however it is sent: the known bug, and the
/// JSON type it says the field must be (`array`, `object`).
type FormFieldBug = (&'static mock_bugs::KnownBug, &'static str);

/// The fields of form-encoded and multipart request bodies that Prism
/// refuses however they are sent (see [`Facts::refused_form_fields`]).
fn refused_form_fields(document: &serde_json::Value) -> BTreeMap<(String, String), FormFieldBug> {
    let mut found = BTreeMap::new();
    let forms = [
        ("application/x-www-form-urlencoded", &mock_bugs::FORM_LIST_WITHOUT_ENCODING),
        ("multipart/form-data", &mock_bugs::MULTIPART_LIST_WITHOUT_ENCODING),
    ];
    for (id, _, operation) in operations_by_id(document) {
        let Some(body) = operation.get("requestBody") else { continue };
        let content = follow_refs(document, body).get("content");
        for (media_type, list_bug) in forms {
            let Some(media) = content.and_then(|c| c.get(media_type)) else { continue };
            let schema = media.get("schema").map(|s| follow_refs(document, s));
            let properties = schema.and_then(|s| s.get("properties")).and_then(|p| p.as_object());
            for (name, property) in properties.into_iter().flatten() {
                let property = follow_refs(document, property);
                let styled = media["encoding"][name.as_str()].get("style").is_some();
                let bug = match property.get("type").and_then(|t| t.as_str()) {
                    Some("array") if !styled => (list_bug, "array"),
                    Some("object") if media_type == "multipart/form-data" => {
                        (&mock_bugs::MULTIPART_OBJECT_PART_REFUSED, "object")
                    }
                    _ => continue,
                };
                found.insert((id.to_string(), name.clone()), bug);
            }
        }
    }
    found
}

/// The operations whose method and path, variables' names aside, another
/// operation has too (see [`Facts::twins`]).
fn twin_routes(document: &serde_json::Value) -> BTreeSet<String> {
    let mut routes: BTreeMap<(&str, String), Vec<String>> = BTreeMap::new();
    for (id, (method, path), _) in operations_by_id(document) {
        routes.entry((method, generator::ir::route_shape(path))).or_default().push(id);
    }
    routes.into_values().filter(|ids| ids.len() > 1).flatten().collect()
}

/// Each operation's query keys that two of its parameters share (see
/// [`Facts::query_clashes`]); parameters of the path item count too.
fn query_name_clashes(document: &serde_json::Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut found = BTreeMap::new();
    for (id, (_, path), operation) in operations_by_id(document) {
        let shared = &document["paths"][path]["parameters"];
        let parameters: Vec<&serde_json::Value> = [&operation["parameters"], shared]
            .into_iter()
            .filter_map(|p| p.as_array())
            .flatten()
            .map(|p| follow_refs(document, p))
            .filter(|p| p["in"] == "query")
            .collect();
        let names: BTreeSet<&str> = parameters.iter().filter_map(|p| p["name"].as_str()).collect();
        let mut keys = BTreeSet::new();
        for parameter in &parameters {
            let (Some(name), schema) =
                (parameter["name"].as_str(), follow_refs(document, &parameter["schema"]))
            else {
                continue;
            };
            // `style: form` with `explode: true`, the query's default,
            // writes each property as a key of its own.
            let exploded = parameter["style"].as_str().is_none_or(|s| s == "form")
                && parameter["explode"].as_bool() != Some(false);
            let properties = schema["properties"].as_object().filter(|_| exploded);
            for property in properties.into_iter().flatten().map(|(p, _)| p.as_str()) {
                if property != name && names.contains(property) {
                    keys.insert(format!("{name}.{property}"));
                    keys.insert(property.to_string());
                }
            }
        }
        if !keys.is_empty() {
            found.insert(id, keys);
        }
    }
    found
}

/// The component schemas that describe an object without a `type` (see
/// [`Facts::untyped`]).
fn untyped_objects(document: &serde_json::Value) -> BTreeSet<String> {
    let schemas = document.pointer("/components/schemas").and_then(|s| s.as_object());
    schemas
        .into_iter()
        .flatten()
        .filter(|(_, s)| {
            s.get("type").is_none() && (s.get("properties").is_some() || s.get("allOf").is_some())
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// The operations whose request body is bytes described as a JSON list or
/// object (see [`Facts::bytes_as_json`]).
fn bytes_as_json(document: &serde_json::Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (id, _, operation) in operations_by_id(document) {
        let Some(body) = operation.get("requestBody") else { continue };
        let content = follow_refs(document, body).get("content").and_then(|c| c.as_object());
        let opaque =
            |(media_type, _): &(&String, _)| generator::lower::opaque_media_type(media_type);
        let described = content.into_iter().flatten().filter(opaque).any(|(_, media)| {
            let schema = media.get("schema").map(|s| follow_refs(document, s));
            schema.and_then(|s| s.get("type")).is_some_and(|t| t == "array" || t == "object")
        });
        if described {
            found.insert(id);
        }
    }
    found
}

const BYTES_AS_JSON: &str = "spec: a request body of raw bytes (`application/octet-stream`) whose schema is a JSON list or object, which bytes are not; the client sends the bytes, Prism parses them as JSON against the schema";

const QUERY_NAME_CLASH: &str = "spec: an exploded object query parameter has a property named like another query parameter of the operation, so one query key carries both values (`type=…` for each) and the server cannot tell them apart";

/// The operations whose route another template of the same method matches
/// too (see [`Facts::ambiguous_routes`]).
fn ambiguous_routes(document: &serde_json::Value) -> BTreeSet<String> {
    let operations: Vec<(String, (&str, &str))> =
        operations_by_id(document).map(|(id, route, _)| (id, route)).collect();
    // The path with each variable given a value (`tagTypes.1`).
    let filled = |path: &str| {
        let mut out = String::new();
        let mut rest = path;
        while let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) {
            if close < open {
                break;
            }
            out.push_str(&rest[..open]);
            out.push('1');
            rest = &rest[close + 1..];
        }
        out + rest
    };
    let mut found = BTreeSet::new();
    for (id, (method, path)) in &operations {
        let sent = filled(path);
        let elsewhere = operations.iter().any(|(other, (m, template))| {
            other != id
                && m == method
                && generator::ir::route_shape(template) != generator::ir::route_shape(path)
                && route_matches(template, &sent)
        });
        if elsewhere {
            found.insert(id.clone());
        }
    }
    found
}

/// Whether a path template (`/tags/{id}.{format}`) matches a path, each
/// variable standing for one or more characters within a segment.
fn route_matches(template: &str, path: &str) -> bool {
    let (templates, segments): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    templates.len() == segments.len()
        && templates.iter().zip(&segments).all(|(t, s)| segment_matches(t, s))
}

fn segment_matches(template: &str, text: &str) -> bool {
    let Some(open) = template.find('{') else { return template == text };
    let Some(text) = text.strip_prefix(&template[..open]) else { return false };
    let after = template[open..].find('}').map_or("", |close| &template[open + close + 1..]);
    (1..=text.len()).any(|n| text.is_char_boundary(n) && segment_matches(after, &text[n..]))
}

const AMBIGUOUS_ROUTE: &str = "spec: the operation's path, its variables filled, matches another operation's template too (`tagTypes.{format}` and `{id}.{format}`), a match OpenAPI leaves to the tool; the mock routed the call to the other, whose path parameters it then refused";

const TWIN_ROUTE: &str = "spec: the operation's path differs from another's only in its variables' names, which OpenAPI forbids; the mock may route the call to the other operation";

const TYPE_BESIDE_REF: &str = "spec: the request body's schema has a `type` or `required` beside its `$ref`, which OpenAPI 3.0 says to ignore (the client sends the referenced schema) and Prism applies";

/// What `node` refers to through local `$ref`s (a few hops at most), or
/// `node` itself.
fn follow_refs<'a>(
    document: &'a serde_json::Value,
    mut node: &'a serde_json::Value,
) -> &'a serde_json::Value {
    for _ in 0..8 {
        let target = node.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix('#'));
        match target.and_then(|pointer| document.pointer(pointer)) {
            Some(next) => node = next,
            None => break,
        }
    }
    node
}

/// `node` with every local `$ref` in it replaced by what it refers to, to
/// a bounded depth (a reference cycle stays a reference there).
fn resolved(
    document: &serde_json::Value,
    node: &serde_json::Value,
    depth: usize,
) -> serde_json::Value {
    const DEPTH: usize = 32;
    let node = follow_refs(document, node);
    if depth >= DEPTH {
        return node.clone();
    }
    match node {
        serde_json::Value::Object(members) => serde_json::Value::Object(
            members.iter().map(|(k, v)| (k.clone(), resolved(document, v, depth + 1))).collect(),
        ),
        serde_json::Value::Array(items) => {
            items.iter().map(|item| resolved(document, item, depth + 1)).collect()
        }
        other => other.clone(),
    }
}

/// The keys of a path item that are operations.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation of the spec with its id: its `operationId`, or the
/// one the model derives from method and path.
fn operations_by_id(
    document: &serde_json::Value,
) -> impl Iterator<Item = (String, (&str, &str), &serde_json::Value)> {
    let paths = document.get("paths").and_then(|p| p.as_object()).into_iter().flatten();
    paths
        .filter_map(|(path, item)| Some((path, item.as_object()?)))
        .flat_map(|(path, item)| {
            item.iter().map(move |(method, operation)| (path, method, operation))
        })
        .filter(|(_, method, _)| METHODS.contains(&method.as_str()))
        .map(|(path, method, operation)| {
            // The harness names an operation without an id as the model
            // does (soundcloud.com's `post_tracks`).
            let id = operation.get("operationId").and_then(|i| i.as_str());
            let id =
                id.map_or_else(|| generator::ir::derived_operation_id(method, path), String::from);
            (id, (method.as_str(), path.as_str()), operation)
        })
}

/// (operationId, status) of every documented response whose content has
/// a media type without a schema; references to shared responses followed.
fn schemaless_responses(document: &serde_json::Value) -> BTreeSet<(String, u16)> {
    let mut found = BTreeSet::new();
    for (id, _, operation) in operations_by_id(document) {
        let responses = operation.get("responses").and_then(|r| r.as_object());
        for (status, response) in responses.into_iter().flatten() {
            let Ok(status) = status.parse::<u16>() else { continue };
            let content =
                follow_refs(document, response).get("content").and_then(|c| c.as_object());
            if content.into_iter().flatten().any(|(_, media)| media.get("schema").is_none()) {
                found.insert((id.to_string(), status));
            }
        }
    }
    found
}

impl<'a> SpecFacts<'a> {
    fn of(spec: &'a Path) -> Self {
        SpecFacts { spec, read: None }
    }

    fn read(&mut self) -> &Facts {
        let spec = self.spec;
        self.read.get_or_insert_with(|| Facts::of(spec))
    }

    /// Whether `detail` is a forced status answered with a success, and the
    /// spec gives that status of `operation` content without a schema.
    fn forced_schemaless(&mut self, operation: &str, detail: &str) -> bool {
        let Some(rest) = detail.strip_prefix("wanted the documented ") else { return false };
        let code = rest.split(|c: char| !c.is_ascii_digit()).next().unwrap_or_default();
        // The success, or for an operation that documents no success its
        // redirect (Jira's `replaceIssueFieldOption` answers 303).
        let instead =
            rest.starts_with(&format!("{code}, got a success")) || rest.contains("(status 3");
        let status = code.parse::<u16>().ok().filter(|_| instead);
        status.is_some_and(|s| self.read().schemaless.contains(&(operation.to_string(), s)))
    }

    /// Whether `operation` is a HEAD request answered with a 500 and no
    /// body: Prism failing on the body a HEAD answer does not carry.
    fn head_answered_500(&mut self, operation: &str, detail: &str, body: &str) -> bool {
        body.is_empty()
            && detail.contains("500 Internal Server Error")
            && self.read().heads.contains(operation)
    }

    /// Why Prism refused a request, when every complaint of its refusal
    /// has a known cause that is not the client's: that cause, or, when
    /// they differ, all of them together (whose: the spec's if any is).
    fn refusal_cause(&mut self, operation: &str, problem: &serde_json::Value) -> Option<String> {
        let complaints = problem["validation"].as_array().filter(|c| !c.is_empty())?;
        let causes = complaints
            .iter()
            .map(|c| self.complaint_cause(operation, c, problem))
            .collect::<Option<BTreeSet<&'static str>>>()
            .or_else(|| self.member_refusal_causes(operation, complaints, problem))?;
        let mut each = causes.iter();
        match (each.next(), each.next()) {
            (Some(only), None) => Some(only.to_string()),
            _ => {
                let whose =
                    if causes.iter().all(|c| c.starts_with("mock")) { "mock" } else { "spec" };
                let all: Vec<&str> = causes.into_iter().collect();
                Some(format!(
                    "{whose}: one refusal of several known causes, each complaint explained: {}",
                    all.join(" AND ")
                ))
            }
        }
    }

    /// The causes of a refusal of a union body when one of its members
    /// failed for known causes alone: the union passes when any member
    /// does, so the other members' complaints do not matter. Every
    /// complaint outside the body must still be explained.
    fn member_refusal_causes(
        &mut self,
        operation: &str,
        complaints: &[serde_json::Value],
        problem: &serde_json::Value,
    ) -> Option<BTreeSet<&'static str>> {
        let members = self.read().body_unions.get(operation)?.clone();
        let (body, elsewhere): (Vec<_>, Vec<_>) =
            complaints.iter().partition(|c| c["location"][0] == "body");
        let mut causes = elsewhere
            .into_iter()
            .map(|c| self.complaint_cause(operation, c, problem))
            .collect::<Option<BTreeSet<&'static str>>>()?;
        let body: Vec<_> = body.into_iter().filter(|c| !union_summary(c)).collect();
        let member_causes = members.iter().find_map(|member| {
            let owned: Vec<_> = body.iter().filter(|c| member.may_own(c)).collect();
            if owned.is_empty() {
                return None;
            }
            owned
                .into_iter()
                .map(|c| self.complaint_cause(operation, c, problem))
                .collect::<Option<BTreeSet<&'static str>>>()
        })?;
        causes.extend(member_causes);
        Some(causes)
    }

    /// The known cause, not the client's, of one complaint in Prism's
    /// refusal (`problem`) of a request to `operation`, if it has one.
    fn complaint_cause(
        &mut self,
        operation: &str,
        complaint: &serde_json::Value,
        problem: &serde_json::Value,
    ) -> Option<&'static str> {
        if let Some(bug) = mock_bugs::refused_for(complaint, problem) {
            return Some(bug.cause);
        }
        if query_item_without_text(complaint) {
            return Some(QUERY_ITEMS_WITHOUT_TEXT);
        }
        if breaks_js_literal_pattern(complaint) {
            return Some(JS_LITERAL_PATTERN);
        }
        let facts = self.read();
        let place = complaint["location"].as_array().map(Vec::as_slice).unwrap_or_default();
        let name = |at: usize| place.get(at).and_then(|n| n.as_str()).unwrap_or_default();
        let message = complaint["message"].as_str().unwrap_or_default();
        let code = complaint["code"].as_str().unwrap_or_default();
        // A form field Prism wants as an array or an object however it is
        // sent.
        if place.len() == 2 && name(0) == "body" {
            let field = (operation.to_string(), name(1).to_string());
            if let Some((bug, wanted)) = facts.refused_form_fields.get(&field) {
                if message.ends_with(&format!("must be {wanted}")) {
                    return Some(bug.cause);
                }
            }
        }
        if name(0) == "path" && facts.ambiguous_routes.contains(operation) {
            return Some(AMBIGUOUS_ROUTE);
        }
        if place.len() == 1
            && name(0) == "body"
            && code == "type"
            && facts.bytes_as_json.contains(operation)
        {
            return Some(BYTES_AS_JSON);
        }
        // A keyword the spec writes beside the body schema's `$ref`.
        let beside = facts.typed_refs.get(operation);
        if name(0) == "body" && beside.is_some_and(|b| b.contains(code)) {
            return Some(TYPE_BESIDE_REF);
        }
        if facts.impossible.iter().any(|i| message.ends_with(i.as_str())) {
            return Some(IMPOSSIBLE);
        }
        // A query key two parameters share: a sibling's name, or an
        // exploded object's property named like it.
        let within: Vec<&str> = place.iter().skip(1).filter_map(|p| p.as_str()).collect();
        let within = within.join(".");
        let clashes = facts.query_clashes.get(operation).into_iter().flatten();
        let shared = |key: &String| within == *key || within.starts_with(&format!("{key}."));
        if name(0) == "query" && clashes.into_iter().any(shared) {
            return Some(QUERY_NAME_CLASH);
        }
        None
    }

    fn has_mistyped(&mut self, value: &serde_json::Value) -> bool {
        self.read().mistyped.contains(value)
    }

    fn has_example(&mut self, body: &serde_json::Value) -> bool {
        self.read().examples.contains(body)
    }

    /// Whether `route`, which the mock could not match, is a path the spec
    /// writes with a fragment or query that HTTP never sends as path.
    fn routes_by_fragment(&mut self, route: &str) -> bool {
        let matches = |template: &str| {
            let (t, r): (Vec<&str>, Vec<&str>) =
                (template.split('/').collect(), route.split('/').collect());
            t.len() == r.len()
                && t.iter().zip(&r).all(|(t, r)| t == r || (t.starts_with('{') && !r.is_empty()))
        };
        self.read().cut_paths.iter().any(|t| matches(t))
    }
}

const UNTYPED_OBJECT: &str = "spec: a component with properties but no `type: object` admits any JSON value, as JSON Schema reads it (`properties` and `required` bind objects only); Prism made `null` of it, the client reads the object its properties describe (Azure's Service Fabric events)";

const STALLED: &str = "mock: stopped answering for longer than the client waits while it made one response (its log is silent that long; it answers one request at a time), so the calls meanwhile timed out";

/// How long Prism's log may be silent before the calls that timed out
/// meanwhile are put down to it: the generated client's own timeout.
const STALL_SECONDS: u32 = 30;

const DROPPED: &str =
    "mock: closed the connection without answering (reset, or closed before the response)";

const BROKEN_EXAMPLE: &str = "the spec's own example breaks its schema";

/// Whether a Prism complaint names a header parameter OpenAPI says to
/// ignore (Accept, Content-Type, Authorization), which Prism still demands.
fn names_ignored_header(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    ["'authorization'", "'accept'", "'content-type'"].iter().any(|h| text.contains(h))
}

const IGNORED_HEADER: &str =
    "mock: demands a header parameter OpenAPI says to ignore (Accept, Content-Type, Authorization)";

/// The problem type given to Prism's `sl-violations` header, which carries
/// why it refused a request it answered with one of the spec's errors.
const REFUSAL: &str = "sl-violations";

/// Prism's `sl-violations` as a problem like its own 422's: the request's
/// entries, located as a 422 locates them (`["query", "tags"]`, without
/// the leading `"request"`); `None` when none is about the request (the
/// header also lists what is wrong with Prism's own response).
fn refusal(entries: Vec<serde_json::Value>) -> Option<serde_json::Value> {
    // A warning (a deprecated parameter was sent) refuses nothing; Prism
    // spells severities as names or as numbers, `Error` being 0.
    let error = |e: &serde_json::Value| match &e["severity"] {
        serde_json::Value::String(s) => s == "Error",
        serde_json::Value::Number(n) => n.as_u64() == Some(0),
        _ => true,
    };
    let located = entries
        .into_iter()
        .filter(|e| e["location"][0] == "request" && error(e))
        .map(|mut e| {
            if let Some(place) = e["location"].as_array_mut() {
                place.remove(0);
            }
            e
        })
        .collect::<Vec<_>>();
    (!located.is_empty()).then(|| serde_json::json!({"type": REFUSAL, "validation": located}))
}

const QUERY_ITEMS_WITHOUT_TEXT: &str = "spec: a query parameter is a list of objects or of lists, which OpenAPI gives no text form (`form` style covers values, lists of values and objects); the client sends it as JSON, Prism reads each item as text";

/// Whether a complaint of Prism's is a query parameter's item
/// (`filters.0`) that it wants as an object or a list: the item of a list
/// OpenAPI cannot write as query text (sinao.app's `filters`).
fn query_item_without_text(complaint: &serde_json::Value) -> bool {
    let place = complaint["location"].as_array().map(Vec::as_slice).unwrap_or_default();
    let item = place.get(2).and_then(|i| i.as_str()).is_some_and(|i| i.parse::<usize>().is_ok());
    let message = complaint["message"].as_str().unwrap_or_default();
    place.len() == 3
        && place[0] == "query"
        && item
        && (message.ends_with("must be object") || message.ends_with("must be array"))
}

const JS_LITERAL_PATTERN: &str = "spec: a pattern written as a JavaScript regex literal (`/^[0-9]{5}$/i`), which no value matches as JSON Schema reads it; the client reads the regex inside, Prism the text as written";

/// Whether a complaint of Prism's is a value that breaks a pattern
/// written as a JavaScript regex literal (sinao.app's).
fn breaks_js_literal_pattern(complaint: &serde_json::Value) -> bool {
    let message = complaint["message"].as_str().unwrap_or_default();
    let pattern = message.split("must match pattern \"").nth(1).and_then(|p| p.strip_suffix('"'));
    pattern.is_some_and(|p| generator::lower::js_regex_literal(p).is_some())
}

/// Whether a scalar value is of a schema's `type`; `null`, lists and
/// objects are not judged.
fn fits_type(ty: &str, value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (ty, value) {
        (_, Value::Null | Value::Array(_) | Value::Object(_)) => true,
        ("string", v) => v.is_string(),
        ("integer", v) => v.is_i64() || v.is_u64(),
        ("number", v) => v.is_number(),
        ("boolean", v) => v.is_boolean(),
        _ => true,
    }
}

/// Every scalar `example` beside a `type` it is not of.
fn collect_mistyped(node: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    use serde_json::Value;
    match node {
        Value::Object(members) => {
            if let (Some(Value::String(ty)), Some(example)) =
                (members.get("type"), members.get("example"))
            {
                if !fits_type(ty, example) {
                    out.push(example.clone());
                }
            }
            members.values().for_each(|v| collect_mistyped(v, out));
        }
        Value::Array(items) => items.iter().for_each(|i| collect_mistyped(i, out)),
        _ => {}
    }
}

const IMPOSSIBLE: &str = "spec: a schema no value satisfies (an enum whose values are all of another type than its own `type` or break its own `format`, a required property that `additionalProperties: false` forbids, or a `oneOf` whose members differ only in `format`, an annotation, or are objects none of which requires a property, so every value fits them all)";

/// What no value satisfies, as Prism words its refusal: every enum whose
/// values are all of one JSON type other than the schema's `type` (the
/// allowed values listed, `10, 20, 30`); every required property an
/// `additionalProperties: false` object does not declare (`found 'name'`);
/// every parameter or property whose `oneOf` members differ only in
/// `format`, or are open objects none of which requires a property (`
/// name must match exactly one schema in oneOf`); every property whose
/// enum values all break its date or time `format` (` name must match
/// format "date-time"`).
fn collect_impossible(node: &serde_json::Value, out: &mut BTreeSet<String>) {
    use serde_json::Value;
    match node {
        Value::Object(members) => {
            let ty = members.get("type").and_then(Value::as_str);
            if let (Some(ty), Some(Value::Array(values))) = (ty, members.get("enum")) {
                let values_given = values.iter().any(|v| !v.is_null());
                if values_given && !values.iter().any(|v| !v.is_null() && fits_type(ty, v)) {
                    let shown: Vec<String> = values
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect();
                    out.insert(format!("allowed values: {}", shown.join(", ")));
                }
            }
            if members.get("additionalProperties") == Some(&Value::Bool(false)) {
                let declared = members.get("properties").and_then(Value::as_object);
                let required = members.get("required").and_then(Value::as_array);
                for name in required.into_iter().flatten().filter_map(Value::as_str) {
                    if !declared.is_some_and(|d| d.contains_key(name)) {
                        out.insert(format!("found '{name}'"));
                    }
                }
            }
            // A parameter's or a property's `oneOf` whose members differ
            // only in `format` (an annotation to JSON Schema, which Prism
            // does not check for formats it does not know): every value
            // fits them all, and `oneOf` wants exactly one.
            let alike = |schema: &Value| {
                let members = schema.get("oneOf").and_then(Value::as_array);
                let bare = |m: &Value| {
                    let mut m = m.clone();
                    if let Some(m) = m.as_object_mut() {
                        for word in ["format", "description", "title", "example"] {
                            m.remove(word);
                        }
                        if let Some(items) = m.get_mut("items").and_then(Value::as_object_mut) {
                            items.remove("format");
                        }
                    }
                    m
                };
                let same = |m: &[Value]| m.iter().all(|x| bare(x) == bare(&m[0]));
                // Objects none of which requires anything or closes itself:
                // an object holding one member's property fits them all
                // (snyk.io's `credentials`, one member per registry).
                let open = |m: &Value| {
                    let required = m.get("required").and_then(Value::as_array);
                    m.get("properties").is_some()
                        && m.get("$ref").is_none()
                        && required.is_none_or(Vec::is_empty)
                        && m.get("additionalProperties") != Some(&Value::Bool(false))
                };
                members.is_some_and(|m| m.len() > 1 && (same(m) || m.iter().all(open)))
            };
            let named = members.get("name").and_then(Value::as_str);
            if let (Some(name), Some(schema)) = (named, members.get("schema")) {
                if members.contains_key("in") && alike(schema) {
                    out.insert(format!(" {name} must match exactly one schema in oneOf"));
                }
            }
            let properties = members.get("properties").and_then(Value::as_object);
            for (name, property) in properties.into_iter().flatten() {
                if alike(property) {
                    out.insert(format!(" {name} must match exactly one schema in oneOf"));
                }
                if let Some(format) = unmet_format(property) {
                    out.insert(format!(" {name} must match format \"{format}\""));
                }
            }
            members.values().for_each(|v| collect_impossible(v, out));
        }
        Value::Array(items) => items.iter().for_each(|i| collect_impossible(i, out)),
        _ => {}
    }
}

/// The format of a schema whose every enum value breaks it (sendgrid.com's
/// `send_at`: `{format: date-time, enum: [now]}`); only dates and times
/// are judged.
fn unmet_format(schema: &serde_json::Value) -> Option<&str> {
    let format = schema.get("format")?.as_str()?;
    let values = schema.get("enum")?.as_array().filter(|v| !v.is_empty())?;
    let digits = |text: &str, at: std::ops::Range<usize>| {
        text.get(at).is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
    };
    // `2024-05-01`: the date that both formats start with.
    let dated = |text: &str| {
        digits(text, 0..4)
            && text.get(4..5) == Some("-")
            && digits(text, 5..7)
            && text.get(7..8) == Some("-")
            && digits(text, 8..10)
    };
    let fits = |value: &serde_json::Value| match (format, value.as_str()) {
        (_, None) => true,
        ("date", Some(text)) => dated(text) && text.len() == 10,
        ("date-time", Some(text)) => {
            dated(text) && text.get(10..11).is_some_and(|t| t.eq_ignore_ascii_case("t"))
        }
        _ => true,
    };
    (!values.iter().any(fits)).then_some(format)
}

/// The value a decode error says had the wrong type: ``invalid type:
/// integer `13035551234`, expected a string`` or `invalid type: string
/// "x", expected …`.
fn mistyped_value(detail: &str) -> Option<serde_json::Value> {
    let rest = &detail[detail.find("invalid type: ")? + "invalid type: ".len()..];
    let text = match rest.split_once(' ')? {
        ("string", quoted) => &quoted[..quoted.find(", expected")?],
        (_, shown) => shown.strip_prefix('`')?.split('`').next()?,
    };
    serde_json::from_str(text).ok()
}

/// Every `example`, and every value of an `examples` map (OpenAPI 3's
/// `{value: …}` objects and Swagger 2's values by media type).
fn collect_examples<'a>(node: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
    match node {
        serde_json::Value::Object(members) => {
            for (key, value) in members {
                match (key.as_str(), value) {
                    ("example", v) => out.push(v),
                    ("examples", serde_json::Value::Object(named)) => {
                        out.extend(named.values().map(|e| e.get("value").unwrap_or(e)));
                    }
                    _ => {}
                }
                collect_examples(value, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_examples(i, out)),
        _ => {}
    }
}

/// A failure's cause, for grouping: the error variant and status, or why
/// it was skipped.
fn cause(
    operation: &str,
    detail: &str,
    body: Option<&serde_json::Value>,
    facts: &mut SpecFacts,
) -> String {
    if let Some(why) = detail.strip_prefix("skipped: ") {
        return format!("skipped: {}", why.split(" for ").next().unwrap_or(why));
    }
    // Prism's known bugs and the spec's own contradictions first: they are
    // not ours, and say whose they are.
    if let Some(body) = body {
        let decode = detail.contains("(Decode)");
        if let Some(bug) = mock_bugs::shown_by(body, decode) {
            return bug.cause.to_string();
        }
        if let Some(cause) = facts.refusal_cause(operation, body) {
            return cause;
        }
        // Prism's own JavaScript failure as the answer (`RangeError:
        // Maximum call stack size exceeded` on recursive schemas), whether
        // or not the operation documents a 500.
        if let (Some(kind), Some(title)) = (body["type"].as_str(), body["title"].as_str()) {
            if kind.ends_with("Error") && kind.chars().all(|c| c.is_ascii_alphabetic()) {
                return format!("mock: Prism failed while answering ({kind}: {title})");
            }
            // Its failures of its own kind `UNKNOWN`, told apart by the
            // first line of the message (the rest is a stack trace):
            // json-schema-faker's `TypeError`s on some schemas, a forced
            // status whose content has no schema to make a body from.
            if kind.ends_with("prism/errors#UNKNOWN") {
                let first = title.lines().next().unwrap_or_default().trim_end();
                // `Prop not found: paths (#/paths/…)` names the place it
                // failed at, one per operation: grouped without it.
                let first = first.split(" (#/").next().unwrap_or(first);
                return format!("mock: Prism failed while answering ({first})");
            }
        }
        if body["type"] == REFUSAL {
            let entry = &body["validation"][0];
            let place = entry["location"][0].as_str().unwrap_or_default();
            let code = entry["code"].as_str().unwrap_or_default();
            let message = entry["message"].as_str().unwrap_or_default();
            return if place == "header" && names_ignored_header(message) {
                IGNORED_HEADER.to_string()
            } else {
                format!(
                    "request refused by the mock's validation (answered with the spec's error): {place} {code}"
                )
            };
        }
        let mistyped = mistyped_value(detail);
        if decode && (facts.has_example(body) || mistyped.is_some_and(|v| facts.has_mistyped(&v))) {
            return format!(
                "spec: {BROKEN_EXAMPLE} (Prism answered it as written; the decode error is right)"
            );
        }
        // `null` where a component without a `type` was due: JSON Schema's
        // `properties` and `required` bind objects only, so the schema
        // admits `null`, which Prism's static mode makes of it.
        let object = detail
            .split("invalid type: null, expected a JSON object for `")
            .nth(1)
            .and_then(|rest| rest.split('`').next());
        if decode && object.is_some_and(|name| facts.read().untyped.contains(name)) {
            return UNTYPED_OBJECT.to_string();
        }
    }
    // Prism's own errors carry a problem type and the validation that
    // failed (an unexpected status's excerpt quotes the JSON: unescaped
    // here, so both read alike).
    let plain = detail.replace("\\\"", "\"");
    let after = |marker: &str| {
        let rest = &plain[plain.find(marker)? + marker.len()..];
        let end = rest.find(['\\', '"', ',', ']', ' ']).unwrap_or(rest.len());
        Some(rest[..end].to_string())
    };
    if let Some(problem) = after("prism/errors#") {
        let place = after("location\":[\"").unwrap_or_default();
        let code = after("code\":\"").or_else(|| after("code\":")).unwrap_or_default();
        let ignored_header = names_ignored_header(&plain);
        let route = plain
            .split("The route ")
            .nth(1)
            .and_then(|rest| rest.split(" hasn't been found").next())
            .unwrap_or_default();
        return match problem.as_str() {
            "NO_PATH_MATCHED_ERROR" if facts.routes_by_fragment(route) => {
                "spec: its path carries a `#fragment` or `?query` (AWS's `x-hasEquivalentPaths`), which HTTP does not send as path, so the mock cannot route it".to_string()
            }
            "UNPROCESSABLE_ENTITY" if place == "header" && ignored_header => IGNORED_HEADER.to_string(),
            "UNPROCESSABLE_ENTITY" => {
                format!("request refused by the mock's validation: {place} {code}")
            }
            "VIOLATIONS" if place == "response" => {
                format!("the mock's own response breaks the spec (its example or schema): {code}")
            }
            other => format!("mock: {other} {place} {code}"),
        };
    }
    // The mock dropping a connection it had taken the request on: on
    // loopback, nothing but the server resets it (sinao.app, while
    // json-schema-faker failed on another request).
    if detail.contains("(Transport)")
        && ["Connection reset by peer", "connection closed before message completed"]
            .iter()
            .any(|m| detail.contains(m))
    {
        return DROPPED.to_string();
    }
    // `message (Kind); body: …`: the kind is the last parenthesis before the body.
    let head = detail.rsplit_once("; body: ").map_or(detail, |(head, _)| head);
    let kind = head.rsplit_once('(').map_or("", |(_, k)| k.trim_end_matches(')'));
    let status = detail
        .split("status ")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
        .filter(|s| !s.is_empty());
    match (detail.starts_with("wanted the documented"), status) {
        (true, _) => format!("forced status not typed ({kind})"),
        (false, Some(status)) => format!("{kind} {status}"),
        (false, None) => kind.to_string(),
    }
}

fn summary(rows: &[(String, Outcome)], mode: Mode, elapsed: Duration) -> String {
    let total = |f: fn(&Outcome) -> usize| rows.iter().map(|(_, o)| f(o)).sum::<usize>();
    let (ok, failed, skipped) = (total(|o| o.ok), total(|o| o.failed), total(|o| o.skipped));
    let stopped = rows.iter().filter(|(_, o)| o.stopped.is_some()).count();
    let clean =
        rows.iter().filter(|(_, o)| o.stopped.is_none() && o.failed == 0 && o.skipped == 0).count();
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    for (_, o) in rows {
        for failure in &o.failures {
            *causes.entry(failure.cause.clone()).or_default() += 1;
        }
        if let Some(why) = &o.stopped {
            *causes
                .entry(format!("spec stopped: {}", why.split(':').next().unwrap_or(why)))
                .or_default() += 1;
        }
    }
    let mut causes: Vec<(String, usize)> = causes.into_iter().collect();
    causes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut md = format!(
        "\nConformance against Prism ({mode:?}), {} specs in {:.0} s: {} calls made, {ok} accepted and decoded as documented, {failed} failed, {skipped} skipped; {clean} specs with every call passing, {stopped} stopped before their calls.\n\n| cause | calls |\n|---|---|\n",
        rows.len(),
        elapsed.as_secs_f64(),
        ok + failed
    );
    for (cause, n) in causes {
        md.push_str(&format!("| {cause} | {n} |\n"));
    }
    md.push_str(&by_kind(rows));
    md
}

/// Calls made and passed by kind, and operations called and passing.
fn by_kind(rows: &[(String, Outcome)]) -> String {
    let mut kinds: BTreeMap<CallKind, (usize, usize)> = BTreeMap::new();
    let (mut called, mut passing) = (0, 0);
    for (_, o) in rows {
        for (kind, (made, passed)) in &o.by_kind {
            let tally = kinds.entry(*kind).or_default();
            *tally = (tally.0 + made, tally.1 + passed);
        }
        called += o.operations.0;
        passing += o.operations.1;
    }
    let mut md = String::from("\n| calls, by kind | made | passed |\n|---|---|---|\n");
    for (kind, (made, passed)) in kinds {
        md.push_str(&format!("| {} | {made} | {passed} |\n", kind.label()));
    }
    md.push_str(&format!(
        "| operations called / with every call passing | {called} | {passing} |\n"
    ));
    md
}

fn write_results(work: &Path, rows: &[(String, Outcome)]) -> Result<(), String> {
    let mut results = String::from("spec\tok\tfailed\tskipped\tstopped\n");
    let mut failures = String::from("spec\toperation\tcall\tcause\tdetail\n");
    for (id, o) in rows {
        results.push_str(&format!(
            "{id}\t{}\t{}\t{}\t{}\n",
            o.ok,
            o.failed,
            o.skipped,
            o.stopped.as_deref().unwrap_or("")
        ));
        for Failure { operation, call, detail, cause } in &o.failures {
            let detail: String = detail.replace(['\t', '\n'], " ").chars().take(600).collect();
            failures.push_str(&format!("{id}\t{operation}\t{call}\t{cause}\t{detail}\n"));
        }
    }
    fs::write(work.join("results.tsv"), results).map_err(|e| e.to_string())?;
    fs::write(work.join("failures.tsv"), failures).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::{Facts, SpecFacts};
    use serde_json::json;
    use std::collections::BTreeSet;

    fn known(facts: Facts) -> SpecFacts<'static> {
        SpecFacts { spec: std::path::Path::new(""), read: Some(facts) }
    }

    fn empty() -> Facts {
        Facts {
            examples: Vec::new(),
            mistyped: Vec::new(),
            cut_paths: Vec::new(),
            schemaless: Default::default(),
            heads: Default::default(),
            typed_refs: Default::default(),
            refused_form_fields: Default::default(),
            impossible: Default::default(),
            twins: Default::default(),
            query_clashes: Default::default(),
            bytes_as_json: Default::default(),
            ambiguous_routes: Default::default(),
            untyped: Default::default(),
            body_unions: Default::default(),
        }
    }

    fn nothing() -> SpecFacts<'static> {
        known(empty())
    }

    fn is_impossible(facts: &mut SpecFacts, problem: &serde_json::Value) -> bool {
        facts.refusal_cause("op", problem).as_deref() == Some(super::IMPOSSIBLE)
    }

    fn cause(detail: &str) -> String {
        super::cause("op", detail, None, &mut nothing())
    }

    #[test]
    fn a_union_body_refused_for_one_members_known_causes_is_explained() {
        // snyk.io's integrations: a member with `credentials`, a `oneOf`
        // of open objects no value satisfies, beside one requiring `broker`.
        let open = |name: &str| json!({"properties": {name: {"type": "object"}}});
        let spec = json!({
            "paths": {"/integrations": {"post": {
                "operationId": "add",
                "requestBody": {"content": {"application/json": {"schema": {"anyOf": [
                    {"type": "object", "required": ["type", "credentials"], "properties": {
                        "type": {"type": "string"},
                        "credentials": {"oneOf": [open("Acr"), open("Gitlab")]}
                    }},
                    {"$ref": "#/components/schemas/Brokered"}
                ]}}}}
            }}},
            "components": {"schemas": {"Brokered": {"type": "object", "required": ["type", "broker"], "properties": {
                "type": {"type": "string"}, "broker": {"type": "object"}
            }}}}
        });
        let body_unions = super::body_unions(&spec);
        assert_eq!(body_unions["add"].len(), 2);
        assert!(body_unions["add"][1].required.contains("broker"), "the member's $ref followed");
        let mut impossible = BTreeSet::new();
        super::collect_impossible(&spec, &mut impossible);
        let mut facts = known(Facts { body_unions, impossible, ..empty() });
        let complaint = |place: serde_json::Value, code: &str, message: &str| json!({"location": place, "code": code, "message": message});
        let credentials = complaint(
            json!(["body", "credentials"]),
            "oneOf",
            "Request body property credentials must match exactly one schema in oneOf",
        );
        let broker = complaint(
            json!(["body"]),
            "required",
            "Request body must have required property 'broker'",
        );
        let summary =
            complaint(json!(["body"]), "anyOf", "Request body must match a schema in anyOf");
        let refused = json!({"validation": [credentials, broker, summary]});
        assert_eq!(facts.refusal_cause("add", &refused).as_deref(), Some(super::IMPOSSIBLE));
        // A complaint no member explains leaves the refusal the client's:
        // the first member's `type` missing is as much the client's as the
        // second's `broker`.
        let kind = complaint(
            json!(["body"]),
            "required",
            "Request body must have required property 'type'",
        );
        let refused = json!({"validation": [credentials, kind, broker, summary]});
        assert!(facts.refusal_cause("add", &refused).is_none());
        // So does one outside the body.
        let query = complaint(
            json!(["query", "limit"]),
            "type",
            "Request query parameter limit must be integer",
        );
        let refused = json!({"validation": [credentials, broker, summary, query]});
        assert!(facts.refusal_cause("add", &refused).is_none());
        // And an operation whose body is no union gets no such reading.
        let refused = json!({"validation": [credentials, broker, summary]});
        assert!(facts.refusal_cause("other", &refused).is_none());
    }

    #[test]
    fn failures_are_grouped_by_what_refused_them() {
        let refused = r#"get_things: unexpected status 422 Unprocessable Entity: "{\"type\":\"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY\",\"validation\":[{\"location\":[\"query\",\"day\"],\"severity\":\"Error\",\"code\":\"format\"}]}" (UnexpectedStatus)"#;
        assert_eq!(cause(refused), "request refused by the mock's validation: query format");
        let mock = r#"x: unexpected status 500 Internal Server Error: "{\"type\":\"https://stoplight.io/prism/errors#VIOLATIONS\",\"validation\":[{\"location\":[\"response\",\"body\"],\"code\":\"required\"}]}" (UnexpectedStatus)"#;
        assert_eq!(
            cause(mock),
            "the mock's own response breaks the spec (its example or schema): required"
        );
        assert_eq!(
            cause("x: the 200 response does not match its schema (Decode); body: {}"),
            "Decode"
        );
        let typed = r#"x: Server Error (status 500 Internal Server Error) (Api); body: {"type":"https://stoplight.io/prism/errors#VIOLATIONS","validation":[{"location":["response","body"],"code":"format"}]}"#;
        assert_eq!(
            cause(typed),
            "the mock's own response breaks the spec (its example or schema): format"
        );
        assert_eq!(
            cause("skipped: no value the spec accepts could be written for parameter `a`"),
            "skipped: no value the spec accepts could be written"
        );
    }

    #[test]
    fn a_list_of_objects_in_the_query_is_the_specs() {
        let item = |name: &str, want: &str| json!({"location": ["query", name, "0"], "code": "type", "message": format!("Request query parameter {name}.0 must be {want}")});
        let refused =
            json!({"validation": [item("filters", "object"), item("conditions", "array")]});
        let detail = "list: unexpected status 422 Unprocessable Entity: \"{…}\" (UnexpectedStatus)";
        assert_eq!(
            super::cause("op", detail, Some(&refused), &mut nothing()),
            super::QUERY_ITEMS_WITHOUT_TEXT
        );
        let whole = json!({"validation": [{"location": ["query", "limit"], "code": "type", "message": "Request query parameter limit must be object"}]});
        assert!(nothing().refusal_cause("list", &whole).is_none());
        let mixed = json!({"validation": [item("filters", "object"), {"location": ["query", "limit"], "code": "type", "message": "Request query parameter limit must be integer"}]});
        assert!(nothing().refusal_cause("list", &mixed).is_none(), "one complaint unexplained");
    }

    #[test]
    fn a_body_refused_for_a_keyword_beside_its_ref_is_the_specs() {
        let spec = json!({
            "paths": {"/email": {"post": {"operationId": "changeEmail", "requestBody": {"$ref": "#/components/requestBodies/Email"}}},
                      "/name": {"post": {"operationId": "changeName", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Name"}}}}}}},
            "components": {"requestBodies": {"Email": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Email", "type": "string"}}}}}}
        });
        let mut facts = known(Facts { typed_refs: super::typed_ref_bodies(&spec), ..empty() });
        let refused = json!({"type": "sl-violations", "validation": [{"location": ["body"], "code": "type", "message": "Request body must be string"}]});
        assert!(
            facts.refusal_cause("changeEmail", &refused).as_deref() == Some(super::TYPE_BESIDE_REF)
        );
        assert!(
            facts.refusal_cause("changeName", &refused).as_deref() != Some(super::TYPE_BESIDE_REF),
            "no `type` beside its `$ref`"
        );
        let required =
            json!({"validation": [{"location": ["body"], "code": "required", "message": "x"}]});
        assert!(
            facts.refusal_cause("changeEmail", &required).as_deref()
                != Some(super::TYPE_BESIDE_REF),
            "refused for another reason"
        );
        // Without an `operationId`, named as the model names it.
        let spec = json!({"paths": {"/tracks": {"post": {"requestBody": {"content": {
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Track", "required": ["track[title]"]}}}}}}}});
        let mut facts = known(Facts { typed_refs: super::typed_ref_bodies(&spec), ..empty() });
        assert!(
            facts.refusal_cause("post_tracks", &required).as_deref()
                == Some(super::TYPE_BESIDE_REF),
            "a `required` beside it"
        );
    }

    #[test]
    fn a_form_field_refused_however_sent_is_the_mocks() {
        let form = |media: &str, encoding: serde_json::Value| {
            json!({media: {
                "schema": {"$ref": "#/components/schemas/Role"},
                "encoding": encoding,
            }})
        };
        let urlencoded = "application/x-www-form-urlencoded";
        let spec = json!({
            "paths": {"/roles": {"post": {"operationId": "CreateRole", "requestBody": {"content": form(urlencoded, json!({}))}}},
                      "/styled": {"post": {"operationId": "CreateStyled", "requestBody": {"content": form(urlencoded, json!({"Permission": {"style": "form"}}))}}},
                      "/uploaded": {"post": {"operationId": "Upload", "requestBody": {"content": form("multipart/form-data", json!({"Meta": {"contentType": "application/json"}}))}}}},
            "components": {"schemas": {"Role": {"type": "object", "properties": {
                "Permission": {"type": "array", "items": {"type": "string"}},
                "Name": {"type": "string"},
                "Meta": {"type": "object", "additionalProperties": {"type": "string"}},
            }}}}
        });
        let fields = super::refused_form_fields(&spec);
        assert_eq!(
            fields.keys().map(|(op, field)| format!("{op}.{field}")).collect::<Vec<_>>(),
            ["CreateRole.Permission", "Upload.Meta", "Upload.Permission"],
            "an object only in a multipart body; a list only without its style"
        );
        let mut facts = known(Facts { refused_form_fields: fields, ..empty() });
        let refused = |name: &str, wanted: &str| json!({"validation": [{"location": ["body", name], "code": "type", "message": format!("Request body property {name} must be {wanted}")}]});
        let bug = facts.refusal_cause("CreateRole", &refused("Permission", "array"));
        assert_eq!(bug.as_deref(), Some(crate::mock_bugs::FORM_LIST_WITHOUT_ENCODING.cause));
        assert!(
            facts.refusal_cause("CreateStyled", &refused("Permission", "array")).is_none(),
            "its style is given"
        );
        assert!(
            facts.refusal_cause("CreateRole", &refused("Name", "array")).is_none(),
            "not a list"
        );
        let part = facts.refusal_cause("Upload", &refused("Meta", "object"));
        assert_eq!(part.as_deref(), Some(crate::mock_bugs::MULTIPART_OBJECT_PART_REFUSED.cause));
        assert!(
            facts.refusal_cause("Upload", &refused("Meta", "array")).is_none(),
            "refused as something else"
        );
    }

    #[test]
    fn a_refusal_of_what_no_value_satisfies_is_the_specs() {
        let spec = json!({"components": {"schemas": {
            "Severity": {"type": "string", "enum": [10, 20, 30]},
            "Ratio": {"type": "string", "enum": [43, "nonstandard"]},
            "Members": {"type": "object", "additionalProperties": false, "required": ["levelMembers"],
                        "properties": {"members": {"type": "array"}}},
        }}});
        let mut found = BTreeSet::new();
        super::collect_impossible(&spec, &mut found);
        assert_eq!(
            found.iter().map(String::as_str).collect::<Vec<_>>(),
            ["allowed values: 10, 20, 30", "found 'levelMembers'"],
            "an enum with one value of its type can be satisfied"
        );
        let formats = json!({"parameters": [
            {"name": "asset_id", "in": "query", "schema": {"oneOf": [{"type": "string", "format": "asset-id"}, {"type": "string", "format": "upload-id"}]}},
            {"name": "region", "in": "query", "schema": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
        ]});
        let objects = |second: serde_json::Value| {
            json!({"properties": {"credentials": {"oneOf": [
            {"properties": {"Acr": {"type": "object"}}}, second]}}})
        };
        let mut open = BTreeSet::new();
        super::collect_impossible(
            &objects(json!({"properties": {"Gcr": {"type": "object"}}})),
            &mut open,
        );
        assert_eq!(
            open.into_iter().collect::<Vec<_>>(),
            [" credentials must match exactly one schema in oneOf"]
        );
        let mut told_apart = BTreeSet::new();
        super::collect_impossible(
            &objects(json!({"properties": {"Gcr": {"type": "object"}}, "required": ["Gcr"]})),
            &mut told_apart,
        );
        assert!(told_apart.is_empty(), "a member that requires its property is told apart");
        let dates = json!({"properties": {
            "send_at": {"type": "string", "format": "date-time", "enum": ["now"]},
            "start": {"type": "string", "format": "date", "enum": ["today", "2024-05-01"]},
        }});
        let mut formats_broken = BTreeSet::new();
        super::collect_impossible(&dates, &mut formats_broken);
        assert_eq!(
            formats_broken.into_iter().collect::<Vec<_>>(),
            [" send_at must match format \"date-time\""]
        );
        let mut alike = BTreeSet::new();
        super::collect_impossible(&formats, &mut alike);
        assert_eq!(
            alike.iter().map(String::as_str).collect::<Vec<_>>(),
            [" asset_id must match exactly one schema in oneOf"]
        );
        let mut facts = known(Facts { impossible: found, ..empty() });
        let refused = |message: &str| json!({"validation": [{"location": ["query", "severity"], "code": "enum", "message": message}]});
        assert!(is_impossible(
            &mut facts,
            &refused(
                "Request query parameter severity must be equal to one of the allowed values: 10, 20, 30"
            )
        ));
        assert!(is_impossible(
            &mut facts,
            &refused("Request body must NOT have additional properties; found 'levelMembers'")
        ));
        assert!(!is_impossible(
            &mut facts,
            &refused(
                "Request query parameter ratio must be equal to one of the allowed values: 43, nonstandard"
            )
        ));
    }

    #[test]
    fn a_refusal_of_several_known_causes_is_put_down_to_them_all() {
        let complaint = |place: serde_json::Value, message: &str| json!({"location": place, "code": "type", "message": message});
        // sinao.app: a list of objects in the query beside a one-item nullable list.
        let items = complaint(
            json!(["query", "content", "0"]),
            "Request query parameter content.0 must be object",
        );
        let tags =
            complaint(json!(["query", "tags"]), "Request query parameter tags must be array,null");
        let bracketed = complaint(
            json!(["query"]),
            "Request query parameter must have required property 'filter[tag]'",
        );
        let limit =
            complaint(json!(["query", "limit"]), "Request query parameter limit must be integer");
        let refused = |all: &[&serde_json::Value]| json!({"validation": all});
        let both = nothing().refusal_cause("create", &refused(&[&items, &tags])).unwrap();
        assert!(both.starts_with("spec: "), "the spec's when any cause is: {both}");
        assert!(both.contains(super::QUERY_ITEMS_WITHOUT_TEXT), "{both}");
        assert!(both.contains(crate::mock_bugs::NULLABLE_QUERY_LIST_OF_ONE.cause), "{both}");
        let mocks = nothing().refusal_cause("create", &refused(&[&tags, &bracketed])).unwrap();
        assert!(mocks.starts_with("mock: "), "{mocks}");
        assert_eq!(
            nothing().refusal_cause("create", &refused(&[&tags, &tags])).as_deref(),
            Some(crate::mock_bugs::NULLABLE_QUERY_LIST_OF_ONE.cause),
            "one cause is named alone"
        );
        assert!(
            nothing().refusal_cause("create", &refused(&[&items, &limit])).is_none(),
            "a complaint with no known cause leaves the refusal ours"
        );
        assert!(nothing().refusal_cause("create", &refused(&[])).is_none());
    }

    #[test]
    fn an_object_property_named_like_another_query_parameter_is_the_specs() {
        let object = |explode: bool| json!({"type": "object", "explode": explode, "properties": {"type": {"type": "string"}, "amount": {"type": "integer"}}});
        let spec = json!({
            "paths": {"/reconcile": {
                "parameters": [{"name": "type", "in": "query", "schema": {"type": "string", "enum": ["sales"]}}],
                "post": {"operationId": "reconcile", "parameters": [
                    {"$ref": "#/components/parameters/Movements"},
                    {"name": "rule", "in": "query", "explode": false, "schema": object(false)},
                    {"name": "amount", "in": "header", "schema": {"type": "integer"}},
                ]}}},
            "components": {"parameters": {"Movements": {"name": "movements", "in": "query", "schema": object(true)}}}
        });
        let clashes = super::query_name_clashes(&spec);
        assert_eq!(
            clashes["reconcile"].iter().map(String::as_str).collect::<Vec<_>>(),
            ["movements.type", "type"],
            "a query parameter of the path item counts; a header, or an object not exploded, does not"
        );
        let mut facts = known(Facts { query_clashes: clashes, ..empty() });
        let refused = |place: serde_json::Value| json!({"validation": [{"location": place, "code": "enum", "message": "must be equal to one of the allowed values: account"}]});
        for place in [json!(["query", "movements", "type"]), json!(["query", "type"])] {
            assert_eq!(
                facts.refusal_cause("reconcile", &refused(place)).as_deref(),
                Some(super::QUERY_NAME_CLASH)
            );
        }
        assert!(
            facts
                .refusal_cause("reconcile", &refused(json!(["query", "movements", "amount"])))
                .is_none()
        );
        assert!(facts.refusal_cause("other", &refused(json!(["query", "type"]))).is_none());
    }

    #[test]
    fn raw_bytes_described_as_a_json_list_are_the_specs() {
        let body = |media: &str, schema: serde_json::Value| json!({"content": {media: {"schema": schema}}});
        let list = json!({"type": "array", "items": {"type": "string", "format": "byte"}});
        let spec = json!({"paths": {
            "/messages": {"post": {"operationId": "sendBinary", "requestBody": body("application/octet-stream", list.clone())}},
            "/json": {"post": {"operationId": "sendJson", "requestBody": body("application/json", list.clone())}},
            "/file": {"post": {"operationId": "sendFile", "requestBody": body("image/png", json!({"type": "string", "format": "binary"}))}},
        }});
        let found = super::bytes_as_json(&spec);
        assert_eq!(found.iter().map(String::as_str).collect::<Vec<_>>(), ["sendBinary"]);
        let mut facts = known(Facts { bytes_as_json: found, ..empty() });
        let refused = json!({"validation": [{"location": ["body"], "code": "type", "message": "Request body must be array"}]});
        assert_eq!(
            facts.refusal_cause("sendBinary", &refused).as_deref(),
            Some(super::BYTES_AS_JSON)
        );
        assert!(facts.refusal_cause("sendJson", &refused).is_none());
    }

    #[test]
    fn a_path_another_template_also_matches_is_ambiguous() {
        let spec = json!({"paths": {
            "/tags/tagTypes.{format}": {"get": {"operationId": "types"}},
            "/tags/{id}.{format}": {"get": {"operationId": "tag"}, "delete": {"operationId": "untag"}},
            "/tags/{id}/media.{format}": {"get": {"operationId": "media"}},
            "/tags/{tagId}/media.{format}": {"put": {"operationId": "setMedia"}},
        }});
        assert_eq!(
            super::ambiguous_routes(&spec).into_iter().collect::<Vec<_>>(),
            ["types"],
            "only the literal path the template also matches, and only for its method; twins are another cause"
        );
        assert!(super::route_matches("/a/{id}.{format}", "/a/x.y.z"));
        assert!(!super::route_matches("/a/{id}.{format}", "/a/x"));
        assert!(!super::route_matches("/a/{id}", "/a/x/y"));
        let mut facts =
            known(Facts { ambiguous_routes: super::ambiguous_routes(&spec), ..empty() });
        let refused = json!({"validation": [{"location": ["path", "id"], "code": "type", "message": "Request path parameter id must be integer"}]});
        assert_eq!(facts.refusal_cause("types", &refused).as_deref(), Some(super::AMBIGUOUS_ROUTE));
        assert!(facts.refusal_cause("tag", &refused).is_none());
    }

    #[test]
    fn null_made_of_a_component_without_a_type_is_the_specs() {
        let spec = json!({"components": {"schemas": {
            "FabricEvent": {"required": ["Kind"], "properties": {"Kind": {"type": "string"}}},
            "ContainerEvent": {"allOf": [{"$ref": "#/components/schemas/FabricEvent"}]},
            "Typed": {"type": "object", "properties": {"a": {"type": "string"}}},
        }}});
        let untyped = super::untyped_objects(&spec);
        assert_eq!(
            untyped.iter().map(String::as_str).collect::<Vec<_>>(),
            ["ContainerEvent", "FabricEvent"]
        );
        let mut facts = known(Facts { untyped, ..empty() });
        let decode = |name: &str| {
            format!(
                "invalid type: null, expected a JSON object for `{name}` at line 1 column 5: list: the 200 OK response does not match its schema; body: \"[null]\" (Decode); body: [null]"
            )
        };
        let body = json!([null]);
        assert_eq!(
            super::cause("list", &decode("FabricEvent"), Some(&body), &mut facts),
            super::UNTYPED_OBJECT
        );
        assert_eq!(super::cause("list", &decode("Typed"), Some(&body), &mut facts), "Decode");
    }

    #[test]
    fn paths_differing_only_in_variable_names_are_twins() {
        let spec = json!({"paths": {
            "/accounts/{accountId}": {"put": {"operationId": "Open"}, "get": {"operationId": "Get"}},
            "/accounts/{creditAccountId}": {"put": {"operationId": "Update"}},
            "/accounts/{creditAccountId}/limit": {"put": {"operationId": "Limit"}},
        }});
        assert_eq!(super::twin_routes(&spec).into_iter().collect::<Vec<_>>(), ["Open", "Update"]);
    }

    #[test]
    fn the_summary_counts_calls_by_kind_and_operations() {
        use super::{CallKind, Outcome};
        assert_eq!(CallKind::of("status 404"), CallKind::Forced);
        assert_eq!(CallKind::of("docs example"), CallKind::DocsExample);
        assert_eq!(CallKind::of("required"), CallKind::Required);
        let spec = |required: (usize, usize), forced: (usize, usize), operations| Outcome {
            by_kind: [(CallKind::Required, required), (CallKind::Forced, forced)].into(),
            operations,
            ..Outcome::default()
        };
        let rows = [
            ("a".to_string(), spec((3, 2), (4, 4), (3, 2))),
            ("b".into(), spec((1, 1), (0, 0), (1, 1))),
        ];
        let table = super::by_kind(&rows);
        assert!(
            table.contains(
                "| required arguments only: accepted and decoded as documented | 4 | 3 |"
            ),
            "{table}"
        );
        assert!(table.contains("arrived as its typed variant | 4 | 4 |"), "{table}");
        assert!(
            table.contains("| operations called / with every call passing | 4 | 3 |"),
            "{table}"
        );
        assert!(!table.contains("optional"), "no row for a kind never made: {table}");
    }

    #[test]
    fn prisms_own_javascript_failure_is_the_mocks() {
        let overflow = json!({"type": "RangeError", "title": "Maximum call stack size exceeded", "status": 500, "detail": ""});
        let expected =
            "mock: Prism failed while answering (RangeError: Maximum call stack size exceeded)";
        for detail in [
            "news_category: An error has occurred. (status 500 Internal Server Error) (Api); body: {…}",
            "getNotificationScheme: unexpected status 500 Internal Server Error: \"{…}\" (UnexpectedStatus); body: {…}",
        ] {
            assert_eq!(super::cause("op", detail, Some(&overflow), &mut nothing()), expected);
        }
        let reset = "error sending request: client error (SendRequest): connection error: Connection reset by peer (os error 104): update: POST http://127.0.0.1:1/apps: request failed (Transport); body: ";
        assert_eq!(super::cause("op", reset, None, &mut nothing()), super::DROPPED);
        assert_eq!(
            cause(
                "error sending request: tcp connect error: Connection refused (os error 111): x (Transport); body: "
            ),
            "Transport",
            "a refused connection says nothing of who"
        );
        let unknown = json!({"type": "https://stoplight.io/prism/errors#UNKNOWN", "title": "TypeError: Cannot read properties of undefined (reading 'items')\n    at shouldClean (/prism/json-schema-faker/dist/main.cjs:1339:19)", "status": 500});
        let detail =
            "create: unexpected status 500 Internal Server Error: \"{…}\" (UnexpectedStatus)";
        assert_eq!(
            super::cause("op", detail, Some(&unknown), &mut nothing()),
            "mock: Prism failed while answering (TypeError: Cannot read properties of undefined (reading 'items'))"
        );
        // A spec's own error body that happens to have a type is not Prism's.
        let problem = json!({"type": "https://example.com/errors#NotFound", "title": "Not found"});
        let detail = "get: Not found (status 404 Not Found) (Api); body: {…}";
        assert_eq!(super::cause("op", detail, Some(&problem), &mut nothing()), "Api 404");
    }

    #[test]
    fn a_pattern_written_as_a_javascript_regex_literal_is_the_specs() {
        let entry = |pattern: &str| json!({"location": ["query", "nic"], "code": "pattern", "message": format!("Request query parameter nic must match pattern \"{pattern}\"")});
        let detail = "update: Bad request (status 400 Bad Request) (Api); body: ";
        let literal = json!({"type": "sl-violations", "validation": [entry("/^[0-9]{5}$/i")]});
        assert_eq!(
            super::cause("op", detail, Some(&literal), &mut nothing()),
            super::JS_LITERAL_PATTERN
        );
        // A pattern that is a regex, or a slash that can match, is the value's fault.
        for pattern in ["^[0-9]{5}$", "/v1/"] {
            let plain = json!({"type": "sl-violations", "validation": [entry(pattern)]});
            assert!(!super::breaks_js_literal_pattern(&plain), "{pattern}");
        }
    }

    #[test]
    fn a_refusal_answered_with_the_specs_error_says_why() {
        let detail = "list: bad input parameter (status 400 Bad Request) (Api); body: ";
        let header = |entries: serde_json::Value| {
            super::refusal(serde_json::from_value(entries).unwrap()).unwrap()
        };
        let response_only = json!([{"location": ["response", "body"], "code": "type"}]);
        assert!(super::refusal(serde_json::from_value(response_only).unwrap()).is_none());
        // soundcloud.com: a deprecated parameter sent is a warning beside
        // what was wrong with Prism's own response.
        for severity in [json!("Warning"), json!(1)] {
            let warned = json!([{"location": ["request", "query", "linked_partitioning"], "code": "deprecated", "severity": severity}, {"location": ["response", "body"], "code": "type", "severity": "Error"}]);
            assert!(super::refusal(serde_json::from_value(warned).unwrap()).is_none());
        }
        let items = header(
            json!([{"location": ["request", "query", "filters", "0"], "code": "type", "message": "Request query parameter filters.0 must be object"}]),
        );
        assert_eq!(
            super::cause("op", detail, Some(&items), &mut nothing()),
            super::QUERY_ITEMS_WITHOUT_TEXT
        );
        let one = header(
            json!([{"location": ["request", "query", "tags"], "code": "type", "message": "Request query parameter tags must be array,null"}]),
        );
        assert_eq!(
            super::cause("op", detail, Some(&one), &mut nothing()),
            crate::mock_bugs::NULLABLE_QUERY_LIST_OF_ONE.cause
        );
        // vtex.local: a DELETE refused for the Content-Type header the spec declares.
        let content_type = header(
            json!([{"location": ["request", "header"], "code": "required", "message": "Request header must have required property 'content-type'"}]),
        );
        assert_eq!(
            super::cause("op", detail, Some(&content_type), &mut nothing()),
            super::IGNORED_HEADER
        );
        let own = r#"x: unexpected status 422 Unprocessable Entity: "{\"type\":\"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY\",\"validation\":[{\"location\":[\"header\"],\"code\":\"required\",\"message\":\"Request header must have required property 'Authorization'\"}]}" (UnexpectedStatus)"#;
        assert_eq!(super::cause("op", own, None, &mut nothing()), super::IGNORED_HEADER);
        let other = header(
            json!([{"location": ["request", "body", "name"], "code": "required", "message": "Request body must have required property 'name'"}]),
        );
        assert_eq!(
            super::cause("op", detail, Some(&other), &mut nothing()),
            "request refused by the mock's validation (answered with the spec's error): body required"
        );
    }

    #[test]
    fn a_decode_failure_over_the_specs_own_example_is_the_specs() {
        let dir = std::env::temp_dir().join(format!("conformance-examples-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let spec = dir.join("spec.yaml");
        let text = "x-data: {place: {name: y}}\ncomponents:\n  examples:\n    hit: {value: {place: {name: x}}}\n    elsewhere: {value: {$ref: '#/x-data'}}\n    inside: {value: [{$ref: '#/x-data/place'}, 3]}\n";
        std::fs::write(&spec, text).unwrap();
        let mut examples = SpecFacts::of(&spec);
        let decode = "op: no match (Decode); body: {…}";
        let blamed =
            super::cause("op", decode, Some(&json!({"place": {"name": "x"}})), &mut examples);
        assert!(blamed.starts_with("spec: the spec's own example breaks its schema"), "{blamed}");
        let referred =
            super::cause("op", decode, Some(&json!({"place": {"name": "y"}})), &mut examples);
        assert!(referred.starts_with("spec: the spec's own example"), "{referred}");
        let nested = super::cause("op", decode, Some(&json!([{"name": "y"}, 3])), &mut examples);
        assert!(nested.starts_with("spec: the spec's own example"), "{nested}");
        let ours = super::cause("op", decode, Some(&json!({"place": {}})), &mut examples);
        assert_eq!(ours, "Decode");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_route_the_spec_writes_with_a_fragment_is_the_specs() {
        let mut facts = known(Facts { cut_paths: vec!["/".into(), "/{Bucket}".into()], ..empty() });
        let unrouted = |route: &str| {
            format!(
                r#"op: unexpected status 404 Not Found: "{{\"type\":\"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR\",\"detail\":\"The route {route} hasn't been found in the specification file\"}}" (UnexpectedStatus)"#
            )
        };
        for route in ["/", "/my-bucket"] {
            let cause = super::cause("op", &unrouted(route), None, &mut facts);
            assert!(cause.starts_with("spec: its path carries a `#fragment`"), "{route}: {cause}");
        }
        let ours = super::cause("op", &unrouted("/my-bucket/key"), None, &mut facts);
        assert_eq!(ours, "mock: NO_PATH_MATCHED_ERROR  ");
    }

    #[test]
    fn a_forced_status_after_a_refused_plain_call_counts_once() {
        let failure = |operation: &str, call: &str| super::Failure {
            operation: operation.into(),
            call: call.into(),
            detail: "x (Api); body: ".into(),
            cause: "Api 400".into(),
        };
        let mut failures =
            vec![failure("a", "required"), failure("a", "status 404"), failure("b", "status 404")];
        super::secondary_forced_failures(&mut failures);
        assert_eq!(failures[0].cause, "Api 400");
        assert!(failures[1].cause.starts_with("forced status not reached"));
        // `b`'s plain call passed: its forced status failing is its own.
        assert_eq!(failures[2].cause, "Api 400");
    }

    #[test]
    fn a_decode_failure_over_a_mistyped_property_example_is_the_specs() {
        let mut out = Vec::new();
        let spec = json!({"properties": {
            "phone": {"type": "string", "example": 13035551234u64},
            "name": {"type": "string", "example": "x"},
            "size": {"type": "integer", "example": "big"},
            "ratio": {"type": "number", "example": 0.5}
        }});
        super::collect_mistyped(&spec, &mut out);
        assert_eq!(out, [json!(13035551234u64), json!("big")]);
        let detail = "invalid type: integer `13035551234`, expected a string at line 1 column 350: op: the 200 OK response does not match its schema (Decode); body: {}";
        assert_eq!(super::mistyped_value(detail), Some(json!(13035551234u64)));
        let text = "invalid type: string \"big\", expected i64 at line 1 column 9 (Decode)";
        assert_eq!(super::mistyped_value(text), Some(json!("big")));
        let mut facts = known(Facts { mistyped: out, ..empty() });
        let blamed = super::cause("op", detail, Some(&json!({})), &mut facts);
        assert!(blamed.starts_with("spec: the spec's own example"), "{blamed}");
        let other = detail.replace("13035551234", "7");
        assert_eq!(super::cause("op", &other, Some(&json!({})), &mut facts), "Decode");
    }

    #[test]
    fn a_head_request_answered_500_without_a_body_is_the_mocks() {
        let dir = std::env::temp_dir().join(format!("conformance-heads-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let spec = dir.join("spec.yaml");
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /tags:\n    head: {operationId: headTags, responses: {'200': {description: ok}}}\n    get: {operationId: getTags, responses: {'200': {description: ok}}}\n  /tags/{tag}:\n    parameters: [{name: tag, in: path, required: true, schema: {type: string}}]\n    head: {responses: {'200': {description: ok}}}\n";
        std::fs::write(&spec, text).unwrap();
        let mut facts = SpecFacts::of(&spec);
        let detail = "head_tags: unexpected status 500 Internal Server Error: \"\" (UnexpectedStatus); body: ";
        assert!(facts.head_answered_500("headTags", detail, ""));
        assert!(!facts.head_answered_500("getTags", detail, ""));
        assert!(!facts.head_answered_500("headTags", detail, "{\"type\": \"x\"}"));
        let typed = "head_tags: Server error (status 500 Internal Server Error) (Api); body: ";
        assert!(facts.head_answered_500("headTags", typed, ""));
        // An operation without an id is named as the model names it.
        let unnamed = facts.read().heads.iter().find(|id| *id != "headTags").cloned();
        assert!(unnamed.is_some_and(|id| facts.head_answered_500(&id, detail, "")));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The details and bodies the harness printed against
    /// `prism-known-bugs.yaml`.
    #[test]
    fn a_forced_status_with_content_but_no_schema_is_found_in_the_spec() {
        let spec = json!({
            "paths": {"/groups": {"get": {"operationId": "bulkGetGroups", "responses": {
                "200": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "400": {"description": "no content"},
                "403": {"content": {"application/json": {"example": {"errorMessages": []}}}},
                "500": {"$ref": "#/components/responses/Failed"}
            }}}},
            "components": {"responses": {"Failed": {"content": {"application/json": {}}}}}
        });
        let mut facts = known(Facts { schemaless: super::schemaless_responses(&spec), ..empty() });
        let forced = |facts: &mut SpecFacts, status: u16| {
            facts.forced_schemaless(
                "bulkGetGroups",
                &format!("wanted the documented {status}, got a success"),
            )
        };
        assert!(forced(&mut facts, 403));
        assert!(forced(&mut facts, 500), "through the shared response");
        assert!(!forced(&mut facts, 400), "no content: Prism can answer it");
        assert!(!forced(&mut facts, 200));
        assert!(!facts.forced_schemaless("bulkGetGroups", "wanted the documented 403, got: x"));
        assert!(facts.forced_schemaless(
            "bulkGetGroups",
            "wanted the documented 403 as its typed variant, got: bulk_get_groups: Started. (status 303 See Other) (Api); body: {}"
        ), "an operation with no success answers its redirect");
    }

    #[test]
    fn the_mocks_known_bugs_are_named() {
        let mut none = nothing();
        let pattern = json!({"type": "https://stoplight.io/prism/errors#VIOLATIONS", "status": 500, "validation": [{"location": ["response", "body", "code"], "severity": "Error", "code": "pattern", "message": "Response body property code must match pattern \"^[0-9]{3}$\""}]});
        let detail =
            "getCode: unexpected status 500 Internal Server Error: \"{…}\" (UnexpectedStatus)";
        assert_eq!(
            super::cause("op", detail, Some(&pattern), &mut none),
            crate::mock_bugs::STATIC_IGNORES_PATTERN.cause
        );
        let definitions = json!({"definitions": {"items": {"type": "string"}, "type": "array"}});
        let detail = "getCatalog: the 200 OK response does not match its schema; body: \"{…}\": invalid type: map, expected a sequence at line 1 column 15 (Decode); body: {…}";
        assert_eq!(
            super::cause("op", detail, Some(&definitions), &mut none),
            crate::mock_bugs::DYNAMIC_FILLS_DEFINITIONS.cause
        );
        // A decode error over data that only has such a member is ours.
        assert_eq!(
            super::cause("op", detail, Some(&json!({"definitions": [1]})), &mut none),
            "Decode"
        );
    }
}
