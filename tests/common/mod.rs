//! Shared harness for the `tests/gradients_*.rs` and `tests/loops_*.rs` integration tests.
//!
//! Every tested function is written once and compiled twice:
//!
//! - under `#[differentiable]` in `f64` (or `f32`), which generates `f_grad` and
//!   `f_value_and_grad`;
//! - as a *dual twin*, the same tokens evaluated on [`D`], a thin wrapper around
//!   [`num_dual::Dual64`] (forward-mode dual numbers, an independent AD implementation).
//!
//! The [`twin!`] macro does both and generates a `#[test]` comparing them at given points.
//! For bodies that the dual type cannot run verbatim (calls into `impl` blocks, literals
//! on paths that must yield a dual number, `f32` constants), the tests write the twin by
//! hand and compare with [`check_fn!`].
//!
//! At every point, the harness checks that
//! - `f_value_and_grad(args).0` is `f(args)` bit for bit,
//! - `f_grad(args)` is `f_value_and_grad(args).1` bit for bit,
//! - the value and every gradient component agree with the dual numbers (see below).
//!
//! # Tolerances
//!
//! [`close`] compares `a` and `b` relative to `max(|a|, |b|, floor)`: above `floor` the
//! comparison is relative (`rel`), below it the comparison is absolute at `rel * floor`.
//! The floor only matters for components that are (nearly) zero, where reverse mode (the
//! macro) and forward mode (num-dual) may legitimately round cancelling terms differently.
//!
//! - `f64`: `rel = 1e-12`, `floor = 1e-3` (so near-zero components must agree to `1e-15`);
//! - `f32` (compared with `f64` duals): `rel = 1e-5`, `floor = 1e-1`.
//!
//! Functions of arrays, slices and `Vec`s (and functions generic over `T: Float`, which
//! run on [`D`] unchanged) are checked with the helpers of [`arrays`].
#![allow(dead_code)]

use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};
use num_dual::{Dual64, DualNum};

pub mod arrays;
mod num_float;

/// A tolerance: relative `rel` above magnitude `floor`, absolute `rel * floor` below it.
#[derive(Clone, Copy, Debug)]
pub struct Tol {
    /// Relative tolerance.
    pub rel: f64,
    /// Magnitude below which the comparison becomes absolute.
    pub floor: f64,
}

/// The tolerance for `f64` functions.
pub const TOL_F64: Tol = Tol {
    rel: 1e-12,
    floor: 1e-3,
};

/// The tolerance for `f32` functions compared with `f64` dual numbers.
pub const TOL_F32: Tol = Tol {
    rel: 1e-5,
    floor: 1e-1,
};

/// Whether `a` and `b` agree within `tol` (equal infinities agree; NaN never does).
pub fn close(a: f64, b: f64, tol: Tol) -> bool {
    if a == b {
        return true;
    }
    if !a.is_finite() || !b.is_finite() {
        return false;
    }
    (a - b).abs() <= tol.rel * a.abs().max(b.abs()).max(tol.floor)
}

/// Asserts [`close`], naming `what` in the failure message.
#[track_caller]
pub fn assert_close(a: f64, b: f64, tol: Tol, what: &str) {
    assert!(
        close(a, b, tol),
        "{what}: {a:e} vs {b:e} (difference {:e}, tolerance {tol:?})",
        (a - b).abs()
    );
}

/// Whether `a` and `b` are the same value: bitwise equal (so `0.0` and `-0.0` differ), or
/// both NaN.
pub fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Asserts [`same`] for every component.
#[track_caller]
pub fn assert_same(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths differ: {a:?} vs {b:?}");
    for (k, (&x, &y)) in a.iter().zip(b).enumerate() {
        assert!(same(x, y), "{what}[{k}]: {x:e} vs {y:e} ({a:?} vs {b:?})");
    }
}

// ---------------------------------------------------------------------------------------
// The dual number.
// ---------------------------------------------------------------------------------------

/// A forward-mode dual number with the API of `f64`'s float methods, so that a function
/// body written for `f64` runs unchanged on it.
///
/// Smooth functions delegate to `num-dual`. Non-smooth ones are written piecewise here with
/// the conventions the macro documents (abs at 0 → 0, max/min ties split 0.5/0.5, clamp
/// passes the gradient to `x` on the closed interval, floor/ceil/round/trunc/signum → 0,
/// hypot at the origin → 0); the explicit kink tests check those values independently.
#[derive(Clone, Copy, Debug)]
pub struct D(pub Dual64);

