//! File names from conversation titles, which are model or person text and may be hostile:
//! [`file_stem`] makes one ordinary name for Linux, macOS and Windows alike.

use unicode_segmentation::UnicodeSegmentation;

/// The longest file stem [`file_stem`] returns, in bytes: with ` (999)` for a name taken and
/// `.json.part` while it is written, the whole name stays far below the 255 bytes that ext4,
/// APFS and NTFS (255 UTF-16 units, never more than 255 bytes of UTF-8) allow.
pub const MAX_STEM_BYTES: usize = 120;
/// The stem when a title leaves nothing usable.
pub const FALLBACK_STEM: &str = "Citewise conversation";

/// A file name (without extension) from a title, which is model or person text and may be
/// hostile. The result is one ordinary name in the export folder on Linux, macOS and Windows:
/// control characters become spaces and format characters are removed (bidi overrides, which
/// would show `\u{202E}fdp.exe.md` as `dm.exe.pdf`; zero-width ones; soft hyphens);
/// `<>:"/\|?*` become spaces; runs of white space become one space; no leading or trailing dots
/// or spaces (so never `.`, `..` or a hidden file); at most [`MAX_STEM_BYTES`], cut between
/// characters as a reader sees them; a Windows device name (`CON`, `aux.txt`, `LPT1`…) gets `_`
/// after it; never empty.
pub fn file_stem(title: &str) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !is_format_char(*c))
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let trim = |s: &str| s.trim_matches(|c: char| c == '.' || c == ' ').to_owned();
    let mut stem = trim(&clean);
    if stem.len() > MAX_STEM_BYTES {
        stem = trim(&stem[..cut_at(&stem, MAX_STEM_BYTES)]);
    }
    if stem.is_empty() {
        return FALLBACK_STEM.into();
    }
    if let Some(end) = windows_device_name(&stem) {
        stem.insert(end, '_');
    }
    stem
}

/// Where to cut `text` to keep at most `max` bytes: after the last whole user-perceived character
/// (grapheme cluster) that fits, so an accent is never cut from its letter nor a flag or a skin
/// tone from its emoji; inside a single cluster longer than `max` (a letter under hundreds of
/// marks), after the last whole `char`.
fn cut_at(text: &str, max: usize) -> usize {
    let graphemes = text.grapheme_indices(true).map(|(i, g)| i + g.len()).take_while(|&end| end <= max).last();
    graphemes.unwrap_or_else(|| (0..=max).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0))
}

/// Unicode's format characters (general category Cf, Unicode 15.1): invisible, and some of them
/// (U+202A–U+202E, U+2066–U+2069) reorder how the rest of a name is shown.
fn is_format_char(c: char) -> bool {
    const CF: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),
        (0x0600, 0x0605),
        (0x061C, 0x061C),
        (0x06DD, 0x06DD),
        (0x070F, 0x070F),
        (0x0890, 0x0891),
        (0x08E2, 0x08E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x2064),
        (0x2066, 0x206F),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x1343F),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
    ];
    let c = u32::from(c);
    CF.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// Where the name ends if `stem` is one of Windows' device names, which it refuses as file names
