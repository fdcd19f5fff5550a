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
