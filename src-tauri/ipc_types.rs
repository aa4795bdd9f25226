//! The IPC contract as TypeScript: every payload a command takes or returns and every event a
//! chat streams, generated from the Rust types (ts-rs reads their serde attributes) into
//! `src-tauri/contract/ipc.d.ts`. `ui/ipc/ipc.js` imports its JSDoc types from there and
//! `make lint` type-checks the window against them (`tsc`, `checkJs`, `strict`), so renaming a
//! field here fails the lint wherever the window still uses the old name.
//!
//! [`ipc_d_ts_is_current`] fails when the file differs from the Rust types;
//! `CITEWISE_BLESS=1 cargo test --lib ipc_types` writes it anew.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use ts_rs::{Config, TypeVisitor, TS};

use crate::api::provider::Registry;
use crate::api::{ErrorPayload, StreamEvent};
use crate::commands::app::{AppStatus, Folder};
use crate::commands::chat::{Ask, ChatSendArgs};
use crate::commands::cost::SummaryArgs;
use crate::commands::keys::KeyTest;
use crate::commands::settings::Switched;
use crate::history::export::{ExportFormat, ExportResult};
use crate::history::import::ImportReport;
use crate::history::rows::{Conversation, ConversationPage, ConversationSummary};
use crate::history::search::SearchHit;
use crate::history::Receipt;
use crate::images::ImageData;
use crate::keys::KeyStatus;
use crate::pricing::{estimate::Estimate, PriceTable};
use crate::settings::Settings;

/// Collects each type's declaration once, by name: the order ts-rs visits dependencies in is not
/// the same from one build to the next, and TypeScript does not mind the order of declarations.
struct Declarations {
    cfg: Config,
    seen: HashSet<TypeId>,
    out: BTreeMap<String, String>,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only named types are declared: primitives, Option, Vec and maps have no output path.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T::WithoutGenerics>()) {
            return;
        }
        T::visit_dependencies(self);
        let docs = T::docs().unwrap_or_default();
        self.out.insert(T::ident(&self.cfg), format!("{docs}export {}", T::decl(&self.cfg)));
    }
}

/// The payloads of every command (arguments, results, the error) and of the chat's events.
fn contract() -> String {
    // Timestamps and counts are JavaScript numbers: well inside 2^53.
    let mut all =
        Declarations { cfg: Config::new().with_large_int("number"), seen: HashSet::new(), out: BTreeMap::new() };
    let roots: &mut Declarations = &mut all;
    roots.visit::<ErrorPayload>();
    roots.visit::<StreamEvent>();
    roots.visit::<AppStatus>();
    roots.visit::<Folder>();
    roots.visit::<Settings>();
    roots.visit::<Switched>();
    roots.visit::<Registry>();
    roots.visit::<PriceTable>();
    roots.visit::<crate::api::models::ModelList>();
    roots.visit::<KeyStatus>();
    roots.visit::<KeyTest>();
    roots.visit::<ChatSendArgs>();
    roots.visit::<Receipt>();
    roots.visit::<Ask>();
    roots.visit::<Estimate>();
    roots.visit::<SummaryArgs>();
    roots.visit::<crate::history::spend::SpendSummary>();
    roots.visit::<crate::history::spend::SpendReport>();
    roots.visit::<ConversationPage>();
    roots.visit::<ConversationSummary>();
    roots.visit::<Conversation>();
    roots.visit::<SearchHit>();
    roots.visit::<ExportFormat>();
    roots.visit::<ExportResult>();
    roots.visit::<ImportReport>();
    roots.visit::<ImageData>();
    roots.visit::<crate::research::ResearchEvent>();
    roots.visit::<crate::research::RunInfo>();
    let mut text = String::from(
        "// Generated from the Rust types by src-tauri/ipc_types.rs (ts-rs); do not edit.\n\
         // After changing a type: CITEWISE_BLESS=1 cargo test --lib ipc_types\n\n",
    );
    text.push_str(&all.out.into_values().collect::<Vec<_>>().join("\n\n"));
    text.push('\n');
    text
}

#[test]
fn ipc_d_ts_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src-tauri/contract/ipc.d.ts");
    let generated = contract();
    if std::env::var_os("CITEWISE_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is not what the Rust types say; run CITEWISE_BLESS=1 cargo test --lib ipc_types and commit it",
        path.display()
    );
}
