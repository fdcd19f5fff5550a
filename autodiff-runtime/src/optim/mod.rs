//! The optimizers, one module each, with PyTorch's update rules, options and defaults.
//!
//! Every optimizer is built through a validating builder (`Adam::builder().lr(0.1)
//! .amsgrad(true).build()?`) or `new(lr)`, and implements [`Optimizer`](crate::Optimizer)
//! for every parameter shape [`Params`](crate::Params) supports. The update rules follow
//! PyTorch's single-tensor (`foreach=False`) code paths operation by operation — `lerp` as
//! in ATen's `Lerp.h`, `addcmul`/`addcdiv` as `θ + (c·a)·b` and `θ + (c·a)/b`, bias
//! corrections with `f64` `powf` — so `f64` trajectories agree with PyTorch's (recorded
//! with `torch.float64` as default dtype) to about 1e-12 relative; CPU SIMD and FMA make
//! bitwise equality impossible. With `f32` parameters the hyperparameters are rounded to
//! `f32` where PyTorch would use them as tensor scalars.
//!
//! | optimizer | PyTorch |
//! | --- | --- |
//! | [`Sgd`] | `torch.optim.SGD` (momentum, dampening, nesterov, weight_decay, maximize) |
//! | [`Adam`] | `torch.optim.Adam` (amsgrad, weight_decay, decoupled_weight_decay, maximize) |
//! | [`AdamW`] | `torch.optim.AdamW` |
//! | [`Adagrad`] | `torch.optim.Adagrad` (lr_decay, initial_accumulator_value, eps, weight_decay) |
//! | [`RmsProp`] | `torch.optim.RMSprop` (alpha, eps, centered, momentum, weight_decay) |
//! | [`Adadelta`] | `torch.optim.Adadelta` |
//! | [`Adamax`] | `torch.optim.Adamax` |
//! | [`NAdam`] | `torch.optim.NAdam` (momentum_decay, decoupled_weight_decay) |
//! | [`RAdam`] | `torch.optim.RAdam` (decoupled_weight_decay) |
//! | [`Lbfgs`] | `torch.optim.LBFGS` (fixed step or strong-Wolfe line search) |
//!
//! ```
//! use autodiff_runtime::Optimizer;
//! use autodiff_runtime::optim::Adam;
//!
//! let adam = Adam::builder().lr(0.1).amsgrad(true).build().unwrap();
//! let mut theta = ([1.0_f64, -1.0], 0.5_f64);
//! let mut state = adam.init(&theta);
//! let mut loss = |p: &([f64; 2], f64), g: &mut ([f64; 2], f64)| {
//!     *g = ([2.0 * p.0[0], 2.0 * p.0[1]], 2.0 * p.1);
//!     p.0[0] * p.0[0] + p.0[1] * p.0[1] + p.1 * p.1
//! };
//! let mut grad = theta.clone();
//! let value = loss(&theta, &mut grad);
//! adam.step(&mut state, &mut theta, value, &grad, &mut loss).unwrap();
//! // Adam's first step moves every component by about lr against its gradient's sign.
//! assert!((theta.0[0] - 0.9).abs() < 1e-6 && (theta.1 - 0.4).abs() < 1e-6);
//! ```

#[macro_use]
mod macros;
mod bias;
mod ops;

mod adadelta;
mod adagrad;
mod adam;
mod adamax;
mod adamw;
mod lbfgs;
mod nadam;
mod radam;
mod rmsprop;
mod sgd;

pub use adadelta::{Adadelta, AdadeltaConfig, AdadeltaState};
pub use adagrad::{Adagrad, AdagradConfig, AdagradState};
pub use adam::{Adam, AdamConfig, AdamState};
pub use adamax::{Adamax, AdamaxConfig, AdamaxState};
pub use adamw::{AdamW, AdamWConfig};
pub use lbfgs::{Lbfgs, LbfgsConfig, LbfgsState, LineSearch};
pub use nadam::{NAdam, NAdamConfig, NAdamState};
pub use radam::{RAdam, RAdamConfig, RAdamState};
pub use rmsprop::{RmsProp, RmsPropConfig, RmsPropState};
pub use sgd::{Sgd, SgdConfig, SgdState};