impl D {
    /// A constant (derivative 0).
    pub fn cst(v: f64) -> D {
        D(Dual64::new(v, 0.0))
    }

    /// An independent variable (derivative 1).
    pub fn var(v: f64) -> D {
        D(Dual64::new(v, 1.0))
    }

    /// The value.
    pub fn re(self) -> f64 {
        self.0.re
    }

    /// The derivative.
    pub fn eps(self) -> f64 {
        self.0.eps
    }

    fn with_eps(re: f64, eps: f64) -> D {
        D(Dual64::new(re, eps))
    }
}

impl From<f64> for D {
    fn from(v: f64) -> D {
        D::cst(v)
    }
}

macro_rules! delegate_unary {
    ($($m:ident),* $(,)?) => {
        impl D {
            $(
                #[doc = concat!("`", stringify!($m), "` by num-dual.")]
                pub fn $m(self) -> D {
                    D(DualNum::$m(&self.0))
                }
            )*
        }
    };
}

delegate_unary!(
    sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, exp, exp2, exp_m1, ln,
    log2, log10, ln_1p, sqrt, cbrt, recip,
);

impl D {
    /// `atan2(self, other)` by num-dual.
    pub fn atan2(self, other: impl Into<D>) -> D {
        D(self.0.atan2(other.into().0))
    }

    /// `log(self, base)`: num-dual's `log` for a constant base, `ln / ln` otherwise.
    pub fn log(self, base: impl Into<D>) -> D {
        let base = base.into();
        if base.eps() == 0.0 {
            D(self.0.log(base.re()))
        } else {
            D(self.0.ln() / base.0.ln())
        }
    }

    /// `powi` by num-dual.
    pub fn powi(self, n: i32) -> D {
        D(self.0.powi(n))
    }

    /// `powf`: num-dual's `powf` for a constant exponent, `powd` (`exp(y ln x)`) otherwise.
    pub fn powf(self, y: impl Into<D>) -> D {
        let y = y.into();
        if y.eps() == 0.0 {
            D(self.0.powf(y.re()))
        } else {
            let mut r = self.0.powd(y.0);
            r.re = self.re().powf(y.re());
            D(r)
        }
    }

    /// `mul_add(self, a, b) = self * a + b` by num-dual arithmetic.
    pub fn mul_add(self, a: impl Into<D>, b: impl Into<D>) -> D {
        let (a, b) = (a.into(), b.into());
        let mut r = self.0 * a.0 + b.0;
        r.re = self.re().mul_add(a.re(), b.re());
        D(r)
    }

    /// `hypot` as `sqrt(x² + y²)` by num-dual, with derivative 0 at the origin.
    pub fn hypot(self, other: impl Into<D>) -> D {
        let other = other.into();
        let v = self.re().hypot(other.re());
        if v == 0.0 {
            return D::cst(0.0);
        }
        let r = (self.0 * self.0 + other.0 * other.0).sqrt();
        D::with_eps(v, r.eps)
    }

    /// `|x|`, derivative 0 at 0.
    pub fn abs(self) -> D {
        if self.re() > 0.0 {
            self
        } else if self.re() < 0.0 {
            -self
        } else {
            D::cst(self.re().abs())
        }
    }

    /// `signum`, derivative 0.
    pub fn signum(self) -> D {
        D::cst(self.re().signum())
    }

    /// `floor`, derivative 0.
    pub fn floor(self) -> D {
        D::cst(self.re().floor())
    }

    /// `ceil`, derivative 0.
    pub fn ceil(self) -> D {
        D::cst(self.re().ceil())
    }

    /// `round`, derivative 0.
    pub fn round(self) -> D {
        D::cst(self.re().round())
    }

    /// `trunc`, derivative 0.
    pub fn trunc(self) -> D {
        D::cst(self.re().trunc())
    }

    /// `max`: the larger argument; at a tie the derivatives are averaged.
    pub fn max(self, other: impl Into<D>) -> D {
        let other = other.into();
        if self.re() > other.re() {
            self
        } else if other.re() > self.re() {
            other
        } else {
            D::with_eps(self.re().max(other.re()), 0.5 * (self.eps() + other.eps()))
        }
    }

    /// `min`: the smaller argument; at a tie the derivatives are averaged.
    pub fn min(self, other: impl Into<D>) -> D {
        let other = other.into();
        if self.re() < other.re() {
            self
        } else if other.re() < self.re() {
            other
        } else {
            D::with_eps(self.re().min(other.re()), 0.5 * (self.eps() + other.eps()))
        }
    }

