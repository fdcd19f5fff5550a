//! Traces: what each step exposes ([`TraceableQuantities`], [`BatchQuantities`]), observer
//! callbacks that see it without allocating, and (with `alloc`) collected traces.
//!
//! Documented in the parent module ([`crate::minimize`], "Traces and observers").

use super::result::Status;
use super::seed::StepSeed;
use crate::params::Params;

/// Everything one step of [`Minimize`](super::Minimize) exposes (tfp's
/// `MinimizeTraceableQuantities`).
///
/// `C` is the criterion's state type and `O` the optimizer's.
///
/// ```
/// use autodiff_runtime::minimize::{StepSeed, TraceableQuantities};
///
/// let (g, x) = (2.0_f64, 0.8_f64);
/// let q = TraceableQuantities {
///     step: 0, loss: 1.0, gradients: &g, parameters: &x, has_converged: false,
///     criterion_state: &(), optimizer_state: &(), seed: StepSeed::for_step(0, 0),
///     learning_rate: 0.1, evaluations: 1,
/// };
/// assert_eq!(*q.parameters, 0.8);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TraceableQuantities<'a, P: Params, C, O> {
    /// The step index, from 0.
    pub step: usize,
    /// The loss at `θ_t`.
    pub loss: P::Scalar,
    /// The gradient at `θ_t`.
    pub gradients: &'a P,
    /// The parameters `θ_{t+1}` after this step's update.
    pub parameters: &'a P,
    /// Whether the criterion holds at this step (always `false` at step 0).
    pub has_converged: bool,
    /// The criterion's state after this step.
    pub criterion_state: &'a C,
    /// The optimizer's state after this step.
    pub optimizer_state: &'a O,
    /// The seed this step's evaluations received.
    pub seed: StepSeed,
    /// The learning rate used by this step's update.
    pub learning_rate: f64,
    /// Objective evaluations so far, this step's included.
    pub evaluations: usize,
}

/// Everything one step of [`BatchMinimize`](super::BatchMinimize) exposes, one slice
/// entry per member.
///
/// A member that stopped on a numerical failure (`failures[k]` is `Some`) keeps its last
/// finite values; its loss is NaN if it never had a finite one.
///
/// ```
/// use autodiff_runtime::minimize::{BatchQuantities, StepSeed};
///
/// let q = BatchQuantities {
///     step: 3, losses: &[1.0_f64, 2.0], gradients: &[0.5, 0.5], parameters: &[0.1, 0.2],
///     has_converged: &[true, false], batch_has_converged: false,
///     criterion_states: &[(), ()], optimizer_states: &[(), ()], failures: &[None, None],
///     seed: StepSeed::for_step(0, 3), learning_rate: 0.1, evaluations: 8,
/// };
/// assert_eq!(q.has_converged.iter().filter(|&&c| c).count(), 1);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct BatchQuantities<'a, P: Params, C, O> {
    /// The step index, from 0.
    pub step: usize,
    /// Each member's loss at its `θ_t`.
    pub losses: &'a [P::Scalar],
    /// Each member's gradient at its `θ_t`.
    pub gradients: &'a [P],
    /// Each member's parameters after this step's update.
    pub parameters: &'a [P],
    /// Each member's convergence flag (tfp's batched `has_converged`).
    pub has_converged: &'a [bool],
    /// The reduce rule applied to `has_converged`: whether the run stops here.
    pub batch_has_converged: bool,
    /// Each member's criterion state.
    pub criterion_states: &'a [C],
    /// Each member's optimizer state.
    pub optimizer_states: &'a [O],
    /// `Some(status)` for members stopped by a numerical failure.
    pub failures: &'a [Option<Status>],
    /// The step's seed; member `k` received `seed.fold_in(k)`.
    pub seed: StepSeed,
    /// The learning rate used by this step's updates.
    pub learning_rate: f64,
    /// Objective evaluations so far over all members.
    pub evaluations: usize,
}

