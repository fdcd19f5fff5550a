//! Simplification: IR to IR rewrites that keep every result bit for bit.
//!
//! Only rewrites exact in IEEE arithmetic are made (`x * 1 → x`, `-(-x) → x`, folding
//! literal arithmetic in the function's own float width, moving power-of-two factors —
//! exact away from overflow and the subnormal range), plus
//! copy propagation, common-subexpression elimination, accumulator merging and dead-code
//! elimination. Derivative code comes out reading like a careful hand-written derivative.
//! Each pass is idempotent; [`simplify`] runs them until nothing changes.

mod accumulators;
pub mod branches;
mod carry;
pub mod dead_code;
mod first_writes;
mod fold;

pub use carry::carry;
pub use first_writes::first_writes;
pub use fold::{OpKey, op_key};

use crate::ir::Function;

/// The float width constant folding must round to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// `f32` arithmetic.
    F32,
    /// `f64` arithmetic.
    F64,
}

/// Simplifies `func` in place until no pass changes it (at most a few rounds).
pub fn simplify(func: &mut Function, width: Width) {
    simplify_with(func, width, false);
}

/// [`simplify`], arranging the gradient sums of loops over fixed-size arrays for the
/// vectoriser as well: for the sums the [carry](carry::carry) pass forms.
pub fn simplify_carried(func: &mut Function, width: Width) {
    simplify_with(func, width, true);
}

fn simplify_with(func: &mut Function, width: Width, for_vectoriser: bool) {
    for _ in 0..12 {
        let mut changed = fold::fold(func, width, for_vectoriser);
        changed |= accumulators::merge(func);
        changed |= dead_code::remove(func);
        if !changed {
            break;
        }
    }
    accumulators::sink_declarations(&mut func.body);
}