    /// `clamp`: `lo` below, `hi` above, `self` on the closed interval.
    pub fn clamp(self, lo: impl Into<D>, hi: impl Into<D>) -> D {
        let (lo, hi) = (lo.into(), hi.into());
        if self.re() < lo.re() {
            lo
        } else if self.re() > hi.re() {
            hi
        } else {
            self
        }
    }

    /// Radians to degrees, as a multiplication by num-dual.
    pub fn to_degrees(self) -> D {
        D::with_eps(
            self.re().to_degrees(),
            (self.0 * (180.0 / core::f64::consts::PI)).eps,
        )
    }

    /// Degrees to radians, as a multiplication by num-dual.
    pub fn to_radians(self) -> D {
        D::with_eps(
            self.re().to_radians(),
            (self.0 * (core::f64::consts::PI / 180.0)).eps,
        )
    }
}

impl Neg for D {
    type Output = D;
    fn neg(self) -> D {
        D(-self.0)
    }
}

macro_rules! binops {
    ($($tr:ident $m:ident $atr:ident $am:ident),*) => {$(
        impl $tr for D {
            type Output = D;
            fn $m(self, o: D) -> D {
                D($tr::$m(self.0, o.0))
            }
        }
        impl $tr<f64> for D {
            type Output = D;
            fn $m(self, o: f64) -> D {
                D($tr::$m(self.0, Dual64::from_re(o)))
            }
        }
        impl $tr<D> for f64 {
            type Output = D;
            fn $m(self, o: D) -> D {
                D($tr::$m(Dual64::from_re(self), o.0))
            }
        }
        impl $atr for D {
            fn $am(&mut self, o: D) {
                *self = $tr::$m(*self, o);
            }
        }
        impl $atr<f64> for D {
            fn $am(&mut self, o: f64) {
                *self = $tr::$m(*self, o);
            }
        }
    )*};
}

binops!(
    Add add AddAssign add_assign,
    Sub sub SubAssign sub_assign,
    Mul mul MulAssign mul_assign,
    Div div DivAssign div_assign
);

/// `x % y = x - trunc(x / y) * y`, with the quotient constant (num-dual leaves `%`
/// unimplemented).
fn rem(x: D, y: D) -> D {
    let q = (x.re() / y.re()).trunc();
    D::with_eps(x.re() % y.re(), x.eps() - q * y.eps())
}

impl Rem for D {
    type Output = D;
    fn rem(self, o: D) -> D {
        rem(self, o)
    }
}

impl Rem<f64> for D {
    type Output = D;
    fn rem(self, o: f64) -> D {
        rem(self, D::cst(o))
    }
}

impl Rem<D> for f64 {
    type Output = D;
    fn rem(self, o: D) -> D {
        rem(D::cst(self), o)
    }
}

impl RemAssign for D {
    fn rem_assign(&mut self, o: D) {
        *self = rem(*self, o);
    }
}

impl RemAssign<f64> for D {
    fn rem_assign(&mut self, o: f64) {
        *self = rem(*self, D::cst(o));
    }
}

impl PartialEq for D {
    fn eq(&self, o: &D) -> bool {
        self.re() == o.re()
    }
}

impl PartialEq<f64> for D {
    fn eq(&self, o: &f64) -> bool {
        self.re() == *o
    }
}

impl PartialEq<D> for f64 {
    fn eq(&self, o: &D) -> bool {
        *self == o.re()
    }
}

impl PartialOrd for D {
    fn partial_cmp(&self, o: &D) -> Option<core::cmp::Ordering> {
        self.re().partial_cmp(&o.re())
    }
}

impl PartialOrd<f64> for D {
    fn partial_cmp(&self, o: &f64) -> Option<core::cmp::Ordering> {
        self.re().partial_cmp(o)
    }
}

impl PartialOrd<D> for f64 {
    fn partial_cmp(&self, o: &D) -> Option<core::cmp::Ordering> {
        self.partial_cmp(&o.re())
    }
}

// ---------------------------------------------------------------------------------------
// Arguments, results, gradients.
// ---------------------------------------------------------------------------------------

/// An argument of a tested function: floats become [`D`] in the twin, the rest stay.
pub trait Arg: Copy + core::fmt::Debug {
    /// Its type in the dual twin.
    type Dual;
    /// Whether it is a float (differentiable by default).
    const FLOAT: bool;
    /// The twin's argument, seeded with derivative 1 when `seeded`.
    fn to_dual(self, seeded: bool) -> Self::Dual;
}

