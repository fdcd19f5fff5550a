//! Branch merging: a later `if` on the same condition joins an earlier one, so what both
//! compute in a branch is computed once (CSE then shares it): after fusion, the primal
//! `if z > 0 { softplus(z) }`, the values the adjoint exports from it and the adjoint's own
//! `if z > 0 { … }` sit in one loop body, and `exp(-z)` was computed twice.
//!
//! The later `if` moves up to the earlier one only when nothing between them defines a
//! value it reads or touches a container it writes or reads; the merged branches run the
//! earlier `if`'s statements, then the later one's. Exact: the same operations on the same
//! values.

use crate::hash::{HashMap, HashSet};
use crate::ir::effects;
use crate::ir::visit::{defs, nested_blocks_mut, rename_uses};
use crate::ir::{Block, Function, Stmt, VarId};

/// Merges `if`s on the same condition throughout `func`; returns whether anything changed.
pub fn merge(func: &mut Function) -> bool {
    merge_block(&mut func.body)
}

fn merge_block(block: &mut Block) -> bool {
    let mut changed = false;
    for nested in block.stmts.iter_mut().flat_map(nested_blocks_mut) {
        changed |= merge_block(nested);
    }
    let mut p = 0;
    while p < block.stmts.len() {
        match partner(&block.stmts, p) {
            Some(q) => {
                let later = block.stmts.remove(q);
                join(&mut block.stmts[p], later);
                changed = true;
            }
            None => p += 1,
        }
    }
    changed
}

/// The first later `if` on the condition of the `if` at `p` that can move up to it.
fn partner(stmts: &[Stmt], p: usize) -> Option<usize> {
    let Stmt::If { cond, .. } = &stmts[p] else {
        return None;
    };
    let mut defined: HashSet<VarId> = HashSet::default();
    let mut written: HashSet<VarId> = HashSet::default();
    let mut read: HashSet<VarId> = HashSet::default();
    for (q, s) in stmts.iter().enumerate().skip(p + 1) {
        let reads = effects::reads(s);
        let mut writes = HashSet::default();
        effects::written(s, &mut writes);
        if matches!(s, Stmt::If { cond: c, .. } if c == cond)
            && reads.is_disjoint(&defined)
            && reads.is_disjoint(&written)
            && writes.is_disjoint(&read)
            && writes.is_disjoint(&written)
        {
            return Some(q);
        }
        defined.extend(defs(s));
        written.extend(writes);
        read.extend(reads);
    }
    None
}

/// Appends the branches and outs of `later` to the `if` `earlier`; reads of `earlier`'s
/// outs inside `later`'s branches become reads of the branch's own results.
fn join(earlier: &mut Stmt, later: Stmt) {
    let (
        Stmt::If {
            then_block,
            else_block,
            outs,
            ..
        },
        Stmt::If {
            then_block: mut later_then,
            else_block: mut later_else,
            outs: later_outs,
            ..
        },
    ) = (earlier, later)
    else {
        return;
    };
    for (block, later_block) in [
        (&mut *then_block, &mut later_then),
        (&mut *else_block, &mut later_else),
    ] {
        let rename: HashMap<VarId, VarId> = outs
            .iter()
            .copied()
            .zip(block.results.iter().copied())
            .collect();
        rename_uses(later_block, &rename);
        block.stmts.append(&mut later_block.stmts);
        block.results.append(&mut later_block.results);
    }
    outs.extend(later_outs);
}
