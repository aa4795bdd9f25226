//! The contract between the backend and the window, checked: every list of command names agrees
//! (the handler in lib.rs, build.rs's permission set, the capability, ui's `ipc.js`, and the fake
//! backend the WebKit harness uses), and the files generated from Rust for the frontend and the
//! harness (`src-tauri/contract/`) are current.
//!
//! `CITEWISE_BLESS=1 cargo test --test contract` rewrites the generated files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Files named `name` under `dir`, skipping vendored and generated trees.
fn find(dir: &Path, matches: &dyn Fn(&str) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !["node_modules", "target", "vendor", ".git", "gen", "bench"].contains(&name.as_str()) {
                find(&path, matches, out);
            }
        } else if matches(&name) {
            out.push(path);
        }
    }
}

/// Compares a generated file with what is committed; with `CITEWISE_BLESS=1`, writes it.
fn check_generated(relative: &str, fresh: &str) {
    let path = root().join(relative);
    if std::env::var_os("CITEWISE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{relative} is not what the Rust types generate now; run `CITEWISE_BLESS=1 cargo test --test contract` \
         and commit the result"
    );
}

/// `a_b_c` names inside `text` between `start` and the next `end`.
fn snake_names(text: &str, start: &str, end: &str, quoted: bool) -> BTreeSet<String> {
    let from = text.find(start).unwrap_or_else(|| panic!("no “{start}”")) + start.len();
    let to = from + text[from..].find(end).unwrap_or_else(|| panic!("no “{end}” after “{start}”"));
    let body = &text[from..to];
    let mut names = BTreeSet::new();
    for raw in body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '"' || c == ':' || c == '-')) {
        let raw = raw.rsplit("::").next().unwrap_or(raw);
        let name = if quoted {
            match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                Some(n) => n,
                None => continue,
            }
        } else {
            raw
        };
        if !name.is_empty() && name.contains('_') && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            names.insert(name.to_owned());
        }
    }
    names
}

/// The top-level keys of every `commands` object literal in a harness file (`const commands = {`
/// or `commands: {`): the commands that fake backend answers.
fn harness_commands(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_end();
        if !(t.ends_with("commands = {") || t.ends_with("commands: {")) {
            continue;
        }
        let outer = line.len() - line.trim_start().len();
        let Some(indent) = lines[i + 1..].iter().find(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len())
        else {
            continue;
        };
        for l in &lines[i + 1..] {
            let here = l.len() - l.trim_start().len();
            if !l.trim().is_empty() && here <= outer {
                break;
            }
            if here != indent {
                continue;
            }
            if let Some((key, _)) = l.trim().split_once(':') {
                if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') && key.contains('_') {
                    names.insert(key.to_owned());
                }
            }
        }
    }
    names
}

#[test]
fn every_list_of_commands_agrees() {
    let lib = read(&root().join("src-tauri/lib.rs"));
    let handler = snake_names(&lib, "generate_handler![", "]", false);
    let build = snake_names(&read(&root().join("src-tauri/build.rs")), ".commands(&[", "]", true);
    let capability: serde_json::Value =
        serde_json::from_str(&read(&root().join("src-tauri/capabilities/main.json"))).unwrap();
    let permitted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|n| n.replace('-', "_")))
        .collect();

    let mut ipc_files = Vec::new();
    find(&root().join("ui"), &|n| n == "ipc.js", &mut ipc_files);
    assert_eq!(ipc_files.len(), 1, "one ipc.js under ui/: {ipc_files:?}");
    let ipc = read(&ipc_files[0]);
    let called: BTreeSet<String> = ipc
        .match_indices("call('")
        .chain(ipc.match_indices("channelCall('"))
        .filter_map(|(at, m)| ipc[at + m.len()..].split('\'').next().map(str::to_owned))
        .collect();

    let mut mocks = Vec::new();
    find(root(), &|n| n.starts_with("mock-") && n.ends_with(".js"), &mut mocks);
    assert!(mocks.len() >= 4, "the harness's fake backend: {mocks:?}");
    let faked: BTreeSet<String> = mocks.iter().flat_map(|m| harness_commands(&read(m))).collect();

    assert!(handler.len() > 20, "{handler:?}");
    for (name, list) in [
        ("build.rs", &build),
        ("capabilities/main.json", &permitted),
        ("ui ipc.js", &called),
        ("the harness's fake backend", &faked),
    ] {
        let missing: Vec<_> = handler.difference(list).collect();
        let extra: Vec<_> = list.difference(&handler).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name} disagrees with lib.rs's handler: lacks {missing:?}, has {extra:?} that lib.rs lacks"
        );
    }
}

#[test]
fn the_harness_reads_the_registry_the_backend_has() {
    let fresh = serde_json::to_string_pretty(&citewise::api::provider::registry()).unwrap() + "\n";
    check_generated("src-tauri/contract/providers.json", &fresh);
}

#[test]
fn the_parsers_of_this_test_see_what_they_should() {
    let names = snake_names("x![ a::b::app_status, c::chat_send, ] tail", "x![", "]", false);
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["app_status", "chat_send"]);
    let harness = "  const commands = {\n    app_status: () => ({\n      inner_key: 1,\n    }),\n    ...other.commands,\n    chat_send: chatSend,\n  };\n  rate_limit: 'x',\n";
    assert_eq!(harness_commands(harness).into_iter().collect::<Vec<_>>(), ["app_status", "chat_send"]);
}