impl Arg for f64 {
    type Dual = D;
    const FLOAT: bool = true;
    fn to_dual(self, seeded: bool) -> D {
        if seeded { D::var(self) } else { D::cst(self) }
    }
}

impl Arg for f32 {
    type Dual = D;
    const FLOAT: bool = true;
    fn to_dual(self, seeded: bool) -> D {
        f64::from(self).to_dual(seeded)
    }
}

macro_rules! plain_args {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            type Dual = $t;
            const FLOAT: bool = false;
            fn to_dual(self, _: bool) -> $t {
                self
            }
        }
    )*};
}

plain_args!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool);

/// What a twin accepts for an argument of type `T`: `T` itself, or a constant `f64` for a
/// dual argument (so callers' twins can pass literals, as the callers themselves do).
pub trait IntoArg<T> {
    /// The argument.
    fn into_arg(self) -> T;
}

impl<T> IntoArg<T> for T {
    fn into_arg(self) -> T {
        self
    }
}

impl IntoArg<D> for f64 {
    fn into_arg(self) -> D {
        D::cst(self)
    }
}

/// A result type: `f64` or `f32`.
pub trait Float: Copy + core::fmt::Debug {
    /// The tolerance against `f64` dual numbers.
    const TOL: Tol;
    /// Widened to `f64` (exact).
    fn wide(self) -> f64;
}

impl Float for f64 {
    const TOL: Tol = TOL_F64;
    fn wide(self) -> f64 {
        self
    }
}

impl Float for f32 {
    const TOL: Tol = TOL_F32;
    fn wide(self) -> f64 {
        f64::from(self)
    }
}

/// A generated gradient (one float or a tuple of floats), flattened.
pub trait Grad {
    /// The components, in order, widened to `f64`.
    fn components(&self) -> Vec<f64>;
}

impl<F: Float> Grad for F {
    fn components(&self) -> Vec<f64> {
        vec![self.wide()]
    }
}

macro_rules! grad_tuples {
    ($(($($t:ident $i:tt),*)),*) => {$(
        impl<$($t: Float),*> Grad for ($($t,)*) {
            fn components(&self) -> Vec<f64> {
                vec![$(self.$i.wide()),*]
            }
        }
    )*};
}

grad_tuples!(
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, E 3),
    (A 0, B 1, C 2, E 3, G 4),
    (A 0, B 1, C 2, E 3, G 4, H 5),
    (A 0, B 1, C 2, E 3, G 4, H 5, I 6),
    (A 0, B 1, C 2, E 3, G 4, H 5, I 6, J 7)
);

/// The generated items of one function at one point, and the reference derivatives.
pub struct Observed {
    /// `f(args)`.
    pub value: f64,
    /// `f_value_and_grad(args)`.
    pub value_and_grad: (f64, Vec<f64>),
    /// `f_grad(args)`.
    pub grad: Vec<f64>,
    /// The dual twin's value.
    pub dual_value: f64,
    /// The dual twin's derivative with respect to each differentiated argument.
    pub dual_grad: Vec<f64>,
}

/// Checks the contract at one point: the value of `f_value_and_grad` is `f`'s exactly,
/// `f_grad` is its gradient exactly, and both agree with the dual numbers within `tol`.
#[track_caller]
pub fn check_observed(name: &str, point: &str, o: &Observed, tol: Tol) {
    let at = format!("{name}{point}");
    assert!(
        same(o.value_and_grad.0, o.value),
        "{at}: value_and_grad value {:e} != f {:e}",
        o.value_and_grad.0,
        o.value
    );
    assert_same(
        &o.grad,
        &o.value_and_grad.1,
        &format!("{at}: grad vs value_and_grad"),
    );
    assert_close(
        o.dual_value,
        o.value,
        tol,
        &format!("{at}: value vs dual value"),
    );
    assert_eq!(
        o.grad.len(),
        o.dual_grad.len(),
        "{at}: gradient length {:?} vs dual {:?}",
        o.grad,
        o.dual_grad
    );
    for (k, (&g, &r)) in o.grad.iter().zip(&o.dual_grad).enumerate() {
        assert_close(
            g,
            r,
            tol,
            &format!(
                "{at}: gradient component {k} (macro {:?} vs num-dual {:?})",
                o.grad, o.dual_grad
            ),
        );
    }
}

