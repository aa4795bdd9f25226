//! State shared by the commands, `.manage()`d once at start-up.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use tokio_util::sync::CancellationToken;

use crate::api::{self, Account, Provider};
use crate::keys::Keys;
use crate::pricing::{Catalogue, ModelPrice, PriceTable};
use crate::secrets::{origin_of, ApiKey, KeySource};
use crate::settings::Settings;

/// Where requests go and with which key; changes when settings or keys do.
pub struct ApiState {
    pub client: api::Client,
    pub models: api::models::ModelCache,
    pub keys: Arc<Keys>,
    config: Arc<RwLock<ApiConfig>>,
}

struct ApiConfig {
    provider: Provider,
    addresses: BTreeMap<Account, String>,
}

/// What one request needs, taken at send time.
pub struct Target {
    pub endpoint: api::Endpoint,
    pub account: Account,
    /// The key, only when it may be sent to `endpoint` (its origin is the one it is bound to).
    pub key: Option<ApiKey>,
    pub key_source: KeySource,
    /// A key that exists but is bound to this other origin, so it is not sent.
    pub key_bound_elsewhere: Option<String>,
}

impl Target {
    /// The key to send, or why there is none: no key at all, or one saved for another address.
    pub fn key(&self) -> api::Result<&ApiKey> {
        match (&self.key, &self.key_bound_elsewhere) {
            (Some(key), _) => Ok(key),
            (None, Some(bound)) => Err(api::Error::KeyElsewhere {
                bound: bound.clone(),
                address: self.origin().unwrap_or_else(|| self.endpoint.base_url.clone()),
            }),
            (None, None) => Err(api::Error::NoKey),
        }
    }

    /// The origin requests go to.
    pub fn origin(&self) -> Option<String> {
        origin_of(&self.endpoint.base_url)
    }
}

impl ApiState {
    /// `PERPLEXITY_BASE_URL` overrides the stored Perplexity address.
    pub fn new(settings: &Settings, keys: Keys) -> api::Result<ApiState> {
        let state = ApiState {
            client: api::Client::new()?,
            models: Default::default(),
            keys: Arc::new(keys),
            config: Arc::new(RwLock::new(ApiConfig { provider: settings.provider, addresses: BTreeMap::new() })),
        };
        state.apply(settings);
        Ok(state)
    }

    /// Takes the provider and addresses from `settings`.
    pub fn apply(&self, settings: &Settings) {
        let mut c = self.config.write().unwrap_or_else(|e| e.into_inner());
        c.provider = settings.provider;
        let run_address = std::env::var(BASE_URL_ENV).ok().filter(|v| !v.trim().is_empty());
        c.addresses = Account::all()
            .map(|account| match (&run_address, account) {
                (Some(address), Account::Perplexity) => (account, address.clone()),
                _ => (account, settings.address(account).to_owned()),
            })
            .collect();
        drop(c);
        self.models.clear();
    }

    /// Where `account`'s key is used: the selected provider if it uses this account, else the
    /// account's first provider, at the account's address.
    pub fn endpoint_for(&self, account: Account) -> api::Endpoint {
        let c = self.config.read().unwrap_or_else(|e| e.into_inner());
        let provider = match c.provider.account() == account {
            true => c.provider,
            false => account.providers().next().unwrap_or(c.provider),
        };
        api::Endpoint::new(provider, c.addresses.get(&account).map_or("", String::as_str))
    }

    pub fn provider(&self) -> Provider {
        self.config.read().unwrap_or_else(|e| e.into_inner()).provider
    }

    /// Resolves the endpoint and key of the selected provider off the async threads: the keyring
    /// may block (D-Bus, or an unlock prompt the person has to answer).
    pub async fn target(&self) -> Target {
        let account = self.provider().account();
        self.target_at(self.endpoint_for(account), account).await
    }

    /// [`Self::target`] for `account`'s endpoint, whichever provider is selected.
    pub async fn target_for(&self, account: Account) -> Target {
        self.target_at(self.endpoint_for(account), account).await
    }

