//! Walking the IR: which values a statement defines and reads, and renaming them.

use std::collections::{BTreeSet, HashMap};

use super::{Block, Stmt, VarId};

/// The values `stmt` defines at its own level (not those defined inside its branches).
/// An accumulator is defined by its `DeclAcc`.
pub fn defs(stmt: &Stmt) -> Vec<VarId> {
    match stmt {
        Stmt::Let(v, _) => vec![*v],
        Stmt::If { outs, .. } => outs.clone(),
        Stmt::Call {
            value, partials, ..
        } => std::iter::once(*value)
            .chain(partials.iter().copied())
            .collect(),
        Stmt::DeclAcc(v) => vec![*v],
        Stmt::AddAcc(..) => vec![],
    }
}

/// Every value `stmt` reads, including reads inside its branches of values defined outside
/// them.
pub fn uses(stmt: &Stmt) -> BTreeSet<VarId> {
    let mut out = BTreeSet::new();
    match stmt {
        Stmt::Let(_, op) => out.extend(op.args()),
        Stmt::If {
            cond,
            then_block,
            else_block,
            ..
        } => {
            out.insert(*cond);
            out.extend(free_vars(then_block));
            out.extend(free_vars(else_block));
        }
        Stmt::Call { args, .. } => out.extend(args.iter().copied()),
        Stmt::DeclAcc(_) => {}
        Stmt::AddAcc(acc, v) => {
            out.insert(*acc);
            out.insert(*v);
        }
    }
    out
}

/// The values `block` reads (its results included) that it does not define itself.
pub fn free_vars(block: &Block) -> BTreeSet<VarId> {
    let mut defined = BTreeSet::new();
    let mut free = BTreeSet::new();
    for stmt in &block.stmts {
        for u in uses(stmt) {
            if !defined.contains(&u) {
                free.insert(u);
            }
        }
        defined.extend(defs(stmt));
    }
    for r in &block.results {
        if !defined.contains(r) {
            free.insert(*r);
        }
    }
    free
}

/// Replaces every read of a value in `map` (inside nested branches too). Definitions are
/// left alone.
pub fn rename_uses(block: &mut Block, map: &HashMap<VarId, VarId>) {
    let f = |v: VarId| *map.get(&v).unwrap_or(&v);
    for stmt in &mut block.stmts {
        match stmt {
            Stmt::Let(_, op) => op.map_args(f),
            Stmt::If {
                cond,
                then_block,
                else_block,
                ..
            } => {
                *cond = f(*cond);
                rename_uses(then_block, map);
                rename_uses(else_block, map);
            }
            Stmt::Call { args, .. } => args.iter_mut().for_each(|a| *a = f(*a)),
            Stmt::DeclAcc(_) => {}
            Stmt::AddAcc(acc, v) => {
                *acc = f(*acc);
                *v = f(*v);
            }
        }
    }
    block.results.iter_mut().for_each(|r| *r = f(*r));
}

/// Counts the reads of each value in `block`, nested branches and results included.
pub fn count_uses(block: &Block, counts: &mut HashMap<VarId, usize>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::If {
                cond,
                then_block,
                else_block,
                ..
            } => {
                *counts.entry(*cond).or_default() += 1;
                count_uses(then_block, counts);
                count_uses(else_block, counts);
            }
            other => {
                let args: Vec<VarId> = match other {
                    Stmt::Let(_, op) => op.args(),
                    Stmt::Call { args, .. } => args.clone(),
                    Stmt::AddAcc(acc, v) => vec![*acc, *v],
                    _ => vec![],
                };
                for a in args {
                    *counts.entry(a).or_default() += 1;
                }
            }
        }
    }
    for r in &block.results {
        *counts.entry(*r).or_default() += 1;
    }
}
