//! Elementwise operations with PyTorch's (ATen's) exact formulas.

use crate::real::Real;

/// `torch.lerp(start, end, weight)` as ATen's `Lerp.h` computes it: `start + w (end - start)`
/// when `|w| < 0.5`, otherwise `end - (end - start)(1 - w)`.
#[inline]
pub(crate) fn lerp<T: Real>(start: T, end: T, weight: T) -> T {
    if weight.abs() < T::from_f64(0.5) {
        start + weight * (end - start)
    } else {
        end - (end - start) * (T::one() - weight)
    }
}

/// `torch.maximum`: the larger value, propagating NaN (unlike `f64::max`).
#[inline]
pub(crate) fn maximum<T: Real>(a: T, b: T) -> T {
    if a > b {
        a
    } else if b >= a {
        b
    } else {
        a + b
    }
}

/// Python's `x ** e` for floats (C `pow`).
#[inline]
pub(crate) fn powf(x: f64, e: f64) -> f64 {
    Real::powf(x, e)
}

/// `math.sqrt` for `f64` (through [`Real`], so it works without `std`).
#[inline]
pub(crate) fn sqrt(x: f64) -> f64 {
    Real::sqrt(x)
}

/// Python's built-in `max(a, b)`: `a` unless `b > a`.
#[inline]
pub(crate) fn py_max<T: Real>(a: T, b: T) -> T {
    if b > a { b } else { a }
}

/// Python's built-in `min(a, b)`: `a` unless `b < a`.
#[inline]
pub(crate) fn py_min<T: Real>(a: T, b: T) -> T {
    if b < a { b } else { a }
}

/// Applies `maximize` and L2 `weight_decay` to a gradient component, as every PyTorch
/// optimizer does first: `g = -g` if maximizing, then `g + wd * p` if `wd != 0`.
#[inline]
pub(crate) fn effective_grad<T: Real>(g: T, p: T, maximize: bool, weight_decay: Option<T>) -> T {
    let g = if maximize { -g } else { g };
    match weight_decay {
        Some(wd) => g + wd * p,
        None => g,
    }
}

/// `Some(wd)` as `T` when `wd != 0` (PyTorch skips the L2 term entirely when it is zero).
#[inline]
pub(crate) fn l2<T: Real>(weight_decay: f64) -> Option<T> {
    if weight_decay != 0.0 {
        Some(T::from_f64(weight_decay))
    } else {
        None
    }
}

/// What every Adam-family update (Adam, AdamW, NAdam, RAdam) does to one component before
/// its own step, with PyTorch's formulas: the gradient negated if maximizing; weight decay,
/// either decoupled (`θ ← θ · (1 − lr · wd)`) or L2 (`g ← g + wd · θ`); then the moment
/// estimates `m ← lerp(m, g, 1 − β₁)` and `v ← β₂ · v + (1 − β₂) · g²`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdamMoments<T> {
    maximize: bool,
    /// `1 − lr · wd`, with decoupled weight decay.
    decay: Option<T>,
    /// `wd`, with L2 weight decay.
    l2: Option<T>,
    /// `1 − β₁`, the weight of `g` in `m`.
    pub(crate) w1: T,
    /// `β₂`.
    pub(crate) b2: T,
    /// `1 − β₂`.
    pub(crate) c2: T,
}

impl<T: Real> AdamMoments<T> {
    /// The constants of one step.
    pub(crate) fn new(
        lr: f64,
        (beta1, beta2): (f64, f64),
        weight_decay: f64,
        decoupled: bool,
        maximize: bool,
    ) -> Self {
        let (decay, l2) = match (weight_decay != 0.0, decoupled) {
            (false, _) => (None, None),
            (true, true) => (Some(T::from_f64(1.0 - lr * weight_decay)), None),
            (true, false) => (None, Some(T::from_f64(weight_decay))),
        };
        AdamMoments {
            maximize,
            decay,
            l2,
            w1: T::from_f64(1.0 - beta1),
            b2: T::from_f64(beta2),
            c2: T::from_f64(1.0 - beta2),
        }
    }

    /// Neither maximizing nor decaying: the moments are the whole of it (Adam's path
    /// without per-component branches).
    pub(crate) fn is_plain(&self) -> bool {
        !self.maximize && self.decay.is_none() && self.l2.is_none()
    }

    /// Decays `p`, updates `m` and `v` from gradient component `g`; returns the gradient
    /// the moments saw (negated, plus the L2 term).
    #[inline]
    pub(crate) fn update(&self, p: &mut T, m: &mut T, v: &mut T, g: T) -> T {
        let mut g = if self.maximize { -g } else { g };
        if let Some(decay) = self.decay {
            *p *= decay;
        }
        if let Some(wd) = self.l2 {
            g += wd * *p;
        }
        *m = lerp(*m, g, self.w1);
        *v = *v * self.b2 + self.c2 * g * g;
        g
    }
}
