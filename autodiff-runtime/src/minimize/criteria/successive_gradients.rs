//! [`SuccessiveGradientsAreUncorrelated`]: stop when successive gradients stop agreeing.

use super::{Criterion, StepData, decay};
use crate::error::ConfigError;
use crate::params::Params;
use crate::real::Real;

/// Which gradient each new gradient is compared with.
///
/// tfp's implementation returns `(previous_grads, …)` from `_one_step` instead of
/// `(grads, …)` — unchanged since the file's first commit — so its "previous" gradient is
/// the bootstrap gradient `g_0` forever and the rule really averages `⟨g_t, g_0⟩`. Its own
/// docstring, the class name and the theory it cites (Pflug 1990; Chee & Toulis 2017)
/// describe `⟨g_t, g_{t−1}⟩`.
///
/// ```
/// use autodiff_runtime::minimize::GradientReference;
///
/// assert_eq!(GradientReference::default(), GradientReference::Previous);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum GradientReference {
    /// `⟨g_t, g_{t−1}⟩`: what the rule is documented and named to do. The default.
    #[default]
    Previous,
    /// `⟨g_t, g_0⟩`: tfp's actual behaviour, for reproducing tfp runs exactly.
    First,
}

/// tfp's `SuccessiveGradientsAreUncorrelated`: converged when a moving average of inner
/// products of successive gradients turns negative — the iterates have stopped moving in
/// a consistent direction, as happens at the stationary distribution of constant-step SGD.
///
/// With `λ = 1 − 1/window_size`, at step `t ≥ 1`:
///
/// ```text
/// p_t = Σ_i g_t[i] · r[i]        r = g_{t−1} (Previous, default) or g_0 (First, tfp)
/// M_t = p_t + λ·(M_{t−1} − p_t)   M_0 = 0
/// converged_t = M_t < 0,  and  t ≥ min_num_steps
/// ```
///
/// Defaults: `window_size` 10, `min_num_steps` 20, as in tfp.
///
/// **tfp's quirk is fixed by default, reproducible on request.** tfp never updates its
/// stored gradient (see [`GradientReference`]); this crate compares successive gradients,
/// as the rule's name, docstring and references say, because comparing against `g_0`
/// answers a different question (has the gradient turned against the *initial* direction?)
/// and on a long run mostly measures how far `θ` has travelled. Call
/// [`reproduce_tfp_quirk`](Self::reproduce_tfp_quirk) (or
/// [`with_reference(GradientReference::First)`](Self::with_reference)) to get tfp's numbers.
///
/// **`window_size = ∞`.** tfp documents `np.inf` as "no decay", but with `λ = 1` its
/// update `p + λ(M − p)` leaves `M` at 0 forever, so it never converges. Here an infinite
/// window means what the docstring intends — Pflug's undecayed rule, the running sum
/// `M_t = M_{t−1} + p_t` (same sign as the running mean). Windows below 1 or NaN are
/// [`ConfigError`]s.
///
/// **Batches.** tfp's rule is a single scalar for a whole batched loss, summed over all
/// variables (its TODO b/150151919 asks for per-member indicators). In
/// [`BatchMinimize`](crate::minimize::BatchMinimize) every member has its own state and
/// flag. For tfp's pooled behaviour, minimize one problem whose parameters are the whole
/// batch (e.g. `[P; K]` with the summed loss): its inner product is exactly tfp's sum.
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, StepData, SuccessiveGradientsAreUncorrelated};
///
/// let rule = SuccessiveGradientsAreUncorrelated::new().with_window_size(1.0).with_min_num_steps(0);
/// let x = 0.0_f64;
/// let mut state = rule.init(&x);
/// rule.bootstrap(&mut state, &StepData { step: 0, loss: 0.0, gradients: &1.0, parameters: &x });
/// // λ = 0: M_t is the latest inner product.
/// assert!(!rule.one_step(&mut state, &StepData { step: 1, loss: 0.0, gradients: &2.0, parameters: &x }));
/// assert!(rule.one_step(&mut state, &StepData { step: 2, loss: 0.0, gradients: &-1.0, parameters: &x }));
/// assert_eq!(state.moving_product, -2.0); // ⟨−1, 2⟩; tfp would compare with g_0 = 1
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SuccessiveGradientsAreUncorrelated {
    window_size: f64,
    min_num_steps: usize,
    reference: GradientReference,
}

/// The state of [`SuccessiveGradientsAreUncorrelated`], visible to traces (tfp's
/// `(previous_grads, moving_product)`).
///
/// ```
/// use autodiff_runtime::minimize::{Criterion, SuccessiveGradientsAreUncorrelated};
///
/// let state = SuccessiveGradientsAreUncorrelated::new().init(&[1.0_f64, 2.0]);
/// assert_eq!(state.previous_gradients, [0.0, 0.0]);
/// assert_eq!(state.moving_product, 0.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessiveGradientsState<P: Params> {
    /// The gradient the next one is compared with (`g_t`, or `g_0` with the tfp quirk).
    pub previous_gradients: P,
    /// `M_t`, the moving average of inner products.
    pub moving_product: P::Scalar,
}

