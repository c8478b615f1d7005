//! When to try again after a failed push: capped exponential backoff with jitter, so a
//! classroom of phones coming back online at once does not arrive in one burst.

/// The first retry comes after about this long.
pub const BASE_MS: u64 = 2_000;
/// Retries never wait longer than this.
pub const CAP_MS: u64 = 5 * 60_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    pub const fn new() -> Self {
        Self { failures: 0 }
    }

    /// Records a failure and returns how long to wait before the next try. `random` in [0, 1)
    /// spreads the wait over [½, 1] of the exponential step ("equal jitter").
    pub fn fail(&mut self, random: f64) -> u64 {
        self.failures = self.failures.saturating_add(1);
        let exp = BASE_MS
            .saturating_mul(1u64 << (self.failures - 1).min(20))
            .min(CAP_MS);
        let half = exp / 2;
        half + (half as f64 * random.clamp(0.0, 1.0)) as u64
    }

    /// A push went through: the next failure starts from the beginning.
    pub fn succeed(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn waits_double_then_stop_at_the_cap() {
        let mut b = Backoff::default();
        let waits: Vec<u64> = (0..12).map(|_| b.fail(1.0)).collect();
        assert_eq!(&waits[..4], &[2_000, 4_000, 8_000, 16_000]);
        assert_eq!(*waits.last().unwrap(), CAP_MS);
        b.succeed();
        assert_eq!(b.fail(1.0), 2_000);
    }

    proptest! {
        #[test]
        fn jitter_stays_within_half_to_full_step(failures in 1u32..40, r in 0.0f64..1.0) {
            let mut b = Backoff::default();
            let mut wait = 0;
            for _ in 0..failures { wait = b.fail(r); }
            let step = BASE_MS.saturating_mul(1u64 << (failures - 1).min(20)).min(CAP_MS);
            prop_assert!(wait >= step / 2 && wait <= step);
        }
    }
}
