//! Walking the IR: which values a statement defines and reads, and renaming them.

use std::collections::BTreeSet;

use crate::hash::{HashMap, HashSet};

use super::{Block, Loop, Op, Stmt, VarId};

/// Every `let` in `block`, nested blocks included: what each value is computed from.
pub fn lets(block: &Block) -> HashMap<VarId, Op> {
    let mut out = HashMap::default();
    let mut stack = vec![block];
    while let Some(b) = stack.pop() {
        for s in &b.stmts {
            if let Stmt::Let(v, op) = s {
                out.insert(*v, op.clone());
            }
            stack.extend(nested_blocks(s));
        }
    }
    out
}

/// The values `stmt` defines at its own level (not those defined inside its branches or
/// body). An accumulator or local array is defined by its declaration.
pub fn defs(stmt: &Stmt) -> Vec<VarId> {
    match stmt {
        Stmt::Let(v, _) => vec![*v],
        Stmt::If { outs, .. } => outs.clone(),
        Stmt::Call {
            value, partials, ..
        } => std::iter::once(*value)
            .chain(partials.iter().copied())
            .collect(),
        Stmt::DeclAcc(v, _) => vec![*v],
        Stmt::DeclArray { array, .. } => vec![*array],
        Stmt::Loop(l) => l.carried.iter().map(|c| c.out).collect(),
        Stmt::AddAcc(..) | Stmt::SetAcc(..) | Stmt::Store(..) | Stmt::AddAt(..) => vec![],
    }
}

/// The values a loop's body has bound on entry: the induction variable and the inner
/// values of what it carries.
pub fn loop_bound(l: &Loop) -> Vec<VarId> {
    l.range
        .iter()
        .map(|r| r.ind)
        .chain(l.carried.iter().map(|c| c.inner))
        .collect()
}

/// The values `stmt` reads directly (not inside nested blocks). For a mutation, the
/// mutated array or accumulator counts as read.
pub fn direct_uses(stmt: &Stmt) -> Vec<VarId> {
    match stmt {
        Stmt::Let(_, op) => op.args(),
        Stmt::If { cond, .. } => vec![*cond],
        Stmt::Call { args, .. } => args.clone(),
        Stmt::DeclAcc(_, like) => like.iter().copied().collect(),
        Stmt::AddAcc(acc, v) | Stmt::SetAcc(acc, v) => vec![*acc, *v],
        Stmt::DeclArray { fill, len, .. } => vec![*fill, *len],
        Stmt::Store(a, idx, v) | Stmt::AddAt(a, idx, v) => {
            let mut out = vec![*a];
            out.extend(idx.iter().copied());
            out.push(*v);
            out
        }
        Stmt::Loop(l) => {
            let mut out: Vec<VarId> = l.carried.iter().map(|c| c.init).collect();
            if let Some(r) = &l.range {
                out.extend([r.start, r.end]);
                out.extend(r.step);
            }
            out.extend(l.saves.iter().map(|s| s.tape));
            out
        }
    }
}

/// The blocks nested in `stmt` (without allocating: this runs for every statement of
/// every pass).
pub fn nested_blocks(stmt: &Stmt) -> impl Iterator<Item = &Block> {
    let pair = match stmt {
        Stmt::If {
            then_block,
            else_block,
            ..
        } => [Some(then_block), Some(else_block)],
        Stmt::Loop(l) => [Some(&l.body), None],
        _ => [None, None],
    };
    pair.into_iter().flatten()
}

/// The blocks nested in `stmt`, to rewrite them.
pub fn nested_blocks_mut(stmt: &mut Stmt) -> impl Iterator<Item = &mut Block> {
    let pair = match stmt {
        Stmt::If {
            then_block,
            else_block,
            ..
        } => [Some(then_block), Some(else_block)],
        Stmt::Loop(l) => [Some(&mut l.body), None],
        _ => [None, None],
    };
    pair.into_iter().flatten()
}

/// Every value `stmt` reads, including reads inside its branches or body of values
/// defined outside them.
pub fn uses(stmt: &Stmt) -> BTreeSet<VarId> {
    let mut out: BTreeSet<VarId> = direct_uses(stmt).into_iter().collect();
    match stmt {
        Stmt::Loop(l) => {
            let bound: HashSet<VarId> = loop_bound(l).into_iter().collect();
            out.extend(
                free_vars(&l.body)
                    .into_iter()
                    .filter(|v| !bound.contains(v)),
            );
            for s in &l.saves {
                if !bound.contains(&s.value) {
                    out.insert(s.value);
                }
            }
        }
        other => {
            for b in nested_blocks(other) {
                out.extend(free_vars(b));
            }
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

/// Replaces every read of a value in `map` (inside nested blocks too). Definitions are
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
            Stmt::DeclAcc(_, like) => *like = like.map(f),
            Stmt::AddAcc(acc, v) | Stmt::SetAcc(acc, v) => {
                *acc = f(*acc);
                *v = f(*v);
            }
            Stmt::DeclArray { fill, len, .. } => {
                *fill = f(*fill);
                *len = f(*len);
            }
            Stmt::Store(a, idx, v) | Stmt::AddAt(a, idx, v) => {
                *a = f(*a);
                idx.iter_mut().for_each(|i| *i = f(*i));
                *v = f(*v);
            }
            Stmt::Loop(l) => {
                for c in &mut l.carried {
                    c.init = f(c.init);
                }
                if let Some(r) = &mut l.range {
                    r.start = f(r.start);
                    r.end = f(r.end);
                    r.step = r.step.map(f);
                }
                for s in &mut l.saves {
                    s.tape = f(s.tape);
                    s.value = f(s.value);
                    s.index = f(s.index);
                }
                rename_uses(&mut l.body, map);
            }
        }
    }
    block.results.iter_mut().for_each(|r| *r = f(*r));
}

/// Counts the reads of each value in `block`, nested blocks and results included.
pub fn count_uses(block: &Block, counts: &mut HashMap<VarId, usize>) {
    for stmt in &block.stmts {
        for a in direct_uses(stmt) {
            *counts.entry(a).or_default() += 1;
        }
        if let Stmt::Loop(l) = stmt {
            for s in &l.saves {
                *counts.entry(s.value).or_default() += 1;
                *counts.entry(s.index).or_default() += 1;
            }
        }
        for b in nested_blocks(stmt) {
            count_uses(b, counts);
        }
    }
    for r in &block.results {
        *counts.entry(*r).or_default() += 1;
    }
}
