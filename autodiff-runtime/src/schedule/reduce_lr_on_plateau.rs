//! [`ReduceLrOnPlateau`]: reduce the learning rate when a metric stops improving.

use super::Schedule;
use crate::Hyperparameters;
use crate::error::{ConfigError, non_negative};

/// Whether the monitored metric should decrease or increase.
///
/// ```
/// use autodiff_runtime::schedule::PlateauMode;
///
/// assert_eq!(PlateauMode::default(), PlateauMode::Min);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlateauMode {
    /// Lower is better (a loss). PyTorch's `mode="min"`.
    #[default]
    Min,
    /// Higher is better (an accuracy). PyTorch's `mode="max"`.
    Max,
}

/// How `threshold` measures a significant improvement.
///
/// ```
/// use autodiff_runtime::schedule::ThresholdMode;
///
/// assert_eq!(ThresholdMode::default(), ThresholdMode::Rel);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThresholdMode {
    /// Better means beyond `best · (1 ∓ threshold)`. PyTorch's `threshold_mode="rel"`.
    #[default]
    Rel,
    /// Better means beyond `best ∓ threshold`. PyTorch's `threshold_mode="abs"`.
    Abs,
}

/// Options of [`ReduceLrOnPlateau`], with PyTorch's defaults.
///
/// ```
/// use autodiff_runtime::schedule::{ReduceLrOnPlateau, ReduceLrOnPlateauConfig};
///
/// let config = ReduceLrOnPlateauConfig { factor: 0.5, patience: 2, ..Default::default() };
/// assert!(config.build().is_ok());
/// assert_eq!(ReduceLrOnPlateau::builder().patience, 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReduceLrOnPlateauConfig {
    /// Minimize or maximize the metric (default [`PlateauMode::Min`]).
    pub mode: PlateauMode,
    /// Multiplier of the learning rate on a plateau, in `[0, 1)` (default `0.1`).
    pub factor: f64,
    /// Bad steps tolerated before reducing (default `10`).
    pub patience: usize,
    /// Minimal significant improvement, `>= 0` (default `1e-4`).
    pub threshold: f64,
    /// How `threshold` is applied (default [`ThresholdMode::Rel`]).
    pub threshold_mode: ThresholdMode,
    /// Steps to wait after a reduction before counting bad steps again (default `0`).
    pub cooldown: usize,
    /// Lower bound of the learning rate, `>= 0` (default `0`).
    pub min_lr: f64,
    /// Reductions smaller than this are skipped, `>= 0` (default `1e-8`).
    pub eps: f64,
}

impl Default for ReduceLrOnPlateauConfig {
    /// PyTorch's defaults.
    fn default() -> Self {
        ReduceLrOnPlateauConfig {
            mode: PlateauMode::Min,
            factor: 0.1,
            patience: 10,
            threshold: 1e-4,
            threshold_mode: ThresholdMode::Rel,
            cooldown: 0,
            min_lr: 0.0,
            eps: 1e-8,
        }
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $field:ident: $ty:ty = $ex:expr;)*) => {$(
        $(#[$doc])*
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use autodiff_runtime::schedule::*;"]
        #[doc = ""]
        #[doc = concat!("let config = ReduceLrOnPlateau::builder().", stringify!($field), "(", stringify!($ex), ");")]
        #[doc = concat!("assert_eq!(config.", stringify!($field), ", ", stringify!($ex), ");")]
        #[doc = "```"]
        #[must_use]
        pub fn $field(mut self, value: $ty) -> Self {
            self.$field = value;
            self
        }
    )*};
}

impl ReduceLrOnPlateauConfig {
    setters! {
        /// Sets `mode`.
        mode: PlateauMode = PlateauMode::Max;
        /// Sets `factor`.
        factor: f64 = 0.5;
        /// Sets `patience`.
        patience: usize = 2;
        /// Sets `threshold`.
        threshold: f64 = 0.01;
        /// Sets `threshold_mode`.
        threshold_mode: ThresholdMode = ThresholdMode::Abs;
        /// Sets `cooldown`.
        cooldown: usize = 3;
        /// Sets `min_lr`.
        min_lr: f64 = 1e-5;
        /// Sets `eps`.
        eps: f64 = 1e-10;
    }

    /// Validates the options and builds the schedule.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] if `factor` is outside `[0, 1)` or `threshold`, `min_lr` or `eps`
    /// is negative or not finite.
    ///
    /// ```
    /// use autodiff_runtime::schedule::ReduceLrOnPlateau;
    ///
    /// assert_eq!(ReduceLrOnPlateau::builder().factor(1.0).build().unwrap_err().parameter(), "factor");
    /// ```
    pub fn build(self) -> Result<ReduceLrOnPlateau, ConfigError> {
        if !(0.0..1.0).contains(&self.factor) {
            return Err(ConfigError::new(
                "factor",
                self.factor,
                "a number in [0, 1)",
            ));
        }
        non_negative("threshold", self.threshold)?;
        non_negative("min_lr", self.min_lr)?;
        non_negative("eps", self.eps)?;
        let mut schedule = ReduceLrOnPlateau {
            config: self,
            best: 0.0,
            num_bad_epochs: 0,
            cooldown_counter: 0,
            last_epoch: 0,
        };
        schedule.reset();
        Ok(schedule)
    }
}

