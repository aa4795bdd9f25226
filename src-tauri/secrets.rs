//! API keys: where they live and the type that keeps them from leaking.
//!
//! Keys are stored in the OS keyring only (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), behind [`SecretStore`] so tests can use [`MemoryStore`]. [`ApiKey`] prints
//! as `<redacted>`, has no `Serialize`, and leaves Rust only as the `Authorization` header (marked
//! sensitive) or as its last four characters for display. There is never a plaintext file.
//!
//! Every key is bound to the origin (`scheme://host:port`) it was given for ([`BoundKey`]): the
//! keyring entry holds both, and the key is sent nowhere else until the person confirms a new
//! address in a native dialog (see `crate::state::ApiState::target`). A key from the environment
//! is taken out of the process environment at start, so no child process inherits it.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use crate::api::Account;

/// Keyring service name; entries are found with `secret-tool search service Citewise`.
pub const SERVICE: &str = "Citewise";

/// Where the key in use came from; shown in Settings, never the key itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum KeySource {
    Keyring,
    /// Typed into Settings with "use for this session only"; held in memory.
    Session,
    Env,
    None,
}

/// The key's bytes are wiped when the last copy is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Zeroizing<String>);

impl ApiKey {
    /// Trims whitespace a paste may bring along; `None` for an empty key.
    pub fn new(raw: &str) -> Option<ApiKey> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return None;
        }
        // Every key the app holds, from the keyring, the environment or a paste, is kept out of
        // the log file from here on.
        crate::shell::logging::never_log(trimmed);
        Some(ApiKey(Zeroizing::new(trimmed.to_owned())))
    }

    /// The secret itself, for building the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, enough for a person to recognise which key is stored.
    pub fn last4(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }

    /// Why this cannot be an API key, if it cannot: it must fit in an HTTP header.
    pub fn problem(&self) -> Option<&'static str> {
        if self.0.chars().any(|c| c.is_whitespace()) {
            Some("The key contains spaces or line breaks; paste just the key.")
        } else if !self.0.chars().all(|c| c.is_ascii_graphic()) {
            Some("The key contains characters an API key cannot have; paste it again from your account page.")
        } else if self.0.len() < 8 {
            Some("That is too short to be an API key.")
        } else {
            None
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// The origin a key may be sent to: `scheme://host[:port]` of an http(s) address, `None` for
/// anything else.
pub fn origin_of(address: &str) -> Option<String> {
    crate::links::parse_web(address).map(|url| url.origin().ascii_serialization())
}

/// A key and the origin it may be sent to. `origin` is `None` only for an entry saved before
/// keys were bound; it is bound to the address in use the first time it is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundKey {
    pub key: ApiKey,
    pub origin: Option<String>,
}

impl BoundKey {
    pub fn new(key: ApiKey, origin: &str) -> BoundKey {
        BoundKey { key, origin: Some(origin.to_owned()) }
    }
}

/// Where a key from the environment may be sent: the address variable beside it
/// (`PERPLEXITY_BASE_URL`, `OPENAI_BASE_URL`, as the SDKs read them), else the provider's own.
fn env_origin(account: Account) -> Option<String> {
    let spec = account.spec();
    let address = std::env::var(spec.env_address).ok().filter(|v| !v.trim().is_empty());
    origin_of(address.as_deref().unwrap_or(spec.default_address))
}

static ENV_KEYS: OnceLock<HashMap<Account, BoundKey>> = OnceLock::new();

/// Takes `PERPLEXITY_API_KEY` and `OPENAI_API_KEY` out of the process environment, keeping them
/// in memory, so that no child process (the browser, `xdg-open`, WebKit's own processes)
/// inherits them. `main` calls it before any thread starts; later calls change nothing.
pub fn take_env_keys() {
    ENV_KEYS.get_or_init(|| {
        let mut keys = HashMap::new();
        for account in Account::all() {
            let Some(value) = std::env::var_os(account.env_var()) else { continue };
            // Single-threaded here (before the runtime and WebKit start), as removal requires.
            std::env::remove_var(account.env_var());
            let value = Zeroizing::new(value.to_string_lossy().into_owned());
            if let (Some(key), Some(origin)) = (ApiKey::new(&value), env_origin(account)) {
                keys.insert(account, BoundKey::new(key, &origin));
            }
        }
        keys
    });
}