    /// The key goes only to the origin it is bound to. An entry saved before keys were bound is
    /// bound now to the address it has been used with.
    async fn target_at(&self, endpoint: api::Endpoint, account: Account) -> Target {
        let keys = self.keys.clone();
        let origin = origin_of(&endpoint.base_url);
        let (key, key_source, key_bound_elsewhere) = tauri::async_runtime::spawn_blocking(move || {
            let (key, source) = keys.resolve(account);
            let Some(key) = key else { return (None, source, None) };
            match (key.origin, origin) {
                (Some(bound), Some(origin)) if bound == origin => (Some(key.key), source, None),
                (None, Some(origin)) => match keys.rebind(account, &origin) {
                    Ok(_) => (Some(key.key), source, None),
                    Err(e) => {
                        log::warn!("could not bind the saved key to {origin}: {e}");
                        (Some(key.key), source, None)
                    }
                },
                (bound, _) => (None, source, Some(bound.unwrap_or_else(|| "another address".into()))),
            }
        })
        .await
        .unwrap_or((None, KeySource::None, None));
        Target { endpoint, account, key, key_source, key_bound_elsewhere }
    }
}

/// Overrides the Perplexity API address for this run (tests, proxies); never stored.
pub const BASE_URL_ENV: &str = "PERPLEXITY_BASE_URL";

/// Requests in flight, by the id the UI gave them, so `chat_cancel` can stop them.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<String, CancellationToken>>);

impl InFlight {
    /// Registers a request; `None` when the id is already running.
    pub fn start(&self, id: &str) -> Option<CancellationToken> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.contains_key(id) {
            return None;
        }
        let token = CancellationToken::new();
        map.insert(id.to_owned(), token.clone());
        Some(token)
    }

    pub fn finish(&self, id: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }

    /// Trips the request's cancel token; false if it was not running.
    pub fn cancel(&self, id: &str) -> bool {
        match self.0.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}

/// The folder that holds everything Citewise stores (`CITEWISE_DATA_DIR` overrides it).
pub struct DataDir(pub PathBuf);

/// The folder of the log files (`crate::shell::logging`).
pub struct LogDir(pub PathBuf);

/// Saved conversations, and where exports are written.
pub struct History {
    pub db: Arc<crate::history::Db>,
    pub export_dir: PathBuf,
}

impl History {
    /// Runs a history query off the async threads (SQLite calls block).
    pub async fn run<T, F>(&self, f: F) -> crate::error::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&crate::history::Db) -> crate::history::Result<T> + Send + 'static,
    {
        let db = self.db.clone();
        match tauri::async_runtime::spawn_blocking(move || f(&db)).await {
            Ok(result) => Ok(result?),
            Err(e) => Err(crate::history::Error::BadRequest(format!("The history task failed: {e}")).into()),
        }
    }
}

/// The price table in use: the shipped one with the person's rows from Settings.
pub struct Prices(RwLock<PriceSources>);

/// What the table in use is made of: the built-in rows, the live catalogue's, the person's.
struct PriceSources {
    overrides: Vec<ModelPrice>,
    catalogue: Option<Catalogue>,
    table: Arc<PriceTable>,
}

impl PriceSources {
    fn shipped(&self) -> PriceTable {
        PriceTable::builtin().with_catalogue(self.catalogue.as_ref())
    }
    fn rebuild(&mut self) {
        self.table = Arc::new(self.shipped().with_overrides(&self.overrides));
    }
}

impl Prices {
    pub fn new(overrides: Vec<ModelPrice>, catalogue: Option<Catalogue>) -> Prices {
        let mut sources = PriceSources { overrides, catalogue, table: Arc::new(PriceTable::builtin()) };
        sources.rebuild();
        Prices(RwLock::new(sources))
    }

