//! Carrying a gradient element to the next iteration in a register.
//!
//! After [first writes](super::first_writes), the fused Rosenbrock loop reads
//!
//! ```text
//! for i in 0..n - 1 { …; d_x[i + 1] = d_b; …; d_x[i] += d_t; }
//! ```
//!
//! Element `i + 1` is stored in iteration `i` and read back, added to and stored again in
//! iteration `i + 1`: two stores and a load per element where a hand-written loop carries
//! the pending value in a variable and writes each element once:
//!
//! ```text
//! let mut carry = 0.0;
//! for i in 0..n - 1 { …; d_x[i] = carry + d_t; carry = d_b; }
//! if 0 < n - 1 { d_x[n - 1] = carry; }
//! ```
//!
//! The rewrite applies to an upward `start..end` loop over an accumulator that is all
//! zeros when the loop starts and that the loop touches only as `acc[ind + c + 1] = v` and
//! `acc[ind + c] += w` (in either order). It is exact: `carry + w` adds the same two values
//! as `acc[ind + c] += w` did (the element held the previous iteration's `v`, or a zero).
//!
//! When the loop is `0..len - 1` over an accumulator of length `len` with `c = 0` (the
//! Rosenbrock loop), it stores every element but the last, and the store after the loop is
//! the last: made unconditional (it stores the initial zero if the loop did not run), it
//! completes the array, whose zeros are then never read. The accumulator is marked
//! [`overwritten`](crate::ir::Function::overwritten), and the `_into` form does not zero the
//! caller's buffer first.

use super::first_writes::{index_offsets, int_literals};
use crate::hash::HashMap;
use crate::ir::visit::{nested_blocks_mut, uses};
use crate::ir::{BinOp, Block, Carried, CmpOp, Function, Loop, Op, Stmt, Ty, VarId};

/// Carries neighbouring elements in registers everywhere in `func`; returns whether
/// anything changed.
pub fn carry(func: &mut Function) -> bool {
    let facts = Facts {
        ints: int_literals(&func.body),
        defs: crate::ir::visit::lets(&func.body),
    };
    let mut body = std::mem::take(&mut func.body);
    let changed = carry_in_block(&mut body, func, &facts);
    func.body = body;
    changed
}

/// What the rewrite reads about the function's values.
struct Facts {
    /// Integer literals.
    ints: HashMap<VarId, i64>,
    /// Every `let`.
    defs: HashMap<VarId, Op>,
}

fn carry_in_block(block: &mut Block, func: &mut Function, facts: &Facts) -> bool {
    let mut changed = false;
    let mut k = 0;
    while k < block.stmts.len() {
        if let Stmt::DeclAcc(acc, Some(like)) = block.stmts[k] {
            // The first statement after the declaration that touches the accumulator.
            let next = (k + 1..block.stmts.len()).find(|j| uses(&block.stmts[*j]).contains(&acc));
            if let Some(next) = next {
                let carried = carry_loop(&mut block.stmts[next], (acc, like), func, facts);
                if let Some((before, after)) = carried {
                    block.stmts.splice(next + 1..next + 1, after);
                    block.stmts.splice(next..next, before);
                    changed = true;
                }
            }
        }
        k += 1;
    }
    for nested in block.stmts.iter_mut().flat_map(nested_blocks_mut) {
        changed |= carry_in_block(nested, func, facts);
    }
    changed
}

/// The neighbouring store and addition on `acc` in loop `stmt`, if it has them.
struct Neighbours {
    /// Index in the body of `acc[ind + c + 1] = stored`.
    store: usize,
    stored: VarId,
    /// Index in the body of `acc[ind + c] += added`.
    add: usize,
    /// `c`.
    offset: i64,
}

