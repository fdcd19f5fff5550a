//! Activity analysis: which values depend on the inputs being differentiated.
//!
//! Only active values get tangents or adjoints; everything else (integers, bools,
//! constants, floats computed from data alone) is left as it is.

use std::collections::HashSet;

use crate::ir::{Block, Function, Op, Stmt, VarId};

/// The float values of `func` that depend on any of `seeds`.
pub fn active_vars(func: &Function, seeds: &[VarId]) -> HashSet<VarId> {
    let mut active: HashSet<VarId> = seeds.iter().copied().collect();
    block(func, &func.body, &mut active);
    active
}

fn block(func: &Function, b: &Block, active: &mut HashSet<VarId>) {
    for stmt in &b.stmts {
        match stmt {
            Stmt::Let(v, op) => {
                let flows = match op {
                    Op::Cast(_, Some(_)) | Op::Cmp(..) | Op::Not(_) => false,
                    Op::Select(_, a, b) => active.contains(a) || active.contains(b),
                    other => other.args().iter().any(|a| active.contains(a)),
                };
                if flows && func.ty(*v).is_float() {
                    active.insert(*v);
                }
            }
            Stmt::If {
                then_block,
                else_block,
                outs,
                ..
            } => {
                block(func, then_block, active);
                block(func, else_block, active);
                for (k, o) in outs.iter().enumerate() {
                    let from = |b: &Block| b.results.get(k).is_some_and(|r| active.contains(r));
                    if func.ty(*o).is_float() && (from(then_block) || from(else_block)) {
                        active.insert(*o);
                    }
                }
            }
            Stmt::Call {
                args,
                value,
                partials,
                ..
            } => {
                if args.iter().any(|a| active.contains(a)) {
                    active.insert(*value);
                    active.extend(partials.iter().copied());
                }
            }
            Stmt::DeclAcc(_) => {}
            Stmt::AddAcc(acc, v) => {
                if active.contains(v) {
                    active.insert(*acc);
                }
            }
        }
    }
}
