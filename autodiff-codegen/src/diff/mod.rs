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

/// Whether a call's arguments depend on a parameter outside `wrt`: the partials with
/// respect to every parameter would then differentiate that call, whose callee may not be
/// differentiable at all.
pub fn calls_depend_on_excluded(func: &Function) -> bool {
    use crate::ir::visit::nested_blocks;
    use crate::ir::{Block, Stmt};
    let with_wrt = activity::active_vars(func, &func.wrt_params());
    let every: Vec<VarId> = func
        .params
        .iter()
        .filter(|p| func.ty(p.var).is_differentiable())
        .map(|p| p.var)
        .collect();
    let with_all = activity::active_vars(func, &every);
    fn walk(
        b: &Block,
        wrt: &crate::hash::HashSet<VarId>,
        all: &crate::hash::HashSet<VarId>,
    ) -> bool {
        b.stmts.iter().any(|s| match s {
            Stmt::Call { args, .. } => args.iter().any(|a| all.contains(a) && !wrt.contains(a)),
            other => nested_blocks(other).any(|n| walk(n, wrt, all)),
        })
    }
    walk(&func.body, &with_wrt, &with_all)
}

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
