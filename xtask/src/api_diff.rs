//! `cargo xtask api-diff OLD NEW [--json]`: what a spec change does to a
//! client, with a wire and a Rust verdict per change and the semver bump.

use std::path::Path;

use generator::Settings;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut json = false;
    let mut allow_errors = false;
    let mut files = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--json" => json = true,
            "--allow-errors" => allow_errors = true,
            flag if flag.starts_with("--") => {
                return Err(format!("unknown argument `{flag}`\n\n{}", super::USAGE));
            }
            file => files.push(file),
        }
    }
    let [old, new] = files[..] else {
        return Err(format!("api-diff takes two spec files, OLD and NEW\n\n{}", super::USAGE));
    };
    let mut settings = Settings::new("api");
    settings.allow_errors = allow_errors;
    let model = |file: &str| {
        generator::model_file(Path::new(file), &settings).map_err(|failure| {
            let shown = failure.diagnostics.iter().map(|d| d.render(file));
            format!("{}error: cannot read the API from {file}", shown.collect::<String>())
        })
    };
    let report = generator::diff::diff(&model(old)?, &model(new)?);
    if json {
        print!("{}", report.to_json());
    } else {
        print!("{}", report.to_markdown());
    }
    Ok(())
}
