//! Dead-code elimination: values nobody reads, accumulators and arrays nobody reads,
//! `if` results and loop-carried values nobody reads, and `if`s and loops that do nothing.

use crate::hash::{HashMap, HashSet};

use crate::ir::visit::{defs, direct_uses, nested_blocks, uses};
use crate::ir::{Block, Function, Loop, Stmt, VarId};

/// Removes dead code until none is left; returns whether anything changed.
pub fn remove(func: &mut Function) -> bool {
    remove_keeping(func, &HashSet::default())
}

/// [`remove`], treating the values in `roots` as read elsewhere.
pub fn remove_keeping(func: &mut Function, roots: &HashSet<VarId>) -> bool {
    let mut changed = false;
    loop {
        let mut reads = HashMap::default();
        for r in roots {
            reads.insert(*r, 1);
        }
        count_reads(&func.body, &mut reads);
        if !sweep(&mut func.body, &mut reads) {
            return changed;
        }
        changed = true;
    }
}

/// The values a statement reads for its own sake: writing into an accumulator or an array
/// does not read it.
fn reads_of(stmt: &Stmt) -> Vec<VarId> {
    match stmt {
        Stmt::AddAcc(_, v) | Stmt::SetAcc(_, v) => vec![*v],
        Stmt::Store(_, idx, v) | Stmt::AddAt(_, idx, v) => {
            idx.iter().copied().chain([*v]).collect()
        }
        Stmt::Loop(l) => {
            let mut r = direct_uses(stmt);
            r.retain(|v| !l.saves.iter().any(|s| s.tape == *v));
            r.extend(l.saves.iter().flat_map(|s| [s.value, s.index]));
            r
        }
        other => direct_uses(other),
    }
}

fn count_reads(block: &Block, reads: &mut HashMap<VarId, usize>) {
    for stmt in &block.stmts {
        for v in reads_of(stmt) {
            *reads.entry(v).or_default() += 1;
        }
        for b in nested_blocks(stmt) {
            count_reads(b, reads);
        }
    }
    for r in &block.results {
        *reads.entry(*r).or_default() += 1;
    }
}

/// The array or accumulator a statement writes, if any.
fn written(stmt: &Stmt) -> Option<VarId> {
    match stmt {
        Stmt::AddAcc(a, _) | Stmt::SetAcc(a, _) | Stmt::Store(a, ..) | Stmt::AddAt(a, ..) => {
            Some(*a)
        }
        _ => None,
    }
}

/// Whether running `block` can change anything outside it that someone reads.
fn has_effects(block: &Block, reads: &HashMap<VarId, usize>) -> bool {
    let local: HashSet<VarId> = block.stmts.iter().flat_map(defs).collect();
    block.stmts.iter().any(|s| {
        let read = |v: &VarId| reads.get(v).copied().unwrap_or(0) > 0;
        match s {
            Stmt::Loop(l)
                if l.saves
                    .iter()
                    .any(|sv| read(&sv.tape) && !local.contains(&sv.tape)) =>
            {
                true
            }
            other => {
                written(other).is_some_and(|a| !local.contains(&a) && read(&a))
                    || nested_blocks(other).any(|b| has_effects(b, reads))
            }
        }
    })
}

/// Takes the reads `stmt` makes (nested blocks included) off `reads`.
fn uncount(stmt: &Stmt, reads: &mut HashMap<VarId, usize>) {
    for v in reads_of(stmt) {
        if let Some(n) = reads.get_mut(&v) {
            *n = n.saturating_sub(1);
        }
    }
    for b in nested_blocks(stmt) {
        let mut inner = HashMap::default();
        count_reads(b, &mut inner);
        for (v, k) in inner {
            if let Some(n) = reads.get_mut(&v) {
                *n = n.saturating_sub(k);
            }
        }
    }
}

/// Removes dead statements from `block`, last first, so a chain of dead values goes in one
/// pass: the reads of a removed statement are taken off `reads` as it goes.
fn sweep(block: &mut Block, reads: &mut HashMap<VarId, usize>) -> bool {
    let before = block.stmts.len();
    let mut changed = false;
    let mut kept = Vec::with_capacity(before);
    for mut stmt in std::mem::take(&mut block.stmts).into_iter().rev() {
        if keep(&mut stmt, reads, &mut changed) {
            kept.push(stmt);
        } else {
            uncount(&stmt, reads);
        }
    }
    kept.reverse();
    block.stmts = kept;
    changed || block.stmts.len() != before
}

