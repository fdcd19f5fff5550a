//! What a statement reads and writes, for passes that move statements (loop fusion,
//! branch joining): values and containers (accumulators, local arrays, tapes), at any depth.

use crate::hash::HashSet;

use crate::ir::visit::{defs, direct_uses, nested_blocks, uses};
use crate::ir::{Block, Stmt, VarId};

/// The containers `stmt` writes (`+=`, `=`, element stores, tape saves), at any depth,
/// including containers declared inside it.
pub fn written(stmt: &Stmt, out: &mut HashSet<VarId>) {
    match stmt {
        Stmt::AddAcc(a, _) | Stmt::SetAcc(a, _) | Stmt::Store(a, ..) | Stmt::AddAt(a, ..) => {
            out.insert(*a);
        }
        Stmt::Loop(l) => {
            out.extend(l.saves.iter().map(|s| s.tape));
            written_in(&l.body, out);
        }
        other => {
            for b in nested_blocks(other) {
                written_in(b, out);
            }
        }
    }
}

/// [`written`] for every statement of `block`.
pub fn written_in(block: &Block, out: &mut HashSet<VarId>) {
    for s in &block.stmts {
        written(s, out);
    }
}

/// The containers declared in `block`, at any depth.
pub fn declared_in(block: &Block, out: &mut HashSet<VarId>) {
    for s in &block.stmts {
        match s {
            Stmt::DeclAcc(a, _) | Stmt::DeclArray { array: a, .. } => {
                out.insert(*a);
            }
            other => {
                for b in nested_blocks(other) {
                    declared_in(b, out);
                }
            }
        }
    }
}

/// Everything `stmt` writes: the values it defines and the containers it changes.
pub fn writes(stmt: &Stmt) -> HashSet<VarId> {
    let mut out: HashSet<VarId> = defs(stmt).into_iter().collect();
    written(stmt, &mut out);
    out
}

/// Everything `stmt` reads, a container it changes counting as read.
pub fn reads(stmt: &Stmt) -> HashSet<VarId> {
    uses(stmt).into_iter().collect()
}

/// Whether `block` reads `v` for its value anywhere (being the target of `+=` or of an
/// element `+=` does not count).
pub fn reads_value(block: &Block, v: VarId) -> bool {
    block.results.contains(&v)
        || block.stmts.iter().any(|s| {
            let direct = match s {
                Stmt::AddAcc(_, x) => *x == v,
                Stmt::AddAt(_, idx, x) => *x == v || idx.contains(&v),
                Stmt::Loop(l) => {
                    direct_uses(s).contains(&v)
                        || l.saves.iter().any(|sv| sv.value == v || sv.index == v)
                }
                other => direct_uses(other).contains(&v),
            };
            direct || nested_blocks(s).any(|b| reads_value(b, v))
        })
}

/// Whether `block` contains an accumulator statement (a declaration, `+=`, `=` or element
/// `+=`) at any depth: primal code has none.
pub fn has_accumulators(block: &Block) -> bool {
    block.stmts.iter().any(|s| match s {
        Stmt::DeclAcc(..) | Stmt::AddAcc(..) | Stmt::SetAcc(..) | Stmt::AddAt(..) => true,
        other => nested_blocks(other).any(has_accumulators),
    })
}

/// How often `block` writes `v`, by kind: `(additions, assignments, other writes)`.
pub fn write_kinds(block: &Block, v: VarId) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for s in &block.stmts {
        match s {
            Stmt::AddAcc(a, _) | Stmt::AddAt(a, ..) if *a == v => counts.0 += 1,
            Stmt::SetAcc(a, _) if *a == v => counts.1 += 1,
            Stmt::Store(a, ..) if *a == v => counts.2 += 1,
            Stmt::Loop(l) if l.saves.iter().any(|sv| sv.tape == v) => counts.2 += 1,
            _ => {}
        }
        for b in nested_blocks(s) {
            let (x, y, z) = write_kinds(b, v);
            counts = (counts.0 + x, counts.1 + y, counts.2 + z);
        }
    }
    counts
}
