//! One step of one problem — evaluate, check, update, check, consult the criterion —
//! shared by [`Minimize`](super::Minimize) and [`BatchMinimize`](super::BatchMinimize).

use super::criteria::{Criterion, StepData};
use super::result::Status;
use crate::optimizer::{Optimizer, StepError};
use crate::params::Params;
use crate::real::Real;

/// The mutable buffers of one problem (one batch member).
pub(crate) struct Slots<'a, P, OS, CS> {
    /// `θ_t` on entry, `θ_{t+1}` on success, the last good parameters on failure.
    pub params: &'a mut P,
    /// Receives the gradient at `θ_t`.
    pub grad: &'a mut P,
    /// The last parameters whose loss and gradient were finite.
    pub last_good: &'a mut P,
    pub optimizer_state: &'a mut OS,
    pub criterion_state: &'a mut CS,
}

/// A completed step: the loss at `θ_t` and the criterion's verdict. (The gradient at `θ_t`
/// is in the `grad` slot; callers take its norm only when they report it.)
pub(crate) struct Stepped<S> {
    pub loss: S,
    pub has_converged: bool,
}

/// A failed step: why, and — if the evaluation at `θ_t` was finite and only the update
/// failed — that evaluation's loss (the parameters are then `θ_t`, and the `grad` slot
/// holds the finite gradient at `θ_t`).
pub(crate) struct Failure<S> {
    pub status: Status,
    pub evaluated: Option<S>,
}

/// Runs step `step` of one problem, tfp-style: loss and gradient at `θ_t`, the optimizer
/// update to `θ_{t+1}`, then `bootstrap` (step 0) or `one_step` of the criterion on
/// `(loss_t, g_t, θ_{t+1})`. Counts evaluations into `evaluations`.
///
/// On a non-finite loss or gradient the parameters are rolled back to `last_good` (the
/// previous step's `θ`); on a failed optimizer step or a non-finite update, to `θ_t`, whose
/// finite loss is returned with the reason.
///
/// The guarantees cost a branch-free pass over the gradient ([`Params::all_finite`]) and
/// the optimizer's [`step_checked`](Optimizer::step_checked), which saves `θ_t` in
/// `last_good` and checks `θ_{t+1}`: in its update pass for every first-order optimizer,
/// in two more passes for L-BFGS. The gradient norm is not computed here.
#[inline]
pub(crate) fn advance<P, E, Opt, C>(
    step: usize,
    objective: &mut E,
    optimizer: &Opt,
    criterion: &C,
    slots: Slots<'_, P, Opt::State, C::State>,
    evaluations: &mut usize,
) -> Result<Stepped<P::Scalar>, Failure<P::Scalar>>
where
    P: Params,
    E: FnMut(&P, &mut P) -> P::Scalar,
    Opt: Optimizer<P>,
    C: Criterion<P>,
{
    let Slots {
        params,
        grad,
        last_good,
        optimizer_state,
        criterion_state,
    } = slots;

    let loss = objective(params, grad);
    *evaluations += 1;
    let failure = if !loss.is_finite() {
        Some(Status::NonFiniteLoss)
    } else if !grad.all_finite() {
        Some(Status::NonFiniteGradient)
    } else {
        None
    };
    if let Some(status) = failure {
        params.copy_from(last_good);
        return Err(Failure {
            status,
            evaluated: None,
        });
    }
    let outcome = optimizer.step_checked(optimizer_state, params, last_good, loss, grad, objective);
    // Back to `θ_t`, which `step_checked` copied into `last_good`: only the update failed.
    let undo = |params: &mut P, status| {
        params.copy_from(last_good);
        Err(Failure {
            status,
            evaluated: Some(loss),
        })
    };
    let checked = match outcome {
        Ok(checked) => checked,
        Err(StepError::LineSearchFailed) => return undo(params, Status::LineSearchFailed),
        Err(StepError::NonFinite) => return undo(params, Status::NonFiniteLoss),
    };
    // The step's own evaluations count even when its result is then undone.
    *evaluations += checked.report.evaluations;
    if !checked.finite {
        return undo(params, Status::NonFiniteParameters);
    }

    let data = StepData {
        step,
        loss,
        gradients: &*grad,
        parameters: &*params,
    };
    let has_converged = if step == 0 {
        criterion.bootstrap(criterion_state, &data);
        false
    } else {
        criterion.one_step(criterion_state, &data)
    };
    Ok(Stepped {
        loss,
        has_converged,
    })
}

/// `S::from_f64(NaN)`: the placeholder loss of a member that never had a finite one.
pub(crate) fn nan<S: Real>() -> S {
    S::from_f64(f64::NAN)
}
