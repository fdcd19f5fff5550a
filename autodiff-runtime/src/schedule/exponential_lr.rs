//! [`ExponentialLr`]: decay the learning rate by `gamma` every step.

use super::Schedule;
use crate::Hyperparameters;
use crate::error::{ConfigError, non_negative};

/// `torch.optim.lr_scheduler.ExponentialLR`: multiplies the learning rate by `gamma` at
/// every step.
///
/// ```
/// use autodiff_runtime::Hyperparameters;
/// use autodiff_runtime::optim::Sgd;
/// use autodiff_runtime::schedule::{ExponentialLr, Schedule};
///
/// let mut sgd = Sgd::new(1.0).unwrap();
/// let mut schedule = ExponentialLr::new(0.9).unwrap();
/// schedule.start(&mut sgd);
/// schedule.step(&mut sgd, 0.0);
/// schedule.step(&mut sgd, 0.0);
/// assert_eq!(sgd.learning_rate(), 1.0 * 0.9 * 0.9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExponentialLr {
    gamma: f64,
}

impl ExponentialLr {
    /// Decays by `gamma` every step.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] if `gamma` is negative or not finite.
    ///
    /// ```
    /// use autodiff_runtime::schedule::ExponentialLr;
    ///
    /// assert!(ExponentialLr::new(0.95).is_ok());
    /// assert!(ExponentialLr::new(-0.5).is_err());
    /// ```
    pub fn new(gamma: f64) -> Result<Self, ConfigError> {
        non_negative("gamma", gamma)?;
        Ok(ExponentialLr { gamma })
    }
}

impl Schedule for ExponentialLr {
    fn start<H: Hyperparameters + ?Sized>(&mut self, _optimizer: &mut H) {}

    fn step<H: Hyperparameters + ?Sized>(&mut self, optimizer: &mut H, _metric: f64) {
        optimizer.set_learning_rate(optimizer.learning_rate() * self.gamma);
    }
}
