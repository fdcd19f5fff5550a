//! [`Params`]: the vector space optimizers act on.
//!
//! Parameters have the same shape as the gradients `#[differentiable]` generates: a float,
//! an array of parameters, a tuple of parameters or (with `alloc`) a `Vec` of parameters,
//! nested freely, like a JAX pytree. Optimizer state has the same shape, so fixed-size
//! problems allocate nothing.

use crate::real::Real;

/// A pytree of floats that optimizers can update component by component.
///
/// Every method visits the scalar components in one fixed order (depth first, left to
/// right), so several values of the same shape can be walked in lock step.
///
/// ```
/// use autodiff_runtime::Params;
///
/// let mut theta = ([1.0_f64, 2.0], 3.0_f64);
/// let grad = ([0.5_f64, 0.5], 1.0_f64);
/// assert_eq!(theta.dim(), 3);
/// assert_eq!(Params::dot(&theta, &grad), 4.5);
/// // theta <- theta - 0.1 * grad, component by component.
/// Params::zip_apply([&mut theta], &grad, &mut |[t], g| *t -= 0.1 * g);
/// assert_eq!(theta, ([0.95, 1.95], 2.9));
/// ```
pub trait Params: Clone {
    /// The float type of every component.
    type Scalar: Real;

    /// The number of scalar components.
    fn dim(&self) -> usize;

    /// A value of the same shape with every component set to `value`.
    fn filled_like(&self, value: Self::Scalar) -> Self;

    /// Walks `targets` (mutably) and `source` in lock step, calling `f` with the matching
    /// components. All arguments must have the same shape (`Vec` lengths included).
    fn zip_apply<const N: usize, Func>(targets: [&mut Self; N], source: &Self, f: &mut Func)
    where
        Func: FnMut([&mut Self::Scalar; N], Self::Scalar);

    /// Folds over the matching components of `a` and `b`.
    fn zip_fold<Acc, Func>(a: &Self, b: &Self, init: Acc, f: &mut Func) -> Acc
    where
        Func: FnMut(Acc, Self::Scalar, Self::Scalar) -> Acc;

    /// A value of the same shape with every component zero.
    #[inline]
    fn zeros_like(&self) -> Self {
        self.filled_like(Self::Scalar::zero())
    }

    /// The inner product `Σ aᵢ bᵢ`.
    #[inline]
    fn dot(a: &Self, b: &Self) -> Self::Scalar {
        Self::zip_fold(a, b, Self::Scalar::zero(), &mut |acc, x, y| acc + x * y)
    }

    /// The largest absolute component (`‖·‖∞`), or zero for an empty value.
    #[inline]
    fn max_abs(&self) -> Self::Scalar {
        Self::zip_fold(self, self, Self::Scalar::zero(), &mut |acc, x, _| {
            let a = x.abs();
            if a > acc { a } else { acc }
        })
    }

    /// Whether every component is finite. Visits every component without a branch (OR-ing
    /// [`Real::non_finite_bits`]), which for arrays of floats runs in vector registers: the
    /// driver checks the gradient and the updated parameters this way at every step.
    ///
    /// ```
    /// use autodiff_runtime::Params;
    ///
    /// assert!(([1.0_f64, 2.0], 3.0_f64).all_finite());
    /// assert!(!([1.0_f64, f64::NAN], 3.0_f64).all_finite());
    /// ```
    #[inline]
    fn all_finite(&self) -> bool {
        Self::zip_fold(self, self, 0, &mut |acc, x, _| acc | x.non_finite_bits()) == 0
    }

    /// Overwrites every component with the matching component of `source` (same shape,
    /// `Vec` lengths included), without allocating: arrays and `Vec`s of floats copy as one
    /// block.
    ///
    /// ```
    /// use autodiff_runtime::Params;
    ///
    /// let mut a = ([0.0_f64; 2], 0.0_f64);
    /// a.copy_from(&([1.0, 2.0], 3.0));
    /// assert_eq!(a, ([1.0, 2.0], 3.0));
    /// ```
    #[inline]
    fn copy_from(&mut self, source: &Self) {
        Self::zip_apply([self], source, &mut |[d], s| *d = s);
    }

