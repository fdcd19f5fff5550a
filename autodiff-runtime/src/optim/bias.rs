//! Adam's bias corrections `1 − β₁ᵗ` and `1 − β₂ᵗ`, computed one step ahead, and not at
//! all once they are exactly `1`.
//!
//! PyTorch computes them as `1 - beta ** step` with C's `pow` at every step, and so do we,
//! bit for bit. But two `pow` calls take about as long as the rest of a small problem's
//! step, and the update needs their results at once: computed at the start of step `t`,
//! their latency lies on the path from one update to the next. Computed at the end of step
//! `t − 1` instead, nothing waits for them until step `t`'s update, so they run while the
//! next gradient is evaluated (a 2-D Adam run through the driver: 48 → 40 ns per step).
//! [`Ahead`] is the cache a state keeps for it.
//!
//! And the powers vanish: `1 − y` rounds to exactly `1` for `|y| ≤ 2⁻⁵⁴`, and once
//! `|β^t| < 2⁻⁵⁶` every later `|pow(β, t')|` is below `2⁻⁵⁴` (the exact powers shrink in
//! magnitude, and `pow` is within a factor of two of them — glibc's, musl's and `libm`'s
//! within an ulp, the `no_std` fallback within a few). From then on the correction is `1`
//! without calling `pow`: with the default `β₁ = 0.9` from step 370 on, which halves the
//! `pow` calls of every later step. (Magnitudes: a schedule may set a negative `β₁`, as
//! PyTorch's param groups allow, and its powers alternate in sign.)

use crate::optim::ops::powf;

/// A power `β^t` below this in magnitude is negligible for every later step:
/// `1 − pow(β, t')` is exactly `1` for all `t' ≥ t` (see the module documentation).
const NEGLIGIBLE: f64 = 1.0 / (1u64 << 56) as f64;

/// `β₁ᵗ` and `β₂ᵗ` for one step `t` and one pair of betas, and from them the corrections.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct BiasCorrections {
    /// `t`; `0` in a cache that holds nothing (steps count from 1).
    step: u64,
    betas: (f64, f64),
    /// `β₁ᵗ` and `β₂ᵗ` as `pow` computes them, or — once negligible — the first negligible
    /// value, kept.
    powers: (f64, f64),
}

impl BiasCorrections {
    /// The corrections for `step` with `betas`, as PyTorch computes them.
    #[inline]
    pub(crate) fn new(betas: (f64, f64), step: u64) -> Self {
        let t = step as f64;
        BiasCorrections {
            step,
            betas,
            powers: (powf(betas.0, t), powf(betas.1, t)),
        }
    }

    /// `1 − β₁ᵗ`.
    #[inline]
    pub(crate) fn first(&self) -> f64 {
        1.0 - self.powers.0
    }

    /// `1 − β₂ᵗ`.
    #[inline]
    pub(crate) fn second(&self) -> f64 {
        1.0 - self.powers.1
    }

    /// The corrections for the step after this one, with the same betas: the same values
    /// as [`new`](Self::new), without `pow` for a power that is already negligible.
    #[inline]
    pub(crate) fn next(&self) -> Self {
        let step = self.step + 1;
        let t = step as f64;
        let power = |beta: f64, last: f64| {
            if last.abs() < NEGLIGIBLE {
                last
            } else {
                power_not_speculated(beta, t)
            }
        };
        BiasCorrections {
            step,
            betas: self.betas,
            powers: (
                power(self.betas.0, self.powers.0),
                power(self.betas.1, self.powers.1),
            ),
        }
    }
}

/// `pow(beta, t)` behind a call the compiler may not hoist out of its branch: `pow` itself
/// is a pure intrinsic to LLVM, which turns `if negligible { kept } else { pow(..) }` into
/// an unconditional call and a select — the call this module exists to skip.
#[inline(never)]
fn power_not_speculated(beta: f64, t: f64) -> f64 {
    powf(beta, t)
}

/// The cache an optimizer's state keeps: the next step's corrections, computed with that
/// step's betas at the end of each step whose update was finite. A schedule that changes
/// `β₁` between steps (one-cycle momentum) makes them stale: the step then computes its
/// own, two more `pow` calls.
/// (Computing ahead only while the betas stay put measured 25 % slower on a 2-D run: the
/// condition keeps the calls from overlapping the next gradient.)
///
/// A cache compares equal to any other: two states are the same when their moments and
/// step counts are, whatever each computed ahead.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ahead {
    next: BiasCorrections,
}

impl PartialEq for Ahead {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Ahead {
    /// The corrections for `step` with `betas`: the ones computed ahead if they are these,
    /// otherwise fresh ones.
    #[inline]
    pub(crate) fn corrections(&self, betas: (f64, f64), step: u64) -> BiasCorrections {
        let b = self.next;
        if b.step == step && b.betas == betas {
            b
        } else {
            BiasCorrections::new(betas, step)
        }
    }

    /// At the end of the step that used `current`: computes the next step's corrections
    /// with the same betas.
    #[inline]
    pub(crate) fn prepare(&mut self, current: BiasCorrections) {
        self.next = current.next();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Betas from PyTorch's defaults to the edges of `[0, 1)`.
    /// Negative ones too: a schedule may set them (their powers alternate in sign).
    const BETAS: [f64; 13] = [
        0.0, 1e-300, 0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, -0.0, -0.5, -0.9, -1e-300,
    ];

    #[test]
    fn stepping_ahead_gives_the_corrections_pow_gives_bit_for_bit() {
        for beta1 in BETAS {
            let beta2 = 1.0 - (1.0 - beta1) / 4.0;
            let mut ahead = BiasCorrections::new((beta1, beta2), 1);
            for step in 1..=20_000u64 {
                let direct = BiasCorrections::new((beta1, beta2), step);
                assert_eq!(
                    (ahead.first().to_bits(), ahead.second().to_bits()),
                    (direct.first().to_bits(), direct.second().to_bits()),
                    "betas ({beta1}, {beta2}), step {step}"
                );
                ahead = ahead.next();
            }
        }
    }

    #[test]
    fn a_negligible_power_stops_calling_pow_and_the_correction_is_one() {
        let mut b = BiasCorrections::new((0.9, 0.999), 1);
        let mut saturated_at = None;
        for _ in 0..1000 {
            let next = b.next();
            if saturated_at.is_none() && b.powers.0.abs() < NEGLIGIBLE {
                saturated_at = Some(b.step);
            }
            if saturated_at.is_some() {
                // The kept power, not a new one: `pow` was not called.
                assert_eq!(next.powers.0.to_bits(), b.powers.0.to_bits());
                assert_eq!(next.first(), 1.0);
            }
            b = next;
        }
        // 0.9^t < 2^-56 from t = 369 on; β₂ = 0.999 stays far from it.
        assert_eq!(saturated_at, Some(369));
        assert!(b.powers.1 > 0.3);
    }

    #[test]
    fn the_cache_answers_only_for_its_step_and_betas() {
        let mut ahead = Ahead::default();
        let used = ahead.corrections((0.9, 0.999), 1);
        ahead.prepare(used);
        assert_eq!(
            ahead.corrections((0.9, 0.999), 2),
            BiasCorrections::new((0.9, 0.999), 2)
        );
        assert_eq!(ahead.next.step, 2);
        // Other betas or another step: computed afresh.
        assert_eq!(
            ahead.corrections((0.8, 0.999), 2),
            BiasCorrections::new((0.8, 0.999), 2)
        );
        assert_eq!(
            ahead.corrections((0.9, 0.999), 3),
            BiasCorrections::new((0.9, 0.999), 3)
        );
    }
}
