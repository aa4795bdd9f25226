//! Long answers generated deterministically: the ~20,000-token `huge` answer and the
//! 5,000-word `timestamps` answer. No randomness, so `fixture()` always returns the same text.

use crate::fixtures::{source, Source};

const TOPICS: [&str; 8] = [
    "Triangulation from the plains",
    "Refraction and the curving line of sight",
    "The geoid and what “sea level” means",
    "Snow cap versus rock height",
    "GNSS on the summit",
    "Gravity surveys in the valleys",
    "Plate motion and uplift",
    "How the numbers are reconciled",
];

const SENTENCES: [&str; 10] = [
    "Surveyors first measured the peak from stations more than 150 km away",
    "Each observation had to be corrected for the bending of light through cold, thin air",
    "The reference surface is not a sphere but an uneven geoid shaped by gravity",
    "A metre of seasonal snow can change the reported figure from one year to the next",
    "Modern receivers log satellite signals on the summit for about an hour",
    "Gravimeters carried up the valleys refine the local height of the geoid",
    "The Indian plate still pushes north by roughly 4–5 cm a year",
    "Independent teams compare their results before a figure is announced",
    "Altitude sickness limits how long anyone can work at 8,000 m and above",
    "Weather windows in May decide when instruments can reach the top",
];

const BULLETS: [&str; 6] = [
    "baseline length measured with invar tapes",
    "angles read to a fraction of an arc-second",
    "temperature logged at every station (°C)",
    "ground-penetrating radar for the ice thickness",
    "levelling lines tied to tide gauges",
    "results published with their uncertainty (± a few cm)",
];

/// A long markdown answer: headings, paragraphs citing [1]..[5], lists, code blocks, tables.
pub(crate) fn huge_text() -> String {
    let mut out = String::with_capacity(84_000);
    out.push_str("# A long answer about measuring mountains\n\n");
    let mut section = 0usize;
    while out.chars().count() < 80_000 {
        let topic = TOPICS[section % TOPICS.len()];
        out.push_str(&format!("## {}. {topic}\n\n", section + 1));
        for para in 0..3 {
            for k in 0..5 {
                let s = SENTENCES[(section * 3 + para * 5 + k) % SENTENCES.len()];
                out.push_str(&format!("{s} [{}]. ", k + 1));
            }
            out.pop();
            out.push_str("\n\n");
        }
        for k in 0..3 {
            out.push_str(&format!("- {} [{}]\n", BULLETS[(section + k) % BULLETS.len()], (section + k) % 5 + 1));
        }
        out.push('\n');
        match section % 3 {
            0 => out.push_str(&format!(
                "```python\ndef corrected_height(observed_m, refraction_m={:.2}):\n    \"\"\"Section {} – é, °, ±\"\"\"\n    return observed_m - refraction_m\n```\n\n",
                0.1 * (section % 7) as f64,
                section + 1
            )),
            1 => out.push_str(&format!(
                "| survey | year | height (m) |\n|---|---|---|\n| GTS | 1856 | 8,840 |\n| Survey of India | 1955 | 8,848 |\n| China–Nepal | 2020 | 8,848.86 |\n| note {} | – | [{}] |\n\n",
                section + 1,
                section % 5 + 1
            )),
            _ => out.push_str("> Numbers are only as good as their reference surface [5].\n\n"),
        }
        section += 1;
    }
    out.push_str("That is the whole story, in more detail than anyone asked for 🏔️ [1][2][3][4][5].");
    out
}

pub(crate) fn huge_sources() -> Vec<Source> {
    vec![
        source(1, "https://en.wikipedia.org/wiki/Great_Trigonometrical_Survey", "Great Trigonometrical Survey - Wikipedia", "The Great Trigonometrical Survey was a project which aimed to carry out a survey across the Indian subcontinent with scientific precision.", Some("2024-10-02")),
        source(2, "https://www.britannica.com/science/geodesy", "Geodesy | Definition, History, & Facts | Britannica", "Geodesy, scientific discipline concerned with the precise figure of the Earth and its determination and significance.", Some("2025-01-30")),
        source(3, "https://www.ngs.noaa.gov/GEOID/geoid_def.html", "What is the geoid? - National Geodetic Survey", "The geoid is the equipotential surface of the Earth's gravity field which best fits global mean sea level.", None),
        source(4, "https://www.nationalgeographic.com/science/article/how-do-you-measure-a-mountain", "How do you measure a mountain? | National Geographic", "From theodolites to satellites: the tools behind the world's most famous number.", Some("2021-05-17")),
        source(5, "https://www.iag-aig.org/geoid-and-heights", "Geoid and heights - International Association of Geodesy", "Physical heights refer to the geoid; ellipsoidal heights from GNSS must be converted.", Some("2023-08-09")),
    ]
}

const WORDS: [&str; 24] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima",
    "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray",
];

/// 5,000 one-word deltas: the first bare, the rest with a leading space.
pub(crate) fn timestamp_words() -> Vec<String> {
    (0..5000)
        .map(|i| {
            let w = WORDS[(i * 7 + i / WORDS.len()) % WORDS.len()];
            if i == 0 {
                w.to_string()
            } else {
                format!(" {w}")
            }
        })
        .collect()
}