    /// `Σ xᵢ²`, the squared Euclidean norm. Arrays and `Vec`s sum in four interleaved
    /// partial sums (the driver computes this every step; one running sum is a chain of
    /// dependent additions), so the result may differ from [`Params::dot`]`(x, x)` in the
    /// last bits.
    ///
    /// ```
    /// use autodiff_runtime::Params;
    ///
    /// assert_eq!([3.0_f64, 4.0].sum_of_squares(), 25.0);
    /// ```
    #[inline]
    fn sum_of_squares(&self) -> Self::Scalar {
        Self::dot(self, self)
    }
}

/// `Σ sum_of_squares` over `items`, in four interleaved partial sums.
#[inline]
fn sum_of_squares_of<P: Params>(items: &[P]) -> P::Scalar {
    let zero = P::Scalar::zero();
    let mut lanes = [zero; 4];
    let mut chunks = items.chunks_exact(4);
    for c in &mut chunks {
        lanes[0] += c[0].sum_of_squares();
        lanes[1] += c[1].sum_of_squares();
        lanes[2] += c[2].sum_of_squares();
        lanes[3] += c[3].sum_of_squares();
    }
    let mut tail = zero;
    for p in chunks.remainder() {
        tail += p.sum_of_squares();
    }
    ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + tail
}

macro_rules! impl_scalar_params {
    ($($t:ty),*) => {$(
        impl Params for $t {
            type Scalar = $t;

            #[inline]
            fn dim(&self) -> usize {
                1
            }

            #[inline]
            fn filled_like(&self, value: $t) -> $t {
                value
            }

            #[inline]
            fn zip_apply<const N: usize, Func>(targets: [&mut $t; N], source: &$t, f: &mut Func)
            where
                Func: FnMut([&mut $t; N], $t),
            {
                f(targets, *source)
            }

            #[inline]
            fn zip_fold<Acc, Func>(a: &$t, b: &$t, init: Acc, f: &mut Func) -> Acc
            where
                Func: FnMut(Acc, $t, $t) -> Acc,
            {
                f(init, *a, *b)
            }

            #[inline]
            fn copy_from(&mut self, source: &$t) {
                *self = *source;
            }
        }
    )*};
}
impl_scalar_params!(f32, f64);

impl<P: Params, const L: usize> Params for [P; L] {
    type Scalar = P::Scalar;

    #[inline]
    fn dim(&self) -> usize {
        self.iter().map(Params::dim).sum()
    }

    #[inline]
    fn filled_like(&self, value: Self::Scalar) -> Self {
        core::array::from_fn(|i| self[i].filled_like(value))
    }

    #[inline]
    fn zip_apply<const N: usize, Func>(mut targets: [&mut Self; N], source: &Self, f: &mut Func)
    where
        Func: FnMut([&mut Self::Scalar; N], Self::Scalar),
    {
        for (i, s) in source.iter().enumerate() {
            P::zip_apply(targets.each_mut().map(|t| &mut t[i]), s, f);
        }
    }

    #[inline]
    fn zip_fold<Acc, Func>(a: &Self, b: &Self, init: Acc, f: &mut Func) -> Acc
    where
        Func: FnMut(Acc, Self::Scalar, Self::Scalar) -> Acc,
    {
        a.iter()
            .zip(b.iter())
            .fold(init, |acc, (x, y)| P::zip_fold(x, y, acc, f))
    }

    #[inline]
    fn sum_of_squares(&self) -> Self::Scalar {
        sum_of_squares_of(self)
    }

    #[inline]
    fn copy_from(&mut self, source: &Self) {
        for (d, s) in self.iter_mut().zip(source) {
            d.copy_from(s);
        }
    }
}

#[cfg(feature = "alloc")]
impl<P: Params> Params for alloc::vec::Vec<P> {
    type Scalar = P::Scalar;

