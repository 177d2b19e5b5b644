//! Prism, the OpenAPI mock server that referees the end-to-end tests.
//!
//! Installed with npm into `target/prism/` on first use, started on a free
//! loopback port for one test run and stopped afterwards, whatever happens.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PACKAGE: &str = "@stoplight/prism-cli@5.16.0";

/// Which responses Prism makes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The spec's examples, or static values from the schemas.
    Static,
    /// Random data valid against the schemas (`--dynamic`).
    Dynamic,
}

/// What installing and running Prism needs, and the versions known to work.
const PREREQUISITES: &[(&str, &str)] = &[("node", "20.20"), ("npm", "11.19")];

/// Fails naming each missing prerequisite (Node.js and npm), unless Prism
/// is installed already.
pub fn prerequisites() -> Result<(), String> {
    let root = crate::codegen::root();
    if root.join("target/prism/node_modules/.bin/prism").exists() {
        return Ok(());
    }
    let missing: Vec<String> = PREREQUISITES
        .iter()
        .filter(|(tool, _)| {
            !Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
        })
        .map(|(tool, known)| format!("`{tool}` (known to work: {known})"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the end-to-end tests install Prism ({PACKAGE}) with npm, and this machine lacks {}. \
         Install Node.js with npm (e.g. `apt install nodejs npm`), then run again.",
        missing.join(" and ")
    ))
}

/// Installs Prism under `target/prism` unless it is already there.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/prism");
    let bin = dir.join("node_modules/.bin/prism");
    if bin.exists() {
        return Ok(bin);
    }
    println!("==> installing {PACKAGE} into {}", dir.display());
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
        .arg(&dir)
        .arg(PACKAGE)
        // Prism's analytics dependency must not phone home.
        .env("SCARF_ANALYTICS", "false")
        .status()
        .map_err(|e| format!("cannot run npm (is Node.js installed?): {e}"))?;
    if !status.success() || !bin.exists() {
        return Err(format!("npm could not install {PACKAGE}"));
    }
    Ok(bin)
}

/// A running Prism; stopped when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn start(bin: &Path, spec: &Path, mode: Mode, log: &Path) -> Result<Server, String> {
        let port = free_port()?;
        let log_file = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err_file = log_file.try_clone().map_err(|e| e.to_string())?;
        let mut command = Command::new(bin);
        command
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string(), "--errors"])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(err_file);
        if let Mode::Dynamic = mode {
            command.arg("--dynamic");
        }
        let child = command.spawn().map_err(|e| format!("cannot start Prism: {e}"))?;
        let mut server = Server { child, url: format!("http://127.0.0.1:{port}") };
        server.wait_ready(port, log)?;
        Ok(server)
    }

    /// Why Prism stopped, if it is no longer running: the first error
    /// line of its log (`TypeError: invalid media type`).
    pub fn crashed(&mut self, log: &Path) -> Option<String> {
        self.child.try_wait().ok()??;
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let why = text.lines().find(|l| l.contains("Error:")).unwrap_or("it exited");
        Some(why.trim().to_string())
    }

    fn wait_ready(&mut self, port: u16, log: &Path) -> Result<(), String> {
        // Large specs (stripe.com, 2.5 MB) take Prism minutes to load.
        let deadline = Instant::now() + Duration::from_secs(300);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(());
            }
            // Prism refuses some specs at once (no operations it can read).
            if let Ok(Some(_)) = self.child.try_wait() {
                let text = std::fs::read_to_string(log).unwrap_or_default();
                let why =
                    text.lines().rev().find(|l| l.starts_with("Error")).unwrap_or("it exited");
                return Err(format!("Prism exited: {why}"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!("Prism did not start within 300 s; see {}", log.display()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The longest time, in seconds, Prism's log at `log` says nothing once
/// it has started answering: it answers one request at a time, so while it
/// makes one response (json-schema-faker on a large schema) every other
/// call waits.
pub fn longest_silence(log: &Path) -> u32 {
    silence(&std::fs::read_to_string(log).unwrap_or_default())
}

/// The longest gap between the times of consecutive lines of a Prism log's
/// text (`[8:41:05 PM] › …`), leaving out its start.
fn silence(log: &str) -> u32 {
    let seconds = |line: &str| {
        let stamp = line.strip_prefix('[')?.split_once(']')?.0;
        let (clock, half) = stamp.split_once(' ')?;
        let mut parts = clock.split(':').map(|p| p.parse::<u32>().ok());
        let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
        let h = h % 12 + if half == "PM" { 12 } else { 0 };
        Some(h * 3600 + m * 60 + s)
    };
    let times = log.lines().filter(|l| !l.contains("Starting Prism")).filter_map(seconds);
    let mut longest = 0;
    let mut last: Option<u32> = None;
    for t in times {
        if let Some(before) = last {
            // Past midnight the clock starts again.
            longest = longest.max((t + 86_400 - before) % 86_400);
        }
        last = Some(t);
    }
    longest
}

/// A port nothing listens on right now.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_longest_silence_leaves_out_the_start() {
        let log = "\
[8:40:44 PM] › [CLI] …  awaiting  Starting Prism…
[8:40:49 PM] › [CLI] ℹ  info      GET        http://127.0.0.1:1/apps
[8:41:05 PM] ›     [NEGOTIATOR] ✔  success   Found a compatible content
[8:45:15 PM] ›     [NEGOTIATOR] ✔  success   Responding with the requested status code 200
    a line without a time
[8:45:16 PM] › [HTTP SERVER] get /apps ℹ  info      Request received
";
        assert_eq!(super::silence(log), 250);
        assert_eq!(super::silence("[11:59:59 PM] › a\n[12:00:01 AM] › b\n"), 2);
    }
}
