//! Harness for functions of arrays, slices and `Vec`s (the `tests/loops_*.rs` tests).
//!
//! The tested function's dual twin is written by hand on [`D`] (or, for a function generic
//! over `T: Float`, is the function itself at `T = D`, see `num_float.rs`). A twin is
//! evaluated once per differentiated scalar, with that scalar seeded:
//!
//! - [`Seed`] turns the arguments into dual numbers, seeding the `k`-th float of all the
//!   differentiated arguments (counted in argument order, arrays row by row);
//! - [`Flat`] flattens a generated gradient (a float, an array, a `Vec`, nested, or a tuple
//!   of those) into the same order;
//! - [`check_at`] checks the contract of `check_observed` at one point.

use super::{D, Float, Observed, Tol, assert_same, check_observed};

/// Floats, arrays, slices and `Vec`s of them (nested), and tuples of those, flattened in
/// order (arrays row by row), widened to `f64`.
pub trait Flat {
    /// Appends the components to `out`.
    fn flat_into(&self, out: &mut Vec<f64>);

    /// The components.
    fn flat(&self) -> Vec<f64> {
        let mut out = Vec::new();
        self.flat_into(&mut out);
        out
    }

    /// The number of components.
    fn count(&self) -> usize {
        self.flat().len()
    }
}

impl Flat for f64 {
    fn flat_into(&self, out: &mut Vec<f64>) {
        out.push(*self);
    }
}

impl Flat for f32 {
    fn flat_into(&self, out: &mut Vec<f64>) {
        out.push(f64::from(*self));
    }
}

impl<T: Flat> Flat for [T] {
    fn flat_into(&self, out: &mut Vec<f64>) {
        self.iter().for_each(|t| t.flat_into(out));
    }
}

impl<T: Flat, const N: usize> Flat for [T; N] {
    fn flat_into(&self, out: &mut Vec<f64>) {
        self[..].flat_into(out);
    }
}

impl<T: Flat> Flat for Vec<T> {
    fn flat_into(&self, out: &mut Vec<f64>) {
        self[..].flat_into(out);
    }
}

impl<T: Flat + ?Sized> Flat for &T {
    fn flat_into(&self, out: &mut Vec<f64>) {
        (**self).flat_into(out);
    }
}

macro_rules! flat_tuples {
    ($(($($t:ident $i:tt),*)),*) => {$(
        impl<$($t: Flat),*> Flat for ($($t,)*) {
            fn flat_into(&self, out: &mut Vec<f64>) {
                $(self.$i.flat_into(out);)*
            }
        }
    )*};
}

flat_tuples!(
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, E 3),
    (A 0, B 1, C 2, E 3, G 4),
    (A 0, B 1, C 2, E 3, G 4, H 5),
    (A 0, B 1, C 2, E 3, G 4, H 5, I 6)
);

/// Floats and containers of floats, turned into dual numbers of the same shape.
pub trait Seed {
    /// The dual-number version (a slice becomes a `Vec`).
    type Dual;

    /// The dual numbers, the float numbered `seed` seeded (derivative 1) and the others
    /// constant, numbering from `*next` on (which is advanced past this argument). `None`
    /// seeds nothing.
    fn seed(&self, seed: Option<usize>, next: &mut usize) -> Self::Dual;

    /// The dual numbers, all constant (for data arguments).
    fn cst(&self) -> Self::Dual {
        self.seed(None, &mut 0)
    }
}

impl Seed for f64 {
    type Dual = D;
    fn seed(&self, seed: Option<usize>, next: &mut usize) -> D {
        let d = if seed == Some(*next) {
            D::var(*self)
        } else {
            D::cst(*self)
        };
        *next += 1;
        d
    }
}

impl Seed for f32 {
    type Dual = D;
    fn seed(&self, seed: Option<usize>, next: &mut usize) -> D {
        f64::from(*self).seed(seed, next)
    }
}

impl<T: Seed> Seed for [T] {
    type Dual = Vec<T::Dual>;
    fn seed(&self, seed: Option<usize>, next: &mut usize) -> Vec<T::Dual> {
        self.iter().map(|t| t.seed(seed, next)).collect()
    }
}

impl<T: Seed, const N: usize> Seed for [T; N] {
    type Dual = [T::Dual; N];
    fn seed(&self, seed: Option<usize>, next: &mut usize) -> [T::Dual; N] {
        let mut it = self.iter();
        core::array::from_fn(|_| it.next().expect("N elements").seed(seed, next))
    }
}

impl<T: Seed> Seed for Vec<T> {
    type Dual = Vec<T::Dual>;
    fn seed(&self, seed: Option<usize>, next: &mut usize) -> Vec<T::Dual> {
        self[..].seed(seed, next)
    }
}

/// Checks a function of arrays at one point: the value of `f_value_and_grad` is `f`'s bit
/// for bit, `f_grad` is its gradient bit for bit, and value and gradient agree with the
/// dual twin within `F::TOL`.
///
/// `dual(seed)` evaluates the twin with the float numbered `seed` of the differentiated
/// arguments seeded (see [`Seed`]), `None` for the value; the gradient has as many
/// components as `grad` flattens to.
#[track_caller]
pub fn check_at<F: Float, G: Flat>(
    name: &str,
    point: &str,
    value: F,
    value_and_grad: (F, G),
    grad: G,
    dual: impl Fn(Option<usize>) -> D,
) {
    check_at_tol(name, point, value, value_and_grad, grad, dual, F::TOL);
}

/// [`check_at`] with an explicit tolerance.
#[track_caller]
pub fn check_at_tol<F: Float, G: Flat>(
    name: &str,
    point: &str,
    value: F,
    value_and_grad: (F, G),
    grad: G,
    dual: impl Fn(Option<usize>) -> D,
    tol: Tol,
) {
    let grad = grad.flat();
    let o = Observed {
        value: value.wide(),
        value_and_grad: (value_and_grad.0.wide(), value_and_grad.1.flat()),
        dual_value: dual(None).re(),
        dual_grad: (0..grad.len()).map(|k| dual(Some(k)).eps()).collect(),
        grad,
    };
    check_observed(name, point, &o, tol);
}

/// Asserts that two gradients (of any shape) are the same, bit for bit.
#[track_caller]
pub fn assert_same_grad<G: Flat + ?Sized, H: Flat + ?Sized>(a: &G, b: &H, what: &str) {
    assert_same(&a.flat(), &b.flat(), what);
}

/// Asserts that two gradients (of any shape) agree within `tol`, component by component.
#[track_caller]
pub fn assert_close_grad<G: Flat + ?Sized, H: Flat + ?Sized>(a: &G, b: &H, tol: Tol, what: &str) {
    let (a, b) = (a.flat(), b.flat());
    assert_eq!(a.len(), b.len(), "{what}: lengths differ: {a:?} vs {b:?}");
    for (k, (&x, &y)) in a.iter().zip(&b).enumerate() {
        super::assert_close(x, y, tol, &format!("{what}[{k}] ({a:?} vs {b:?})"));
    }
}

/// A deterministic pseudo-random sequence in `[lo, hi)` (a 64-bit LCG), for the points of
/// large arguments.
pub fn sequence(seed: u64, len: usize, lo: f64, hi: f64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let unit = (s >> 11) as f64 / (1u64 << 53) as f64;
            lo + (hi - lo) * unit
        })
        .collect()
}

/// An array of `N` values of [`sequence`].
pub fn array<const N: usize>(seed: u64, lo: f64, hi: f64) -> [f64; N] {
    let v = sequence(seed, N, lo, hi);
    core::array::from_fn(|i| v[i])
}
