//! `optimizer_config!`: the builder, defaults and constructors every first-order optimizer
//! shares, generated once so each algorithm's module holds only its update rule.

/// Declares an optimizer `$opt` holding a validated `$config`, where `$config` is a plain
/// struct of hyperparameters with PyTorch's defaults and builder-style setters.
///
/// The invoking module must define `impl $config { fn validate(&self) -> Result<(), ConfigError> }`.
macro_rules! optimizer_config {
    (
        $(#[$ometa:meta])*
        pub struct $opt:ident;
        $(#[$cmeta:meta])*
        pub struct $config:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $default:expr, example $ex:expr;
            )*
        }
    ) => {
        $(#[$ometa])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $opt {
            config: $config,
        }

        $(#[$cmeta])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $config {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl Default for $config {
            /// PyTorch's defaults.
            fn default() -> Self {
                Self { $($field: $default,)* }
            }
        }

        impl $config {
            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                #[doc = ""]
                #[doc = "```"]
                #[doc = concat!("use autodiff_runtime::optim::", stringify!($config), ";")]
                #[doc = ""]
                #[doc = concat!("let config = ", stringify!($config), "::default().",
                    stringify!($field), "(", stringify!($ex), ");")]
                #[doc = concat!("assert_eq!(config.", stringify!($field), ", ", stringify!($ex), ");")]
                #[doc = "assert!(config.build().is_ok());"]
                #[doc = "```"]
                #[must_use]
                pub fn $field(mut self, value: $ty) -> Self {
                    self.$field = value;
                    self
                }
            )*

            #[doc = concat!("Validates the hyperparameters and builds the [`", stringify!($opt), "`].")]
            #[doc = ""]
            #[doc = "# Errors"]
            #[doc = ""]
            #[doc = "A [`ConfigError`](crate::ConfigError) naming the first hyperparameter outside its accepted range."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = concat!("use autodiff_runtime::optim::", stringify!($config), ";")]
            #[doc = ""]
            #[doc = concat!("assert!(", stringify!($config), "::default().build().is_ok());")]
            #[doc = concat!("assert!(", stringify!($config), "::default().lr(-1.0).build().is_err());")]
            #[doc = "```"]
            pub fn build(self) -> Result<$opt, $crate::ConfigError> {
                self.validate()?;
                Ok($opt { config: self })
            }
        }

        impl $opt {
            #[doc = concat!("A [`", stringify!($opt), "`] with learning rate `lr` and PyTorch's other defaults.")]
            #[doc = ""]
            #[doc = "# Errors"]
            #[doc = ""]
            #[doc = "A [`ConfigError`](crate::ConfigError) if `lr` is negative or not finite."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "use autodiff_runtime::Hyperparameters;"]
            #[doc = concat!("use autodiff_runtime::optim::", stringify!($opt), ";")]
            #[doc = ""]
            #[doc = concat!("let opt = ", stringify!($opt), "::new(0.5).unwrap();")]
            #[doc = "assert_eq!(opt.learning_rate(), 0.5);"]
            #[doc = concat!("assert!(", stringify!($opt), "::new(f64::NAN).is_err());")]
            #[doc = "```"]
            pub fn new(lr: f64) -> Result<Self, $crate::ConfigError> {
                $config::default().lr(lr).build()
            }

            #[doc = concat!("A builder starting from PyTorch's defaults; finish it with [`", stringify!($config), "::build`].")]
            #[doc = ""]
            #[doc = "```"]
            #[doc = concat!("use autodiff_runtime::optim::{", stringify!($opt), ", ", stringify!($config), "};")]
            #[doc = ""]
            #[doc = concat!("assert_eq!(", stringify!($opt), "::builder(), ", stringify!($config), "::default());")]
            #[doc = "```"]
            pub fn builder() -> $config {
                $config::default()
            }

            #[doc = "The validated hyperparameters (including the current learning rate)."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = concat!("use autodiff_runtime::optim::", stringify!($opt), ";")]
            #[doc = ""]
            #[doc = concat!("assert_eq!(", stringify!($opt), "::new(0.25).unwrap().config().lr, 0.25);")]
            #[doc = "```"]
            pub fn config(&self) -> &$config {
                &self.config
            }
        }

        impl Default for $opt {
            /// PyTorch's defaults.
            fn default() -> Self {
                Self { config: $config::default() }
            }
        }
    };
}

