//! [`GradCheck`]: compare an analytic gradient with central differences, like
//! `torch.autograd.gradcheck`.
//!
//! Every component `i` of the point is perturbed by `±step` in turn, and the central
//! difference `(f(x + h eᵢ) − f(x − h eᵢ)) / 2h` is compared with the analytic gradient's
//! component: it passes when `|analytic − numeric| <= atol + rtol · |numeric|` (PyTorch's
//! rule and default tolerances, `atol = 1e-5`, `rtol = 1e-3`, `step = 1e-6`). The report
//! names the worst component — the one closest to failing (or failing by most) — so a
//! wrong derivative is easy to locate. The check allocates nothing beyond one copy of the
//! point and one gradient buffer (none for fixed-size parameters).
//!
//! Central differences lose precision with `f32`: use a larger `step` (around `1e-2`) and
//! looser tolerances there.

use crate::error::{ConfigError, non_negative, positive};
use crate::{Objective, Params, Real};

/// Step size and tolerances of a gradient check; PyTorch's defaults.
///
/// ```
/// use autodiff_runtime::gradcheck::GradCheck;
///
/// let check = GradCheck::default();
/// assert_eq!((check.step(), check.atol(), check.rtol()), (1e-6, 1e-5, 1e-3));
/// let strict = GradCheck::new(1e-5).unwrap().with_tolerances(1e-8, 1e-6).unwrap();
/// assert_eq!(strict.atol(), 1e-8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradCheck {
    step: f64,
    atol: f64,
    rtol: f64,
}

impl Default for GradCheck {
    /// `step = 1e-6`, `atol = 1e-5`, `rtol = 1e-3`, as `torch.autograd.gradcheck`.
    fn default() -> Self {
        GradCheck {
            step: 1e-6,
            atol: 1e-5,
            rtol: 1e-3,
        }
    }
}

/// The outcome of a gradient check: whether every component passed, and the worst one.
///
/// ```
/// use autodiff_runtime::gradcheck::GradCheck;
///
/// let report = GradCheck::default().check(
///     |x: &[f64; 2]| x[0] * x[1],
///     &mut |x: &[f64; 2], g: &mut [f64; 2]| { *g = [x[1], x[0]]; x[0] * x[1] },
///     &[2.0, 3.0],
/// );
/// assert!(report.passed);
/// assert_eq!(report.components, 2);
/// assert!(report.abs_error < 1e-8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradCheckReport<T> {
    /// Whether every component satisfied `|analytic − numeric| <= atol + rtol · |numeric|`
    /// (and all values were finite).
    pub passed: bool,
    /// How many components were checked.
    pub components: usize,
    /// The index of the worst component in [`Params`] order (depth first, left to right).
    pub index: usize,
    /// The analytic derivative at the worst component.
    pub analytic: T,
    /// The central-difference derivative at the worst component.
    pub numeric: T,
    /// `|analytic − numeric|` at the worst component.
    pub abs_error: T,
    /// `|analytic − numeric| / max(|analytic|, |numeric|)` at the worst component (zero when
    /// both are zero).
    pub rel_error: T,
}

impl GradCheck {
    /// A check with central-difference step `step` and PyTorch's default tolerances.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] if `step` is not a finite number `> 0`.
    ///
    /// ```
    /// use autodiff_runtime::gradcheck::GradCheck;
    ///
    /// assert!(GradCheck::new(1e-4).is_ok());
    /// assert_eq!(GradCheck::new(0.0).unwrap_err().parameter(), "step");
    /// ```
    pub fn new(step: f64) -> Result<Self, ConfigError> {
        positive("step", step)?;
        Ok(GradCheck {
            step,
            ..GradCheck::default()
        })
    }

    /// The same check with absolute tolerance `atol` and relative tolerance `rtol`.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] if either is negative or not finite.
    ///
    /// ```
    /// use autodiff_runtime::gradcheck::GradCheck;
    ///
    /// assert!(GradCheck::default().with_tolerances(0.0, 1e-6).is_ok());
    /// assert_eq!(GradCheck::default().with_tolerances(-1.0, 0.0).unwrap_err().parameter(), "atol");
    /// ```
    pub fn with_tolerances(self, atol: f64, rtol: f64) -> Result<Self, ConfigError> {
        non_negative("atol", atol)?;
        non_negative("rtol", rtol)?;
        Ok(GradCheck { atol, rtol, ..self })
    }

    /// The central-difference step.
    ///
    /// ```
    /// use autodiff_runtime::gradcheck::GradCheck;
    ///
    /// assert_eq!(GradCheck::new(1e-3).unwrap().step(), 1e-3);
    /// ```
    pub fn step(&self) -> f64 {
        self.step
    }

    /// The absolute tolerance.
    ///
    /// ```
    /// use autodiff_runtime::gradcheck::GradCheck;
    ///
    /// assert_eq!(GradCheck::default().atol(), 1e-5);
    /// ```
    pub fn atol(&self) -> f64 {
        self.atol
    }

