//! The vocabulary of the generated history: common English words, ~30 topics a person might ask
//! about, accented words (search folds accents), and a long tail of made-up names that each
//! occur only a few times in 200,000 messages (the rare words of real text).
//!
//! Lists are in rough order of frequency: [`crate::rng::Rng::zipf`] picks early words more often.

pub const FUNCTION: &str = "the of and to in is that for it as with was on are by this be at from or an which have \
    not can but more also their has its than these been most other some into when about would may only such between \
    over both each while because through after where however many often those what during without against within";

pub const NOUNS: &str = "people time system way years energy water number part world process level data example \
    study research difference effect results area cost quality history change approach role value rate impact risk \
    method evidence model practice source amount factors growth analysis context period temperature pressure design \
    performance structure community market policy balance surface material function environment population theory \
    standard pattern response condition benefit problem solution experience strategy network signal measurement \
    resource species region population budget safety range capacity feature version option comparison estimate trend";

pub const VERBS: &str = "uses depends affects reduces increases improves requires supports shows suggests provides \
    explains includes remains becomes allows varies produces limits prevents describes measures changes creates \
    replaces protects predicts combines determines influences contains reflects extends connects";

pub const ADJECTIVES: &str = "important common different significant higher lower large small recent typical main \
    specific general similar effective useful practical modern traditional complex simple reliable expensive cheap \
    accurate popular natural local global major early strong weak rapid gradual standard official careful efficient";

pub const ACCENTED: &[&str] = &[
    "café",
    "résumé",
    "naïve",
    "Zürich",
    "Montréal",
    "São Paulo",
    "Málaga",
    "Ångström",
    "crème brûlée",
    "Dvořák",
    "Kraków",
    "Bogotá",
    "Reykjavík",
    "Besançon",
    "jalapeño",
    "piñata",
    "façade",
    "déjà vu",
    "Gödel",
    "Schrödinger",
    "Poincaré",
    "Erdős",
    "Brontë",
    "Québec",
    "Curaçao",
    "Tromsø",
    "Düsseldorf",
    "Sevilla olé",
    "entrée",
    "fiancée",
];

/// A topic: what its questions and answers are mostly about.
pub struct Topic {
    pub name: &'static str,
    pub nouns: &'static str,
}

