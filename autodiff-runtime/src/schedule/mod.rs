//! Learning-rate schedules with PyTorch's semantics (`torch.optim.lr_scheduler`),
//! composable with any optimizer.
//!
//! A [`Schedule`] reads and writes an optimizer's learning rate (and, for [`OneCycleLr`],
//! its momentum) through the [`Hyperparameters`] trait every
//! [`Optimizer`](crate::Optimizer) implements, so it never needs the parameter type. Use it
//! the way PyTorch's schedulers are used:
//!
//! 1. [`Schedule::start`] once, before the first optimizer step — PyTorch's scheduler
//!    constructor, which records the base learning rate and applies the value for step 0;
//! 2. [`Schedule::step`] after every optimizer step — PyTorch's `scheduler.step()`, or
//!    `scheduler.step(metric)` for [`ReduceLrOnPlateau`] (the other schedules ignore
//!    `metric`).
//!
//! `step` calls `start` itself if it has not been called. The recursive ("chainable")
//! forms are used, as PyTorch does when `step()` gets no epoch, so a schedule composes
//! with changes made to the learning rate by others.
//!
//! ```
//! use autodiff_runtime::{Hyperparameters, Optimizer};
//! use autodiff_runtime::optim::Sgd;
//! use autodiff_runtime::schedule::{Schedule, StepLr};
//!
//! let mut sgd = Sgd::new(0.1).unwrap();
//! let mut schedule = StepLr::new(2, 0.5).unwrap();
//! let mut x = 1.0_f64;
//! let mut state = sgd.init(&x);
//! let mut f = |x: &f64, g: &mut f64| { *g = 2.0 * x; x * x };
//! schedule.start(&mut sgd);
//! let mut lrs = Vec::new();
//! for _ in 0..5 {
//!     lrs.push(sgd.learning_rate());
//!     let mut g = 0.0;
//!     let loss = f(&x, &mut g);
//!     sgd.step(&mut state, &mut x, loss, &g, &mut f).unwrap();
//!     schedule.step(&mut sgd, loss);
//! }
//! assert_eq!(lrs, [0.1, 0.1, 0.05, 0.05, 0.025]);
//! ```

mod cosine_annealing_lr;
mod exponential_lr;
mod one_cycle_lr;
mod reduce_lr_on_plateau;
mod step_lr;

pub use cosine_annealing_lr::CosineAnnealingLr;
pub use exponential_lr::ExponentialLr;
pub use one_cycle_lr::{Anneal, OneCycleLr, OneCycleLrConfig};
pub use reduce_lr_on_plateau::{
    PlateauMode, ReduceLrOnPlateau, ReduceLrOnPlateauConfig, ThresholdMode,
};
pub use step_lr::StepLr;

use crate::Hyperparameters;

/// A learning-rate schedule: PyTorch's `LRScheduler` protocol over any optimizer.
///
/// ```
/// use autodiff_runtime::Hyperparameters;
/// use autodiff_runtime::optim::Adam;
/// use autodiff_runtime::schedule::{ExponentialLr, Schedule};
///
/// let mut adam = Adam::new(1.0).unwrap();
/// let mut schedule = ExponentialLr::new(0.5).unwrap();
/// schedule.start(&mut adam);
/// schedule.step(&mut adam, 0.0);
/// schedule.step(&mut adam, 0.0);
/// assert_eq!(adam.learning_rate(), 0.25);
/// ```
pub trait Schedule {
    /// Attaches to `optimizer`: records its learning rate as the base rate and applies the
    /// schedule's values for step 0 (what PyTorch's scheduler constructor does). Calling it
    /// again restarts the schedule from the optimizer's current values.
    fn start<H: Hyperparameters + ?Sized>(&mut self, optimizer: &mut H);

    /// Advances the schedule by one step and writes the new learning rate (PyTorch's
    /// `scheduler.step()`); `metric` is the monitored quantity for [`ReduceLrOnPlateau`]
    /// and ignored by the others. Starts the schedule first if [`start`](Self::start) was
    /// not called.
    fn step<H: Hyperparameters + ?Sized>(&mut self, optimizer: &mut H, metric: f64);
}