/// Whether `stmt` stays, after dropping what of it is dead.
fn keep(stmt: &mut Stmt, reads: &mut HashMap<VarId, usize>, changed: &mut bool) -> bool {
    let unread = |v: &VarId, reads: &HashMap<VarId, usize>| reads.get(v).copied().unwrap_or(0) == 0;
    match stmt {
        Stmt::Let(v, _) => !unread(v, reads),
        Stmt::DeclAcc(a, _) | Stmt::DeclArray { array: a, .. } => !unread(a, reads),
        Stmt::AddAcc(a, _) | Stmt::SetAcc(a, _) | Stmt::Store(a, ..) | Stmt::AddAt(a, ..) => {
            !unread(a, reads)
        }
        Stmt::Call {
            value, partials, ..
        } => {
            if !partials.is_empty() && partials.iter().all(|p| unread(p, reads)) {
                partials.clear();
                *changed = true;
            }
            !(unread(value, reads) && partials.is_empty())
        }
        Stmt::If {
            then_block,
            else_block,
            outs,
            ..
        } => {
            let keep: Vec<bool> = outs.iter().map(|o| !unread(o, reads)).collect();
            if keep.iter().any(|k| !k) {
                *changed = true;
                let mut k = keep.iter();
                outs.retain(|_| *k.next().unwrap_or(&true));
                for b in [&mut *then_block, &mut *else_block] {
                    let mut k = keep.iter();
                    let dropped: Vec<VarId> = b
                        .results
                        .iter()
                        .zip(&keep)
                        .filter(|(_, k)| !**k)
                        .map(|(r, _)| *r)
                        .collect();
                    b.results.retain(|_| *k.next().unwrap_or(&true));
                    for r in dropped {
                        if let Some(n) = reads.get_mut(&r) {
                            *n = n.saturating_sub(1);
                        }
                    }
                }
            }
            *changed |= sweep(then_block, reads);
            *changed |= sweep(else_block, reads);
            !(outs.is_empty() && !has_effects(then_block, reads) && !has_effects(else_block, reads))
        }
        Stmt::Loop(l) => {
            let saves = l.saves.len();
            l.saves.retain(|sv| !unread(&sv.tape, reads));
            *changed |= l.saves.len() != saves;
            *changed |= prune_carried(l, reads);
            *changed |= sweep(&mut l.body, reads);
            !l.carried.iter().all(|c| unread(&c.out, reads)) || has_effects(&l.body, reads)
        }
    }
}

/// Drops the carried values of `l` that nothing needs: not read after the loop, and not
/// read by anything the body needs for other reasons.
fn prune_carried(l: &mut Loop, reads: &HashMap<VarId, usize>) -> bool {
    let n = l.carried.len();
    let mut live: Vec<bool> = l
        .carried
        .iter()
        .map(|c| reads.get(&c.out).copied().unwrap_or(0) > 0)
        .collect();
    if live.iter().all(|k| *k) {
        return false;
    }
    loop {
        let mut roots: HashSet<VarId> = l
            .carried
            .iter()
            .zip(&live)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c.inner)
            .collect();
        let mut needed: HashSet<VarId> = (0..n)
            .filter(|k| live[*k])
            .map(|k| l.body.results[k])
            .collect();
        if l.exits {
            needed.extend(l.body.results.last().copied());
        }
        needed.extend(l.saves.iter().flat_map(|s| [s.value, s.index]));
        live_in(&l.body, &mut needed, reads);
        roots.extend(needed.iter().copied());
        let mut grew = false;
        for (k, c) in l.carried.iter().enumerate() {
            if !live[k] && roots.contains(&c.inner) {
                live[k] = true;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    if live.iter().all(|k| *k) {
        return false;
    }
    let mut k = live.iter();
    l.carried.retain(|_| *k.next().unwrap_or(&true));
    let flag = if l.exits { l.body.results.pop() } else { None };
    let mut k = live.iter();
    l.body.results.retain(|_| *k.next().unwrap_or(&true));
    l.body.results.extend(flag);
    true
}

/// Grows `needed` with everything `block` must compute to produce it and its effects.
fn live_in(block: &Block, needed: &mut HashSet<VarId>, reads: &HashMap<VarId, usize>) {
    for stmt in block.stmts.iter().rev() {
        let effect = written(stmt)
            .is_some_and(|a| reads.get(&a).copied().unwrap_or(0) > 0 || needed.contains(&a))
            || nested_blocks(stmt).any(|b| has_effects(b, reads))
            || matches!(stmt, Stmt::Loop(l) if !l.saves.is_empty());
        if effect || defs(stmt).iter().any(|d| needed.contains(d)) {
            needed.extend(uses(stmt));
        }
    }
}
