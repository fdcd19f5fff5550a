//! Accumulator merging: an adjoint that receives one contribution becomes that
//! contribution, one that receives none becomes zero, and declarations move down to their
//! first use so the emitter can write `let mut d_x = first;`.

use std::collections::{HashMap, HashSet};

use crate::ir::visit::{rename_uses, uses};
use crate::ir::{Block, Function, Op, Stmt, VarId};

/// Replaces accumulators that are added to at most once; returns whether anything changed.
pub fn merge(func: &mut Function) -> bool {
    let mut adds: HashMap<VarId, usize> = HashMap::new();
    count_adds(&func.body, &mut adds);
    let mut rename = HashMap::new();
    let changed = merge_block(&mut func.body, &adds, &mut rename);
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

fn count_adds(block: &Block, adds: &mut HashMap<VarId, usize>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::AddAcc(acc, _) => *adds.entry(*acc).or_default() += 1,
            Stmt::If {
                then_block,
                else_block,
                ..
            } => {
                count_adds(then_block, adds);
                count_adds(else_block, adds);
            }
            _ => {}
        }
    }
}

fn merge_block(block: &mut Block, adds: &HashMap<VarId, usize>, rename: &mut HashMap<VarId, VarId>) -> bool {
    let mut changed = false;
    let mut i = 0;
    while i < block.stmts.len() {
        match &mut block.stmts[i] {
            Stmt::DeclAcc(acc) => {
                let acc = *acc;
                match adds.get(&acc).copied().unwrap_or(0) {
                    0 => {
                        block.stmts[i] = Stmt::Let(acc, Op::Float(0.0));
                        changed = true;
                    }
                    1 => {
                        if let Some(j) = single_add_position(block, i, acc) {
                            if let Stmt::AddAcc(_, v) = block.stmts[j] {
                                rename.insert(acc, v);
                                block.stmts.remove(j);
                                block.stmts.remove(i);
                                changed = true;
                                continue;
                            }
                        }
                    }
                    _ => {}
                }
            }
            Stmt::If {
                then_block,
                else_block,
                ..
            } => {
                changed |= merge_block(then_block, adds, rename);
                changed |= merge_block(else_block, adds, rename);
            }
            _ => {}
        }
        i += 1;
    }
    changed
}

/// The index of `acc`'s only `+=` if it sits at the top level of `block`, after `decl`,
/// with no read of `acc` between the two.
fn single_add_position(block: &Block, decl: usize, acc: VarId) -> Option<usize> {
    for (j, stmt) in block.stmts.iter().enumerate().skip(decl + 1) {
        match stmt {
            Stmt::AddAcc(a, _) if *a == acc => return Some(j),
            other => {
                if uses(other).contains(&acc) {
                    return None;
                }
            }
        }
    }
    None
}

/// Moves each `DeclAcc` down to just before the first statement of its block that mentions
/// the accumulator.
pub fn sink_declarations(block: &mut Block) {
    for stmt in &mut block.stmts {
        if let Stmt::If {
            then_block,
            else_block,
            ..
        } = stmt
        {
            sink_declarations(then_block);
            sink_declarations(else_block);
        }
    }
    let decls: Vec<VarId> = block
        .stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::DeclAcc(a) => Some(*a),
            _ => None,
        })
        .collect();
    if decls.is_empty() {
        return;
    }
    let decl_set: HashSet<VarId> = decls.iter().copied().collect();
    let rest: Vec<Stmt> = std::mem::take(&mut block.stmts)
        .into_iter()
        .filter(|s| !matches!(s, Stmt::DeclAcc(a) if decl_set.contains(a)))
        .collect();
    let mut placed: HashSet<VarId> = HashSet::new();
    let mut out = Vec::with_capacity(rest.len() + decls.len());
    for stmt in rest {
        let mentioned = uses(&stmt);
        for d in &decls {
            if !placed.contains(d) && mentioned.contains(d) {
                out.push(Stmt::DeclAcc(*d));
                placed.insert(*d);
            }
        }
        out.push(stmt);
    }
    let results: HashSet<VarId> = block.results.iter().copied().collect();
    for d in decls {
        if !placed.contains(&d) && results.contains(&d) {
            out.push(Stmt::DeclAcc(d));
        }
    }
    block.stmts = out;
}
