//! Typed settings, kept in `settings.json` (tauri-plugin-store) in the data folder.
//!
//! Every field has a default, and every key is read on its own: one bad value resets only itself.
//! A file that is not JSON at all is moved aside (never overwritten) and defaults are used, so
//! the app always starts and the person is told what happened. The API key is never stored here.
//!
//! One piece (over 400 lines with its tests): each field's default, its reading and its validation
//! sit together so a new setting is added in one place; about 180 lines are tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::{self, Account, Provider, RequestOptions};
use crate::pricing::{self, ModelPrice};

pub const FILE_NAME: &str = "settings.json";

/// Keys of versions before the provider registry, read into the maps that replaced them (and
/// removed from the file when settings are next saved): `(key, map, entry)`.
pub const LEGACY_KEYS: [(&str, &str, &str); 5] = [
    ("perplexityBaseUrl", "addresses", "perplexity"),
    ("openaiBaseUrl", "addresses", "openai"),
    ("defaultModel", "defaultModels", "agent"),
    ("defaultSonarModel", "defaultModels", "sonar"),
    ("defaultOpenaiModel", "defaultModels", "openai"),
];
/// Settings that are maps, read entry by entry.
const MAPS: [&str; 2] = ["addresses", "defaultModels"];

/// A value that cannot be saved, and what to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub provider: Provider,
    /// Each account's API address: the Agent API and Sonar share Perplexity's (one key, bound to
    /// one address); the OpenAI-compatible one is the base an OpenAI SDK would take, e.g.
    /// `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    pub addresses: BTreeMap<Account, String>,
    /// Model for new conversations, per provider.
    pub default_models: BTreeMap<Provider, String>,
    /// Options new conversations start with.
    pub request_defaults: RequestOptions,
    /// The person's prices: each replaces the shipped row of its model, or adds a model.
    pub price_overrides: Vec<ModelPrice>,
    /// USD per calendar month; `None`: no budget.
    pub monthly_budget: Option<f64>,
    /// Light or dark, or whichever the system uses.
    pub theme: Theme,
    /// The offer to leave the retired Sonar API was made once at start-up (it is not repeated).
    pub sonar_retirement_offered: bool,
}

/// The window's colours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system's light or dark setting (and its changes).
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    /// What the native window (its title bar, GTK's own widgets) is told: nothing for System,
    /// so it keeps following the desktop.
    pub fn native(self) -> Option<tauri::Theme> {
        match self {
            Theme::System => None,
            Theme::Light => Some(tauri::Theme::Light),
            Theme::Dark => Some(tauri::Theme::Dark),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            provider: Provider::default(),
            addresses: Account::all().map(|a| (a, a.spec().default_address.to_owned())).collect(),
            default_models: Provider::all().map(|p| (p, p.spec().default_model.to_owned())).collect(),
            request_defaults: RequestOptions::default(),
            price_overrides: Vec::new(),
            monthly_budget: None,
            theme: Theme::System,
            sonar_retirement_offered: false,
        }
    }
}

impl Settings {
    /// The default model of the selected provider.
    pub fn model_for_provider(&self) -> &str {
        self.default_model(self.provider)
    }

    /// The model new conversations with `provider` start with.
    pub fn default_model(&self, provider: Provider) -> &str {
        self.default_models.get(&provider).map_or(provider.spec().default_model, String::as_str)
    }

    /// Where `account`'s requests (and key) go.
    pub fn address(&self, account: Account) -> &str {
        self.addresses.get(&account).map_or(account.spec().default_address, String::as_str)
    }

    /// Leaves the retired Sonar API for the Agent API: the provider, and the Sonar default model
    /// as its Agent API equivalent (`api::SONAR_SUCCESSORS`). Addresses and keys stay.
    pub fn switch_to_agent(&mut self) {
        self.provider = Provider::Agent;
        if let Some(model) = api::sonar_successor(self.default_model(Provider::Sonar)) {
            self.default_models.insert(Provider::Agent, model.to_owned());
        }
        self.sonar_retirement_offered = true;
    }

