//! Answer images fetched by the backend (`citewise::images`) from the local server, with the
//! test-only loopback switch on (the server is on 127.0.0.1, which people's builds refuse): real
//! pictures become `data:` URLs; HTML calling itself a PNG, SVG, 6 MB with or without a
//! `Content-Length`, errors, slow and unreachable hosts are refused; the cache answers again
//! without the network; the images a Sonar answer names are exactly the ones that load; and
//! without the switch, none of them does.

mod util;

use std::time::{Duration, Instant};

use base64::Engine;
use citewise::api::{Provider, StreamEvent};
use citewise::images::{Cache, Images, Policy};
use citewise_mock::{fixture, images as pictures};
use tokio_util::sync::CancellationToken;
use util::{ask_provider, mock, question, KEY};

/// The fetcher with the e2e tests' switch: loopback allowed, nothing else private.
fn local() -> Images {
    Images::new(Policy::with_loopback_for_tests()).expect("client")
}

fn decode(data_url: &str, mime: &str) -> Vec<u8> {
    let encoded = data_url.strip_prefix(&format!("data:{mime};base64,")).expect("a base64 data: URL");
    base64::engine::general_purpose::STANDARD.decode(encoded).expect("valid base64")
}

#[tokio::test]
async fn a_png_becomes_a_data_url_with_its_size() {
    let server = mock("cited").await;
    let images = local();
    let data = images.get(&format!("{}/__mock/image/1.png", server.base_url())).await.unwrap();
    assert_eq!(data.mime, "image/png");
    assert_eq!((data.width, data.height), (Some(pictures::WIDTH), Some(pictures::HEIGHT)));
    assert_eq!(decode(&data.data_url, "image/png"), pictures::picture(1));

    let gif = images.get(&format!("{}/__mock/image/dot.gif", server.base_url())).await.unwrap();
    assert_eq!((gif.mime, gif.width, gif.height), ("image/gif", Some(1), Some(1)));
    assert_eq!(decode(&gif.data_url, "image/gif"), pictures::DOT_GIF);
}

#[tokio::test]
async fn what_is_not_a_raster_image_is_refused_whatever_its_content_type() {
    let server = mock("cited").await;
    let images = local();
    for (name, kind) in [
        ("not-image.png", "not_image"), // HTML served as image/png
        ("vector.svg", "not_image"),    // SVG with a script
        ("nope.png", "image_status"),   // 404
    ] {
        let err = images.get(&format!("{}/__mock/image/{name}", server.base_url())).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{name}: {err}");
    }
    assert_eq!(images.cached(), 0, "refusals are not cached");
}

#[tokio::test]
async fn more_than_five_megabytes_is_refused_with_or_without_a_content_length() {
    let server = mock("cited").await;
    let images = local();
    for name in ["big.png", "huge.png"] {
        let start = Instant::now();
        let err = images.get(&format!("{}/__mock/image/{name}", server.base_url())).await.unwrap_err();
        assert_eq!(err.kind(), "too_large", "{name}: {err}");
        assert!(start.elapsed() < Duration::from_secs(10), "{name} took {:?}", start.elapsed());
    }
}

#[tokio::test]
async fn a_slow_or_unreachable_server_is_an_error_not_a_hang() {
    let server = mock("cited").await;
    let images = local().with_timeout(Duration::from_millis(500));
    let start = Instant::now();
    let err = images.get(&format!("{}/__mock/image/slow.png", server.base_url())).await.unwrap_err();
    assert_eq!(err.kind(), "image_unavailable", "{err}");
    assert!(start.elapsed() < Duration::from_secs(3));

    let closed = format!("http://127.0.0.1:{}/a.png", server.port());
    drop(server);
    let err = images.get(&closed).await.unwrap_err();
    assert_eq!(err.kind(), "image_unavailable", "{err}");
    assert!(!err.to_string().contains("127.0.0.1"), "the page learns nothing about the address: {err}");
}

#[tokio::test]
async fn only_web_urls_are_fetched() {
    let images = local();
    for url in ["javascript:alert(1)", "data:image/png;base64,iVBORw0KGgo=", "file:///etc/hosts", "ftp://x.org/a.png"] {
        assert_eq!(images.get(url).await.unwrap_err().kind(), "image_unavailable", "{url}");
    }
}

#[tokio::test]
async fn a_cached_image_is_shown_again_without_the_network() {
    let server = mock("cited").await;
    let images = local().with_cache(Cache::with_limits(2, 1 << 20));
    let url = |n: u8| format!("{}/__mock/image/{n}.png", server.base_url());
    let (one, two, three) = (url(1), url(2), url(3));
    let first = images.get(&two).await.unwrap();
    images.get(&one).await.unwrap();
    drop(server);
    assert_eq!(images.get(&two).await.unwrap(), first, "served from the cache");
    assert_eq!(images.get(&three).await.unwrap_err().kind(), "image_unavailable", "not cached: fetched, and failed");
    assert_eq!(images.cached(), 2);
}

#[tokio::test]
async fn the_images_of_a_sonar_answer_load_except_the_refusable_ones() {
    let server = mock("cited").await;
    let mut request = question("sonar", "How high is Everest?");
    request.options.images = true;
    request.options.related_questions = true;
    let (t, end) = ask_provider(&server, Provider::Sonar, KEY, &request, &CancellationToken::new()).await;
    end.unwrap();
    let fx = fixture("cited").unwrap();
    assert_eq!(t.related(), fx.related);
    let shown = t
        .events
        .iter()
        .rev()
        .find_map(|e| match e {
            StreamEvent::Images { images } => Some(images.clone()),
            _ => None,
        })
        .expect("an images event");
    assert_eq!(shown.len(), fx.images.len());
    let images = local();
    let mut loaded = Vec::new();
    for image in &shown {
        assert!(image.url.starts_with(&server.base_url()), "{}", image.url);
        match images.get(&image.url).await {
            Ok(data) => loaded.push((image.url.rsplit('/').next().unwrap().to_owned(), data.width)),
            Err(e) => assert!(["not_image", "too_large"].contains(&e.kind().as_str()), "{}: {e}", image.url),
        }
    }
    let names: Vec<&str> = loaded.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["1.png", "2.png", "3.png"]);
    assert_eq!(shown[0].origin_url.as_deref(), Some("https://en.wikipedia.org/wiki/Mount_Everest"));

    // What people's builds do with the same answer: the local server is refused, every image
    // with the same error.
    let public = Images::new(Policy::public_only()).unwrap();
    for image in &shown {
        assert_eq!(public.get(&image.url).await.unwrap_err().kind(), "image_unavailable", "{}", image.url);
    }
}