/// Checks generated items against a hand-written dual twin.
///
/// `dual(seed)` evaluates the twin with the `seed`-th differentiated argument seeded (and
/// none seeded when `seed == usize::MAX`); `n` is the number of differentiated arguments.
#[track_caller]
pub fn check_against<F: Float, G: Grad>(
    name: &str,
    point: &str,
    value: F,
    value_and_grad: (F, G),
    grad: G,
    n: usize,
    dual: impl Fn(usize) -> D,
) {
    let o = Observed {
        value: value.wide(),
        value_and_grad: (value_and_grad.0.wide(), value_and_grad.1.components()),
        grad: grad.components(),
        dual_value: dual(usize::MAX).re(),
        dual_grad: (0..n).map(|k| dual(k).eps()).collect(),
    };
    check_observed(name, point, &o, F::TOL);
}

/// Whether the argument `name` is differentiated, given the `wrt(..)` list if any.
pub fn in_wrt(wrt: Option<&[&str]>, name: &str) -> bool {
    wrt.is_none_or(|w| w.contains(&name))
}

/// Writes a function once, compiles it under `#[differentiable]` and as a dual twin, and
/// tests the two against each other at the listed points.
///
/// ```ignore
/// twin! {
///     #[differentiable]
///     fn f(x: f64, n: i32) -> f64 { x.powi(n) * 2.0 }
///     grad f_grad, f_value_and_grad;
///     at [(1.5, 3), (-0.5, 2)]
/// }
/// ```
///
/// The twin lives in `mod f { mod dual { .. } }`, where `f64` and `f32` are type aliases
/// of [`D`], so `f64::sin(x)` and `let y: f64 = ..` run on dual numbers. Casts `as f64`
/// cannot target the alias: functions with casts use `twin! { cast; .. }`, where the body
/// is compiled outside the aliases (signature types are still mapped to [`D`]).
///
/// Calls to other functions in the body resolve, in the twin, to the items listed in
/// `uses [name = path, ..];` (typically another twin's `crate::g::dual::eval`, or a module
/// of such functions standing in for a module path).
///
/// The names of the generated functions are spelled out because `macro_rules!` cannot
/// concatenate identifiers (and the root package has no `paste` dependency).
///
/// The attribute's `#` and `[..]` are forwarded as tokens of the invocation rather than
/// written inside this macro (hence the `$pound:tt $attr:tt` matchers): `#[differentiable]`
/// currently refers to the parameters in the generated bodies through new
/// `Span::call_site()` identifiers, and when the attribute comes from a `macro_rules!`
/// definition while the parameters come from its invoker, those identifiers do not resolve
/// (`cannot find value `x` in this scope`). Applying `#[differentiable]` inside
/// `macro_rules!` otherwise works.
#[macro_export]
macro_rules! twin {
    (
        $pound:tt $attr:tt
        $vis:vis fn $name:ident($($arg:ident : $ty:ident),* $(,)?) -> $ret:ident $body:tt
        grad $grad:ident, $vg:ident;
        $(uses [$($u:ident = $up:path),* $(,)?];)?
        at [$(($($p:expr),* $(,)?)),+ $(,)?]
    ) => {
        $crate::twin!(@emit alias; $pound $attr [$vis] $name ($($arg: $ty),*)
            $ret $body $grad $vg [$($($u = $up),*)?] [$(($($p),*)),+]);
    };
    (
        cast;
        $pound:tt $attr:tt
        $vis:vis fn $name:ident($($arg:ident : $ty:ident),* $(,)?) -> $ret:ident $body:tt
        grad $grad:ident, $vg:ident;
        $(uses [$($u:ident = $up:path),* $(,)?];)?
        at [$(($($p:expr),* $(,)?)),+ $(,)?]
    ) => {
        $crate::twin!(@emit cast; $pound $attr [$vis] $name ($($arg: $ty),*)
            $ret $body $grad $vg [$($($u = $up),*)?] [$(($($p),*)),+]);
    };
    (@wrt [differentiable]) => { None };
    (@wrt [differentiable(wrt($($w:ident),* $(,)?))]) => { Some(&[$(stringify!($w)),*][..]) };
    (@dty f64) => { $crate::common::D };
    (@dty f32) => { $crate::common::D };
    (@dty $t:ident) => { $t };
    (@dual alias; ($($arg:ident : $ty:ident),*) $ret:ident $body:tt [$($u:ident = $up:path),*]) => {
        #[allow(non_camel_case_types, unused_imports, unused_parens, unused_braces, dead_code, clippy::all)]
        pub(crate) mod dual {
            use super::super::*;
            $(use $up as $u;)*
            type f64 = $crate::common::D;
            type f32 = $crate::common::D;
            pub(crate) fn eval($($arg: impl $crate::common::IntoArg<$ty>),*) -> $ret {
                $(let $arg: $ty = $arg.into_arg();)*
                $body
            }
        }
    };
    (@dual cast; ($($arg:ident : $ty:ident),*) $ret:ident $body:tt [$($u:ident = $up:path),*]) => {
        #[allow(unused_imports, unused_parens, unused_braces, clippy::all)]
        pub(crate) mod dual {
            use super::super::*;
            $(use $up as $u;)*
            pub(crate) fn eval(
                $($arg: impl $crate::common::IntoArg<$crate::twin!(@dty $ty)>),*
            ) -> $crate::twin!(@dty $ret) {
                $(let $arg: $crate::twin!(@dty $ty) = $arg.into_arg();)*
                $body
            }
        }
    };
    (@emit $mode:ident; $pound:tt $attr:tt [$vis:vis] $name:ident
        ($($arg:ident : $ty:ident),*) $ret:ident $body:tt $grad:ident $vg:ident
        [$($u:ident = $up:path),*] [$(($($p:expr),*)),+]
    ) => {
        $pound $attr
        $vis fn $name($($arg: $ty),*) -> $ret $body

        #[allow(unused_imports)]
        pub(crate) mod $name {
            use super::*;

            $crate::twin!(@dual $mode; ($($arg: $ty),*) $ret $body [$($u = $up),*]);

            $crate::check_fn!(@check $crate::twin!(@wrt $attr); super::$name, super::$grad,
                super::$vg, dual::eval; ($($arg: $ty),*) [$(($($p),*)),+]);
        }
    };
}

