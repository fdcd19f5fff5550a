//! [`LbfgsState`]: what L-BFGS keeps across steps, and the two-loop recursion over it.

use super::line_search::LineSearchBuffers;
use crate::{Params, Real};

/// Per-problem state of [`Lbfgs<M>`](super::Lbfgs), PyTorch's `state` dictionary: the
/// iteration and evaluation counters, the last direction `d` and step `t`, up to `M`
/// curvature pairs `(y, s)` with `ρ = 1 / yᵀs`, `H_diag`, and the previous gradient and
/// loss — plus scratch buffers of the parameters' shape, so steps allocate nothing for
/// fixed-size parameters.
///
/// ```
/// use autodiff_runtime::Optimizer;
/// use autodiff_runtime::optim::Lbfgs;
///
/// let lbfgs = Lbfgs::builder().lr(0.1).max_iter(3).max_eval(Some(10)).build().unwrap();
/// let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
/// let mut x = 1.0_f64;
/// let mut state = lbfgs.init(&x);
/// lbfgs.step(&mut state, &mut x, 1.0, &2.0, &mut f).unwrap();
/// // Three fixed steps; the last one is not followed by an evaluation.
/// assert_eq!(state.n_iter(), 3);
/// assert_eq!(state.func_evals(), 3);
/// assert!(0.0 < x && x < 1.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LbfgsState<P: Params, const M: usize> {
    pub(super) func_evals: usize,
    pub(super) n_iter: usize,
    pub(super) d: P,
    pub(super) t: P::Scalar,
    pub(super) h_diag: P::Scalar,
    pub(super) prev_flat_grad: P,
    pub(super) prev_loss: P::Scalar,
    /// Curvature pairs in a ring of `history_size` slots, oldest at `head`.
    old_dirs: [Option<P>; M],
    old_stps: [Option<P>; M],
    ro: [P::Scalar; M],
    al: [P::Scalar; M],
    history_size: usize,
    head: usize,
    len: usize,
    /// The current gradient (PyTorch's `flat_grad`).
    pub(super) flat_grad: P,
    /// The parameters at the start of the step, restored on failure.
    pub(super) x0: P,
    y: P,
    s: P,
    pub(super) line_search: Option<LineSearchBuffers<P>>,
}

impl<P: Params, const M: usize> LbfgsState<P, M> {
    pub(super) fn new(
        params: &P,
        history_size: usize,
        line_search: Option<LineSearchBuffers<P>>,
    ) -> Self {
        const { assert!(M > 0, "Lbfgs<M> needs a history capacity M >= 1") };
        let zero = P::Scalar::zero();
        LbfgsState {
            func_evals: 0,
            n_iter: 0,
            d: params.zeros_like(),
            t: zero,
            h_diag: P::Scalar::one(),
            prev_flat_grad: params.zeros_like(),
            prev_loss: zero,
            old_dirs: core::array::from_fn(|_| None),
            old_stps: core::array::from_fn(|_| None),
            ro: [zero; M],
            al: [zero; M],
            history_size: history_size.clamp(1, M),
            head: 0,
            len: 0,
            flat_grad: params.zeros_like(),
            x0: params.zeros_like(),
            y: params.zeros_like(),
            s: params.zeros_like(),
            line_search,
        }
    }

    /// Iterations taken over all steps (PyTorch's `state["n_iter"]`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::default().init(&[0.0_f64; 2]).n_iter(), 0);
    /// ```
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Objective evaluations over all steps, counting the one passed to each step
    /// (PyTorch's `state["func_evals"]`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::default().init(&[0.0_f64; 2]).func_evals(), 0);
    /// ```
    pub fn func_evals(&self) -> usize {
        self.func_evals
    }

    /// Curvature pairs currently stored (PyTorch's `len(state["old_dirs"])`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::default().init(&[0.0_f64; 2]).history_len(), 0);
    /// ```
    pub fn history_len(&self) -> usize {
        self.len
    }

    /// The last search direction (PyTorch's `state["d"]`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::default().init(&[1.0_f64; 2]).direction(), &[0.0; 2]);
    /// ```
    pub fn direction(&self) -> &P {
        &self.d
    }