    /// Reads settings from stored key/value pairs. Unknown keys are ignored; a value that does
    /// not fit its field keeps the default, and its key is returned so the person can be told.
    /// Maps are read entry by entry (`addresses.openai`), and the keys of earlier versions
    /// ([`LEGACY_KEYS`]) as the entries that replaced them, unless the map itself has one.
    pub fn from_entries(entries: impl IntoIterator<Item = (String, Value)>) -> (Settings, Vec<String>) {
        let mut merged = match serde_json::to_value(Settings::default()) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        let mut rejected = Vec::new();
        let mut entries: Vec<(String, Value)> = entries.into_iter().collect();
        // Old keys first, so that the maps that replaced them have the last word.
        entries.sort_by_key(|(key, _)| !LEGACY_KEYS.iter().any(|(old, ..)| old == key));
        for (key, value) in entries {
            if let Some((_, map, entry)) = LEGACY_KEYS.iter().find(|(old, ..)| *old == key) {
                if !try_set(&mut merged, Some(map), entry, value) {
                    rejected.push(format!("{map}.{entry}"));
                }
            } else if MAPS.contains(&key.as_str()) {
                let Value::Object(map) = value else {
                    rejected.push(key);
                    continue;
                };
                for (entry, value) in map {
                    // An entry for a provider or account this version does not know is skipped.
                    let known = serde_json::from_value::<Provider>(Value::String(entry.clone())).is_ok()
                        || serde_json::from_value::<Account>(Value::String(entry.clone())).is_ok();
                    if known && !try_set(&mut merged, Some(&key), &entry, value) {
                        rejected.push(format!("{key}.{entry}"));
                    }
                }
            } else if merged.contains_key(&key) && !try_set(&mut merged, None, &key, value) {
                rejected.push(key);
            }
        }
        let settings = serde_json::from_value(Value::Object(merged)).unwrap_or_default();
        (settings, rejected)
    }

    pub fn to_entries(&self) -> Vec<(String, Value)> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map.into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Checks values a person typed; the message says what to fix.
    pub fn validate(&self) -> Result<(), Invalid> {
        let fail = |message: String| Err(Invalid(message));
        for account in Account::all() {
            let (name, url, example) =
                (account.spec().address_label, self.address(account), account.spec().default_address);
            match url::Url::parse(url.trim()) {
                Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {}
                Ok(u) if u.scheme() == "http" && is_loopback(&u) => {}
                Ok(u) if u.scheme() == "http" && u.host_str().is_some() => {
                    return fail(format!(
                        "The {name} must use https:// (plain http:// would send your key unencrypted); \
                         http:// is only for this computer (localhost, 127.0.0.1, [::1])"
                    ))
                }
                _ => return fail(format!("The {name} must be an https:// URL, like {example}")),
            }
        }
        // The same checks a request would meet, so saved defaults can always be sent.
        let probe = [api::Message::user("probe")];
        api::messages::validate(&probe, &self.request_defaults).map_err(|e| {
            Invalid(match e {
                api::Error::BadRequest { message, .. } => format!("Search defaults: {message}"),
                other => other.to_string(),
            })
        })?;
        if self.model_for_provider().trim().is_empty() {
            return fail("Choose a default model.".into());
        }
        pricing::validate_overrides(&self.price_overrides).map_err(|e| Invalid(e.to_string()))?;
        if self.monthly_budget.is_some_and(|b| !b.is_finite() || b <= 0.0) {
            return fail("The monthly budget must be more than $0 (leave it empty for no budget).".into());
        }
        Ok(())
    }
}

/// Sets `key` (inside the map `map`, if given) when the settings stay readable with it.
fn try_set(merged: &mut Map<String, Value>, map: Option<&str>, key: &str, value: Value) -> bool {
    let mut trial = merged.clone();
    let slot = match map {
        Some(map) => match trial.get_mut(map).and_then(Value::as_object_mut) {
            Some(slot) => slot,
            None => return false,
        },
        None => &mut trial,
    };
    slot.insert(key.to_owned(), value);
    let fits = serde_json::from_value::<Settings>(Value::Object(trial.clone())).is_ok();
    if fits {
        *merged = trial;
    }
    fits
}

/// Makes sure `path` is either missing or a readable JSON object. Anything else is renamed to
/// `settings.corrupt-<time>.json` beside it; the returned sentence tells the person.
pub fn quarantine_if_corrupt(path: &Path) -> Option<String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(format!("Settings could not be read ({e}); defaults are in use for this session.")),
    };
    if matches!(serde_json::from_slice::<Value>(&bytes), Ok(Value::Object(_))) {
        return None;
    }
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let aside: PathBuf = path.with_file_name(format!("settings.corrupt-{stamp}.json"));
    match std::fs::rename(path, &aside) {
        Ok(()) => Some(format!(
            "The settings file was damaged, so Citewise started with default settings. The old file was kept as {}. Your conversations are not affected.",
            aside.display()
        )),
        Err(e) => Some(format!("The settings file is damaged and could not be moved aside ({e}); defaults are in use.")),
    }
}