/// `torch.optim.lr_scheduler.ReduceLROnPlateau`: after more than `patience` steps without a
/// significant improvement of the metric passed to [`step`](Schedule::step), multiplies the
/// learning rate by `factor` (not below `min_lr`, and only if the change exceeds `eps`),
/// then waits `cooldown` steps.
///
/// ```
/// use autodiff_runtime::Hyperparameters;
/// use autodiff_runtime::optim::Sgd;
/// use autodiff_runtime::schedule::{ReduceLrOnPlateau, Schedule};
///
/// let mut sgd = Sgd::new(1.0).unwrap();
/// let mut schedule = ReduceLrOnPlateau::builder().patience(1).factor(0.5).build().unwrap();
/// schedule.start(&mut sgd);
/// for loss in [3.0, 2.0, 2.0, 2.0] {
///     schedule.step(&mut sgd, loss);
/// }
/// assert_eq!(sgd.learning_rate(), 0.5); // two bad steps after the best (2.0)
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReduceLrOnPlateau {
    config: ReduceLrOnPlateauConfig,
    best: f64,
    num_bad_epochs: usize,
    cooldown_counter: usize,
    last_epoch: usize,
}

impl ReduceLrOnPlateau {
    /// Options starting from PyTorch's defaults; finish with
    /// [`ReduceLrOnPlateauConfig::build`].
    ///
    /// ```
    /// use autodiff_runtime::schedule::ReduceLrOnPlateau;
    ///
    /// assert_eq!(ReduceLrOnPlateau::builder().factor, 0.1);
    /// ```
    pub fn builder() -> ReduceLrOnPlateauConfig {
        ReduceLrOnPlateauConfig::default()
    }

    /// The best metric so far (infinite in the "worse" direction before the first step).
    ///
    /// ```
    /// use autodiff_runtime::schedule::ReduceLrOnPlateau;
    ///
    /// assert_eq!(ReduceLrOnPlateau::builder().build().unwrap().best(), f64::INFINITY);
    /// ```
    pub fn best(&self) -> f64 {
        self.best
    }

    /// Consecutive steps without significant improvement.
    ///
    /// ```
    /// use autodiff_runtime::optim::Sgd;
    /// use autodiff_runtime::schedule::{ReduceLrOnPlateau, Schedule};
    ///
    /// let mut schedule = ReduceLrOnPlateau::builder().build().unwrap();
    /// let mut sgd = Sgd::default();
    /// schedule.step(&mut sgd, 1.0);
    /// schedule.step(&mut sgd, 1.0);
    /// assert_eq!(schedule.num_bad_epochs(), 1);
    /// ```
    pub fn num_bad_epochs(&self) -> usize {
        self.num_bad_epochs
    }

    fn reset(&mut self) {
        self.best = match self.config.mode {
            PlateauMode::Min => f64::INFINITY,
            PlateauMode::Max => f64::NEG_INFINITY,
        };
        self.cooldown_counter = 0;
        self.num_bad_epochs = 0;
    }

    fn is_better(&self, a: f64) -> bool {
        let (best, threshold) = (self.best, self.config.threshold);
        match (self.config.mode, self.config.threshold_mode) {
            (PlateauMode::Min, ThresholdMode::Rel) => a < best * (1.0 - threshold),
            (PlateauMode::Min, ThresholdMode::Abs) => a < best - threshold,
            (PlateauMode::Max, ThresholdMode::Rel) => a > best * (threshold + 1.0),
            (PlateauMode::Max, ThresholdMode::Abs) => a > best + threshold,
        }
    }
}

impl Schedule for ReduceLrOnPlateau {
    fn start<H: Hyperparameters + ?Sized>(&mut self, _optimizer: &mut H) {
        self.reset();
        self.last_epoch = 0;
    }

    fn step<H: Hyperparameters + ?Sized>(&mut self, optimizer: &mut H, metric: f64) {
        self.last_epoch += 1;
        if self.is_better(metric) {
            self.best = metric;
            self.num_bad_epochs = 0;
        } else {
            self.num_bad_epochs += 1;
        }
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.num_bad_epochs = 0;
        }
        if self.num_bad_epochs > self.config.patience {
            let old_lr = optimizer.learning_rate();
            let reduced = old_lr * self.config.factor;
            let new_lr = if self.config.min_lr > reduced {
                self.config.min_lr
            } else {
                reduced
            };
            if old_lr - new_lr > self.config.eps {
                optimizer.set_learning_rate(new_lr);
            }
            self.cooldown_counter = self.config.cooldown;
            self.num_bad_epochs = 0;
        }
    }
}
