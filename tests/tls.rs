//! Certificates (#18 item 3): the system's certificate store is trusted besides the bundled roots,
//! and a failed handshake says which certificate problem it was and what fixes it.
//!
//! A test binary of its own: `SSL_CERT_FILE` stands in for the system store (rustls-native-certs
//! reads it instead of the platform's) and is process-wide, so it is set once, before any client.
//! The certificates are in tests/fixtures/tls (generate.sh made them): `ca.pem` is the trusted
//! test CA; `untrusted` is signed by another CA, `wrong-name` is for api.example.invalid, and
//! `expired` ended in 2021.

use std::path::PathBuf;
use std::sync::{Arc, Once};

use citewise::api::{Client, Endpoint, Provider};
use citewise::secrets::ApiKey;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

const MODELS: &str = r#"{"object":"list","data":[{"id":"perplexity/sonar","owned_by":"perplexity"}]}"#;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn trust_the_test_ca() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let ca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/ca.pem");
        std::env::set_var("SSL_CERT_FILE", ca);
        std::env::remove_var("SSL_CERT_DIR");
    });
}

/// An HTTPS server presenting `cert` that answers every request with the model list.
async fn https_server(cert: &str) -> String {
    let chain = vec![CertificateDer::from(fixture(&format!("{cert}.der")))];
    let key = PrivateKeyDer::try_from(fixture(&format!("{cert}.key.der"))).unwrap();
    let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else { return };
                let mut buf = vec![0u8; 8192];
                let _ = tls.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{MODELS}",
                    MODELS.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    format!("https://127.0.0.1:{port}")
}

async fn models(cert: &str) -> citewise::api::Result<Vec<citewise::api::models::CatalogueModel>> {
    trust_the_test_ca();
    let endpoint = Endpoint::new(Provider::Agent, &https_server(cert).await);
    Client::new().unwrap().list_models(&endpoint, &ApiKey::new("pplx-integration-test-1234").unwrap()).await
}

#[tokio::test]
async fn a_certificate_from_the_system_store_is_trusted() {
    let listed = models("trusted").await.expect("the test CA in the system store is trusted");
    assert_eq!(listed[0].id, "perplexity/sonar");
}

#[tokio::test]
async fn an_unknown_issuer_is_named_with_the_fix() {
    let err = models("untrusted").await.unwrap_err();
    assert_eq!(err.kind(), "tls", "{err}");
    assert_eq!(
        err.to_string(),
        "Could not connect securely to 127.0.0.1: its certificate is not trusted by this computer (UnknownIssuer). \
         If your network inspects secure connections, install its root certificate in the system's certificate \
         store, then restart Citewise."
    );
}

#[tokio::test]
async fn a_certificate_for_another_name_is_named() {
    let err = models("wrong-name").await.unwrap_err();
    assert_eq!(err.kind(), "tls", "{err}");
    assert!(err.to_string().contains("its certificate is for another name (NotValidForName"), "{err}");
    assert!(err.to_string().contains("api.example.invalid"), "what it is for is shown: {err}");
}

#[tokio::test]
async fn an_expired_certificate_is_named() {
    let err = models("expired").await.unwrap_err();
    assert_eq!(err.kind(), "tls", "{err}");
    assert!(err.to_string().contains("its certificate has expired (Expired)"), "{err}");
}
