//! [`Real`]: the float types the runtime works with, `f32` and `f64`.
//!
//! With the `std` feature the math functions come from the standard library; without it
//! they come from `libm` (feature `libm`).

/// A float type usable as an optimizer scalar.
///
/// ```
/// use autodiff_runtime::Real;
///
/// fn half<T: Real>(x: T) -> T {
///     x * T::from_f64(0.5)
/// }
/// assert_eq!(half(3.0_f32), 1.5);
/// ```
pub trait Real:
    Copy
    + PartialOrd
    + core::fmt::Debug
    + core::fmt::Display
    + core::ops::Add<Output = Self>
    + core::ops::Sub<Output = Self>
    + core::ops::Mul<Output = Self>
    + core::ops::Div<Output = Self>
    + core::ops::Neg<Output = Self>
    + core::ops::AddAssign
    + core::ops::SubAssign
    + core::ops::MulAssign
    + core::ops::DivAssign
    + 'static
{
    /// `0`.
    fn zero() -> Self;
    /// `1`.
    fn one() -> Self;
    /// Converts from `f64`, rounding to nearest.
    fn from_f64(x: f64) -> Self;
    /// Converts to `f64` exactly.
    fn to_f64(self) -> f64;
    /// Absolute value.
    fn abs(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// `self` raised to a float power.
    fn powf(self, e: Self) -> Self;
    /// `self` raised to an integer power.
    fn powi(self, e: i32) -> Self;
    /// Cosine.
    fn cos(self) -> Self;
    /// Whether the value is neither infinite nor NaN.
    fn is_finite(self) -> bool;
    /// Bits that are all zero exactly when the value is finite. For `f32` and `f64` they are
    /// the bits of `self - self` (`+0` when finite, NaN otherwise), so OR-ing them over many
    /// values checks finiteness without a branch per value, in vector registers.
    ///
    /// ```
    /// use autodiff_runtime::Real;
    ///
    /// assert_eq!(Real::non_finite_bits(2.5_f64), 0);
    /// assert_ne!(Real::non_finite_bits(f64::INFINITY), 0);
    /// assert_ne!(Real::non_finite_bits(f32::NAN), 0);
    /// ```
    #[inline]
    fn non_finite_bits(self) -> u64 {
        u64::from(!self.is_finite())
    }
    /// The larger of two values (NaN-ignoring, like `f64::max`).
    fn max(self, other: Self) -> Self;
    /// The smaller of two values (NaN-ignoring, like `f64::min`).
    fn min(self, other: Self) -> Self;
}

macro_rules! impl_real {
    ($t:ident, $libm_sqrt:ident, $libm_pow:ident, $libm_cos:ident) => {
        impl Real for $t {
            fn zero() -> Self {
                0.0
            }
            fn one() -> Self {
                1.0
            }
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            fn sqrt(self) -> Self {
                #[cfg(feature = "std")]
                return <$t>::sqrt(self);
                #[cfg(all(not(feature = "std"), feature = "libm"))]
                return libm::$libm_sqrt(self);
                #[cfg(all(not(feature = "std"), not(feature = "libm")))]
                return crate::real::fallback::sqrt(self as f64) as $t;
            }
            fn powf(self, e: Self) -> Self {
                #[cfg(feature = "std")]
                return <$t>::powf(self, e);
                #[cfg(all(not(feature = "std"), feature = "libm"))]
                return libm::$libm_pow(self, e);
                #[cfg(all(not(feature = "std"), not(feature = "libm")))]
                return crate::real::fallback::powf(self as f64, e as f64) as $t;
            }
            fn powi(self, e: i32) -> Self {
                #[cfg(feature = "std")]
                return <$t>::powi(self, e);
                #[cfg(not(feature = "std"))]
                return crate::real::fallback::powi(self as f64, e) as $t;
            }
            fn cos(self) -> Self {
                #[cfg(feature = "std")]
                return <$t>::cos(self);
                #[cfg(all(not(feature = "std"), feature = "libm"))]
                return libm::$libm_cos(self);
                #[cfg(all(not(feature = "std"), not(feature = "libm")))]
                return crate::real::fallback::cos(self as f64) as $t;
            }
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline]
            fn non_finite_bits(self) -> u64 {
                u64::from((self - self).to_bits())
            }
            fn max(self, other: Self) -> Self {
                <$t>::max(self, other)
            }
            fn min(self, other: Self) -> Self {
                <$t>::min(self, other)
            }
        }
    };
}
impl_real!(f64, sqrt, pow, cos);
impl_real!(f32, sqrtf, powf, cosf);

/// Math without `std` or `libm`: enough for the optimizers to build and run `#![no_std]`.
/// Precision is a few ulps; enable `libm` (or `std`) for correctly rounded results.
#[cfg(not(feature = "std"))]
#[cfg_attr(feature = "libm", allow(dead_code))] // with `libm`, only `powi` is used
mod fallback {
    pub fn sqrt(x: f64) -> f64 {
        if x.is_nan() || x <= 0.0 || x == f64::INFINITY {
            return if x == 0.0 || x == f64::INFINITY {
                x
            } else {
                f64::NAN
            };
        }
        // Newton's iteration from a bit-level first guess.
        let mut y = f64::from_bits((x.to_bits() >> 1) + (1023u64 << 51));
        for _ in 0..6 {
            y = 0.5 * (y + x / y);
        }
        y
    }

    pub fn powi(x: f64, e: i32) -> f64 {
        let mut base = if e < 0 { 1.0 / x } else { x };
        let mut n = e.unsigned_abs();
        let mut acc = 1.0;
        while n > 0 {
            if n & 1 == 1 {
                acc *= base;
            }
            base *= base;
            n >>= 1;
        }
        acc
    }

    pub fn powf(x: f64, e: f64) -> f64 {
        if e == (e as i32) as f64 {
            return powi(x, e as i32);
        }
        exp(e * ln(x))
    }

    fn exp(x: f64) -> f64 {
        // exp(x) = 2^k * exp(r), |r| <= ln2/2, Taylor series for exp(r).
        let k = (x / core::f64::consts::LN_2 + if x < 0.0 { -0.5 } else { 0.5 }) as i32;
        let r = x - k as f64 * core::f64::consts::LN_2;
        let (mut term, mut sum) = (1.0, 1.0);
        for n in 1..30 {
            term *= r / n as f64;
            sum += term;
        }
        sum * powi(2.0, k)
    }

    fn ln(x: f64) -> f64 {
        if x.is_nan() || x <= 0.0 {
            return if x == 0.0 {
                f64::NEG_INFINITY
            } else {
                f64::NAN
            };
        }
        // x = m * 2^e with m in [1, 2); ln(m) by the atanh series.
        let bits = x.to_bits();
        let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
        let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1023u64 << 52));
        let s = (m - 1.0) / (m + 1.0);
        let (mut term, mut sum) = (s, 0.0);
        for n in 0..60 {
            sum += term / (2 * n + 1) as f64;
            term *= s * s;
        }
        2.0 * sum + e as f64 * core::f64::consts::LN_2
    }

    pub fn cos(x: f64) -> f64 {
        let tau = 2.0 * core::f64::consts::PI;
        let r = x - tau * ((x / tau) as i64 as f64);
        let (mut term, mut sum) = (1.0, 1.0);
        for n in 1..40 {
            term *= -r * r / ((2 * n - 1) * (2 * n)) as f64;
            sum += term;
        }
        sum
    }
}