impl SuccessiveGradientsAreUncorrelated {
    /// The rule with tfp's defaults (`window_size` 10, `min_num_steps` 20) comparing
    /// successive gradients.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientReference, SuccessiveGradientsAreUncorrelated};
    ///
    /// let rule = SuccessiveGradientsAreUncorrelated::new();
    /// assert_eq!(rule.reference(), GradientReference::Previous);
    /// ```
    pub const fn new() -> Self {
        SuccessiveGradientsAreUncorrelated {
            window_size: 10.0,
            min_num_steps: 20,
            reference: GradientReference::Previous,
        }
    }

    /// Sets the effective window of the moving average (default 10; `f64::INFINITY` for
    /// the running sum).
    ///
    /// ```
    /// use autodiff_runtime::minimize::SuccessiveGradientsAreUncorrelated;
    ///
    /// let rule = SuccessiveGradientsAreUncorrelated::new().with_window_size(f64::INFINITY);
    /// assert_eq!(rule.window_size(), f64::INFINITY);
    /// ```
    pub const fn with_window_size(mut self, window_size: f64) -> Self {
        self.window_size = window_size;
        self
    }

    /// Sets the first step at which convergence may be reported (default 20).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Criterion, SuccessiveGradientsAreUncorrelated};
    ///
    /// let rule = SuccessiveGradientsAreUncorrelated::new().with_min_num_steps(5);
    /// assert_eq!(Criterion::<f64>::min_num_steps(&rule), 5);
    /// ```
    pub const fn with_min_num_steps(mut self, min_num_steps: usize) -> Self {
        self.min_num_steps = min_num_steps;
        self
    }

    /// Chooses the gradient each new gradient is compared with.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientReference, SuccessiveGradientsAreUncorrelated};
    ///
    /// let rule = SuccessiveGradientsAreUncorrelated::new().with_reference(GradientReference::First);
    /// assert_eq!(rule.reference(), GradientReference::First);
    /// ```
    pub const fn with_reference(mut self, reference: GradientReference) -> Self {
        self.reference = reference;
        self
    }

    /// Reproduces tfp exactly: compares every gradient with the first one
    /// (`with_reference(GradientReference::First)`).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientReference, SuccessiveGradientsAreUncorrelated};
    ///
    /// let rule = SuccessiveGradientsAreUncorrelated::new().reproduce_tfp_quirk();
    /// assert_eq!(rule.reference(), GradientReference::First);
    /// ```
    pub const fn reproduce_tfp_quirk(self) -> Self {
        self.with_reference(GradientReference::First)
    }

    /// The window size.
    ///
    /// ```
    /// use autodiff_runtime::minimize::SuccessiveGradientsAreUncorrelated;
    ///
    /// assert_eq!(SuccessiveGradientsAreUncorrelated::new().window_size(), 10.0);
    /// ```
    pub const fn window_size(&self) -> f64 {
        self.window_size
    }

    /// The gradient reference in use.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientReference, SuccessiveGradientsAreUncorrelated};
    ///
    /// assert_eq!(SuccessiveGradientsAreUncorrelated::default().reference(), GradientReference::Previous);
    /// ```
    pub const fn reference(&self) -> GradientReference {
        self.reference
    }
}

impl Default for SuccessiveGradientsAreUncorrelated {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: Params> Criterion<P> for SuccessiveGradientsAreUncorrelated {
    type State = SuccessiveGradientsState<P>;

    fn init(&self, params: &P) -> Self::State {
        SuccessiveGradientsState {
            previous_gradients: params.zeros_like(),
            moving_product: P::Scalar::zero(),
        }
    }

    fn bootstrap(&self, state: &mut Self::State, data: &StepData<'_, P>) {
        state.previous_gradients.copy_from(data.gradients);
        state.moving_product = P::Scalar::zero();
    }

    fn update(&self, state: &mut Self::State, data: &StepData<'_, P>) -> bool {
        let product = P::dot(data.gradients, &state.previous_gradients);
        state.moving_product = if self.window_size == f64::INFINITY {
            state.moving_product + product
        } else {
            let decay: P::Scalar = decay(self.window_size);
            product + decay * (state.moving_product - product)
        };
        if self.reference == GradientReference::Previous {
            state.previous_gradients.copy_from(data.gradients);
        }
        state.moving_product < P::Scalar::zero()
    }

    fn min_num_steps(&self) -> usize {
        self.min_num_steps
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.window_size >= 1.0 {
            Ok(())
        } else {
            Err(ConfigError::new(
                "window_size",
                self.window_size,
                "a number >= 1 (or infinity)",
            ))
        }
    }
}