/// The session key from the account's environment variable, if one was set at start.
pub fn key_from_env(account: Account) -> Option<BoundKey> {
    take_env_keys();
    ENV_KEYS.get().and_then(|keys| keys.get(&account).cloned())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No keyring to talk to, or it is locked and the person declined to unlock it.
    #[error("{0}")]
    Unavailable(String),
    #[error("The keyring refused the operation: {0}")]
    Failed(String),
}

/// A place to keep keys. A missing entry is `Ok(None)`, and deleting one is not an error.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: Account) -> Result<Option<BoundKey>, SecretError>;
    fn set(&self, account: Account, key: &BoundKey) -> Result<(), SecretError>;
    fn delete(&self, account: Account) -> Result<(), SecretError>;
    /// How Settings names it: "GNOME Keyring (Secret Service)", "macOS Keychain", …
    fn name(&self) -> &'static str;
}

/// The operating system's keyring through the `keyring` crate.
pub struct OsKeyring {
    service: String,
}

impl OsKeyring {
    /// Citewise's own entries (service [`SERVICE`]).
    pub fn new() -> OsKeyring {
        OsKeyring::with_service(SERVICE)
    }

    /// Entries under another service name: tests use their own, never the person's real key.
    pub fn with_service(service: &str) -> OsKeyring {
        OsKeyring { service: service.to_owned() }
    }

    fn entry(&self, account: Account) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, account.user()).map_err(map_keyring_error)
    }
}

impl Default for OsKeyring {
    fn default() -> Self {
        OsKeyring::new()
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, account: Account) -> Result<Option<BoundKey>, SecretError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(decode(&Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn set(&self, account: Account, key: &BoundKey) -> Result<(), SecretError> {
        self.entry(account)?.set_password(&encode(key)).map_err(map_keyring_error)
    }

    fn delete(&self, account: Account) -> Result<(), SecretError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn name(&self) -> &'static str {
        if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(target_os = "windows") {
            "Windows Credential Manager"
        } else {
            "the system keyring (Secret Service)"
        }
    }
}

/// The keyring entry's secret: `{"v":1,"origin":…,"key":…}`, so the address travels with the key.
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    v: u8,
    origin: &'a str,
    key: &'a str,
}

fn encode(bound: &BoundKey) -> Zeroizing<String> {
    let entry = Entry { v: 1, origin: bound.origin.as_deref().unwrap_or_default(), key: bound.key.expose() };
    Zeroizing::new(serde_json::to_string(&entry).expect("strings always serialize"))
}

/// Reads an entry; a bare key (saved before keys were bound) comes back without an origin.
fn decode(secret: &str) -> Option<BoundKey> {
    match serde_json::from_str::<Entry>(secret) {
        Ok(entry) if entry.v == 1 => Some(BoundKey {
            key: ApiKey::new(entry.key)?,
            origin: Some(entry.origin.to_owned()).filter(|o| !o.is_empty()),
        }),
        _ => ApiKey::new(secret).map(|key| BoundKey { key, origin: None }),
    }
}

fn map_keyring_error(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            SecretError::Unavailable(unavailable_help(&inner.to_string()))
        }
        other => SecretError::Failed(other.to_string()),
    }
}

/// What to install or unlock, in words; the platform's cause goes last in brackets.
fn unavailable_help(cause: &str) -> String {
    let what = if cfg!(target_os = "linux") {
        "No usable keyring was found: Citewise keeps keys in the Secret Service (GNOME Keyring or KWallet). \
         Install gnome-keyring (or KWallet), make sure it runs in your session and is unlocked, then try again"
    } else {
        "The system keyring could not be used; unlock it and try again"
    };
    format!("{what}. [{cause}]")
}

