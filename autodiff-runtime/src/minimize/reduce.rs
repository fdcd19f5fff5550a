//! How a batch's per-member convergence flags decide when the run stops (tfp's
//! `batch_convergence_reduce_fn`).

/// Reduces per-member `has_converged` flags to "stop now". Implemented by [`All`] (the
/// default, tfp's `tf.reduce_all`), [`Any`] (`tf.reduce_any`) and every
/// `Fn(&[bool]) -> bool`.
///
/// ```
/// use autodiff_runtime::minimize::{All, Any, Reduce};
///
/// let flags = [true, false, true];
/// assert!(!All.reduce(&flags));
/// assert!(Any.reduce(&flags));
/// // More than half, like tfp's `lambda x: tf.reduce_mean(tf.cast(x, tf.float32)) > 0.5`:
/// let majority = |f: &[bool]| 2 * f.iter().filter(|&&c| c).count() > f.len();
/// assert!(majority.reduce(&flags));
/// ```
pub trait Reduce {
    /// Whether the run stops, given each member's flag.
    fn reduce(&self, has_converged: &[bool]) -> bool;
}

/// Stop once every member has converged (tfp's default, `tf.reduce_all`).
///
/// ```
/// use autodiff_runtime::minimize::{All, Reduce};
///
/// assert!(All.reduce(&[true, true]));
/// assert!(!All.reduce(&[true, false]));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct All;

/// Stop once any member has converged (`tf.reduce_any`).
///
/// ```
/// use autodiff_runtime::minimize::{Any, Reduce};
///
/// assert!(Any.reduce(&[false, true]));
/// assert!(!Any.reduce(&[false, false]));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Any;

impl Reduce for All {
    fn reduce(&self, has_converged: &[bool]) -> bool {
        has_converged.iter().all(|&c| c)
    }
}

impl Reduce for Any {
    fn reduce(&self, has_converged: &[bool]) -> bool {
        has_converged.iter().any(|&c| c)
    }
}

impl<F: Fn(&[bool]) -> bool> Reduce for F {
    fn reduce(&self, has_converged: &[bool]) -> bool {
        self(has_converged)
    }
}
