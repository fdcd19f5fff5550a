//! [`Members`]: the containers a batch's parameters (and everything per member) live in.

use crate::params::Params;

/// A fixed- or variable-size collection of batch members: `[P; K]` (no allocation) or,
/// with `alloc`, `Vec<P>`. The driver keeps every per-member quantity (gradients,
/// optimizer and criterion states, flags) in a container of the same kind, [`Members::Same`].
///
/// ```
/// use autodiff_runtime::minimize::Members;
///
/// let x0 = [0.0_f64, 1.0, 2.0];
/// let doubled: [f64; 3] = x0.build(|k| 2.0 * x0.members()[k]);
/// assert_eq!(doubled, [0.0, 2.0, 4.0]);
/// ```
pub trait Members {
    /// One member's parameters.
    type Item: Params;
    /// A container of the same kind and length holding `T`s.
    type Same<T>: AsRef<[T]> + AsMut<[T]>;

    /// The members as a slice.
    fn members(&self) -> &[Self::Item];

    /// The members as a mutable slice.
    fn members_mut(&mut self) -> &mut [Self::Item];

    /// A container of the same length with `f(k)` at index `k`.
    fn build<T>(&self, f: impl FnMut(usize) -> T) -> Self::Same<T>;
}

impl<P: Params, const K: usize> Members for [P; K] {
    type Item = P;
    type Same<T> = [T; K];

    fn members(&self) -> &[P] {
        self
    }

    fn members_mut(&mut self) -> &mut [P] {
        self
    }

    fn build<T>(&self, f: impl FnMut(usize) -> T) -> [T; K] {
        core::array::from_fn(f)
    }
}

#[cfg(feature = "alloc")]
impl<P: Params> Members for alloc::vec::Vec<P> {
    type Item = P;
    type Same<T> = alloc::vec::Vec<T>;

    fn members(&self) -> &[P] {
        self
    }

    fn members_mut(&mut self) -> &mut [P] {
        self
    }

    fn build<T>(&self, f: impl FnMut(usize) -> T) -> alloc::vec::Vec<T> {
        (0..self.len()).map(f).collect()
    }
}
