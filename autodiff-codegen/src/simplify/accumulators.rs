//! Accumulator merging: an adjoint whose contributions are all in one block becomes their
//! sum, one that receives none becomes zero, and the declarations of the rest move down to
//! their first use so the emitter can write `let mut d_x = first;`.

use crate::hash::{HashMap, HashSet};

use crate::ir::visit::{nested_blocks, nested_blocks_mut, rename_uses, uses};
use crate::ir::{BinOp, Block, Function, Op, Stmt, Ty, VarId, VarInfo};

/// Replaces accumulators whose contributions all sit in their own block by plain sums
/// (`d_x = a + b`, in the order they were added, which is exact), and accumulators nobody
/// adds to by zero; returns whether anything changed.
pub fn merge(func: &mut Function) -> bool {
    let mut adds: HashMap<VarId, usize> = HashMap::default();
    count_adds(&func.body, &mut adds);
    // An accumulator that received another accumulator's value is replaced by it only if
    // that one does not change afterwards.
    let mut mutable = crate::hash::HashSet::default();
    collect_declared(&func.body, &mut mutable);
    let mut rename = HashMap::default();
    let changed = merge_block(&mut func.body, &mut func.vars, &adds, &mutable, &mut rename);
    if !rename.is_empty() {
        rename_uses(&mut func.body, &resolve(&rename));
    }
    changed
}

fn resolve(rename: &HashMap<VarId, VarId>) -> HashMap<VarId, VarId> {
    rename
        .keys()
        .map(|k| {
            let mut v = *k;
            while let Some(n) = rename.get(&v) {
                v = *n;
            }
            (*k, v)
        })
        .collect()
}

fn collect_declared(block: &Block, out: &mut crate::hash::HashSet<VarId>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::DeclAcc(a, _) | Stmt::DeclArray { array: a, .. } => {
                out.insert(*a);
            }
            other => {
                for b in nested_blocks(other) {
                    collect_declared(b, out);
                }
            }
        }
    }
}

/// Whether `stmt` reads or writes `v` anywhere (cheaper than computing its uses).
fn mentions(stmt: &Stmt, v: VarId) -> bool {
    crate::ir::visit::direct_uses(stmt).contains(&v)
        || matches!(stmt, Stmt::Loop(l) if l.saves.iter().any(|s| s.value == v || s.index == v))
        || nested_blocks(stmt)
            .any(|b| b.results.contains(&v) || b.stmts.iter().any(|s| mentions(s, v)))
}

/// Whether `stmt` (at any depth) writes `v`.
fn writes_to(stmt: &Stmt, v: VarId) -> bool {
    match stmt {
        Stmt::AddAcc(a, _) | Stmt::SetAcc(a, _) | Stmt::Store(a, ..) | Stmt::AddAt(a, ..) => {
            *a == v
        }
        Stmt::Loop(l) if l.saves.iter().any(|s| s.tape == v) => true,
        other => nested_blocks(other).any(|b| b.stmts.iter().any(|s| writes_to(s, v))),
    }
}

/// How many times each accumulator is written (`+=`, `=`, element writes).
fn count_adds(block: &Block, adds: &mut HashMap<VarId, usize>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::AddAcc(acc, _) => *adds.entry(*acc).or_default() += 1,
            // Never merged: count them twice.
            Stmt::SetAcc(acc, _) | Stmt::Store(acc, ..) | Stmt::AddAt(acc, ..) => {
                *adds.entry(*acc).or_default() += 2
            }
            other => {
                for b in nested_blocks(other) {
                    count_adds(b, adds);
                }
            }
        }
    }
}

fn merge_block(
    block: &mut Block,
    vars: &mut Vec<VarInfo>,
    adds: &HashMap<VarId, usize>,
    mutable: &crate::hash::HashSet<VarId>,
    rename: &mut HashMap<VarId, VarId>,
) -> bool {
    let mut changed = false;
    let mut i = 0;
    // The additions at this block's own level, per accumulator: one whose additions are
    // not all here cannot be merged, and is not scanned for.
    let mut here = top_level_adds(block);
    while i < block.stmts.len() {
        match &mut block.stmts[i] {
            Stmt::DeclAcc(acc, None) => {
                let acc = *acc;
                let total = adds.get(&acc).copied().unwrap_or(0);
                let is_float = vars[acc.0 as usize].ty.is_float();
                if !is_float {
                    // A tape: declared once, written by a loop.
                } else if total == 0 {
                    block.stmts[i] = Stmt::Let(acc, Op::Float(0.0));
                    changed = true;
                } else if here.get(&acc).copied().unwrap_or(0) != total {
                    // Some additions are nested in a branch or loop.
                } else if let Some(positions) = local_adds(block, i, acc, total, mutable) {
                    collapse(block, vars, i, acc, &positions, rename);
                    here = top_level_adds(block);
                    changed = true;
                    continue;
                }
            }
            Stmt::If {
                then_block,
                else_block,
                ..
            } => {
                changed |= merge_block(then_block, vars, adds, mutable, rename);
                changed |= merge_block(else_block, vars, adds, mutable, rename);
            }
            Stmt::Loop(l) => changed |= merge_block(&mut l.body, vars, adds, mutable, rename),
            _ => {}
        }
        i += 1;
    }
    changed
}

