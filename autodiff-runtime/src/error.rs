//! [`ConfigError`]: a hyperparameter outside its accepted range.

/// A hyperparameter outside its accepted range, reported when an optimizer or a
/// learning-rate schedule is built.
///
/// The message names the parameter, the rejected value and the accepted range.
///
/// ```
/// use autodiff_runtime::optim::Adam;
///
/// let err = Adam::new(-0.1).unwrap_err();
/// assert_eq!(err.parameter(), "lr");
/// assert_eq!(err.value(), -0.1);
/// assert_eq!(err.to_string(), "invalid lr = -0.1: expected a finite number >= 0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConfigError {
    parameter: &'static str,
    value: f64,
    expected: &'static str,
}

impl ConfigError {
    /// An error for `parameter` holding `value`, which should satisfy `expected`
    /// (a phrase such as `"a number in [0, 1)"`).
    ///
    /// ```
    /// use autodiff_runtime::ConfigError;
    ///
    /// let err = ConfigError::new("gamma", -1.0, "a finite number >= 0");
    /// assert_eq!(err.to_string(), "invalid gamma = -1: expected a finite number >= 0");
    /// ```
    pub const fn new(parameter: &'static str, value: f64, expected: &'static str) -> Self {
        ConfigError {
            parameter,
            value,
            expected,
        }
    }

    /// The name of the rejected hyperparameter, as in PyTorch (`"lr"`, `"betas.0"`, ...).
    ///
    /// ```
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let err = Sgd::builder().momentum(-1.0).build().unwrap_err();
    /// assert_eq!(err.parameter(), "momentum");
    /// ```
    pub const fn parameter(&self) -> &'static str {
        self.parameter
    }

    /// The rejected value (integers and booleans are converted to `f64`).
    ///
    /// ```
    /// use autodiff_runtime::optim::Adam;
    ///
    /// let err = Adam::builder().betas((0.9, 1.0)).build().unwrap_err();
    /// assert_eq!(err.value(), 1.0);
    /// ```
    pub const fn value(&self) -> f64 {
        self.value
    }

    /// The accepted range, as a phrase.
    ///
    /// ```
    /// use autodiff_runtime::optim::Adam;
    ///
    /// let err = Adam::builder().eps(-1.0).build().unwrap_err();
    /// assert_eq!(err.expected(), "a finite number >= 0");
    /// ```
    pub const fn expected(&self) -> &'static str {
        self.expected
    }
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "invalid {} = {}: expected {}",
            self.parameter, self.value, self.expected
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ConfigError {}

/// Checks that `value` is finite and `>= 0`.
pub(crate) fn non_negative(parameter: &'static str, value: f64) -> Result<(), ConfigError> {
    if value >= 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(ConfigError::new(parameter, value, "a finite number >= 0"))
    }
}

/// Checks that `value` is in `[0, 1)`.
pub(crate) fn unit_half_open(parameter: &'static str, value: f64) -> Result<(), ConfigError> {
    if (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::new(parameter, value, "a number in [0, 1)"))
    }
}

/// Checks that `value` is in `[0, 1]`.
pub(crate) fn unit_closed(parameter: &'static str, value: f64) -> Result<(), ConfigError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::new(parameter, value, "a number in [0, 1]"))
    }
}

/// Checks that `value` is finite and `> 0`.
pub(crate) fn positive(parameter: &'static str, value: f64) -> Result<(), ConfigError> {
    if value > 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(ConfigError::new(parameter, value, "a finite number > 0"))
    }
}
