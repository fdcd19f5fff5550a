//! [`CosineAnnealingLr`]: cosine annealing in PyTorch's recursive form.

use super::Schedule;
use crate::error::{ConfigError, non_negative};
use crate::{Hyperparameters, Real};
use core::f64::consts::PI;

/// `torch.optim.lr_scheduler.CosineAnnealingLR`, in PyTorch's recursive form:
/// `lr ← η + (lr − η)(1 + cos(π e / T)) / (1 + cos(π (e − 1) / T))` at step `e`, and
/// `lr ← lr + (base − η)(1 − cos(π / T)) / 2` when `(e − 1 − T) mod 2T = 0` (the restart
/// of the cosine after its minimum). This rounds differently from the closed form
/// `η + (base − η)(1 + cos(π e / T)) / 2`, and follows PyTorch bit for bit.
///
/// ```
/// use autodiff_runtime::Hyperparameters;
/// use autodiff_runtime::optim::Sgd;
/// use autodiff_runtime::schedule::{CosineAnnealingLr, Schedule};
///
/// let mut sgd = Sgd::new(1.0).unwrap();
/// let mut schedule = CosineAnnealingLr::new(4, 0.0).unwrap();
/// schedule.start(&mut sgd);
/// for _ in 0..2 {
///     schedule.step(&mut sgd, 0.0);
/// }
/// assert!((sgd.learning_rate() - 0.5).abs() < 1e-15); // half way down
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CosineAnnealingLr {
    t_max: usize,
    eta_min: f64,
    base_lr: f64,
    last_epoch: Option<usize>,
}

impl CosineAnnealingLr {
    /// Anneals from the optimizer's learning rate to `eta_min` (PyTorch's default `0`) over
    /// `t_max >= 1` steps, then back up, periodically.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] if `t_max` is zero or `eta_min` is negative or not finite.
    ///
    /// ```
    /// use autodiff_runtime::schedule::CosineAnnealingLr;
    ///
    /// assert!(CosineAnnealingLr::new(10, 1e-3).is_ok());
    /// assert_eq!(CosineAnnealingLr::new(0, 0.0).unwrap_err().parameter(), "t_max");
    /// ```
    pub fn new(t_max: usize, eta_min: f64) -> Result<Self, ConfigError> {
        if t_max == 0 {
            return Err(ConfigError::new("t_max", 0.0, "an integer >= 1"));
        }
        non_negative("eta_min", eta_min)?;
        Ok(CosineAnnealingLr {
            t_max,
            eta_min,
            base_lr: 0.0,
            last_epoch: None,
        })
    }
}

impl Schedule for CosineAnnealingLr {
    fn start<H: Hyperparameters + ?Sized>(&mut self, optimizer: &mut H) {
        self.base_lr = optimizer.learning_rate();
        self.last_epoch = Some(0);
    }

    fn step<H: Hyperparameters + ?Sized>(&mut self, optimizer: &mut H, _metric: f64) {
        if self.last_epoch.is_none() {
            self.start(optimizer);
        }
        let e = self.last_epoch.unwrap_or(0) + 1;
        self.last_epoch = Some(e);
        let (t, eta) = (self.t_max as f64, self.eta_min);
        let lr = optimizer.learning_rate();
        let restart = (e as i128 - 1 - self.t_max as i128).rem_euclid(2 * self.t_max as i128) == 0;
        let new_lr = if restart {
            lr + (self.base_lr - eta) * (1.0 - Real::cos(PI / t)) / 2.0
        } else {
            (1.0 + Real::cos(PI * e as f64 / t)) / (1.0 + Real::cos(PI * (e as f64 - 1.0) / t))
                * (lr - eta)
                + eta
        };
        optimizer.set_learning_rate(new_lr);
    }
}