/// This computer: where a plain-http API address (a local model server, a test server) is fine.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_bad_value_resets_only_itself() {
        let (s, rejected) = Settings::from_entries(vec![
            ("provider".into(), json!("sonar")),
            ("addresses".into(), json!({"openai": 42, "perplexity": "https://gw.example", "gemini": "x"})),
            ("requestDefaults".into(), json!({"temperature": 0.5, "search": {"enabled": false}})),
            ("someFutureKey".into(), json!(true)),
        ]);
        assert_eq!(s.provider, Provider::Sonar);
        assert_eq!(s.address(Account::OpenAi), api::DEFAULT_OPENAI_BASE_URL);
        assert_eq!(s.address(Account::Perplexity), "https://gw.example", "the good entry beside it stays");
        assert_eq!(s.request_defaults.temperature, Some(0.5));
        assert!(!s.request_defaults.search.enabled);
        assert_eq!(rejected, ["addresses.openai"], "an unknown provider's entry is skipped, not an error");
    }

    #[test]
    fn switching_to_the_agent_api_maps_the_sonar_default() {
        let mut s = Settings { provider: Provider::Sonar, ..Default::default() };
        s.default_models.insert(Provider::Sonar, "sonar-deep-research".into());
        s.switch_to_agent();
        assert_eq!(
            (s.provider, s.default_model(Provider::Agent), s.sonar_retirement_offered),
            (Provider::Agent, "medium", true)
        );
        let mut s = Settings { provider: Provider::Sonar, ..Default::default() };
        s.default_models.insert(Provider::Sonar, "my-gateway-model".into());
        s.switch_to_agent();
        assert_eq!(s.default_model(Provider::Agent), "fast", "an id with no equivalent leaves the Agent default alone");
        assert!(s.validate().is_ok());
    }

    fn at(account: Account, address: &str) -> Settings {
        let mut s = Settings::default();
        s.addresses.insert(account, address.into());
        s
    }

    #[test]
    fn settings_of_earlier_versions_are_read_into_the_maps() {
        let (s, rejected) = Settings::from_entries(vec![
            ("provider".into(), json!("openai")),
            ("perplexityBaseUrl".into(), json!("https://gw.example/perplexity")),
            ("openaiBaseUrl".into(), json!("http://localhost:11434/v1")),
            ("defaultModel".into(), json!("low")),
            ("defaultSonarModel".into(), json!("sonar-pro")),
            ("defaultOpenaiModel".into(), json!("llama3.1:8b")),
        ]);
        assert_eq!(rejected, Vec::<String>::new());
        assert_eq!(s.address(Account::Perplexity), "https://gw.example/perplexity");
        assert_eq!(s.address(Account::OpenAi), "http://localhost:11434/v1");
        assert_eq!(
            [Provider::Agent, Provider::Sonar, Provider::OpenAi].map(|p| s.default_model(p)),
            ["low", "sonar-pro", "llama3.1:8b"]
        );
        assert_eq!(s.model_for_provider(), "llama3.1:8b");
        let stored: Vec<String> = s.to_entries().into_iter().map(|(k, _)| k).collect();
        assert!(LEGACY_KEYS.iter().all(|(old, ..)| !stored.iter().any(|k| k == old)), "{stored:?}");

        // The map wins over an old key beside it (a file written by both versions), and a bad old
        // value is reported under the entry it would have filled.
        let (s, rejected) = Settings::from_entries(vec![
            ("defaultModels".into(), json!({"agent": "high"})),
            ("defaultModel".into(), json!("low")),
            ("openaiBaseUrl".into(), json!(["not", "a", "url"])),
        ]);
        assert_eq!((s.default_model(Provider::Agent), s.default_model(Provider::Sonar)), ("high", "sonar"));
        assert_eq!(rejected, ["addresses.openai"]);
        assert_eq!(s.address(Account::OpenAi), api::DEFAULT_OPENAI_BASE_URL);
    }

    #[test]
    fn the_theme_is_read_on_its_own() {
        let (s, rejected) = Settings::from_entries(vec![("theme".into(), json!("dark"))]);
        assert_eq!((s.theme, rejected.len()), (Theme::Dark, 0));
        let (s, rejected) =
            Settings::from_entries(vec![("theme".into(), json!("neon")), ("provider".into(), json!("sonar"))]);
        assert_eq!(s.theme, Theme::System, "an unknown theme falls back to the system's");
        assert_eq!(s.provider, Provider::Sonar, "and takes nothing else with it");
        assert_eq!(rejected, ["theme"]);
        assert_eq!(Settings::default().theme, Theme::System);
    }

    #[test]
    fn entries_round_trip() {
        let mut s = Settings { provider: Provider::OpenAi, ..Default::default() };
        s.addresses.insert(Account::OpenAi, "http://localhost:11434/v1".into());
        s.default_models.insert(Provider::OpenAi, "llama3.1:8b".into());
        assert_eq!(Settings::from_entries(s.to_entries()), (s, vec![]));
    }

    #[test]
    fn plain_http_is_only_for_this_computer() {
        for remote in
            ["http://api.perplexity.ai", "http://10.0.0.5:8080/v1", "http://localhost.evil.example", "http://[fe80::1]"]
        {
            let s = at(Account::Perplexity, remote);
            assert!(s.validate().unwrap_err().0.contains("unencrypted"), "{remote}");
            assert!(at(Account::OpenAi, remote).validate().is_err(), "{remote}");
        }
        for local in [
            "http://localhost:11434/v1",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000/v1",
            "https://proxy.corp.example/perplexity",
        ] {
            let mut s = at(Account::OpenAi, local);
            s.addresses.insert(Account::Perplexity, local.into());
            assert_eq!(s.validate(), Ok(()), "{local}");
        }
    }

    #[test]
    fn validation_explains_bad_addresses_and_search_defaults() {
        assert!(at(Account::Perplexity, "ftp://x").validate().unwrap_err().0.contains("https://"));
        let err = at(Account::OpenAi, "localhost").validate().unwrap_err().0;
        assert!(
            err.contains(api::DEFAULT_OPENAI_BASE_URL) && err.starts_with("The OpenAI-compatible address"),
            "{err}"
        );
        assert!(Settings::default().validate().is_ok());
        let mut s = Settings::default();
        s.request_defaults.search.domains = (0..21).map(|i| format!("d{i}.org")).collect();
        assert!(s.validate().unwrap_err().0.contains("at most 20"));
    }

    #[test]
    fn budget_and_prices_are_checked_and_a_bad_stored_row_resets_only_the_prices() {
        for bad in [0.0, -5.0, f64::INFINITY] {
            let s = Settings { monthly_budget: Some(bad), ..Default::default() };
            assert_eq!(
                s.validate().unwrap_err().0,
                "The monthly budget must be more than $0 (leave it empty for no budget)."
            );
        }
        assert!(Settings { monthly_budget: Some(10.0), ..Default::default() }.validate().is_ok());
        let row = pricing::PriceTable::builtin().get("sonar").unwrap().clone();
        let twice = Settings { price_overrides: vec![row.clone(), row.clone()], ..Default::default() };
        assert!(twice.validate().unwrap_err().0.contains("sonar has two"));

        let (s, rejected) = Settings::from_entries(vec![
            ("monthlyBudget".into(), json!(25)),
            ("priceOverrides".into(), json!([{"model": "sonar", "inputPerMillion": "cheap"}])),
        ]);
        assert_eq!(s.monthly_budget, Some(25.0));
        assert!(s.price_overrides.is_empty());
        assert_eq!(rejected, ["priceOverrides"]);

        let mine = ModelPrice { input_per_million: 9.0, source: pricing::YOUR_PRICE.into(), ..row };
        let s = Settings { price_overrides: vec![mine], ..Default::default() };
        let table = crate::state::Prices::new(s.price_overrides.clone(), None).current();
        assert_eq!(table.get("sonar").unwrap().input_per_million, 9.0);
        assert_eq!(Settings::from_entries(s.to_entries()).0, s, "rows round-trip through the store");
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_not_lost() {
        let dir = std::env::temp_dir().join(format!("citewise-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE_NAME);
        assert_eq!(quarantine_if_corrupt(&path), None, "a missing file is fine");
        std::fs::write(&path, br#"{"provider":"sonar"}"#).unwrap();
        assert_eq!(quarantine_if_corrupt(&path), None);
        std::fs::write(&path, b"{\"provider\": \"son\x00\xff").unwrap();
        let notice = quarantine_if_corrupt(&path).unwrap();
        assert!(notice.contains("default settings") && notice.contains("conversations are not affected"));
        assert!(!path.exists());
        let kept: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(std::fs::read(kept[0].path()).unwrap(), b"{\"provider\": \"son\x00\xff");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
