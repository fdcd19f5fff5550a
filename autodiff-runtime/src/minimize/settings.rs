//! The untyped settings shared by both drivers, and the "no schedule" default.

use super::trace::TraceLength;
use crate::optimizer::Hyperparameters;
use crate::schedule::Schedule;

/// The step limit when `max_steps` is not called.
pub const DEFAULT_MAX_STEPS: usize = 1000;

/// Step limit, seed and trace length of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    pub max_steps: usize,
    pub seed: u64,
    pub trace_length: TraceLength,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_steps: DEFAULT_MAX_STEPS,
            seed: 0,
            trace_length: TraceLength::Full,
        }
    }
}

/// No learning-rate schedule (the default): the optimizer's rate is left alone.
///
/// ```
/// use autodiff_runtime::Hyperparameters;
/// use autodiff_runtime::minimize::NoSchedule;
/// use autodiff_runtime::optim::Sgd;
/// use autodiff_runtime::schedule::Schedule;
///
/// let mut sgd = Sgd::new(0.1).unwrap();
/// NoSchedule.start(&mut sgd);
/// NoSchedule.step(&mut sgd, 1.0);
/// assert_eq!(sgd.learning_rate(), 0.1);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoSchedule;

impl Schedule for NoSchedule {
    fn start<H: Hyperparameters + ?Sized>(&mut self, _: &mut H) {}
    fn step<H: Hyperparameters + ?Sized>(&mut self, _: &mut H, _: f64) {}
}
