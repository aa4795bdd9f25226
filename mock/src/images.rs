//! `GET /__mock/image/<name>`: real small pictures for the answers' `images`, and the things an
//! image URL can turn out to be instead, so clients can be tested on refusing them.
//!
//! | name | what it is |
//! |---|---|
//! | `1.png`, `2.png`, `3.png` | 192×128 PNGs (a mountain by day, at dusk, at night), uncompressed |
//! | `dot.gif` | a 1×1 GIF |
//! | `not-image.png` | an HTML page with a script, served as `image/png` |
//! | `vector.svg` | an SVG with an `onload` script, served as `image/svg+xml` |
//! | `huge.png` | a PNG signature and 6 MB after it, chunked, without `Content-Length` |
//! | `big.png` | the same with an honest `Content-Length` |
//! | `slow.png` | picture 1 after a 5 s wait |
//!
//! No authentication, as on a real image host. Requests here are not recorded.

use crate::http::{Conn, Response};

/// Width and height of the numbered pictures.
pub const WIDTH: u32 = 192;
pub const HEIGHT: u32 = 128;
/// Size of `huge.png` / `big.png`: over the 5 MB clients should accept.
pub const HUGE_BYTES: usize = 6 * 1024 * 1024;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The classic 1×1 transparent GIF.
pub const DOT_GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

const NOT_IMAGE: &str = "<!doctype html><html><body><script>window.__pwned = 1</script>Not an image</body></html>";
const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" \
onload=\"window.__pwned = 1\"><script>window.__pwned = 1</script><rect width=\"10\" height=\"10\"/></svg>";

/// Serves one image request.
pub(crate) async fn serve(conn: Conn, name: &str) {
    match name {
        "1.png" | "2.png" | "3.png" => {
            let n = name.as_bytes()[0] - b'0';
            conn.respond(&image_response("image/png", picture(n))).await
        }
        "slow.png" => {
            let mut conn = conn;
            if conn.sleep(std::time::Duration::from_secs(5)).await.is_ok() {
                conn.respond(&image_response("image/png", picture(1))).await
            }
        }
        "dot.gif" => conn.respond(&image_response("image/gif", DOT_GIF.to_vec())).await,
        "not-image.png" => conn.respond(&Response::new(200, "image/png", NOT_IMAGE)).await,
        "vector.svg" => conn.respond(&Response::new(200, "image/svg+xml", SVG)).await,
        "big.png" => conn.respond(&image_response("image/png", huge_body())).await,
        "huge.png" => {
            let Ok(mut body) = conn.start_chunked("image/png").await else { return };
            let mut sent = 0;
            let piece = vec![0u8; 64 * 1024];
            if body.chunk(PNG_SIGNATURE).await.is_err() {
                return;
            }
            while sent < HUGE_BYTES {
                // A client that gave up (as it should, past its limit) ends this early.
                if body.chunk(&piece).await.is_err() {
                    return;
                }
                sent += piece.len();
            }
            let _ = body.finish().await;
        }
        _ => conn.respond(&Response::json(404, &serde_json::json!({"detail": "No such image"}))).await,
    }
}

fn image_response(content_type: &str, body: Vec<u8>) -> Response {
    Response::new(200, content_type, body).with_header("Cache-Control", "max-age=3600")
}

fn huge_body() -> Vec<u8> {
    let mut body = PNG_SIGNATURE.to_vec();
    body.resize(HUGE_BYTES + PNG_SIGNATURE.len(), 0);
    body
}

/// Picture `n` (1–3): sky, a mountain with a snow cap, the ground.
pub fn picture(n: u8) -> Vec<u8> {
    let (sky_top, sky_low, rock, snow): ([u8; 3], [u8; 3], [u8; 3], [u8; 3]) = match n {
        1 => ([66, 133, 214], [176, 214, 245], [92, 98, 112], [250, 250, 252]),
        2 => ([82, 62, 140], [246, 164, 98], [64, 52, 74], [255, 222, 196]),
        _ => ([10, 18, 46], [40, 62, 110], [28, 34, 52], [188, 200, 230]),
    };
    let (w, h) = (WIDTH as i32, HEIGHT as i32);
    let peak = (w * (40 + 8 * i32::from(n)) / 100, h / 5);
    let mix = |a: [u8; 3], b: [u8; 3], t: f32| {
        [0, 1, 2].map(|i| (f32::from(a[i]) + (f32::from(b[i]) - f32::from(a[i])) * t).round() as u8)
    };
    png(WIDTH, HEIGHT, |x, y| {
        let (x, y) = (x as i32, y as i32);
        // A peak with two unequal slopes and a second, lower summit.
        let left = peak.1 + (peak.0 - x) * 3 / 4;
        let right = peak.1 + (x - peak.0) * 5 / 6;
        let ridge = if x < peak.0 { left } else { right };
        let second = h * 2 / 5 + (x - w * 4 / 5).abs() * 2 / 3;
        let top = ridge.min(second);
        if y >= top {
            let snowline = if top == ridge { peak.1 + h / 6 } else { h * 2 / 5 + h / 12 };
            if y < snowline - (x * 7 % 5) {
                snow
            } else {
                mix(rock, [0, 0, 0], (y - top) as f32 / h as f32 * 0.6)
            }
        } else {
            mix(sky_top, sky_low, y as f32 / h as f32)
        }
    })
}

/// An RGB PNG with stored (uncompressed) deflate blocks: valid, and needs no compressor.
pub fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((width * 3 + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y));
        }
    }
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter method, no interlace
    let mut out = PNG_SIGNATURE.to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_known_values() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn pictures_are_pngs_of_the_stated_size() {
        for n in 1..=3 {
            let p = picture(n);
            assert!(p.starts_with(PNG_SIGNATURE));
            assert_eq!(&p[12..16], b"IHDR");
            assert_eq!(u32::from_be_bytes(p[16..20].try_into().unwrap()), WIDTH);
            assert_eq!(u32::from_be_bytes(p[20..24].try_into().unwrap()), HEIGHT);
            assert!(p.ends_with(b"IEND\xae\x42\x60\x82"));
            assert!(p.len() < 100 * 1024, "{} bytes", p.len());
        }
        assert_ne!(picture(1), picture(2));
    }

    #[test]
    fn stored_blocks_cover_the_data_exactly() {
        let data = vec![7u8; 70_000];
        let z = zlib_stored(&data);
        // header + two blocks of (1 + 4 bytes + data) + adler
        assert_eq!(z.len(), 2 + (5 + 65_535) + (5 + 4_465) + 4);
        assert_eq!(z[2], 0, "first block is not final");
        assert_eq!(z[2 + 5 + 65_535], 1, "last block is final");
    }
}
