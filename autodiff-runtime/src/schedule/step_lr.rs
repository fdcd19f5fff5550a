//! [`StepLr`]: decay the learning rate by `gamma` every `step_size` steps.

use super::Schedule;
use crate::Hyperparameters;
use crate::error::{ConfigError, non_negative};

/// `torch.optim.lr_scheduler.StepLR`: multiplies the learning rate by `gamma` at every
/// nonzero multiple of `step_size` steps.
///
/// ```
/// use autodiff_runtime::Hyperparameters;
/// use autodiff_runtime::optim::Sgd;
/// use autodiff_runtime::schedule::{Schedule, StepLr};
///
/// let mut sgd = Sgd::new(1.0).unwrap();
/// let mut schedule = StepLr::new(3, 0.1).unwrap();
/// schedule.start(&mut sgd);
/// for _ in 0..3 {
///     schedule.step(&mut sgd, 0.0);
/// }
/// assert!((sgd.learning_rate() - 0.1).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLr {
    step_size: usize,
    gamma: f64,
    last_epoch: Option<usize>,
}

impl StepLr {
    /// Decays by `gamma` (PyTorch's default is `0.1`) every `step_size >= 1` steps.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] if `step_size` is zero or `gamma` is negative or not finite.
    ///
    /// ```
    /// use autodiff_runtime::schedule::StepLr;
    ///
    /// assert!(StepLr::new(10, 0.1).is_ok());
    /// assert_eq!(StepLr::new(0, 0.1).unwrap_err().parameter(), "step_size");
    /// ```
    pub fn new(step_size: usize, gamma: f64) -> Result<Self, ConfigError> {
        if step_size == 0 {
            return Err(ConfigError::new("step_size", 0.0, "an integer >= 1"));
        }
        non_negative("gamma", gamma)?;
        Ok(StepLr {
            step_size,
            gamma,
            last_epoch: None,
        })
    }

    /// Steps taken since [`start`](Schedule::start) (PyTorch's `last_epoch`).
    ///
    /// ```
    /// use autodiff_runtime::optim::Sgd;
    /// use autodiff_runtime::schedule::{Schedule, StepLr};
    ///
    /// let mut schedule = StepLr::new(3, 0.1).unwrap();
    /// schedule.step(&mut Sgd::default(), 0.0);
    /// assert_eq!(schedule.last_epoch(), 1);
    /// ```
    pub fn last_epoch(&self) -> usize {
        self.last_epoch.unwrap_or(0)
    }
}

impl Schedule for StepLr {
    fn start<H: Hyperparameters + ?Sized>(&mut self, _optimizer: &mut H) {
        self.last_epoch = Some(0);
    }

    fn step<H: Hyperparameters + ?Sized>(&mut self, optimizer: &mut H, _metric: f64) {
        if self.last_epoch.is_none() {
            self.start(optimizer);
        }
        let epoch = self.last_epoch() + 1;
        self.last_epoch = Some(epoch);
        if epoch % self.step_size == 0 {
            optimizer.set_learning_rate(optimizer.learning_rate() * self.gamma);
        }
    }
}