/// Called after every step of a single-problem run. Implemented by every
/// `FnMut(&TraceableQuantities<P, C, O>)` and by [`NoObserver`].
///
/// ```
/// use autodiff_runtime::minimize::{Observe, StepSeed, TraceableQuantities};
///
/// let mut best = f64::INFINITY;
/// let mut observer = |q: &TraceableQuantities<'_, f64, (), ()>| best = best.min(q.loss);
/// let q = TraceableQuantities {
///     step: 0, loss: 3.0, gradients: &0.0, parameters: &0.0, has_converged: false,
///     criterion_state: &(), optimizer_state: &(), seed: StepSeed::for_step(0, 0),
///     learning_rate: 0.1, evaluations: 1,
/// };
/// observer.observe(&q);
/// assert_eq!(best, 3.0);
/// ```
pub trait Observe<P: Params, C, O> {
    /// Sees one step.
    fn observe(&mut self, quantities: &TraceableQuantities<'_, P, C, O>);
}

impl<P: Params, C, O, F: FnMut(&TraceableQuantities<'_, P, C, O>)> Observe<P, C, O> for F {
    fn observe(&mut self, quantities: &TraceableQuantities<'_, P, C, O>) {
        self(quantities)
    }
}

/// Called after every step of a batch run. Implemented by every
/// `FnMut(&BatchQuantities<P, C, O>)` and by [`NoObserver`].
///
/// ```
/// use autodiff_runtime::minimize::{BatchObserve, BatchQuantities, StepSeed};
///
/// let mut converged_counts = [0_usize; 4];
/// let mut observer = |q: &BatchQuantities<'_, f64, (), ()>| {
///     converged_counts[q.step] = q.has_converged.iter().filter(|&&c| c).count();
/// };
/// let q = BatchQuantities {
///     step: 1, losses: &[1.0], gradients: &[0.0], parameters: &[0.0], has_converged: &[true],
///     batch_has_converged: true, criterion_states: &[()], optimizer_states: &[()],
///     failures: &[None], seed: StepSeed::for_step(0, 1), learning_rate: 0.1, evaluations: 2,
/// };
/// observer.observe(&q);
/// assert_eq!(converged_counts, [0, 1, 0, 0]);
/// ```
pub trait BatchObserve<P: Params, C, O> {
    /// Sees one step.
    fn observe(&mut self, quantities: &BatchQuantities<'_, P, C, O>);
}

impl<P: Params, C, O, F: FnMut(&BatchQuantities<'_, P, C, O>)> BatchObserve<P, C, O> for F {
    fn observe(&mut self, quantities: &BatchQuantities<'_, P, C, O>) {
        self(quantities)
    }
}

/// The observer that ignores every step (the default).
///
/// ```
/// use autodiff_runtime::minimize::{NoObserver, Observe, StepSeed, TraceableQuantities};
///
/// let q = TraceableQuantities {
///     step: 0, loss: 1.0_f64, gradients: &0.0, parameters: &0.0, has_converged: false,
///     criterion_state: &(), optimizer_state: &(), seed: StepSeed::for_step(0, 0),
///     learning_rate: 0.1, evaluations: 1,
/// };
/// NoObserver.observe(&q);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoObserver;

impl<P: Params, C, O> Observe<P, C, O> for NoObserver {
    fn observe(&mut self, _: &TraceableQuantities<'_, P, C, O>) {}
}

impl<P: Params, C, O> BatchObserve<P, C, O> for NoObserver {
    fn observe(&mut self, _: &BatchQuantities<'_, P, C, O>) {}
}

/// Whether a collected trace is padded after early convergence (tfp's
/// `return_full_length_trace`).
///
/// ```
/// use autodiff_runtime::minimize::TraceLength;
///
/// assert_eq!(TraceLength::default(), TraceLength::Full);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TraceLength {
    /// `max_steps` entries: after convergence the last value is repeated (tfp's default,
    /// `return_full_length_trace=True`).
    #[default]
    Full,
    /// One entry per step taken (`return_full_length_trace=False`).
    Truncated,
}

/// Collects a trace during a run. Implemented by [`NoTrace`] and, with `alloc`, by
/// [`Collect`]; the driver calls [`record`](Record::record) after every step and
/// [`finish`](Record::finish) once.
///
/// ```
/// use autodiff_runtime::minimize::{NoTrace, Record};
///
/// let out: () = Record::<f64, (), ()>::finish(NoTrace, 10);
/// assert_eq!(out, ());
/// ```
pub trait Record<P: Params, C, O> {
    /// What the result's `trace` field holds.
    type Output;
    /// Called once before the first step with the step limit (to reserve room).
    fn start(&mut self, max_steps: usize) {
        let _ = max_steps;
    }
    /// Records one step.
    fn record(&mut self, quantities: &TraceableQuantities<'_, P, C, O>);
    /// Finishes, repeating the last value until there are `pad_to` entries (`pad_to` is 0
    /// when the trace is not to be padded).
    fn finish(self, pad_to: usize) -> Self::Output;
}

/// [`Record`] for batch runs.
///
/// ```
/// use autodiff_runtime::minimize::{BatchRecord, NoTrace};
///
/// let out: () = BatchRecord::<f64, (), ()>::finish(NoTrace, 10);
/// assert_eq!(out, ());
/// ```
pub trait BatchRecord<P: Params, C, O> {
    /// What the result's `trace` field holds.
    type Output;
    /// Called once before the first step with the step limit (to reserve room).
    fn start(&mut self, max_steps: usize) {
        let _ = max_steps;
    }
    /// Records one step.
    fn record(&mut self, quantities: &BatchQuantities<'_, P, C, O>);
    /// Finishes, padding to `pad_to` entries as in [`Record::finish`].
    fn finish(self, pad_to: usize) -> Self::Output;
}

/// No trace (the default): the result's `trace` is `()`.
///
/// ```
/// use autodiff_runtime::minimize::NoTrace;
///
/// let _ = NoTrace;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoTrace;

impl<P: Params, C, O> Record<P, C, O> for NoTrace {
    type Output = ();
    fn record(&mut self, _: &TraceableQuantities<'_, P, C, O>) {}
    fn finish(self, _: usize) {}
}

impl<P: Params, C, O> BatchRecord<P, C, O> for NoTrace {
    type Output = ();
    fn record(&mut self, _: &BatchQuantities<'_, P, C, O>) {}
    fn finish(self, _: usize) {}
}

#[cfg(feature = "alloc")]
pub use collect::Collect;

#[cfg(feature = "alloc")]
mod collect {
    use super::{BatchQuantities, BatchRecord, Record, TraceableQuantities};
    use crate::params::Params;
    use alloc::vec::Vec;