/// whatever the case and whatever follows the first dot (`con.md`, `Aux.txt.json`).
fn windows_device_name(stem: &str) -> Option<usize> {
    const DEVICES: &[&str] = &[
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6",
        "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7",
        "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
    ];
    let name = stem.split('.').next().unwrap_or(stem).trim_end();
    DEVICES.iter().any(|d| d.eq_ignore_ascii_case(name)).then_some(name.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_stem("a/b\\c: d?*"), "a b c d");
        assert_eq!(file_stem("<tag> \"quoted\" a|b"), "tag quoted a b");
        assert_eq!(file_stem("line\nbreak\ttab\u{0}nul\u{7f}del"), "line break tab nul del");
        assert_eq!(file_stem(&"x".repeat(300)).len(), MAX_STEM_BYTES);
    }

    #[test]
    fn a_long_title_is_cut_in_bytes_between_characters() {
        // 280 bytes: CJK (3 bytes each) and emoji (4 bytes each), so 120 falls inside a character.
        let title = "日本語のタイトル🎉".repeat(10);
        assert_eq!(title.len(), 280);
        let stem = file_stem(&title);
        assert!(stem.len() <= MAX_STEM_BYTES && stem.len() > MAX_STEM_BYTES - 4, "{} bytes", stem.len());
        assert!(title.starts_with(&stem), "a prefix of whole characters: {stem}");
        // With the longest suffix and extension it still fits any file system's 255 bytes.
        assert!(format!("{stem} (999).json.part").len() < 255);
        // A cut that leaves a space or a dot at the end drops it too.
        let stem = file_stem(&format!("{}. and more", "a".repeat(MAX_STEM_BYTES - 1)));
        assert_eq!(stem, "a".repeat(MAX_STEM_BYTES - 1));
    }

    #[test]
    fn a_long_title_is_never_cut_inside_a_character_as_read() {
        // "é" as e + U+0301 (3 bytes): 40 of them are 120 bytes, so the 41st is cut whole, never
        // leaving a bare "e" whose accent fell past the limit.
        let accented = "e\u{301}".repeat(50);
        assert_eq!(file_stem(&accented), "e\u{301}".repeat(40));
        let shifted = format!("x{accented}");
        assert_eq!(file_stem(&shifted), format!("x{}", "e\u{301}".repeat(39)), "not x + 39 é + a bare e");
        // A waving hand with a skin tone is 8 bytes: 15 fit, the 16th is not cut after its hand.
        let hands = format!("ab{}", "\u{1F44B}\u{1F3FD}".repeat(20));
        assert_eq!(file_stem(&hands), format!("ab{}", "\u{1F44B}\u{1F3FD}".repeat(14)));
        // A flag is two regional indicators; half a flag would show as a letter in a box.
        let flags = format!("{}{}", "z".repeat(MAX_STEM_BYTES - 6), "\u{1F1EB}\u{1F1F7}".repeat(3));
        assert_eq!(file_stem(&flags), "z".repeat(MAX_STEM_BYTES - 6));
        // One "letter" under 200 marks is longer than any name may be: cut between its chars.
        let zalgo = format!("a{}", "\u{301}".repeat(200));
        let stem = file_stem(&zalgo);
        assert!(stem.len() <= MAX_STEM_BYTES && stem.len() > MAX_STEM_BYTES - 2 && zalgo.starts_with(&stem));
    }

    #[test]
    fn bidi_and_other_invisible_format_characters_are_removed() {
        // U+202E (right-to-left override) shows what follows it reversed: exported as Markdown,
        // "invoice\u{202E}fdp.exe" would be listed as "invoicedm.exe.pdf".
        assert_eq!(file_stem("\u{202E}dm.exe"), "dm.exe");
        assert_eq!(file_stem("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        for c in
            ['\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}']
                .into_iter()
                .chain([
                    '\u{2066}',
                    '\u{2067}',
                    '\u{2068}',
                    '\u{2069}',
                    '\u{FEFF}',
                    '\u{00AD}',
                    '\u{061C}',
                    '\u{E0041}',
                ])
        {
            assert_eq!(file_stem(&format!("in{c}visible")), "invisible", "U+{:04X}", u32::from(c));
        }
        assert_eq!(file_stem("\u{202E}\u{2066}\u{200B}"), FALLBACK_STEM, "nothing visible left");
    }

    #[test]
    fn windows_device_names_get_a_suffix() {
        for (title, stem) in [
            ("CON", "CON_"),
            ("con", "con_"),
            ("aux.txt", "aux_.txt"),
            ("Nul.tar.gz", "Nul_.tar.gz"),
            ("PRN", "PRN_"),
            ("com1", "com1_"),
            ("LPT9.md", "LPT9_.md"),
            ("COM¹", "COM¹_"),
            ("con .txt", "con_ .txt"),
            ("CONIN$", "CONIN$_"),
            ("conout$.log", "conout$_.log"),
        ] {
            assert_eq!(file_stem(title), stem, "{title}");
        }
        // Names that only start like one are left alone.
        for title in ["CONSOLE", "Auxiliary notes", "COM10", "nul-pointers", "my con.txt"] {
            assert_eq!(file_stem(title), title);
        }
    }

    #[test]
    fn names_with_nothing_usable_fall_back() {
        for title in ["", "...", ".", "..", "     ", " . . ", "\u{3000}\u{00A0}", "/\\:*?\"<>|", "\u{1}\u{2}"] {
            assert_eq!(file_stem(title), FALLBACK_STEM, "{title:?}");
        }
        assert_eq!(file_stem("..hidden"), "hidden", "never a hidden file");
        assert_eq!(file_stem("trailing. . ."), "trailing", "Windows drops trailing dots and spaces");
    }
}
