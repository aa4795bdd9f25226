//! The picture formats Citewise shows (PNG, JPEG, GIF, WebP), recognised by their first bytes
//! whatever the `Content-Type` says, and their width and height from the header.

/// The raster formats shown, each recognised by its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl Format {
    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
        }
    }
}

/// The format of `bytes` by their first bytes; `None` for anything else (SVG, HTML, text…).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Format::Webp)
    } else {
        None
    }
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?)))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?)))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

/// Width and height from the image's header, when it says (a hint for layout, not trusted).
pub fn dimensions(format: Format, b: &[u8]) -> Option<(u32, u32)> {
    match format {
        Format::Png => {
            if b.get(12..16)? != b"IHDR" {
                return None;
            }
            let w = u32::from_be_bytes(b.get(16..20)?.try_into().ok()?);
            let h = u32::from_be_bytes(b.get(20..24)?.try_into().ok()?);
            Some((w, h))
        }
        Format::Gif => Some((le16(b, 6)?, le16(b, 8)?)),
        Format::Webp => match b.get(12..16)? {
            b"VP8 " => Some((le16(b, 26)? & 0x3FFF, le16(b, 28)? & 0x3FFF)),
            b"VP8L" if *b.get(20)? == 0x2F => {
                let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
                Some((1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)))
            }
            b"VP8X" => Some((1 + le24(b, 24)?, 1 + le24(b, 27)?)),
            _ => None,
        },
        Format::Jpeg => jpeg_dimensions(b),
    }
}

/// Walks the JPEG segments to the first start-of-frame marker.
fn jpeg_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        while *b.get(at)? != 0xFF {
            at += 1;
        }
        while *b.get(at)? == 0xFF {
            at += 1; // fill bytes
        }
        let marker = *b.get(at)?;
        at += 1;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD9 => continue,
            // Start of frame (baseline, progressive, …), not DHT/JPG/DAC.
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Some((be16(b, at + 5)?, be16(b, at + 3)?));
            }
            _ => at += usize::try_from(be16(b, at)?).ok()?,
        }
    }
}

/// The first bytes of a PNG of the given size (signature and IHDR).
#[cfg(test)]
pub(crate) fn png_head(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0]);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raster_formats_are_recognised_by_their_first_bytes() {
        assert_eq!(sniff(&png_head(3, 2)), Some(Format::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(Format::Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\x00\x01\x00"), Some(Format::Gif));
        assert_eq!(sniff(b"GIF87a\x01\x00\x01\x00"), Some(Format::Gif));
        assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 "), Some(Format::Webp));
    }

    #[test]
    fn dimensions_come_from_each_formats_header() {
        assert_eq!(dimensions(Format::Png, &png_head(640, 480)), Some((640, 480)));
        assert_eq!(dimensions(Format::Gif, b"GIF89a\x40\x01\xf0\x00"), Some((320, 240)));
        let mut vp8 = b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00\x00\x00\x00\x9d\x01\x2a".to_vec();
        vp8.extend_from_slice(&[0x20, 0x03, 0x58, 0x02]); // 800 × 600
        assert_eq!(dimensions(Format::Webp, &vp8), Some((800, 600)));
        let mut vp8l = b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f".to_vec();
        let bits: u32 = 99 | (49 << 14); // 100 × 50
        vp8l.extend_from_slice(&bits.to_le_bytes());
        assert_eq!(dimensions(Format::Webp, &vp8l), Some((100, 50)));
        let mut vp8x = b"RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x10\x00\x00\x00".to_vec();
        vp8x.extend_from_slice(&[0xFF, 0x03, 0x00, 0xFF, 0x01, 0x00]); // 1024 × 512
        assert_eq!(dimensions(Format::Webp, &vp8x), Some((1024, 512)));
        // JPEG: SOI, an APP0 segment, then a baseline SOF0 with height 120 and width 160.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, b'J', b'F', b'I', b'F'];
        jpeg.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x78, 0x00, 0xA0, 0x03]);
        assert_eq!(dimensions(Format::Jpeg, &jpeg), Some((160, 120)));
        // Headers cut short say nothing, and never panic.
        for n in 0..jpeg.len() {
            let _ = dimensions(Format::Jpeg, &jpeg[..n]);
        }
        assert_eq!(dimensions(Format::Png, &png_head(1, 1)[..20]), None);
        assert_eq!(dimensions(Format::Webp, &vp8x[..26]), None);
    }
}