    /// The table in use: built-in rows, then the catalogue's, then the person's.
    pub fn current(&self) -> Arc<PriceTable> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).table.clone()
    }

    /// The table before the person's rows (Settings → Cost lays those over it itself).
    pub fn shipped(&self) -> PriceTable {
        self.0.read().unwrap_or_else(|e| e.into_inner()).shipped()
    }

    pub fn set_overrides(&self, overrides: Vec<ModelPrice>) {
        let mut sources = self.0.write().unwrap_or_else(|e| e.into_inner());
        sources.overrides = overrides;
        sources.rebuild();
    }

    /// A newer catalogue; true when its prices differ from the one in use (then it is worth saving).
    pub fn set_catalogue(&self, catalogue: Catalogue) -> bool {
        let mut sources = self.0.write().unwrap_or_else(|e| e.into_inner());
        let changed =
            sources.catalogue.as_ref().is_none_or(|c| c.models != catalogue.models || c.base_url != catalogue.base_url);
        sources.catalogue = Some(catalogue);
        sources.rebuild();
        changed
    }
}

/// Overrides where exports are written (tests; people who want them elsewhere than Downloads).
pub const EXPORT_DIR_ENV: &str = "CITEWISE_EXPORT_DIR";

/// Where `settings.json` lives.
pub struct SettingsFile(pub PathBuf);

/// Things the person should be told once the window is up (e.g. settings were reset).
#[derive(Default)]
pub struct Notices(pub Mutex<Vec<String>>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{BoundKey, MemoryStore, SecretStore};

    const KEY: &str = "pplx-0123456789abcd";

    fn api_at(address: &str, store: MemoryStore) -> ApiState {
        let mut settings = Settings::default();
        settings.addresses.insert(Account::Perplexity, address.into());
        ApiState::new(&settings, Keys::with_env(Box::new(store), |_| None)).unwrap()
    }

    #[tokio::test]
    async fn regression_a_key_went_to_whatever_address_the_settings_named() {
        let store = MemoryStore::default();
        store.set(Account::Perplexity, &BoundKey::new(ApiKey::new(KEY).unwrap(), "https://api.perplexity.ai")).unwrap();
        let api = api_at("https://api.perplexity.ai", store);
        assert_eq!(api.target().await.key().unwrap().expose(), KEY);

        // What a script in the page can do: point the address elsewhere.
        let mut moved = Settings::default();
        moved.addresses.insert(Account::Perplexity, "http://127.0.0.1:9/v1".into());
        api.apply(&moved);
        for target in [api.target().await, api.target_for(Account::Perplexity).await] {
            assert!(target.key.is_none(), "the key is not handed out for another origin");
            let err = target.key().unwrap_err();
            assert_eq!(err.kind(), "key_elsewhere");
            assert_eq!(
                err.to_string(),
                "Your API key was saved for https://api.perplexity.ai, and the API address is now http://127.0.0.1:9. \
                 Citewise did not send the key there."
            );
            assert_eq!(target.key_source, KeySource::Keyring, "the key is still there, only not sent");
        }
        // Once the person confirmed the new address, it goes there (and only there).
        api.keys.rebind(Account::Perplexity, "http://127.0.0.1:9").unwrap();
        assert!(api.target().await.key().is_ok());
        api.apply(&Settings::default());
        assert_eq!(api.target().await.key().unwrap_err().kind(), "key_elsewhere");
    }

    #[tokio::test]
    async fn a_key_saved_before_binding_is_bound_to_the_address_it_is_used_with() {
        let store = MemoryStore::default();
        store.set(Account::Perplexity, &BoundKey { key: ApiKey::new(KEY).unwrap(), origin: None }).unwrap();
        let api = api_at("https://proxy.corp.example/perplexity", store);
        assert!(api.target().await.key().is_ok());
        assert_eq!(api.keys.status(Account::Perplexity).origin.as_deref(), Some("https://proxy.corp.example"));
        api.apply(&Settings::default());
        assert_eq!(api.target().await.key().unwrap_err().kind(), "key_elsewhere");
    }

    #[test]
    fn in_flight_requests_can_be_cancelled_once_registered() {
        let inflight = InFlight::default();
        let token = inflight.start("a").unwrap();
        assert!(inflight.start("a").is_none(), "duplicate ids are refused");
        assert!(inflight.cancel("a"));
        assert!(token.is_cancelled());
        inflight.finish("a");
        assert!(!inflight.cancel("a"));
    }
}
