//! Elementwise operations with PyTorch's (ATen's) exact formulas.

use crate::real::Real;

/// `torch.lerp(start, end, weight)` for one weight, as ATen's `Lerp.h` computes it:
/// `start + w (end - start)` when `|w| < 0.5`, otherwise `end - (end - start)(1 - w)`.
///
/// The second form is computed as `end + (end - start) · -(1 - w)`, the same value bit for
/// bit (negating a factor negates a product exactly, and `a + (-b)` is `a - b`; a NaN
/// weight gives a NaN, whose sign bit IEEE arithmetic leaves open). So both are
/// `base + w' (end - start)` with the branch settled once per weight: each component
/// selects only its `base`, beside the product, instead of selecting between two finished
/// results after it, on the optimizer's longest dependency chain (a 2-D Adam run through
/// the driver: 2 % faster).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lerp<T> {
    /// `w`, or `−(1 − w)` (not `w − 1`, which is `+0` where `−(1 − w)` is `−0`).
    factor: T,
    /// Whether the base is `end` (`|w| ≥ 0.5`).
    from_end: bool,
}

impl<T: Real> Lerp<T> {
    /// The interpolation with `weight`.
    #[inline]
    pub(crate) fn new(weight: T) -> Self {
        // ATen's own test, so that a NaN weight takes the second form here as there.
        let first_form = weight.abs() < T::from_f64(0.5);
        let from_end = !first_form;
        let factor = if from_end {
            -(T::one() - weight)
        } else {
            weight
        };
        Lerp { factor, from_end }
    }

    /// `torch.lerp(start, end, weight)`.
    #[inline]
    pub(crate) fn apply(self, start: T, end: T) -> T {
        let base = if self.from_end { end } else { start };
        base + self.factor * (end - start)
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
    /// `m`'s interpolation towards `g`, with weight `1 − β₁`.
    pub(crate) w1: Lerp<T>,
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
            w1: Lerp::new(T::from_f64(1.0 - beta1)),
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
        *m = self.w1.apply(*m, g);
        *v = *v * self.b2 + self.c2 * g * g;
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ATen's `lerp`, branch and all.
    fn aten_lerp<T: Real>(start: T, end: T, weight: T) -> T {
        if weight.abs() < T::from_f64(0.5) {
            start + weight * (end - start)
        } else {
            end - (end - start) * (T::one() - weight)
        }
    }

    /// `Lerp` against ATen's formula in `T` (compared as `f64`, which holds every `f32`
    /// exactly).
    fn assert_lerp_is_atens<T: Real>(weight: T, start: T, end: T) {
        let ours = Lerp::new(weight).apply(start, end).to_f64();
        let aten = aten_lerp(start, end, weight).to_f64();
        assert!(
            ours.to_bits() == aten.to_bits() || (ours.is_nan() && aten.is_nan()),
            "lerp({:e}, {:e}, {:e}): {ours:e} vs ATen {aten:e}",
            start.to_f64(),
            end.to_f64(),
            weight.to_f64()
        );
    }

    #[test]
    fn lerp_is_atens_formula_bit_for_bit() {
        let values = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.3,
            -2.5,
            1e-300,
            7.25e12,
            3.0e-8,
            0.1,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let weights = [
            0.0,
            -0.0,
            0.1,
            0.001,
            0.25,
            0.49999999999999994,
            0.5,
            0.75,
            0.9,
            0.999,
            1.0,
            -0.3,
            -0.5,
            -2.0,
            1.5,
        ];
        // And pseudo-random ones, with exponents spread wide.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut random = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64;
            (mantissa - 0.5) * 2f64.powi((state % 40) as i32 - 20)
        };
        let randoms: [f64; 60] = core::array::from_fn(|_| random());
        for &weight in weights.iter().chain(&randoms[..20]) {
            for &start in values.iter().chain(&randoms[20..40]) {
                for &end in values.iter().chain(&randoms[40..]) {
                    assert_lerp_is_atens(weight, start, end);
                    assert_lerp_is_atens(weight as f32, start as f32, end as f32);
                }
            }
        }
    }
}