/// Tests a `#[differentiable]` function against a hand-written dual twin (a function of
/// the same signature with every float replaced by [`D`]), for functions whose body the
/// dual numbers cannot run verbatim (calls to other functions, associated functions, `f32`
/// literals, …). `wrt [..]` lists the differentiated arguments when the attribute restricts
/// them.
///
/// ```ignore
/// check_fn! {
///     test caller_matches;
///     fn caller[x: f64, n: i32];
///     grad caller_grad, caller_value_and_grad;
///     dual caller_dual;
///     at [(1.5, 3), (-0.5, 2)]
/// }
/// ```
#[macro_export]
macro_rules! check_fn {
    (
        test $test:ident;
        fn $f:path[$($arg:ident : $ty:ident),* $(,)?];
        $(wrt [$($w:ident),*];)?
        grad $grad:path, $vg:path;
        dual $dual:path;
        at [$(($($p:expr),* $(,)?)),+ $(,)?]
    ) => {
        #[allow(unused_imports)]
        mod $test {
            use super::*;

            $crate::check_fn!(@check $crate::check_fn!(@wrt $([$($w),*])?); $f, $grad, $vg, $dual;
                ($($arg: $ty),*) [$(($($p),*)),+]);
        }
    };
    (@wrt) => { None };
    (@wrt [$($w:ident),*]) => { Some(&[$(stringify!($w)),*][..]) };
    (@check $wrt:expr; $f:path, $grad:path, $vg:path, $dual:path;
        ($($arg:ident : $ty:ident),*) [$(($($p:expr),*)),+]
    ) => {
        #[allow(clippy::too_many_arguments, unused_assignments)]
        pub(crate) fn check($($arg: $ty),*) {
            use $crate::common::Arg as _;
            let wrt: Option<&[&str]> = $wrt;
            let names: &[&str] = &[$(stringify!($arg)),*];
            let floats: &[bool] = &[$(<$ty as $crate::common::Arg>::FLOAT),*];
            let differentiated: Vec<usize> = (0..names.len())
                .filter(|&i| floats[i] && $crate::common::in_wrt(wrt, names[i]))
                .collect();
            let eval = |seed: usize| {
                let seeded = differentiated.get(seed).copied();
                let mut i = 0usize;
                $dual($({
                    let a = $arg.to_dual(seeded == Some(i));
                    i += 1;
                    a
                }),*)
            };
            let point = format!("{:?}", ($($arg,)*));
            $crate::common::check_against(
                stringify!($f),
                &point,
                $f($($arg),*),
                $vg($($arg),*),
                $grad($($arg),*),
                differentiated.len(),
                eval,
            );
        }

        #[test]
        fn matches_num_dual() {
            $(check($($p),*);)+
        }
    };
}