    /// The last step length (PyTorch's `state["t"]`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::default().init(&1.0_f64).step_size(), 0.0);
    /// ```
    pub fn step_size(&self) -> P::Scalar {
        self.t
    }

    /// The scale of the initial inverse-Hessian approximation (PyTorch's `H_diag`).
    ///
    /// ```
    /// use autodiff_runtime::Optimizer;
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::default().init(&1.0_f64).h_diag(), 1.0);
    /// ```
    pub fn h_diag(&self) -> P::Scalar {
        self.h_diag
    }

    pub(super) fn clear_history(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    fn slot(&self, i: usize) -> usize {
        (self.head + i) % self.history_size
    }

    /// Updates the memory with the newest pair, then sets `d` to the L-BFGS direction
    /// `−H g` by the two-loop recursion (PyTorch's `step`, "compute gradient descent
    /// direction", else branch).
    pub(super) fn update_direction(&mut self) {
        let t = self.t;
        P::zip_apply([&mut self.y], &self.flat_grad, &mut |[y], g| *y = g);
        P::zip_apply([&mut self.y], &self.prev_flat_grad, &mut |[y], pg| *y -= pg);
        P::zip_apply([&mut self.s], &self.d, &mut |[s], d| *s = d * t);
        let ys = P::dot(&self.y, &self.s);
        if ys > P::Scalar::from_f64(1e-10) {
            let slot = if self.len == self.history_size {
                let oldest = self.head;
                self.head = (self.head + 1) % self.history_size;
                oldest
            } else {
                self.len += 1;
                self.slot(self.len - 1)
            };
            store(&mut self.old_dirs[slot], &mut self.y);
            store(&mut self.old_stps[slot], &mut self.s);
            self.ro[slot] = P::Scalar::one() / ys;
            let (y, _) = self.pair(slot);
            self.h_diag = ys / P::dot(y, y);
        }

        // q = -g, then newest to oldest: al_i = ρ_i s_iᵀq, q -= al_i y_i.
        P::zip_apply([&mut self.d], &self.flat_grad, &mut |[q], g| *q = -g);
        for i in (0..self.len).rev() {
            let slot = self.slot(i);
            let (y, s) = pair(&self.old_dirs, &self.old_stps, slot);
            let al = P::dot(s, &self.d) * self.ro[slot];
            self.al[i] = al;
            P::zip_apply([&mut self.d], y, &mut |[q], y| *q += -al * y);
        }
        // r = H_diag q, then oldest to newest: be_i = ρ_i y_iᵀr, r += (al_i − be_i) s_i.
        let h_diag = self.h_diag;
        P::zip_apply([&mut self.d], &self.flat_grad, &mut |[r], _| *r *= h_diag);
        for i in 0..self.len {
            let slot = self.slot(i);
            let (y, s) = pair(&self.old_dirs, &self.old_stps, slot);
            let be_i = P::dot(y, &self.d) * self.ro[slot];
            let coef = self.al[i] - be_i;
            P::zip_apply([&mut self.d], s, &mut |[r], s| *r += coef * s);
        }
    }

    fn pair(&self, slot: usize) -> (&P, &P) {
        pair(&self.old_dirs, &self.old_stps, slot)
    }
}

/// The stored pair in `slot`, which the ring bookkeeping guarantees is filled.
fn pair<'a, P>(dirs: &'a [Option<P>], stps: &'a [Option<P>], slot: usize) -> (&'a P, &'a P) {
    match (&dirs[slot], &stps[slot]) {
        (Some(y), Some(s)) => (y, s),
        _ => unreachable!("L-BFGS history slot {slot} is empty"),
    }
}

/// Moves `scratch` into `slot` without allocating when the slot is already filled (the
/// old contents land in `scratch`, which is overwritten before its next use).
fn store<P: Clone>(slot: &mut Option<P>, scratch: &mut P) {
    match slot {
        Some(value) => core::mem::swap(value, scratch),
        None => *slot = Some(scratch.clone()),
    }
}