/// Keys in memory only: the in-memory store for tests, and session-only keys.
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<Account, BoundKey>>);

impl SecretStore for MemoryStore {
    fn get(&self, account: Account) -> Result<Option<BoundKey>, SecretError> {
        Ok(self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&account).cloned())
    }
    fn set(&self, account: Account, key: &BoundKey) -> Result<(), SecretError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(account, key.clone());
        Ok(())
    }
    fn delete(&self, account: Account) -> Result<(), SecretError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&account);
        Ok(())
    }
    fn name(&self) -> &'static str {
        "memory"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new(" pplx-supersecret1234\n").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(format!("{:?}", Some(&key)), "Some(ApiKey(<redacted>))");
        assert_eq!(key.expose(), "pplx-supersecret1234");
        assert_eq!(key.last4(), "1234");
    }

    #[test]
    fn blank_keys_are_no_keys_and_odd_ones_are_explained() {
        assert!(ApiKey::new("  \n").is_none());
        assert_eq!(ApiKey::new("ab").unwrap().last4(), "ab");
        assert!(ApiKey::new("pplx-abc def1").unwrap().problem().unwrap().contains("spaces"));
        assert!(ApiKey::new("pplx-abcé12345").unwrap().problem().is_some());
        assert!(ApiKey::new("pplx").unwrap().problem().is_some());
        assert!(ApiKey::new("pplx-0123456789abcdef").unwrap().problem().is_none());
    }

    fn bound(key: &str, origin: &str) -> BoundKey {
        BoundKey::new(ApiKey::new(key).unwrap(), origin)
    }

    #[test]
    fn memory_store_behaves_like_a_keyring() {
        let store = MemoryStore::default();
        assert_eq!(store.get(Account::Perplexity), Ok(None));
        store.set(Account::Perplexity, &bound("pplx-one-1111", "https://api.perplexity.ai")).unwrap();
        store.set(Account::OpenAi, &bound("sk-two-2222", "http://127.0.0.1:11434")).unwrap();
        assert_eq!(store.get(Account::Perplexity).unwrap().unwrap().key.last4(), "1111");
        store.delete(Account::Perplexity).unwrap();
        store.delete(Account::Perplexity).unwrap();
        assert_eq!(store.get(Account::Perplexity), Ok(None));
        assert_eq!(store.get(Account::OpenAi).unwrap().unwrap().origin.as_deref(), Some("http://127.0.0.1:11434"));
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(origin_of("https://api.perplexity.ai").as_deref(), Some("https://api.perplexity.ai"));
        assert_eq!(origin_of(" https://API.Perplexity.ai:443/v1/ ").as_deref(), Some("https://api.perplexity.ai"));
        assert_eq!(origin_of("http://localhost:11434/v1").as_deref(), Some("http://localhost:11434"));
        assert_eq!(origin_of("https://user:pw@evil.example/x").as_deref(), Some("https://evil.example"));
        assert_ne!(origin_of("http://api.perplexity.ai"), origin_of("https://api.perplexity.ai"));
        assert_eq!(origin_of("file:///etc/passwd"), None);
        assert_eq!(origin_of("not a url"), None);
    }

    #[test]
    fn an_entry_keeps_its_origin_and_old_bare_keys_still_read() {
        let entry = encode(&bound("pplx-secret-4242", "https://api.perplexity.ai"));
        assert!(entry.contains("\"origin\":\"https://api.perplexity.ai\""), "{}", entry.as_str());
        assert_eq!(decode(&entry), Some(bound("pplx-secret-4242", "https://api.perplexity.ai")));
        let legacy = decode("pplx-saved-by-0.1-7777\n").unwrap();
        assert_eq!((legacy.key.last4(), legacy.origin), ("7777".to_owned(), None));
        assert_eq!(decode("  "), None);
        // A key that happens to look like JSON but is not an entry is still a key.
        assert_eq!(decode("{\"v\":2}").unwrap().origin, None);
    }
}
