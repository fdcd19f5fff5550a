//! Adam's bias corrections `1 − β₁ᵗ` and `1 − β₂ᵗ`, computed one step ahead.
//!
//! PyTorch computes them as `1 - beta ** step` with C's `pow` at every step, and so do we,
//! bit for bit. But two `pow` calls take about as long as the rest of a small problem's
//! step, and the update needs their results at once: computed at the start of step `t`,
//! their latency lies on the path from one update to the next. Computed at the end of step
//! `t − 1` instead, nothing waits for them until step `t`'s update, so they run while the
//! next gradient is evaluated (a 2-D Adam run through the driver: 48 → 40 ns per step).

use crate::optim::ops::powf;

/// `1 − β₁ᵗ` and `1 − β₂ᵗ` for one step `t` and one pair of betas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BiasCorrections {
    step: u64,
    betas: (f64, f64),
    /// `1 − β₁ᵗ`.
    pub(crate) first: f64,
    /// `1 − β₂ᵗ`.
    pub(crate) second: f64,
}

impl BiasCorrections {
    /// The corrections for `step` with `betas`, as PyTorch computes them.
    #[inline]
    pub(crate) fn new(betas: (f64, f64), step: u64) -> Self {
        let t = step as f64;
        BiasCorrections {
            step,
            betas,
            first: 1.0 - powf(betas.0, t),
            second: 1.0 - powf(betas.1, t),
        }
    }

    /// `ahead` if it was computed for this `step` and these `betas` (a schedule may have
    /// changed `β₁` since), otherwise fresh corrections.
    #[inline]
    pub(crate) fn reuse_or_new(ahead: Option<Self>, betas: (f64, f64), step: u64) -> Self {
        match ahead {
            Some(b) if b.step == step && b.betas == betas => b,
            _ => Self::new(betas, step),
        }
    }
}
