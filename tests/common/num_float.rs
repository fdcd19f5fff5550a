//! [`num_traits::Float`] for the dual number [`D`], so that a `#[differentiable]` function
//! generic over `T: Float` runs unchanged on dual numbers: the function itself, called as
//! `f::<D>(..)`, is its own dual twin.
//!
//! The methods delegate to `D`'s inherent methods (num-dual for smooth functions, the
//! documented conventions at kinks); the constants and predicates look at the value only.

use core::num::FpCategory;

use num_traits::{Float, Num, NumCast, One, ToPrimitive, Zero};

use super::D;

impl Zero for D {
    fn zero() -> D {
        D::cst(0.0)
    }
    fn is_zero(&self) -> bool {
        self.re() == 0.0
    }
}

impl One for D {
    fn one() -> D {
        D::cst(1.0)
    }
}

impl Num for D {
    type FromStrRadixErr = <f64 as Num>::FromStrRadixErr;
    fn from_str_radix(s: &str, radix: u32) -> Result<D, Self::FromStrRadixErr> {
        f64::from_str_radix(s, radix).map(D::cst)
    }
}

impl ToPrimitive for D {
    fn to_i64(&self) -> Option<i64> {
        self.re().to_i64()
    }
    fn to_u64(&self) -> Option<u64> {
        self.re().to_u64()
    }
    fn to_f64(&self) -> Option<f64> {
        Some(self.re())
    }
}

impl NumCast for D {
    fn from<N: ToPrimitive>(n: N) -> Option<D> {
        n.to_f64().map(D::cst)
    }
}

/// Delegates `Float` methods of one argument to the inherent ones of the same name.
macro_rules! inherent_unary {
    ($($m:ident),* $(,)?) => {$(
        fn $m(self) -> D {
            D::$m(self)
        }
    )*};
}

/// `Float` constants and predicates, on the value.
macro_rules! constants {
    ($($m:ident),* $(,)?) => {$(
        fn $m() -> D {
            D::cst(f64::$m())
        }
    )*};
}

macro_rules! predicates {
    ($($m:ident),* $(,)?) => {$(
        fn $m(self) -> bool {
            self.re().$m()
        }
    )*};
}

impl Float for D {
    constants!(
        nan,
        infinity,
        neg_infinity,
        neg_zero,
        min_value,
        min_positive_value,
        epsilon,
        max_value
    );
    predicates!(
        is_nan,
        is_infinite,
        is_finite,
        is_normal,
        is_sign_positive,
        is_sign_negative
    );
    inherent_unary!(
        floor, ceil, round, trunc, abs, signum, recip, sqrt, exp, exp2, ln, log2, log10, cbrt, sin,
        cos, tan, asin, acos, atan, exp_m1, ln_1p, sinh, cosh, tanh, asinh, acosh, atanh,
        to_degrees, to_radians,
    );

    fn classify(self) -> FpCategory {
        self.re().classify()
    }
    fn fract(self) -> D {
        self - D::trunc(self)
    }
    fn mul_add(self, a: D, b: D) -> D {
        D::mul_add(self, a, b)
    }
    fn powi(self, n: i32) -> D {
        D::powi(self, n)
    }
    fn powf(self, n: D) -> D {
        D::powf(self, n)
    }
    fn log(self, base: D) -> D {
        D::log(self, base)
    }
    fn max(self, other: D) -> D {
        D::max(self, other)
    }
    fn min(self, other: D) -> D {
        D::min(self, other)
    }
    fn clamp(self, lo: D, hi: D) -> D {
        D::clamp(self, lo, hi)
    }
    fn abs_sub(self, other: D) -> D {
        D::max(self - other, D::cst(0.0))
    }
    fn hypot(self, other: D) -> D {
        D::hypot(self, other)
    }
    fn atan2(self, other: D) -> D {
        D::atan2(self, other)
    }
    fn sin_cos(self) -> (D, D) {
        (D::sin(self), D::cos(self))
    }
    fn integer_decode(self) -> (u64, i16, i8) {
        Float::integer_decode(self.re())
    }
}