/// Rewrites loop `stmt` (entered with `acc`, shaped like `like`, all zeros) to carry
/// `acc[ind + c + 1]` to the next iteration; returns the statements to put before and after
/// it.
fn carry_loop(
    stmt: &mut Stmt,
    (acc, like): (VarId, VarId),
    func: &mut Function,
    facts: &Facts,
) -> Option<(Vec<Stmt>, Vec<Stmt>)> {
    let Stmt::Loop(l) = stmt else {
        return None;
    };
    // Elements are floats (a row of a nested array cannot live in a float variable).
    if !matches!(func.ty(acc), Ty::Array { elem, .. } if **elem == Ty::Float) {
        return None;
    }
    let n = neighbours(l, acc, &facts.ints)?;
    let range = l.range.clone()?;
    let elem = Ty::Float;
    let zero = func.new_var(elem.clone(), "t", false);
    let pending = func.new_var(elem.clone(), "carry", false);
    let last = func.new_var(elem.clone(), "carry", false);
    let sum = func.new_var(elem, "t", false);

    // In the body: `acc[ind + c] = carry + added;`, and `carry` becomes the stored value.
    let before = vec![Stmt::Let(zero, Op::Float(0.0))];
    let Stmt::AddAt(_, idx, added) = l.body.stmts[n.add].clone() else {
        return None;
    };
    l.body.stmts[n.add] = Stmt::Store(acc, idx, sum);
    l.body
        .stmts
        .insert(n.add, Stmt::Let(sum, Op::Bin(BinOp::Add, pending, added)));
    let store = if n.store > n.add {
        n.store + 1
    } else {
        n.store
    };
    l.body.stmts.remove(store);
    l.carried.push(Carried {
        init: zero,
        inner: pending,
        out: last,
    });
    l.body.results.push(n.stored);

    // A loop `0..len - 1` writing `acc[ind]`: every element is stored once, the last after
    // the loop, so nothing reads the zeros.
    if n.offset == 0 && covers_all_but_last(&facts.defs, &range, like) {
        func.overwritten.insert(acc);
        return Some((before, vec![Stmt::Store(acc, vec![range.end], last)]));
    }
    // After the loop, if it ran: `acc[end + c] = carry;` (the last iteration's `ind + c + 1`).
    let int = func.ty(range.end).clone();
    let ran = func.new_var(Ty::Bool, "t", false);
    let mut then_block = Block::default();
    let at = if n.offset == 0 {
        range.end
    } else {
        let c = func.new_var(int.clone(), "t", false);
        let at = func.new_var(int, "t", false);
        then_block.stmts.push(Stmt::Let(c, Op::Int(n.offset)));
        then_block
            .stmts
            .push(Stmt::Let(at, Op::Bin(BinOp::Add, range.end, c)));
        at
    };
    then_block.stmts.push(Stmt::Store(acc, vec![at], last));
    let after = vec![
        Stmt::Let(ran, Op::Cmp(CmpOp::Lt, range.start, range.end)),
        Stmt::If {
            cond: ran,
            then_block,
            else_block: Block::default(),
            outs: vec![],
        },
    ];
    Some((before, after))
}

/// Whether `range` is `0..like.len() - 1`.
fn covers_all_but_last(defs: &HashMap<VarId, Op>, range: &crate::ir::Range, like: VarId) -> bool {
    let is_int = |v: VarId, x: i64| matches!(defs.get(&v), Some(Op::Int(y)) if *y == x);
    let Some(Op::Bin(BinOp::Sub, len, one)) = defs.get(&range.end) else {
        return false;
    };
    is_int(range.start, 0)
        && is_int(*one, 1)
        && matches!(defs.get(len), Some(Op::Len(a, idx)) if idx.is_empty() && *a == like)
}

/// The store and addition [`carry_loop`] rewrites, when `l` is an upward `start..end` loop
/// that touches `acc` only through them.
fn neighbours(l: &Loop, acc: VarId, ints: &HashMap<VarId, i64>) -> Option<Neighbours> {
    let range = l.range.as_ref()?;
    if range.step.is_some() || range.rev || range.inclusive || l.exits || !l.saves.is_empty() {
        return None;
    }
    let offsets = index_offsets(l, ints);
    let mut store = None;
    let mut add = None;
    for (k, s) in l.body.stmts.iter().enumerate() {
        match s {
            Stmt::Store(a, idx, v) if *a == acc && store.is_none() => {
                let [i] = idx.as_slice() else { return None };
                store = Some((k, *v, *offsets.get(i)?));
            }
            Stmt::AddAt(a, idx, w) if *a == acc && add.is_none() && *w != acc => {
                let [i] = idx.as_slice() else { return None };
                add = Some((k, *offsets.get(i)?));
            }
            other if uses(other).contains(&acc) => return None,
            _ => {}
        }
    }
    let ((store, stored, high), (add, low)) = (store?, add?);
    if high != low + 1 || low < 0 || stored == acc {
        return None;
    }
    Some(Neighbours {
        store,
        stored,
        add,
        offset: low,
    })
}
