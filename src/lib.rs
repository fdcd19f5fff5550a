//! autodiff: compile-time automatic differentiation for Rust.
#![no_std]

pub use autodiff_macros::differentiable;
pub use autodiff_runtime::*;
