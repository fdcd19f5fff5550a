//! Differentiation: IR to IR.
//!
//! [`reverse`] builds value-and-gradient functions (the primal sweep followed by the
//! adjoint sweep); [`forward`] builds value-and-tangent functions. Both read their
//! derivative rules from [`rules`] and nothing else.

pub mod activity;
#[cfg_attr(not(test), allow(dead_code))]
pub mod forward;
pub mod reverse;
pub mod rules;

#[cfg(test)]
pub use forward::forward;
pub use reverse::{reverse, reverse_all};

use crate::ir::{Function, Op, Ty, VarId};

/// The literal zero of a type, used where a branch must yield a value it does not compute.
pub(crate) fn zero_of(ty: &Ty) -> Op {
    match ty {
        Ty::Float | Ty::Opaque => Op::Float(0.0),
        Ty::Int(_) => Op::Int(0),
        Ty::Bool => Op::Bool(false),
        Ty::Array { .. } => Op::Float(0.0),
    }
}

/// A fresh value named after `of`, with a prefix (`d_x` for the adjoint of `x`, `d_t7` for
/// the adjoint of the temporary `t7`).
pub(crate) fn derived_var(func: &mut Function, of: VarId, prefix: &str) -> VarId {
    let info = func.info(of).clone();
    let base = if info.user_named {
        info.name
    } else {
        crate::emit::names::temporary_name(of, &info.name)
    };
    func.new_var(info.ty, format!("{prefix}{base}"), true)
}