/// Implements [`Hyperparameters`](crate::Hyperparameters) for `$opt` from its config's `lr`
/// and, when given, the field PyTorch's schedules cycle as momentum (`momentum` for SGD
/// and RMSprop, `betas.0` for the Adam family).
macro_rules! hyperparameters {
    ($opt:ident) => {
        impl $crate::Hyperparameters for $opt {
            fn learning_rate(&self) -> f64 {
                self.config.lr
            }
            fn set_learning_rate(&mut self, lr: f64) {
                self.config.lr = lr;
            }
        }
    };
    ($opt:ident, momentum = $($field:tt)+) => {
        impl $crate::Hyperparameters for $opt {
            fn learning_rate(&self) -> f64 {
                self.config.lr
            }
            fn set_learning_rate(&mut self, lr: f64) {
                self.config.lr = lr;
            }
            fn momentum(&self) -> Option<f64> {
                Some(self.config.$($field)+)
            }
            fn set_momentum(&mut self, momentum: f64) {
                self.config.$($field)+ = momentum;
            }
        }
    };
}

/// `P::zip_apply` of an elementwise update, optionally checked: `zip_update!(P, previous,
/// [p = params, m = exp_avg, …], grad, |g| { … })` runs the body on every component (`p`,
/// `m`, … are `&mut` components, `g` the gradient's), and with `previous = Some(buffer)`
/// also copies each parameter into the buffer before its update and ORs the non-finite
/// bits ([`Real::non_finite_bits`](crate::Real::non_finite_bits)) of the updated
/// parameter into the value it returns (zero when all are finite): a store and two
/// bitwise operations more in a pass the update makes anyway.
macro_rules! zip_update {
    ($P:ty, $previous:expr, [$p:ident = $pe:expr $(, $t:ident = $te:expr)* $(,)?], $grad:expr, |$g:ident| $body:block) => {{
        let mut non_finite = 0u64;
        match $previous {
            None => <$P>::zip_apply([$pe $(, $te)*], $grad, &mut |[$p $(, $t)*], $g| $body),
            Some(previous) => <$P>::zip_apply(
                [$pe $(, $te)*, previous],
                $grad,
                &mut |[$p $(, $t)*, before], $g| {
                    *before = *$p;
                    $body
                    non_finite |= $crate::Real::non_finite_bits(*$p);
                },
            ),
        }
        non_finite
    }};
}

/// The two step methods of an `impl Optimizer<P>` whose update is one pass: `$rule`
/// (an expression of `$this`, the optimizer) has a method `update(state, params, previous:
/// Option<&mut P>, grad) -> u64` that makes the step, with [`zip_update!`]'s copy and
/// check when `previous` is given. `step` passes `None`; `step_checked` the driver's
/// buffer, so the copy and the check cost next to nothing.
///
/// Every `update` is `#[inline(always)]`: it is the body of the driver's loop, and LLVM
/// inlines a large function only while it has a single caller — a second `Minimize` run
/// on the same parameter type made Adam's a call, and a 2-D run 8 % slower.
macro_rules! steps_through_update {
    ($state:ty, |$this:ident| $rule:expr) => {
        #[inline]
        fn step<O: Objective<P>>(
            &self,
            state: &mut $state,
            params: &mut P,
            _loss: P::Scalar,
            grad: &P,
            _objective: &mut O,
        ) -> Result<StepReport, StepError> {
            let $this = self;
            $rule.update(state, params, None, grad);
            Ok(StepReport::default())
        }

        #[inline]
        fn step_checked<O: Objective<P>>(
            &self,
            state: &mut $state,
            params: &mut P,
            previous: &mut P,
            _loss: P::Scalar,
            grad: &P,
            _objective: &mut O,
        ) -> Result<CheckedStep, StepError> {
            let $this = self;
            let non_finite = $rule.update(state, params, Some(previous), grad);
            Ok(CheckedStep {
                report: StepReport::default(),
                finite: non_finite == 0,
            })
        }
    };
}

/// `impl Optimizer for $opt` for an optimizer whose `config.rule()` is an
/// [`AdamRule`](crate::optim::adam::AdamRule) (Adam and AdamW): the state and the steps
/// are the rule's.
macro_rules! adam_rule_optimizer {
    ($opt:ident) => {
        impl<P: Params> Optimizer<P> for $opt {
            type State = AdamState<P>;

            fn init(&self, params: &P) -> AdamState<P> {
                self.config.rule().init(params)
            }

            steps_through_update!(AdamState<P>, |adam| adam.config.rule());
        }
    };
}
