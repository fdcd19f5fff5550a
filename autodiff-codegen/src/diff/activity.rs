//! Activity analysis: which values depend on the inputs being differentiated.
//!
//! Only active values get tangents or adjoints; everything else (integers, bools,
//! constants, floats computed from data alone) is left as it is. Arrays are active once
//! an active value is stored into them, and loops carry activity around, so the analysis
//! runs to a fixpoint.

use crate::hash::HashSet;

use crate::ir::{Block, Function, Op, Stmt, VarId};

/// The float (and float-array) values of `func` that depend on any of `seeds`.
pub fn active_vars(func: &Function, seeds: &[VarId]) -> HashSet<VarId> {
    let mut active: HashSet<VarId> = seeds.iter().copied().collect();
    loop {
        let before = active.len();
        block(func, &func.body, &mut active);
        if active.len() == before {
            return active;
        }
    }
}

fn block(func: &Function, b: &Block, active: &mut HashSet<VarId>) {
    for stmt in &b.stmts {
        match stmt {
            Stmt::Let(v, op) => {
                let flows = match op {
                    Op::Cast(_, Some(_)) | Op::Cmp(..) | Op::Not(_) | Op::Len(..) => false,
                    Op::Select(_, a, b) => active.contains(a) || active.contains(b),
                    Op::Index(a, _) => active.contains(a),
                    other => other.args().iter().any(|a| active.contains(a)),
                };
                if flows && func.ty(*v).is_differentiable() {
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
                    if func.ty(*o).is_differentiable() && (from(then_block) || from(else_block)) {
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
            Stmt::DeclAcc(..) | Stmt::DeclArray { .. } => {}
            Stmt::AddAcc(acc, v)
            | Stmt::SetAcc(acc, v)
            | Stmt::Store(acc, _, v)
            | Stmt::AddAt(acc, _, v) => {
                if active.contains(v) {
                    active.insert(*acc);
                }
            }
            Stmt::Loop(l) => {
                for c in &l.carried {
                    if active.contains(&c.init) && func.ty(c.inner).is_differentiable() {
                        active.insert(c.inner);
                    }
                }
                block(func, &l.body, active);
                for save in &l.saves {
                    if active.contains(&save.value) {
                        active.insert(save.tape);
                    }
                }
                for (c, next) in l.carried.iter().zip(&l.body.results) {
                    if active.contains(next) && func.ty(c.inner).is_differentiable() {
                        active.insert(c.inner);
                    }
                    if active.contains(&c.inner) {
                        active.insert(c.out);
                    }
                }
            }
        }
    }
}
