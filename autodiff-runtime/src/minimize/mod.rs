//! The `minimize` driver: `tfp.math.minimize` in Rust.
//!
//! | tfp | here |
//! | --- | --- |
//! | `minimize(loss_fn, num_steps, optimizer)` | [`Minimize::new`]`(objective, x0, optimizer)`[`.max_steps(n)`](Minimize::max_steps)[`.run()`](Minimize::run) |
//! | `loss_fn` returning loss (gradients by tape) | `FnMut(&P, &mut P) -> loss` writing the gradient, or [`Minimize::with_value_and_grad`] for generated `f_value_and_grad` |
//! | `convergence_criterion` | [`.criterion(…)`](Minimize::criterion): [`LossNotDecreasing`], [`SuccessiveGradientsAreUncorrelated`], [`GradientNorm`], [`ParameterChange`], [`AnyOf`], or your own [`Criterion`] |
//! | `trace_fn` | [`.observe(…)`](Minimize::observe) (no allocation) or [`.trace(…)`](Minimize::trace) (collected, `alloc`) over [`TraceableQuantities`] |
//! | `return_full_length_trace` | [`.trace_length(…)`](Minimize::trace_length) with [`TraceLength`] |
//! | batched loss + `batch_convergence_reduce_fn` | [`BatchMinimize`] with [`.reduce(…)`](BatchMinimize::reduce): [`All`], [`Any`], any `Fn(&[bool]) -> bool` |
//! | `seed` → `loss_fn(seed=…)` | [`Minimize::stochastic`] + [`.seed(…)`](Minimize::seed), see [`StepSeed`] |
//! | returns the trace (and `minimize_stateless`: final parameters) | [`MinimizeResult`]: parameters, last loss and gradient norm, [`Status`], step and evaluation counts, trace |
//! | `jit_compile` | nothing to do: the loop is ordinary compiled Rust |
//! | a Keras `LearningRateSchedule` inside the optimizer | [`.schedule(…)`](Minimize::schedule) with any [`Schedule`](crate::schedule::Schedule) |
//!
//! ```
//! use autodiff_runtime::minimize::{LossNotDecreasing, Minimize, Status};
//! use autodiff_runtime::optim::Adam;
//!
//! let loss = |x: &f64, g: &mut f64| { *g = 2.0 * (x - 5.0); (x - 5.0) * (x - 5.0) };
//! let result = Minimize::new(loss, 0.0, Adam::new(0.1).unwrap())
//!     .max_steps(1000)
//!     .criterion(LossNotDecreasing::atol(0.01))
//!     .trace(|q| q.loss)
//!     .run()
//!     .unwrap();
//! assert_eq!(result.status, Status::Converged);
//! assert_eq!(result.trace.len(), 1000); // padded, tfp's return_full_length_trace=True
//! ```
//!
//! # Semantics (tfp's, with the differences listed)
//!
//! * Step `t` evaluates loss and gradient at `θ_t`, updates to `θ_{t+1}`, then consults
//!   the criterion with `(t, loss_t, g_t, θ_{t+1})`: `bootstrap` at step 0 (never
//!   converged), `one_step` after, with `has_converged &= t ≥ min_num_steps`. Traces and
//!   observers see the same quantities.
//! * The run stops after the first step at which the criterion (batch: the reduce rule)
//!   holds. tfp keeps looping without evaluating and pads the trace; here the loop ends
//!   and a full-length trace is padded the same way.
//! * `max_steps(0)` takes no step (tfp still takes its bootstrap step).
//! * A NaN or infinite loss, gradient or update ends the run (batch: freezes the member)
//!   with a [`Status`] naming it, and the parameters returned are the last ones with a
//!   finite loss and gradient. tfp has no such check and carries NaN on.
//! * tfp's quirks — `SuccessiveGradientsAreUncorrelated` comparing with the first
//!   gradient, its `window_size=inf`, `LossNotDecreasing` without a tolerance — are
//!   discussed where they apply: [`GradientReference`], [`LossNotDecreasing`].
//! * Invalid configuration (a window below 1, a negative tolerance, an empty batch) is a
//!   [`ConfigError`](crate::ConfigError) from `run`, never a panic.
//! * Learning-rate schedules ([`crate::schedule`]) plug in with
//!   [`Minimize::schedule`] / [`BatchMinimize::schedule`]; the driver starts them before
//!   step 0 and steps them after every step with that step's loss as the metric.
//!
//! # Convergence criteria
//!
//! A criterion follows tfp's `ConvergenceCriterion` protocol. At step 0 the driver calls
//! [`Criterion::bootstrap`] (which never reports convergence); at every later step `t` it
//! calls [`Criterion::one_step`], which runs [`Criterion::update`] and then applies
//! `has_converged &= t >= min_num_steps`. Each call sees what tfp's `one_step` sees
//! ([`StepData`]): the step index, the loss and gradient evaluated at `θ_t`, and the
//! parameters `θ_{t+1}` the update produced.
//!
//! | criterion | converged when | tfp |
//! | --- | --- | --- |
//! | [`LossNotDecreasing`] | moving average of the loss decrease `< max(atol, rtol·initial)` | same |
//! | [`SuccessiveGradientsAreUncorrelated`] | moving average of `⟨g_t, g_{t−1}⟩ < 0` | same, see its quirk |
//! | [`GradientNorm`] | `‖g_t‖ ≤ tol` | — (L-BFGS's `tolerance`) |
//! | [`ParameterChange`] | `‖θ_{t+1} − θ_t‖ ≤ tol` | — (L-BFGS's `x_tolerance`) |
//! | [`AnyOf`] | either of two criteria | — |
//! | [`NoCriterion`] | never: run all `max_steps` | `convergence_criterion=None` |
//!
//! Criteria state is exposed to observers and traces (tfp's `convergence_criterion_state`).
//! Criteria are validated when the run starts; a bad setting (window size 0, a negative
//! tolerance) is a [`ConfigError`](crate::ConfigError), never a panic.
//!
//! # Traces and observers
//!
//! tfp's `trace_fn` maps `MinimizeTraceableQuantities` to values that are stacked across
//! steps. Here there are two ways to look at a run:
//!
//! * an **observer** ([`Minimize::observe`](Minimize::observe)) — any
//!   `FnMut(&TraceableQuantities)` — is called after every step and allocates nothing; it
//!   can print, accumulate into a fixed buffer, or feed a plot;
//! * a **trace** ([`Minimize::trace`](Minimize::trace), feature `alloc`) maps each
//!   step to a value `T` and returns the `Vec<T>` in the result. With
//!   [`TraceLength::Full`] (tfp's `return_full_length_trace=True`, the default) a run
//!   stopped by its criterion is padded to `max_steps` entries by repeating the last
//!   value; with [`TraceLength::Truncated`] it has one entry per step taken. A run stopped
//!   by a numerical failure is never padded: its trace ends at the last good step.
//!
//! Step `t` reports the loss and gradient evaluated at `θ_t` and the parameters `θ_{t+1}`
//! after the update, exactly like tfp (so `trace[0].parameters` is already updated).
//!
//! Allocation: with fixed-size parameters (floats, arrays, tuples) and `[P; K]` batches,
//! `run` allocates nothing unless a trace is collected; the counting-allocator tests
//! `tests/alloc_free_*.rs` check this.

mod batch;
mod criteria;
mod driver;
mod members;
mod objective;
mod reduce;
mod result;
mod seed;
mod settings;
mod step;
mod trace;

pub use batch::BatchMinimize;
pub use criteria::{
    AnyOf, Criterion, GradientNorm, GradientNormState, GradientReference, LossNotDecreasing,
    LossNotDecreasingState, NoCriterion, Norm, ParameterChange, ParameterChangeState, StepData,
    SuccessiveGradientsAreUncorrelated, SuccessiveGradientsState,
};
pub use driver::Minimize;
pub use members::Members;
pub use objective::{
    BatchObjective, Deterministic, PerMember, SeededObjective, Stochastic, StochasticPerMember,
    ValueAndGrad,
};
pub use reduce::{All, Any, Reduce};
pub use result::{BatchResult, BatchStatus, MinimizeResult, Status};
pub use seed::StepSeed;
pub use settings::{DEFAULT_MAX_STEPS, NoSchedule};
#[cfg(feature = "alloc")]
pub use trace::Collect;
pub use trace::{
    BatchObserve, BatchQuantities, BatchRecord, NoObserver, NoTrace, Observe, Record, TraceLength,
    TraceableQuantities,
};
