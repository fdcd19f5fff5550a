//! First writes: an element `+=` reaches while it is still zero becomes `=`.
//!
//! Gradient arrays start at zero and loops add into them: `d_x[i + 1] += d_b;
//! d_x[i] += d_t;`. In a loop running upwards from a zeroed accumulator, the access with
//! the largest offset reaches each element first (earlier iterations reach only lower
//! elements), so it can store instead of adding: `d_x[i + 1] = d_b;` — one load and one
//! addition less per element, and the compiler can carry the value to the next iteration
//! in a register, as a hand-written loop does. Running downwards, the smallest offset is
//! first. Exact up to the sign of a zero (`0.0 + -0.0` is `+0.0`), like the simplifier's
//! other rewrites.

use crate::hash::HashMap;
use crate::ir::visit::{nested_blocks_mut, uses};
use crate::ir::{BinOp, Block, Function, Loop, Op, Stmt, VarId};

/// Rewrites first additions into stores everywhere in `func`; returns whether anything
/// changed.
pub fn first_writes(func: &mut Function) -> bool {
    let ints = int_literals(&func.body);
    rewrite_block(&mut func.body, &ints)
}

/// The value of every integer literal in `block`.
pub(super) fn int_literals(block: &Block) -> HashMap<VarId, i64> {
    crate::ir::build::constants(block)
        .into_iter()
        .filter_map(|(v, op)| match op {
            Op::Int(i) => Some((v, i)),
            _ => None,
        })
        .collect()
}

fn rewrite_block(block: &mut Block, ints: &HashMap<VarId, i64>) -> bool {
    let mut changed = false;
    for decl in 0..block.stmts.len() {
        let Stmt::DeclAcc(acc, Some(_)) = block.stmts[decl] else {
            continue;
        };
        // The first statement after the declaration that touches the accumulator.
        let Some(next) =
            (decl + 1..block.stmts.len()).find(|k| uses(&block.stmts[*k]).contains(&acc))
        else {
            continue;
        };
        if let Stmt::Loop(l) = &mut block.stmts[next] {
            changed |= rewrite_loop(l, acc, ints);
        }
    }
    for nested in block.stmts.iter_mut().flat_map(nested_blocks_mut) {
        changed |= rewrite_block(nested, ints);
    }
    changed
}

/// In loop `l`, entered with `acc` all zeros: when every access to `acc` is a top-level
/// `acc[ind + c] += v`, the one that reaches its element first becomes a store.
fn rewrite_loop(l: &mut Loop, acc: VarId, ints: &HashMap<VarId, i64>) -> bool {
    let Some(range) = &l.range else {
        return false;
    };
    if range.step.is_some() || l.exits || !l.saves.is_empty() {
        return false;
    }
    let offsets = index_offsets(l, ints);
    let mut adds: Vec<(usize, i64)> = Vec::new();
    for (k, s) in l.body.stmts.iter().enumerate() {
        match s {
            Stmt::AddAt(a, idx, v) if *a == acc && *v != acc && !idx.contains(&acc) => {
                let offset = match idx.as_slice() {
                    [i] => offsets.get(i).copied(),
                    _ => None,
                };
                match offset {
                    Some(c) if c >= 0 => adds.push((k, c)),
                    _ => return false,
                }
            }
            other if uses(other).contains(&acc) => return false,
            _ => {}
        }
    }
    let first = if range.rev {
        adds.iter().map(|(_, c)| *c).min()
    } else {
        adds.iter().map(|(_, c)| *c).max()
    };
    let Some(first) = first else {
        return false;
    };
    let mut at = adds.iter().filter(|(_, c)| *c == first);
    let (Some((k, _)), None) = (at.next(), at.next()) else {
        return false;
    };
    if let Stmt::AddAt(a, idx, v) = &l.body.stmts[*k] {
        l.body.stmts[*k] = Stmt::Store(*a, idx.clone(), *v);
        return true;
    }
    false
}

/// The integer values of counted loop `l`'s body that are its index plus a literal `c`
/// (the index itself included, with `c = 0`), mapped to `c`.
pub(super) fn index_offsets(l: &Loop, ints: &HashMap<VarId, i64>) -> HashMap<VarId, i64> {
    let Some(range) = &l.range else {
        return HashMap::default();
    };
    let ind = range.ind;
    l.body
        .stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Let(v, Op::Bin(BinOp::Add, a, b)) if *a == ind => ints.get(b).map(|c| (*v, *c)),
            Stmt::Let(v, Op::Bin(BinOp::Add, a, b)) if *b == ind => ints.get(a).map(|c| (*v, *c)),
            _ => None,
        })
        .chain([(ind, 0)])
        .collect()
}