/// How many `acc += v` (with `v` not `acc`) each accumulator receives at `block`'s own level.
fn top_level_adds(block: &Block) -> HashMap<VarId, usize> {
    let mut out = HashMap::default();
    for s in &block.stmts {
        if let Stmt::AddAcc(a, v) = s {
            if a != v {
                *out.entry(*a).or_default() += 1;
            }
        }
    }
    out
}

/// The positions of all `total` additions into `acc` if they are statements of `block`
/// after its declaration at `decl`, with no read of `acc` before the last one.
fn local_adds(
    block: &Block,
    decl: usize,
    acc: VarId,
    total: usize,
    mutable: &crate::hash::HashSet<VarId>,
) -> Option<Vec<usize>> {
    let mut positions = Vec::new();
    for (j, stmt) in block.stmts.iter().enumerate().skip(decl + 1) {
        if positions.len() == total {
            break;
        }
        match stmt {
            Stmt::AddAcc(a, v) if *a == acc && *v != acc => positions.push(j),
            other => {
                if mentions(other, acc) {
                    return None;
                }
            }
        }
    }
    if positions.len() != total {
        return None;
    }
    // A mutable value added in must not change after it was read.
    for &j in &positions {
        if let Stmt::AddAcc(_, v) = block.stmts[j] {
            if mutable.contains(&v) && block.stmts[j + 1..].iter().any(|s| writes_to(s, v)) {
                return None;
            }
        }
    }
    Some(positions)
}

/// Replaces the declaration at `decl` and the additions at `positions` by a chain of sums
/// at the last addition.
fn collapse(
    block: &mut Block,
    vars: &mut Vec<VarInfo>,
    decl: usize,
    acc: VarId,
    positions: &[usize],
    rename: &mut HashMap<VarId, VarId>,
) {
    let values: Vec<VarId> = positions
        .iter()
        .filter_map(|j| match block.stmts[*j] {
            Stmt::AddAcc(_, v) => Some(v),
            _ => None,
        })
        .collect();
    let mut sums = Vec::new();
    let mut sum = values[0];
    for (k, v) in values.iter().enumerate().skip(1) {
        let last = k + 1 == values.len();
        let info = if last {
            vars[acc.0 as usize].clone()
        } else {
            VarInfo {
                ty: Ty::Float,
                name: "t".into(),
                user_named: false,
            }
        };
        let s = VarId(vars.len() as u32);
        vars.push(info);
        sums.push(Stmt::Let(s, Op::Bin(BinOp::Add, sum, *v)));
        sum = s;
    }
    if values.len() == 1 && !vars[sum.0 as usize].user_named {
        // A temporary that is the whole adjoint takes the adjoint's name.
        vars[sum.0 as usize].name = vars[acc.0 as usize].name.clone();
        vars[sum.0 as usize].user_named = true;
    }
    rename.insert(acc, sum);
    let last = *positions.last().unwrap_or(&decl);
    let mut rebuilt = Vec::with_capacity(block.stmts.len() + sums.len());
    for (j, stmt) in std::mem::take(&mut block.stmts).into_iter().enumerate() {
        if j == decl || positions.contains(&j) {
            if j == last {
                rebuilt.append(&mut sums);
            }
            continue;
        }
        rebuilt.push(stmt);
    }
    block.stmts = rebuilt;
}

/// Moves each `DeclAcc` down to just before the first statement of its block that mentions
/// the accumulator.
pub fn sink_declarations(block: &mut Block) {
    for nested in block.stmts.iter_mut().flat_map(nested_blocks_mut) {
        sink_declarations(nested);
    }
    let decls: Vec<(VarId, Option<VarId>)> = block
        .stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::DeclAcc(a, like) => Some((*a, *like)),
            _ => None,
        })
        .collect();
    if decls.is_empty() {
        return;
    }
    let decl_set: HashSet<VarId> = decls.iter().map(|(a, _)| *a).collect();
    let rest: Vec<Stmt> = std::mem::take(&mut block.stmts)
        .into_iter()
        .filter(|s| !matches!(s, Stmt::DeclAcc(a, _) if decl_set.contains(a)))
        .collect();
    let mut placed: HashSet<VarId> = HashSet::default();
    let mut out = Vec::with_capacity(rest.len() + decls.len());
    for stmt in rest {
        let mentioned = uses(&stmt);
        for (d, like) in &decls {
            if !placed.contains(d) && mentioned.contains(d) {
                out.push(Stmt::DeclAcc(*d, *like));
                placed.insert(*d);
            }
        }
        out.push(stmt);
    }
    let results: HashSet<VarId> = block.results.iter().copied().collect();
    for (d, like) in decls {
        if !placed.contains(&d) && results.contains(&d) {
            out.push(Stmt::DeclAcc(d, like));
        }
    }
    block.stmts = out;
}
