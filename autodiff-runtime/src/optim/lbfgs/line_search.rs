//! PyTorch's strong-Wolfe line search (`_strong_wolfe`, ported from minFunc's `lswolfe.lua`)
//! and its cubic interpolation (`_cubic_interpolate`, from `polyinterp.lua`), operation by
//! operation.

use crate::optim::ops::{py_max, py_min};
use crate::{Objective, Params, Real, StepError};

/// Sufficient-decrease constant of the strong Wolfe conditions (PyTorch's `c1`).
const C1: f64 = 1e-4;
/// Curvature constant of the strong Wolfe conditions (PyTorch's `c2`).
const C2: f64 = 0.9;
/// Bracket-width tolerance of the zoom phase. PyTorch's `LBFGS.step` does not pass its own
/// `tolerance_change` to `_strong_wolfe`, so the default `1e-9` always applies.
const TOLERANCE_CHANGE: f64 = 1e-9;
/// Most objective evaluations in one line search (PyTorch's `max_ls`, also not passed).
const MAX_LS: usize = 25;

/// The parameter-shaped buffers a line search works in, allocated once with the state.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LineSearchBuffers<P> {
    trial: P,
    g_new: P,
    g_prev: P,
    bracket_g: [P; 2],
}

impl<P: Params> LineSearchBuffers<P> {
    pub(crate) fn new(params: &P) -> Self {
        LineSearchBuffers {
            trial: params.zeros_like(),
            g_new: params.zeros_like(),
            g_prev: params.zeros_like(),
            bracket_g: [params.zeros_like(), params.zeros_like()],
        }
    }
}

/// The minimizer of the cubic through `(x1, f1)` and `(x2, f2)` with slopes `g1`, `g2`,
/// clamped to `bounds` (by default the interval between `x1` and `x2`); the midpoint of the
/// bounds when the cubic has no real minimizer.
pub(crate) fn cubic_interpolate<T: Real>(
    x1: T,
    f1: T,
    g1: T,
    x2: T,
    f2: T,
    g2: T,
    bounds: Option<(T, T)>,
) -> T {
    let (xmin_bound, xmax_bound) = match bounds {
        Some(b) => b,
        None if x1 <= x2 => (x1, x2),
        None => (x2, x1),
    };
    let three = T::from_f64(3.0);
    let two = T::from_f64(2.0);
    let d1 = g1 + g2 - three * (f1 - f2) / (x1 - x2);
    let d2_square = d1 * d1 - g1 * g2;
    if d2_square >= T::zero() {
        let d2 = d2_square.sqrt();
        let min_pos = if x1 <= x2 {
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + two * d2))
        } else {
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + two * d2))
        };
        py_min(py_max(min_pos, xmin_bound), xmax_bound)
    } else {
        (xmin_bound + xmax_bound) / two
    }
}

/// What a line search found: the loss at the accepted step, the step and the number of
/// objective evaluations. The gradient at the accepted step is written back into `g`.
pub(crate) struct LineSearchResult<T> {
    pub(crate) loss: T,
    pub(crate) t: T,
    pub(crate) evals: usize,
}

