//! With no session bus there is no keyring: every operation says so clearly, nothing hangs and
//! nothing is written anywhere else. A binary of its own, because it changes the environment.

use citewise::keys::Keys;
use citewise::secrets::{Account, ApiKey, BoundKey, KeySource, OsKeyring, SecretError, SecretStore};

#[test]
fn no_session_bus_means_a_clear_unavailable_error() {
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/citewise-test-bus");
    let store = OsKeyring::with_service("Citewise-test-unavailable");
    for result in [
        store.get(Account::Perplexity).map(|_| ()),
        store.set(
            Account::Perplexity,
            &BoundKey::new(ApiKey::new("pplx-never-stored-0000").unwrap(), "https://api.perplexity.ai"),
        ),
        store.delete(Account::Perplexity),
    ] {
        match result {
            Err(SecretError::Unavailable(message)) => {
                assert!(message.contains("gnome-keyring"), "says what to install: {message}")
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }
    let keys = Keys::with_env(Box::new(store), |_| None);
    let err = keys.save(Account::Perplexity, "pplx-never-stored-0000", false, "https://api.perplexity.ai").unwrap_err();
    assert_eq!(err.kind(), "keyring_unavailable");
    let status = keys.save(Account::Perplexity, "pplx-session-only-5555", true, "https://api.perplexity.ai").unwrap();
    assert_eq!((status.source, status.keyring_available), (KeySource::Session, false));
}