pub const TOPICS: &[Topic] = &[
    Topic {
        name: "astronomy",
        nouns: "star galaxy planet telescope orbit nebula supernova comet eclipse moon \
        asteroid gravity redshift exoplanet spectrum parallax quasar magnitude constellation observatory",
    },
    Topic {
        name: "cooking",
        nouns: "recipe dough oven sauce flour butter yeast pasta garlic onion broth \
        caramelization knife skillet marinade bread sourdough seasoning fermentation braise",
    },
    Topic {
        name: "tax",
        nouns: "tax deduction income return refund allowance pension invoice bracket audit \
        dividend capital gains receipt filing deadline exemption withholding accountant payroll",
    },
    Topic {
        name: "rust",
        nouns: "lifetime borrow compiler trait struct enum closure iterator crate macro \
        ownership reference generic async runtime allocation mutex channel clippy cargo",
    },
    Topic {
        name: "python",
        nouns: "interpreter list dictionary decorator generator module package virtualenv \
        exception coroutine typing pandas numpy indentation comprehension import pip notebook script",
    },
    Topic {
        name: "japan travel",
        nouns: "train ryokan temple shrine Kyoto Tokyo Osaka ramen sushi railpass \
        onsen Hokkaido Nara garden subway yen visa itinerary season sakura",
    },
    Topic {
        name: "gardening",
        nouns: "soil compost seed tomato mulch pruning fertilizer sunlight watering \
        perennial greenhouse seedling root weed pest raised bed lavender hedge harvest",
    },
    Topic {
        name: "climate",
        nouns: "carbon emissions warming glacier ocean methane drought rainfall heatwave \
        forest renewable solar wind coal atmosphere sea ice adaptation mitigation",
    },
    Topic {
        name: "health",
        nouns: "symptom vaccine blood sleep vitamin inflammation antibiotic heart dose \
        diagnosis cholesterol immune infection allergy migraine therapy muscle kidney liver",
    },
    Topic {
        name: "rome",
        nouns: "emperor senate legion republic Caesar Augustus aqueduct forum gladiator \
        province consul Carthage Pompeii colosseum Latin empire citizen tribune Hadrian",
    },
    Topic {
        name: "music",
        nouns: "chord scale melody harmony rhythm tempo guitar piano interval key \
        symphony sonata jazz improvisation counterpoint tuning orchestra choir fugue",
    },
    Topic {
        name: "photography",
        nouns: "lens aperture shutter exposure sensor camera tripod flash focus \
        portrait landscape histogram bokeh raw lighting zoom filter composition",
    },
    Topic {
        name: "running",
        nouns: "marathon pace interval shoe tempo recovery injury stride cadence \
        hydration training plan hill endurance sprint stretching mileage race",
    },
    Topic {
        name: "machine learning",
        nouns: "neural transformer gradient embedding dataset training loss \
        accuracy overfitting regression classifier token attention benchmark inference tensor",
    },
    Topic {
        name: "home repair",
        nouns: "drywall plumbing faucet leak insulation roof paint wiring outlet \
        tile grout window door hinge boiler radiator mold caulk ladder",
    },
    Topic {
        name: "coffee",
        nouns: "espresso grinder bean roast crema brew extraction filter arabica robusta \
        latte milk acidity grind barista kettle aeropress",
    },
    Topic {
        name: "wine",
        nouns: "vineyard grape tannin vintage cellar cork barrel merlot riesling \
        sommelier acidity harvest Bordeaux Burgundy terroir decanter",
    },
    Topic {
        name: "chess",
        nouns: "opening endgame gambit pawn bishop knight rook queen castling checkmate \
        tactic engine rating tournament sicilian fork pin",
    },
    Topic {
        name: "volcanoes",
        nouns: "volcano magma lava eruption crater ash caldera geyser basalt tectonic \
        plate earthquake fault mantle Iceland Vesuvius Krakatoa",
    },
    Topic {
        name: "mountains",
        nouns: "Everest summit altitude oxygen sherpa glacier Himalaya Nepal K2 \
        expedition basecamp crevasse avalanche Annapurna ridge climber",
    },
    Topic {
        name: "law",
        nouns: "contract clause liability lease tenant landlord court lawsuit warranty \
        copyright trademark patent agreement notice jurisdiction damages",
    },
    Topic {
        name: "electric cars",
        nouns: "battery charger range motor inverter kilowatt Tesla charging \
        station regenerative braking lithium cell grid tariff",
    },
    Topic {
        name: "nutrition",
        nouns: "protein carbohydrate fiber calorie sugar fat diet sodium breakfast \
        vegetable fruit legume supplement iron calcium omega",
    },
    Topic {
        name: "psychology",
        nouns: "memory habit motivation anxiety attention bias emotion behavior \
        stress cognition learning personality mindfulness procrastination",
    },
    Topic {
        name: "architecture",
        nouns: "cathedral arch column concrete steel facade gothic baroque \
        bauhaus skyscraper foundation beam vault dome brick",
    },
    Topic {
        name: "birds",
        nouns: "sparrow migration feather nest owl hawk heron robin warbler song \
        wingspan plumage beak flock eagle finch",
    },
    Topic {
        name: "linux",
        nouns: "kernel shell terminal systemd package permission filesystem process \
        daemon cron grep ssh partition driver distribution bash",
    },
    Topic {
        name: "databases",
        nouns: "index query transaction table join schema sqlite postgres \
        replication backup migration cursor vacuum journal lock",
    },
    Topic {
        name: "economics",
        nouns: "inflation interest unemployment recession supply demand currency \
        mortgage bond stock wage productivity deficit central bank",
    },
    Topic {
        name: "oceans",
        nouns: "coral reef tide current whale plankton salinity trench shark kelp \
        dolphin upwelling fishery estuary wave",
    },
];

/// Syllables of the made-up names (places, people, products) that form the rare tail.
const ONSETS: &[&str] =
    &["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "st", "th", "tr"];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ae", "ou", "ia"];
const CODAS: &[&str] = &["", "n", "r", "l", "s", "th", "nd", "x"];

/// How many made-up names there are.
pub const TAIL: u64 = 40_000;

/// Made-up name number `i` (< [`TAIL`]), e.g. "Kravenor": the same name for the same number.
pub fn tail_name(i: u64) -> String {
    let mut n = i;
    let mut out = String::new();
    for part in 0..3 {
        let o = ONSETS[(n % ONSETS.len() as u64) as usize];
        n /= ONSETS.len() as u64;
        let v = VOWELS[(n % VOWELS.len() as u64) as usize];
        n /= VOWELS.len() as u64;
        out.push_str(o);
        out.push_str(v);
        if part == 2 || n == 0 {
            out.push_str(CODAS[(i % CODAS.len() as u64) as usize]);
            break;
        }
    }
    let mut chars = out.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The lists split into words once.
pub struct Vocabulary {
    pub function: Vec<&'static str>,
    pub nouns: Vec<&'static str>,
    pub verbs: Vec<&'static str>,
    pub adjectives: Vec<&'static str>,
    pub topics: Vec<(&'static str, Vec<&'static str>)>,
}

impl Vocabulary {
    pub fn new() -> Vocabulary {
        let split = |s: &'static str| s.split_whitespace().collect::<Vec<_>>();
        Vocabulary {
            function: split(FUNCTION),
            nouns: split(NOUNS),
            verbs: split(VERBS),
            adjectives: split(ADJECTIVES),
            topics: TOPICS.iter().map(|t| (t.name, split(t.nouns))).collect(),
        }
    }
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_names_are_stable_and_mostly_distinct() {
        assert_eq!(tail_name(12345), tail_name(12345));
        let names: std::collections::HashSet<String> = (0..TAIL).map(tail_name).collect();
        assert!(names.len() as u64 > TAIL * 9 / 10, "{} distinct", names.len());
        assert!(names.iter().all(|n| n.chars().next().unwrap().is_uppercase()));
    }
}