/// Searches along `d` from `x` (loss `f`, gradient `g`, directional derivative `gtd`),
/// starting at step `t`, for a step satisfying the strong Wolfe conditions. `x` is not
/// modified; on return `g` holds the gradient at `x + t d`.
///
/// # Errors
///
/// [`StepError::NonFinite`] if the objective returns a non-finite loss or gradient.
#[allow(clippy::too_many_arguments)]
pub(crate) fn strong_wolfe<P: Params, O: Objective<P>>(
    objective: &mut O,
    x: &P,
    mut t: P::Scalar,
    d: &P,
    f: P::Scalar,
    g: &mut P,
    gtd: P::Scalar,
    buffers: &mut LineSearchBuffers<P>,
) -> Result<LineSearchResult<P::Scalar>, StepError> {
    let zero = P::Scalar::zero();
    let c1 = P::Scalar::from_f64(C1);
    let neg_c2 = P::Scalar::from_f64(-C2);
    let tolerance_change = P::Scalar::from_f64(TOLERANCE_CHANGE);
    let LineSearchBuffers {
        trial,
        g_new,
        g_prev,
        bracket_g,
    } = buffers;
    let mut evaluate = |t: P::Scalar, grad: &mut P| -> Result<P::Scalar, StepError> {
        trial.clone_from(x);
        P::zip_apply([&mut *trial], d, &mut |[p], di| *p += t * di);
        let loss = objective.evaluate(trial, grad);
        if loss.is_finite() && grad.all_finite() {
            Ok(loss)
        } else {
            Err(StepError::NonFinite)
        }
    };

    let d_norm = d.max_abs();
    let mut f_new = evaluate(t, g_new)?;
    let mut evals = 1;
    let mut gtd_new = P::dot(g_new, d);

    // Bracket an interval containing a point satisfying the Wolfe conditions.
    let (mut t_prev, mut f_prev, mut gtd_prev) = (zero, f, gtd);
    g_prev.clone_from(g);
    let mut done = false;
    let mut ls_iter = 0;
    let mut bracket = [zero; 2];
    let mut bracket_f = [zero; 2];
    let mut bracket_gtd = [zero; 2];
    let mut bracket_len = 2;
    while ls_iter < MAX_LS {
        let armijo_fails = f_new > f + c1 * t * gtd || (ls_iter > 1 && f_new >= f_prev);
        let strong_wolfe_holds = !armijo_fails && gtd_new.abs() <= neg_c2 * gtd;
        if strong_wolfe_holds {
            bracket[0] = t;
            bracket_f[0] = f_new;
            bracket_g[0].clone_from(g_new);
            bracket_len = 1;
            done = true;
            break;
        }
        if armijo_fails || gtd_new >= zero {
            bracket = [t_prev, t];
            bracket_f = [f_prev, f_new];
            bracket_g[0].clone_from(g_prev);
            bracket_g[1].clone_from(g_new);
            bracket_gtd = [gtd_prev, gtd_new];
            break;
        }
        // Interpolate.
        let min_step = t + P::Scalar::from_f64(0.01) * (t - t_prev);
        let max_step = t * P::Scalar::from_f64(10.0);
        let tmp = t;
        t = cubic_interpolate(
            t_prev,
            f_prev,
            gtd_prev,
            t,
            f_new,
            gtd_new,
            Some((min_step, max_step)),
        );
        // Next step.
        t_prev = tmp;
        f_prev = f_new;
        g_prev.clone_from(g_new);
        gtd_prev = gtd_new;
        f_new = evaluate(t, g_new)?;
        evals += 1;
        gtd_new = P::dot(g_new, d);
        ls_iter += 1;
    }
    // Reached the maximum number of iterations?
    if ls_iter == MAX_LS {
        bracket = [zero, t];
        bracket_f = [f, f_new];
        bracket_g[0].clone_from(g);
        bracket_g[1].clone_from(g_new);
        bracket_gtd = [gtd, gtd_new];
        bracket_len = 2;
    }

    // Zoom: refine the bracket until a point satisfies the conditions.
    let mut insuf_progress = false;
    let last = bracket_len - 1;
    let (mut low, mut high) = if bracket_f[0] <= bracket_f[last] {
        (0, 1)
    } else {
        (1, 0)
    };
    let tenth = P::Scalar::from_f64(0.1);
    while !done && ls_iter < MAX_LS {
        // The bracket is too small.
        if (bracket[1] - bracket[0]).abs() * d_norm < tolerance_change {
            break;
        }
        t = cubic_interpolate(
            bracket[0],
            bracket_f[0],
            bracket_gtd[0],
            bracket[1],
            bracket_f[1],
            bracket_gtd[1],
            None,
        );
        // Guard against steps too close to the bracket's ends.
        let b_max = py_max(bracket[0], bracket[1]);
        let b_min = py_min(bracket[0], bracket[1]);
        let eps = tenth * (b_max - b_min);
        if py_min(b_max - t, t - b_min) < eps {
            if insuf_progress || t >= b_max || t <= b_min {
                t = if (t - b_max).abs() < (t - b_min).abs() {
                    b_max - eps
                } else {
                    b_min + eps
                };
                insuf_progress = false;
            } else {
                insuf_progress = true;
            }
        } else {
            insuf_progress = false;
        }
        // Evaluate the new point.
        f_new = evaluate(t, g_new)?;
        evals += 1;
        gtd_new = P::dot(g_new, d);
        ls_iter += 1;

        if f_new > f + c1 * t * gtd || f_new >= bracket_f[low] {
            // Armijo condition not satisfied or not lower than the lowest point.
            bracket[high] = t;
            bracket_f[high] = f_new;
            bracket_g[high].clone_from(g_new);
            bracket_gtd[high] = gtd_new;
            (low, high) = if bracket_f[0] <= bracket_f[1] {
                (0, 1)
            } else {
                (1, 0)
            };
        } else {
            if gtd_new.abs() <= neg_c2 * gtd {
                done = true;
            } else if gtd_new * (bracket[high] - bracket[low]) >= zero {
                // The old high becomes the new low.
                bracket[high] = bracket[low];
                bracket_f[high] = bracket_f[low];
                let [b0, b1] = bracket_g;
                if high == 0 {
                    b0.clone_from(b1);
                } else {
                    b1.clone_from(b0);
                }
                bracket_gtd[high] = bracket_gtd[low];
            }
            // The new point becomes the new low.
            bracket[low] = t;
            bracket_f[low] = f_new;
            bracket_g[low].clone_from(g_new);
            bracket_gtd[low] = gtd_new;
        }
    }
    g.clone_from(&bracket_g[low]);
    Ok(LineSearchResult {
        loss: bracket_f[low],
        t: bracket[low],
        evals,
    })
}
