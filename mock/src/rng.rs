//! The mock's only source of randomness: a tiny seedable PRNG (SplitMix64).
//!
//! Every random choice (split offsets, pauses, `event:` lines, ids…) is drawn from an [`Rng`]
//! derived from the server seed and the connection's ordinal, so a failing run can be replayed
//! with `--seed N` / `MockConfig::seed`. Not cryptographic, and it does not need to be.

use std::time::{SystemTime, UNIX_EPOCH};

/// SplitMix64: tiny, fast, statistically fine for test traffic.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The generator for the `n`-th connection of a server seeded with `seed`.
    pub(crate) fn for_connection(seed: u64, n: u64) -> Self {
        let mut r = Rng(seed ^ n.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        r.next_u64();
        r
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi` (returns `lo` when `hi <= lo`).
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as usize
    }

    /// True with probability `p` (0.0–1.0).
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        // 53 random bits → uniform float in [0, 1).
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// `n` lowercase hex digits, for ids.
    pub(crate) fn hex(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from_digit((self.next_u64() % 16) as u32, 16).unwrap_or('0')).collect()
    }
}

/// A seed taken from the clock, for runs that did not ask for one.
pub(crate) fn clock_seed() -> u64 {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0x5EED);
    Rng::new(nanos ^ u64::from(std::process::id())).next_u64()
}

/// Milliseconds since the Unix epoch, as the float the `timestamps` scenario reports.
pub(crate) fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

/// Whole seconds since the Unix epoch, for `created` fields.
pub(crate) fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_ranges_hold() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
            let v = a.range(3, 7);
            assert!((3..=7).contains(&v));
            b.range(3, 7);
        }
        assert_ne!(Rng::for_connection(1, 0).next_u64(), Rng::for_connection(1, 1).next_u64());
    }
}