    /// The relative tolerance.
    ///
    /// ```
    /// use autodiff_runtime::gradcheck::GradCheck;
    ///
    /// assert_eq!(GradCheck::default().rtol(), 1e-3);
    /// ```
    pub fn rtol(&self) -> f64 {
        self.rtol
    }

    /// Compares `gradient`'s gradient of the function at `point` with central differences
    /// of `value`, component by component.
    ///
    /// ```
    /// use autodiff_runtime::gradcheck::GradCheck;
    ///
    /// // A wrong derivative: d/dy of x * y^2 is 2xy, not xy.
    /// let report = GradCheck::default().check(
    ///     |p: &(f64, f64)| p.0 * p.1 * p.1,
    ///     &mut |p: &(f64, f64), g: &mut (f64, f64)| { *g = (p.1 * p.1, p.0 * p.1); 0.0 },
    ///     &(2.0, 3.0),
    /// );
    /// assert!(!report.passed);
    /// assert_eq!((report.index, report.analytic), (1, 6.0));
    /// assert!((report.numeric - 12.0).abs() < 1e-6);
    /// ```
    pub fn check<P, V, G>(
        &self,
        mut value: V,
        gradient: &mut G,
        point: &P,
    ) -> GradCheckReport<P::Scalar>
    where
        P: Params,
        V: FnMut(&P) -> P::Scalar,
        G: Objective<P>,
    {
        let zero = P::Scalar::zero();
        let mut analytic = point.zeros_like();
        gradient.evaluate(point, &mut analytic);
        let mut x = point.clone();
        let h = P::Scalar::from_f64(self.step);
        let two_h = h + h;
        let (atol, rtol) = (
            P::Scalar::from_f64(self.atol),
            P::Scalar::from_f64(self.rtol),
        );
        let components = point.dim();
        let mut report = GradCheckReport {
            passed: true,
            components,
            index: 0,
            analytic: zero,
            numeric: zero,
            abs_error: zero,
            rel_error: zero,
        };
        // How far each component is past its tolerance (NaN counts as worst).
        let mut worst_excess: Option<P::Scalar> = None;
        for i in 0..components {
            let original = component(point, i);
            perturb(&mut x, point, i, original + h);
            let plus = value(&x);
            perturb(&mut x, point, i, original - h);
            let minus = value(&x);
            let numeric = (plus - minus) / two_h;
            let a = component(&analytic, i);
            let abs_error = (a - numeric).abs();
            let bound = atol + rtol * numeric.abs();
            let excess = abs_error - bound;
            let finite = excess.is_finite();
            report.passed &= finite && abs_error <= bound;
            let is_worse = match worst_excess {
                None => true,
                Some(w) => !finite || (w.is_finite() && excess > w),
            };
            if is_worse {
                let scale = a.abs().max(numeric.abs());
                worst_excess = Some(excess);
                report.index = i;
                report.analytic = a;
                report.numeric = numeric;
                report.abs_error = abs_error;
                report.rel_error = if scale > zero {
                    abs_error / scale
                } else {
                    zero
                };
            }
        }
        report
    }
}

/// Checks `gradient` against central differences of `value` at `point` with step `step`
/// and PyTorch's default tolerances (`atol = 1e-5`, `rtol = 1e-3`).
///
/// # Errors
///
/// A [`ConfigError`] if `step` is not a finite number `> 0`.
///
/// ```
/// use autodiff_runtime::gradcheck::gradcheck;
///
/// let report = gradcheck(
///     |x: &f64| x.sin(),
///     &mut |x: &f64, g: &mut f64| { *g = x.cos(); x.sin() },
///     &0.5,
///     1e-6,
/// )
/// .unwrap();
/// assert!(report.passed && report.abs_error < 1e-9);
/// ```
pub fn gradcheck<P, V, G>(
    value: V,
    gradient: &mut G,
    point: &P,
    step: f64,
) -> Result<GradCheckReport<P::Scalar>, ConfigError>
where
    P: Params,
    V: FnMut(&P) -> P::Scalar,
    G: Objective<P>,
{
    Ok(GradCheck::new(step)?.check(value, gradient, point))
}

/// Component `i` of `p` in [`Params`] order.
fn component<P: Params>(p: &P, index: usize) -> P::Scalar {
    let mut i = 0;
    P::zip_fold(p, p, P::Scalar::zero(), &mut |acc, x, _| {
        i += 1;
        if i - 1 == index { x } else { acc }
    })
}

/// Sets `x` to `point` with component `index` replaced by `value`.
fn perturb<P: Params>(x: &mut P, point: &P, index: usize, value: P::Scalar) {
    let mut i = 0;
    P::zip_apply([x], point, &mut |[c], original| {
        *c = if i == index { value } else { original };
        i += 1;
    });
}
