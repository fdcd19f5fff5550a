//! Dead-code elimination: values nobody reads, accumulators nobody reads, `if` results
//! nobody reads and `if`s that do nothing.

use std::collections::HashMap;

use crate::ir::{Block, Function, Stmt, VarId};

/// Removes dead code until none is left; returns whether anything changed.
pub fn remove(func: &mut Function) -> bool {
    let mut changed = false;
    loop {
        let mut reads = HashMap::new();
        count_reads(&func.body, &mut reads);
        if !sweep(&mut func.body, &reads) {
            return changed;
        }
        changed = true;
    }
}

/// Reads of each value; adding into an accumulator does not read it.
fn count_reads(block: &Block, reads: &mut HashMap<VarId, usize>) {
    for stmt in &block.stmts {
        let read: Vec<VarId> = match stmt {
            Stmt::Let(_, op) => op.args(),
            Stmt::Call { args, .. } => args.clone(),
            Stmt::AddAcc(_, v) => vec![*v],
            Stmt::DeclAcc(_) => vec![],
            Stmt::If {
                cond,
                then_block,
                else_block,
                ..
            } => {
                count_reads(then_block, reads);
                count_reads(else_block, reads);
                vec![*cond]
            }
        };
        for v in read {
            *reads.entry(v).or_default() += 1;
        }
    }
    for r in &block.results {
        *reads.entry(*r).or_default() += 1;
    }
}

fn sweep(block: &mut Block, reads: &HashMap<VarId, usize>) -> bool {
    let unread = |v: &VarId| reads.get(v).copied().unwrap_or(0) == 0;
    let before = block.stmts.len();
    let mut changed = false;
    block.stmts.retain_mut(|stmt| match stmt {
        Stmt::Let(v, _) => !unread(v),
        Stmt::DeclAcc(a) => !unread(a),
        Stmt::AddAcc(a, _) => !unread(a),
        Stmt::Call {
            value, partials, ..
        } => {
            if !partials.is_empty() && partials.iter().all(unread) {
                partials.clear();
                changed = true;
            }
            !(unread(value) && partials.is_empty())
        }
        Stmt::If {
            then_block,
            else_block,
            outs,
            ..
        } => {
            let keep: Vec<bool> = outs.iter().map(|o| !unread(o)).collect();
            if keep.iter().any(|k| !k) {
                changed = true;
                let mut k = keep.iter();
                outs.retain(|_| *k.next().unwrap_or(&true));
                for b in [&mut *then_block, &mut *else_block] {
                    let mut k = keep.iter();
                    b.results.retain(|_| *k.next().unwrap_or(&true));
                }
            }
            changed |= sweep(then_block, reads);
            changed |= sweep(else_block, reads);
            !(outs.is_empty() && then_block.stmts.is_empty() && else_block.stmts.is_empty())
        }
    });
    changed || block.stmts.len() != before
}
