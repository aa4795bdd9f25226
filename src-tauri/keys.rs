//! Which key a request uses, and managing it from Settings: the keyring first, then a key kept
//! in memory for this session only, then the environment variable. Each key carries the origin
//! it may be sent to ([`BoundKey`]); [`Keys::rebind`] moves it after the person confirmed.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;

use crate::secrets::{key_from_env, Account, ApiKey, BoundKey, KeySource, MemoryStore, SecretError, SecretStore};

/// What Settings shows about a key: never the key, only where it is and how it ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct KeyStatus {
    pub account: Account,
    pub present: bool,
    pub source: KeySource,
    pub last4: Option<String>,
    /// The address (`scheme://host:port`) the key may be sent to.
    pub origin: Option<String>,
    /// The keyring's name, e.g. "the system keyring (Secret Service)".
    pub keyring: &'static str,
    pub keyring_available: bool,
    /// What to install or unlock when the keyring cannot be used.
    pub keyring_problem: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error("Paste a key first.")]
    Empty,
    #[error(transparent)]
    Keyring(#[from] SecretError),
}

impl KeyError {
    pub fn kind(&self) -> crate::error_kind::ErrorKind {
        match self {
            KeyError::Invalid(_) | KeyError::Empty => crate::error_kind::ErrorKind::BadKey,
            KeyError::Keyring(SecretError::Unavailable(_)) => crate::error_kind::ErrorKind::KeyringUnavailable,
            KeyError::Keyring(SecretError::Failed(_)) => crate::error_kind::ErrorKind::Keyring,
        }
    }
}

pub struct Keys {
    keyring: Box<dyn SecretStore>,
    session: MemoryStore,
    /// Reads the session key from the environment (a plain function so tests can pass their own).
    env: fn(Account) -> Option<BoundKey>,
    /// Where the person allowed the environment's key to go instead, this session.
    env_moved: Mutex<HashMap<Account, String>>,
    /// What the keyring said last, so each request does not ask it again.
    cache: Mutex<HashMap<Account, Option<BoundKey>>>,
}

impl Keys {
    pub fn new(keyring: Box<dyn SecretStore>) -> Keys {
        Keys::with_env(keyring, key_from_env)
    }

