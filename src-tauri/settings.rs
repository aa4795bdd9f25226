//! Typed settings, kept in `settings.json` (tauri-plugin-store) in the data folder.
//!
//! Every field has a default, and every key is read on its own: one bad value resets only itself.
//! A file that is not JSON at all is moved aside (never overwritten) and defaults are used, so
//! the app always starts and the person is told what happened. The API key is never stored here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::{self, Provider, RequestOptions};
use crate::pricing::{self, ModelPrice};

pub const FILE_NAME: &str = "settings.json";
pub const DEFAULT_OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub provider: Provider,
    pub perplexity_base_url: String,
    /// The base an OpenAI SDK would take, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    pub openai_base_url: String,
    /// Model for new conversations, per provider.
    pub default_model: String,
    pub default_sonar_model: String,
    pub default_openai_model: String,
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
            provider: Provider::Agent,
            perplexity_base_url: api::DEFAULT_BASE_URL.to_owned(),
            openai_base_url: DEFAULT_OPENAI_BASE_URL.to_owned(),
            default_model: "fast".to_owned(),
            default_sonar_model: "sonar".to_owned(),
            default_openai_model: "gpt-4o-mini".to_owned(),
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
        match self.provider {
            Provider::Agent => &self.default_model,
            Provider::Sonar => &self.default_sonar_model,
            Provider::OpenAi => &self.default_openai_model,
        }
    }

    /// Leaves the retired Sonar API for the Agent API: the provider, and the Sonar default model
    /// as its Agent API equivalent (`api::SONAR_SUCCESSORS`). Addresses and keys stay.
    pub fn switch_to_agent(&mut self) {
        self.provider = Provider::Agent;
        if let Some(model) = api::sonar_successor(&self.default_sonar_model) {
            self.default_model = model.to_owned();
        }
        self.sonar_retirement_offered = true;
    }

    /// Reads settings from stored key/value pairs. Unknown keys are ignored; a value that does
    /// not fit its field keeps the default, and its key is returned so the person can be told.
    pub fn from_entries(entries: impl IntoIterator<Item = (String, Value)>) -> (Settings, Vec<String>) {
        let mut merged = match serde_json::to_value(Settings::default()) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        let mut rejected = Vec::new();
        for (key, value) in entries {
            if !merged.contains_key(&key) {
                continue;
            }
            let mut trial = merged.clone();
            trial.insert(key.clone(), value);
            if serde_json::from_value::<Settings>(Value::Object(trial.clone())).is_ok() {
                merged = trial;
            } else {
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
    pub fn validate(&self) -> Result<(), String> {
        for (name, url, example) in [
            ("Perplexity API address", &self.perplexity_base_url, api::DEFAULT_BASE_URL),
            ("OpenAI-compatible address", &self.openai_base_url, DEFAULT_OPENAI_BASE_URL),
        ] {
            match url::Url::parse(url.trim()) {
                Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {}
                Ok(u) if u.scheme() == "http" && is_loopback(&u) => {}
                Ok(u) if u.scheme() == "http" && u.host_str().is_some() => {
                    return Err(format!(
                        "The {name} must use https:// (plain http:// would send your key unencrypted); \
                         http:// is only for this computer (localhost, 127.0.0.1, [::1])"
                    ))
                }
                _ => return Err(format!("The {name} must be an https:// URL, like {example}")),
            }
        }
        // The same checks a request would meet, so saved defaults can always be sent.
        let probe = [api::Message::user("probe")];
        api::messages::validate(&probe, &self.request_defaults).map_err(|e| match e {
            api::Error::BadRequest { message, .. } => format!("Search defaults: {message}"),
            other => other.to_string(),
        })?;
        if self.model_for_provider().trim().is_empty() {
            return Err("Choose a default model.".into());
        }
        pricing::validate_overrides(&self.price_overrides)?;
        if self.monthly_budget.is_some_and(|b| !b.is_finite() || b <= 0.0) {
            return Err("The monthly budget must be more than $0 (leave it empty for no budget).".into());
        }
        Ok(())
    }
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
            ("openaiBaseUrl".into(), json!(42)),
            ("requestDefaults".into(), json!({"temperature": 0.5, "search": {"enabled": false}})),
            ("someFutureKey".into(), json!(true)),
        ]);
        assert_eq!(s.provider, Provider::Sonar);
        assert_eq!(s.openai_base_url, DEFAULT_OPENAI_BASE_URL);
        assert_eq!(s.request_defaults.temperature, Some(0.5));
        assert!(!s.request_defaults.search.enabled);
        assert_eq!(rejected, ["openaiBaseUrl"]);
    }

    #[test]
    fn switching_to_the_agent_api_maps_the_sonar_default() {
        let mut s = Settings {
            provider: Provider::Sonar,
            default_sonar_model: "sonar-deep-research".into(),
            ..Default::default()
        };
        s.switch_to_agent();
        assert_eq!(
            (s.provider, s.default_model.as_str(), s.sonar_retirement_offered),
            (Provider::Agent, "medium", true)
        );
        let mut s = Settings {
            provider: Provider::Sonar,
            default_sonar_model: "my-gateway-model".into(),
            ..Default::default()
        };
        s.switch_to_agent();
        assert_eq!(s.default_model, "fast", "an id with no equivalent leaves the Agent default alone");
        assert!(s.validate().is_ok());
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
        let s = Settings {
            provider: Provider::OpenAi,
            openai_base_url: "http://localhost:11434/v1".into(),
            ..Default::default()
        };
        assert_eq!(Settings::from_entries(s.to_entries()), (s, vec![]));
    }

    #[test]
    fn plain_http_is_only_for_this_computer() {
        for remote in
            ["http://api.perplexity.ai", "http://10.0.0.5:8080/v1", "http://localhost.evil.example", "http://[fe80::1]"]
        {
            let s = Settings { perplexity_base_url: remote.into(), ..Default::default() };
            assert!(s.validate().unwrap_err().contains("unencrypted"), "{remote}");
            let s = Settings { openai_base_url: remote.into(), ..Default::default() };
            assert!(s.validate().is_err(), "{remote}");
        }
        for local in [
            "http://localhost:11434/v1",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000/v1",
            "https://proxy.corp.example/perplexity",
        ] {
            let s = Settings { openai_base_url: local.into(), perplexity_base_url: local.into(), ..Default::default() };
            assert_eq!(s.validate(), Ok(()), "{local}");
        }
    }

    #[test]
    fn validation_explains_bad_addresses_and_search_defaults() {
        let s = Settings { perplexity_base_url: "ftp://x".into(), ..Default::default() };
        assert!(s.validate().unwrap_err().contains("https://"));
        let s = Settings { openai_base_url: "localhost".into(), ..Default::default() };
        assert!(s.validate().unwrap_err().contains(DEFAULT_OPENAI_BASE_URL));
        assert!(Settings::default().validate().is_ok());
        let mut s = Settings::default();
        s.request_defaults.search.domains = (0..21).map(|i| format!("d{i}.org")).collect();
        assert!(s.validate().unwrap_err().contains("at most 20"));
    }

    #[test]
    fn budget_and_prices_are_checked_and_a_bad_stored_row_resets_only_the_prices() {
        for bad in [0.0, -5.0, f64::INFINITY] {
            let s = Settings { monthly_budget: Some(bad), ..Default::default() };
            assert_eq!(
                s.validate().unwrap_err(),
                "The monthly budget must be more than $0 (leave it empty for no budget)."
            );
        }
        assert!(Settings { monthly_budget: Some(10.0), ..Default::default() }.validate().is_ok());
        let row = pricing::PriceTable::builtin().get("sonar").unwrap().clone();
        let twice = Settings { price_overrides: vec![row.clone(), row.clone()], ..Default::default() };
        assert!(twice.validate().unwrap_err().contains("sonar has two"));

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