    #[inline]
    fn dim(&self) -> usize {
        self.iter().map(Params::dim).sum()
    }

    #[inline]
    fn filled_like(&self, value: Self::Scalar) -> Self {
        self.iter().map(|p| p.filled_like(value)).collect()
    }

    #[inline]
    fn zip_apply<const N: usize, Func>(mut targets: [&mut Self; N], source: &Self, f: &mut Func)
    where
        Func: FnMut([&mut Self::Scalar; N], Self::Scalar),
    {
        for t in targets.iter() {
            assert_eq!(
                t.len(),
                source.len(),
                "Params::zip_apply: Vec lengths differ"
            );
        }
        for (i, s) in source.iter().enumerate() {
            P::zip_apply(targets.each_mut().map(|t| &mut t[i]), s, f);
        }
    }

    #[inline]
    fn zip_fold<Acc, Func>(a: &Self, b: &Self, init: Acc, f: &mut Func) -> Acc
    where
        Func: FnMut(Acc, Self::Scalar, Self::Scalar) -> Acc,
    {
        assert_eq!(a.len(), b.len(), "Params::zip_fold: Vec lengths differ");
        a.iter()
            .zip(b.iter())
            .fold(init, |acc, (x, y)| P::zip_fold(x, y, acc, f))
    }

    #[inline]
    fn sum_of_squares(&self) -> Self::Scalar {
        sum_of_squares_of(self)
    }

    #[inline]
    fn copy_from(&mut self, source: &Self) {
        assert_eq!(
            self.len(),
            source.len(),
            "Params::copy_from: Vec lengths differ"
        );
        for (d, s) in self.iter_mut().zip(source) {
            d.copy_from(s);
        }
    }
}

macro_rules! impl_tuple_params {
    ($first:ident : $fi:tt $(, $name:ident : $idx:tt)*) => {
        impl<$first: Params, $($name: Params<Scalar = $first::Scalar>),*> Params for ($first, $($name,)*) {
            type Scalar = $first::Scalar;

            #[inline]
            fn dim(&self) -> usize {
                self.$fi.dim() $(+ self.$idx.dim())*
            }

            #[inline]
            fn filled_like(&self, value: Self::Scalar) -> Self {
                (self.$fi.filled_like(value), $(self.$idx.filled_like(value),)*)
            }

            #[inline]
            fn zip_apply<const N: usize, Func>(mut targets: [&mut Self; N], source: &Self, f: &mut Func)
            where
                Func: FnMut([&mut Self::Scalar; N], Self::Scalar),
            {
                $first::zip_apply(targets.each_mut().map(|t| &mut t.$fi), &source.$fi, f);
                $($name::zip_apply(targets.each_mut().map(|t| &mut t.$idx), &source.$idx, f);)*
            }

            #[inline]
            fn zip_fold<Acc, Func>(a: &Self, b: &Self, init: Acc, f: &mut Func) -> Acc
            where
                Func: FnMut(Acc, Self::Scalar, Self::Scalar) -> Acc,
            {
                let acc = $first::zip_fold(&a.$fi, &b.$fi, init, f);
                $(let acc = $name::zip_fold(&a.$idx, &b.$idx, acc, f);)*
                acc
            }

            #[inline]
            fn sum_of_squares(&self) -> Self::Scalar {
                self.$fi.sum_of_squares() $(+ self.$idx.sum_of_squares())*
            }

            #[inline]
            fn copy_from(&mut self, source: &Self) {
                self.$fi.copy_from(&source.$fi);
                $(self.$idx.copy_from(&source.$idx);)*
            }
        }
    };
}
impl_tuple_params!(A: 0);
impl_tuple_params!(A: 0, B: 1);
impl_tuple_params!(A: 0, B: 1, C: 2);
impl_tuple_params!(A: 0, B: 1, C: 2, D: 3);
impl_tuple_params!(A: 0, B: 1, C: 2, D: 3, E: 4);
impl_tuple_params!(A: 0, B: 1, C: 2, D: 3, E: 4, G: 5);