    pub fn with_env(keyring: Box<dyn SecretStore>, env: fn(Account) -> Option<BoundKey>) -> Keys {
        Keys {
            keyring,
            session: MemoryStore::default(),
            env,
            env_moved: Mutex::new(HashMap::new()),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The key to use now, the origin it may go to, and where it came from. A keyring that
    /// cannot be read is skipped.
    pub fn resolve(&self, account: Account) -> (Option<BoundKey>, KeySource) {
        if let Ok(Some(key)) = self.stored_key(account) {
            return (Some(key), KeySource::Keyring);
        }
        if let Ok(Some(key)) = self.session.get(account) {
            return (Some(key), KeySource::Session);
        }
        match (self.env)(account) {
            Some(mut key) => {
                if let Some(moved) = self.env_moved.lock().unwrap_or_else(|e| e.into_inner()).get(&account) {
                    key.origin = Some(moved.clone());
                }
                (Some(key), KeySource::Env)
            }
            None => (None, KeySource::None),
        }
    }

    /// Lets the key in use go to `origin` from now on (the person confirmed it, or the entry
    /// predates binding): the keyring entry is rewritten, a session or environment key is moved
    /// in memory. Returns the source whose key moved.
    pub fn rebind(&self, account: Account, origin: &str) -> Result<KeySource, KeyError> {
        let (key, source) = self.resolve(account);
        let Some(key) = key else { return Ok(KeySource::None) };
        let moved = BoundKey::new(key.key, origin);
        match source {
            KeySource::Keyring => {
                self.keyring.set(account, &moved)?;
                self.remember(account, Some(moved));
            }
            KeySource::Session => self.session.set(account, &moved)?,
            KeySource::Env => {
                self.env_moved.lock().unwrap_or_else(|e| e.into_inner()).insert(account, origin.to_owned());
            }
            KeySource::None => {}
        }
        log::info!("the {} key may now be sent to {origin}", account.user());
        Ok(source)
    }

    pub fn status(&self, account: Account) -> KeyStatus {
        let problem = self.stored_key(account).err().map(|e| e.to_string());
        let (key, source) = self.resolve(account);
        KeyStatus {
            account,
            present: key.is_some(),
            source,
            last4: key.as_ref().map(|k| k.key.last4()),
            origin: key.and_then(|k| k.origin),
            keyring: self.keyring.name(),
            keyring_available: problem.is_none(),
            keyring_problem: problem,
        }
    }

    /// Stores a pasted key in the keyring, or only in memory when `session_only` (the person's
    /// explicit choice when the keyring is unavailable), bound to `origin`: the address shown
    /// beside the field when it was entered. Never falls back to a file.
    pub fn save(&self, account: Account, raw: &str, session_only: bool, origin: &str) -> Result<KeyStatus, KeyError> {
        let key = ApiKey::new(raw).ok_or(KeyError::Empty)?;
        if let Some(problem) = key.problem() {
            return Err(KeyError::Invalid(problem));
        }
        let key = BoundKey::new(key, origin);
        if session_only {
            self.session.set(account, &key)?;
        } else {
            self.keyring.set(account, &key)?;
            self.remember(account, Some(key));
            // A stored key replaces any session-only one.
            self.session.delete(account)?;
        }
        Ok(self.status(account))
    }

    /// Removes the stored and the session key. A key from the environment stays in use: it
    /// belongs to whoever started the app.
    pub fn remove(&self, account: Account) -> Result<KeyStatus, KeyError> {
        self.session.delete(account)?;
        self.keyring.delete(account)?;
        self.remember(account, None);
        Ok(self.status(account))
    }

    fn stored_key(&self, account: Account) -> Result<Option<BoundKey>, SecretError> {
        if let Some(cached) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(&account) {
            return Ok(cached.clone());
        }
        let found = self.keyring.get(account)?;
        self.remember(account, found.clone());
        Ok(found)
    }

    fn remember(&self, account: Account, key: Option<BoundKey>) {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(account, key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A keyring that is not there, like a session without D-Bus.
    struct NoKeyring;
    impl SecretStore for NoKeyring {
        fn get(&self, _: Account) -> Result<Option<BoundKey>, SecretError> {
            Err(SecretError::Unavailable("no Secret Service".into()))
        }
        fn set(&self, _: Account, _: &BoundKey) -> Result<(), SecretError> {
            Err(SecretError::Unavailable("no Secret Service".into()))
        }
        fn delete(&self, _: Account) -> Result<(), SecretError> {
            Err(SecretError::Unavailable("no Secret Service".into()))
        }
        fn name(&self) -> &'static str {
            "nothing"
        }
    }

    const KEY: &str = "pplx-0123456789abcd";
    const API: &str = "https://api.perplexity.ai";

    fn keys(store: impl SecretStore + 'static) -> Keys {
        Keys::with_env(Box::new(store), |_| None)
    }

    #[test]
    fn saved_keys_come_from_the_keyring_and_show_only_their_end() {
        let keys = keys(MemoryStore::default());
        assert_eq!(keys.status(Account::Perplexity).source, KeySource::None);
        let status = keys.save(Account::Perplexity, &format!("  {KEY}\n"), false, API).unwrap();
        assert_eq!((status.present, status.source, status.last4.as_deref()), (true, KeySource::Keyring, Some("abcd")));
        assert!(!serde_json::to_string(&status).unwrap().contains(KEY));
        assert_eq!(keys.resolve(Account::OpenAi).1, KeySource::None, "accounts are separate");
        let status = keys.remove(Account::Perplexity).unwrap();
        assert!(!status.present);
    }

    #[test]
    fn bad_pastes_are_refused_with_a_reason() {
        let keys = keys(MemoryStore::default());
        assert_eq!(keys.save(Account::Perplexity, "   ", false, API).unwrap_err().kind(), "bad_key");
        let err = keys.save(Account::Perplexity, "pplx-abc def-12345", false, API).unwrap_err();
        assert!(err.to_string().contains("spaces"));
        assert!(!keys.status(Account::Perplexity).present);
    }

    #[test]
    fn without_a_keyring_nothing_is_written_unless_the_person_picks_session_only() {
        let keys = keys(NoKeyring);
        let status = keys.status(Account::Perplexity);
        assert!(!status.keyring_available);
        assert!(status.keyring_problem.is_some());
        let err = keys.save(Account::Perplexity, KEY, false, API).unwrap_err();
        assert_eq!(err.kind(), "keyring_unavailable");
        assert!(!keys.status(Account::Perplexity).present, "no silent fallback");
        let status = keys.save(Account::Perplexity, KEY, true, API).unwrap();
        assert_eq!((status.present, status.source), (true, KeySource::Session));
        assert_eq!(keys.resolve(Account::Perplexity).0.unwrap().key.expose(), KEY);
    }

    #[test]
    fn a_stored_key_wins_over_a_session_key() {
        let keys = keys(MemoryStore::default());
        keys.save(Account::Perplexity, "pplx-session-0000", true, API).unwrap();
        keys.save(Account::Perplexity, KEY, false, API).unwrap();
        let (key, source) = keys.resolve(Account::Perplexity);
        assert_eq!((key.unwrap().key.expose(), source), (KEY, KeySource::Keyring));
    }

    #[test]
    fn the_environment_key_is_the_last_resort_and_cannot_be_removed() {
        let keys = Keys::with_env(Box::new(MemoryStore::default()), |a| {
            (a == Account::Perplexity).then(|| BoundKey::new(ApiKey::new("pplx-from-env-9999").unwrap(), API))
        });
        assert_eq!(keys.status(Account::Perplexity).source, KeySource::Env);
        keys.save(Account::Perplexity, KEY, false, API).unwrap();
        assert_eq!(keys.status(Account::Perplexity).source, KeySource::Keyring);
        let status = keys.remove(Account::Perplexity).unwrap();
        assert_eq!((status.source, status.last4.as_deref()), (KeySource::Env, Some("9999")));
    }

    #[test]
    fn a_key_is_bound_to_the_address_it_was_entered_for_until_moved() {
        let keys = keys(MemoryStore::default());
        let status = keys.save(Account::Perplexity, KEY, false, API).unwrap();
        assert_eq!(status.origin.as_deref(), Some(API));
        assert_eq!(keys.rebind(Account::Perplexity, "https://proxy.example").unwrap(), KeySource::Keyring);
        assert_eq!(keys.resolve(Account::Perplexity).0.unwrap().origin.as_deref(), Some("https://proxy.example"));
        // Entering the key again binds it to the address of that moment.
        keys.remove(Account::Perplexity).unwrap();
        keys.save(Account::Perplexity, KEY, true, "http://127.0.0.1:9").unwrap();
        assert_eq!(keys.status(Account::Perplexity).origin.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(keys.rebind(Account::Perplexity, API).unwrap(), KeySource::Session);
        assert_eq!(keys.status(Account::Perplexity).origin.as_deref(), Some(API));
        assert_eq!(keys.rebind(Account::OpenAi, API).unwrap(), KeySource::None, "no key, nothing moves");
    }

    #[test]
    fn the_environment_key_moves_for_this_session_only() {
        let keys = Keys::with_env(Box::new(MemoryStore::default()), |_| {
            Some(BoundKey::new(ApiKey::new("pplx-from-env-9999").unwrap(), API))
        });
        assert_eq!(keys.rebind(Account::OpenAi, "http://127.0.0.1:11434").unwrap(), KeySource::Env);
        assert_eq!(keys.status(Account::OpenAi).origin.as_deref(), Some("http://127.0.0.1:11434"));
        assert_eq!(keys.status(Account::Perplexity).origin.as_deref(), Some(API), "per account");
    }
}
