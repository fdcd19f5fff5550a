//! [`LbfgsConfig`]: L-BFGS hyperparameters, their defaults and validation.

use super::Lbfgs;
use crate::error::{ConfigError, non_negative};

/// The line search [`Lbfgs`] uses (PyTorch's `line_search_fn`).
///
/// ```
/// use autodiff_runtime::optim::LineSearch;
///
/// assert_eq!(LineSearch::default(), LineSearch::None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineSearch {
    /// A fixed step of length `lr` (PyTorch's `line_search_fn=None`).
    #[default]
    None,
    /// PyTorch's strong-Wolfe line search (`line_search_fn="strong_wolfe"`).
    StrongWolfe,
}

/// Hyperparameters of [`Lbfgs<M>`](Lbfgs), with PyTorch's defaults; `M` is the history
/// capacity, the most curvature pairs the state can hold.
///
/// ```
/// use autodiff_runtime::optim::{Lbfgs, LineSearch};
///
/// let config = Lbfgs::builder();
/// assert_eq!((config.lr, config.max_iter, config.eval_budget()), (1.0, 20, 25));
/// assert_eq!(config.history_size, 100);
/// assert_eq!(config.line_search, LineSearch::None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LbfgsConfig<const M: usize = 100> {
    /// Learning rate (the step length without line search, the first trial step with
    /// one), `>= 0` (default `1`).
    pub lr: f64,
    /// Most iterations per `step`, `>= 1` (default `20`).
    pub max_iter: usize,
    /// Most objective evaluations per `step`, `>= 1`; `None` means `max_iter * 5 / 4`
    /// (default `None`).
    pub max_eval: Option<usize>,
    /// Stop when `max |g| <= tolerance_grad`, `>= 0` (default `1e-7`).
    pub tolerance_grad: f64,
    /// Stop when the loss or the parameters change less than this, `>= 0` (default `1e-9`).
    pub tolerance_change: f64,
    /// Curvature pairs kept, in `1..=M` (default `M`, which defaults to PyTorch's `100`).
    pub history_size: usize,
    /// The line search (default [`LineSearch::None`]).
    pub line_search: LineSearch,
}

impl<const M: usize> Default for LbfgsConfig<M> {
    /// PyTorch's defaults, with `history_size = M`.
    fn default() -> Self {
        LbfgsConfig {
            lr: 1.0,
            max_iter: 20,
            max_eval: None,
            tolerance_grad: 1e-7,
            tolerance_change: 1e-9,
            history_size: M,
            line_search: LineSearch::None,
        }
    }
}

impl<const M: usize> LbfgsConfig<M> {
    /// The same hyperparameters with history capacity `K` and `history_size = K`.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// let lbfgs = Lbfgs::builder().capacity::<5>().build().unwrap();
    /// assert_eq!(lbfgs.config().history_size, 5);
    /// ```
    #[must_use]
    pub fn capacity<const K: usize>(self) -> LbfgsConfig<K> {
        LbfgsConfig {
            lr: self.lr,
            max_iter: self.max_iter,
            max_eval: self.max_eval,
            tolerance_grad: self.tolerance_grad,
            tolerance_change: self.tolerance_change,
            history_size: K,
            line_search: self.line_search,
        }
    }

    /// Sets `lr`.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::builder().lr(0.1).lr, 0.1);
    /// ```
    #[must_use]
    pub fn lr(mut self, lr: f64) -> Self {
        self.lr = lr;
        self
    }

    /// Sets `max_iter`.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// let config = Lbfgs::builder().max_iter(100);
    /// assert_eq!((config.max_iter, config.eval_budget()), (100, 125));
    /// ```
    #[must_use]
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Sets `max_eval`.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::builder().max_eval(Some(7)).eval_budget(), 7);
    /// ```
    #[must_use]
    pub fn max_eval(mut self, max_eval: Option<usize>) -> Self {
        self.max_eval = max_eval;
        self
    }

    /// Sets `tolerance_grad`.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::builder().tolerance_grad(1e-5).tolerance_grad, 1e-5);
    /// ```
    #[must_use]
    pub fn tolerance_grad(mut self, tolerance_grad: f64) -> Self {
        self.tolerance_grad = tolerance_grad;
        self
    }

    /// Sets `tolerance_change`.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::builder().tolerance_change(0.0).tolerance_change, 0.0);
    /// ```
    #[must_use]
    pub fn tolerance_change(mut self, tolerance_change: f64) -> Self {
        self.tolerance_change = tolerance_change;
        self
    }

    /// Sets `history_size` (at most the capacity `M`).
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert!(Lbfgs::builder().history_size(10).build().is_ok());
    /// assert!(Lbfgs::builder().history_size(0).build().is_err());
    /// assert!(Lbfgs::builder().history_size(101).build().is_err());
    /// ```
    #[must_use]
    pub fn history_size(mut self, history_size: usize) -> Self {
        self.history_size = history_size;
        self
    }

    /// Sets `line_search`.
    ///
    /// ```
    /// use autodiff_runtime::optim::{Lbfgs, LineSearch};
    ///
    /// let config = Lbfgs::builder().line_search(LineSearch::StrongWolfe);
    /// assert_eq!(config.line_search, LineSearch::StrongWolfe);
    /// ```
    #[must_use]
    pub fn line_search(mut self, line_search: LineSearch) -> Self {
        self.line_search = line_search;
        self
    }

    /// The evaluation budget per step: `max_eval`, or `max_iter * 5 / 4` when unset.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// assert_eq!(Lbfgs::builder().max_iter(3).eval_budget(), 3);
    /// ```
    pub fn eval_budget(&self) -> usize {
        self.max_eval.unwrap_or(self.max_iter * 5 / 4)
    }

    /// Validates the hyperparameters and builds the optimizer.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the first hyperparameter outside its accepted range.
    ///
    /// ```
    /// use autodiff_runtime::optim::Lbfgs;
    ///
    /// let err = Lbfgs::builder().max_iter(0).build().unwrap_err();
    /// assert_eq!(err.parameter(), "max_iter");
    /// ```
    pub fn build(self) -> Result<Lbfgs<M>, ConfigError> {
        non_negative("lr", self.lr)?;
        if self.max_iter == 0 {
            return Err(ConfigError::new("max_iter", 0.0, "an integer >= 1"));
        }
        if self.eval_budget() == 0 {
            return Err(ConfigError::new("max_eval", 0.0, "an integer >= 1"));
        }
        non_negative("tolerance_grad", self.tolerance_grad)?;
        non_negative("tolerance_change", self.tolerance_change)?;
        if self.history_size == 0 || self.history_size > M {
            return Err(ConfigError::new(
                "history_size",
                self.history_size as f64,
                "an integer in 1..=M, the history capacity of Lbfgs<M> (100 by default)",
            ));
        }
        Ok(Lbfgs { config: self })
    }
}
