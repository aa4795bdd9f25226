//! The real OS keyring (Secret Service through gnome-keyring, as `make integration` provides):
//! save, read back through a fresh handle, replace, delete. One test, in order: the Secret
//! Service is one shared store. Uses its own service name, never Citewise's real entries.

use citewise::keys::Keys;
use citewise::secrets::{Account, ApiKey, BoundKey, KeySource, OsKeyring, SecretStore};

const API: &str = "https://api.perplexity.ai";

#[test]
fn keys_round_trip_through_the_secret_service() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "needs a D-Bus session with an unlocked keyring: run `make integration` (scripts/with-desktop.sh)"
    );
    let service = format!("Citewise-test-{}", std::process::id());
    let store = OsKeyring::with_service(&service);
    store.delete(Account::Perplexity).unwrap();
    assert_eq!(store.get(Account::Perplexity), Ok(None), "a missing entry is Ok(None)");

    let bound = |key: &str| BoundKey::new(ApiKey::new(key).unwrap(), API);
    store.set(Account::Perplexity, &bound("pplx-first-key-1111")).unwrap();
    let fresh = OsKeyring::with_service(&service);
    assert_eq!(fresh.get(Account::Perplexity).unwrap().unwrap().key.expose(), "pplx-first-key-1111");

    fresh.set(Account::Perplexity, &bound("pplx-second-key-2222")).unwrap();
    let read = OsKeyring::with_service(&service).get(Account::Perplexity).unwrap().unwrap();
    assert_eq!(
        (read.key.last4().as_str(), read.origin.as_deref()),
        ("2222", Some(API)),
        "the address travels with the key"
    );
    assert_eq!(store.get(Account::OpenAi), Ok(None), "one entry per provider");

    // secret-tool, the desktop's own client, finds it under our service name.
    let found = std::process::Command::new("secret-tool")
        .args(["lookup", "service", &service, "username", "perplexity"])
        .output()
        .expect("secret-tool (libsecret-tools) is installed");
    let secret: serde_json::Value = serde_json::from_slice(&found.stdout).expect("the entry is JSON");
    assert_eq!(secret, serde_json::json!({ "v": 1, "origin": API, "key": "pplx-second-key-2222" }));

    // An entry written by an earlier Citewise (the bare key) still reads, without an origin.
    keyring::Entry::new(&service, "perplexity").unwrap().set_password("pplx-legacy-key-3333").unwrap();
    let legacy = OsKeyring::with_service(&service).get(Account::Perplexity).unwrap().unwrap();
    assert_eq!((legacy.key.last4().as_str(), legacy.origin), ("3333", None));
    fresh.set(Account::Perplexity, &bound("pplx-second-key-2222")).unwrap();

    // Through the key manager, as Settings uses it.
    let keys = Keys::with_env(Box::new(OsKeyring::with_service(&service)), |_| None);
    let status = keys.status(Account::Perplexity);
    assert_eq!(
        (status.source, status.last4.as_deref(), status.keyring_available),
        (KeySource::Keyring, Some("2222"), true)
    );
    keys.remove(Account::Perplexity).unwrap();
    assert_eq!(OsKeyring::with_service(&service).get(Account::Perplexity), Ok(None));
    store.delete(Account::Perplexity).unwrap();
}