    /// A trace function and the values it returned so far (feature `alloc`): what
    /// [`Minimize::trace`](crate::minimize::Minimize::trace) installs. Its output is a
    /// `Vec<T>`, reserved once for `max_steps` entries when the run starts.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Collect, Record, StepSeed, TraceableQuantities};
    ///
    /// let mut trace = Collect::new(|q: &TraceableQuantities<'_, f64, (), ()>| q.loss);
    /// let q = TraceableQuantities {
    ///     step: 0, loss: 2.0, gradients: &0.0, parameters: &0.0, has_converged: true,
    ///     criterion_state: &(), optimizer_state: &(), seed: StepSeed::for_step(0, 0),
    ///     learning_rate: 0.1, evaluations: 1,
    /// };
    /// trace.record(&q);
    /// assert_eq!(trace.finish(3), vec![2.0, 2.0, 2.0]); // padded
    /// ```
    #[derive(Debug, Clone)]
    pub struct Collect<F, T> {
        trace_fn: F,
        values: Vec<T>,
    }

    impl<F, T> Collect<F, T> {
        /// A collector for `trace_fn`, empty.
        ///
        /// ```
        /// use autodiff_runtime::minimize::{BatchQuantities, Collect};
        ///
        /// let _c: Collect<_, usize> = Collect::new(|q: &BatchQuantities<'_, f64, (), ()>| q.step);
        /// ```
        pub fn new(trace_fn: F) -> Self {
            Collect {
                trace_fn,
                values: Vec::new(),
            }
        }

        fn padded(mut self, pad_to: usize) -> Vec<T>
        where
            T: Clone,
        {
            if let Some(last) = self.values.last().cloned() {
                let missing = pad_to.saturating_sub(self.values.len());
                self.values.extend(core::iter::repeat_n(last, missing));
            }
            self.values
        }
    }

    impl<P, C, O, T, F> Record<P, C, O> for Collect<F, T>
    where
        P: Params,
        T: Clone,
        F: FnMut(&TraceableQuantities<'_, P, C, O>) -> T,
    {
        type Output = Vec<T>;
        fn start(&mut self, max_steps: usize) {
            self.values.reserve(max_steps.min(1 << 16));
        }
        fn record(&mut self, quantities: &TraceableQuantities<'_, P, C, O>) {
            self.values.push((self.trace_fn)(quantities));
        }
        fn finish(self, pad_to: usize) -> Vec<T> {
            self.padded(pad_to)
        }
    }

    impl<P, C, O, T, F> BatchRecord<P, C, O> for Collect<F, T>
    where
        P: Params,
        T: Clone,
        F: FnMut(&BatchQuantities<'_, P, C, O>) -> T,
    {
        type Output = Vec<T>;
        fn start(&mut self, max_steps: usize) {
            self.values.reserve(max_steps.min(1 << 16));
        }
        fn record(&mut self, quantities: &BatchQuantities<'_, P, C, O>) {
            self.values.push((self.trace_fn)(quantities));
        }
        fn finish(self, pad_to: usize) -> Vec<T> {
            self.padded(pad_to)
        }
    }
}
