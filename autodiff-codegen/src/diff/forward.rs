//! Forward mode: each active value is followed by its tangent.
//!
//! The result of `forward(f)` takes `f`'s parameters followed by one tangent per `wrt`
//! parameter, and yields `[value, tangent of value]`: the directional derivative of `f`
//! along the tangent inputs.

use crate::hash::{HashMap, HashSet};

use super::activity::active_vars;
use super::{derived_var, rules};
use crate::ir::build::{Builder, constants};
use crate::ir::{Block, Carried, Function, Loop, Op, Param, Save, Stmt, Ty, VarId};

/// Differentiates `input` in forward mode. Fails on what forward mode cannot do: second
/// derivatives through calls to other functions.
pub fn forward(input: &Function) -> Result<Function, String> {
    let mut func = input.clone();
    let wrt = func.wrt_params();
    let active = active_vars(&func, &wrt);
    let body = std::mem::take(&mut func.body);
    let known = constants(&body);
    let mut fwd = Forward {
        func: &mut func,
        active,
        known,
        tangent: HashMap::default(),
    };
    let mut tangent_params = Vec::new();
    for p in &wrt {
        let t = derived_var(fwd.func, *p, "dot_");
        fwd.tangent.insert(*p, t);
        let passing = fwd
            .func
            .params
            .iter()
            .find(|q| q.var == *p)
            .map_or(crate::ir::Passing::Value, |q| q.passing);
        tangent_params.push(Param {
            var: t,
            wrt: false,
            passing,
        });
    }
    let mut new_body = fwd.block(&body)?;
    let value = body.results[0];
    let dvalue = fwd.tangent_or_zero(value, &mut new_body.stmts);
    new_body.results = vec![value, dvalue];
    for p in &mut func.params {
        p.wrt = false;
    }
    func.params.extend(tangent_params);
    func.body = new_body;
    Ok(func)
}

struct Forward<'f> {
    func: &'f mut Function,
    active: HashSet<VarId>,
    known: HashMap<VarId, Op>,
    /// Value → its tangent.
    tangent: HashMap<VarId, VarId>,
}

/// `Σ ∂/∂a · dot_a` over the `(a, ∂/∂a)` pairs whose argument has a tangent and whose
/// partial is not known to be zero (`None`).
fn tangent_sum(
    b: &mut Builder<'_>,
    tangent: &HashMap<VarId, VarId>,
    terms: impl IntoIterator<Item = (VarId, Option<VarId>)>,
) -> Option<VarId> {
    let mut sum: Option<VarId> = None;
    for (a, p) in terms {
        if let (Some(p), Some(t)) = (p, tangent.get(&a)) {
            let term = b.mul(p, *t);
            sum = Some(match sum {
                Some(s) => b.add(s, term),
                None => term,
            });
        }
    }
    sum
}

impl Forward<'_> {
    /// Makes `sum` (if any) the tangent of `v`: `let dot_v = sum;`.
    fn bind_tangent(&mut self, v: VarId, sum: Option<VarId>, out: &mut Vec<Stmt>) {
        if let Some(s) = sum {
            let t = derived_var(self.func, v, "dot_");
            out.push(Stmt::Let(t, Op::Copy(s)));
            self.tangent.insert(v, t);
        }
    }

    fn tangent_or_zero(&mut self, v: VarId, out: &mut Vec<Stmt>) -> VarId {
        if let Some(t) = self.tangent.get(&v) {
            return *t;
        }
        self.zero(out)
    }

    fn zero(&mut self, out: &mut Vec<Stmt>) -> VarId {
        let z = self.func.new_var(Ty::Float, "t", false);
        out.push(Stmt::Let(z, Op::Float(0.0)));
        z
    }

    /// A tangent value for `v`, shaped like it.
    fn new_tangent(&mut self, v: VarId) -> VarId {
        let t = derived_var(self.func, v, "dot_");
        let ty = self.func.ty(v).clone();
        self.func.vars[t.0 as usize].ty = ty;
        self.tangent.insert(v, t);
        t
    }

    fn block(&mut self, block: &Block) -> Result<Block, String> {
        let mut out = Vec::new();
        for stmt in &block.stmts {
            self.stmt(stmt, &mut out)?;
        }
        Ok(Block {
            stmts: out,
            results: block.results.clone(),
        })
    }

    fn stmt(&mut self, stmt: &Stmt, out: &mut Vec<Stmt>) -> Result<(), String> {
        match stmt {
            Stmt::Let(v, Op::Index(a, idx)) => {
                out.push(stmt.clone());
                if let (true, Some(ta)) = (self.active.contains(v), self.tangent.get(a).copied()) {
                    let t = self.new_tangent(*v);
                    out.push(Stmt::Let(t, Op::Index(ta, idx.clone())));
                }
            }
            Stmt::Let(v, op) => {
                out.push(stmt.clone());
                if !self.active.contains(v) {
                    return Ok(());
                }
                let args = op.args();
                let need: Vec<bool> = args.iter().map(|a| self.tangent.contains_key(a)).collect();
                let mut b = Builder::new(self.func, &self.known);
                let parts = rules::partials(op, *v, &need, &mut b);
                let sum = tangent_sum(&mut b, &self.tangent, args.iter().copied().zip(parts));
                out.extend(b.take());
                self.bind_tangent(*v, sum, out);
            }
            Stmt::Call {
                callee,
                args,
                value,
                partials,
            } => {
                if !self.active.contains(value) {
                    out.push(stmt.clone());
                    return Ok(());
                }
                if !partials.is_empty() {
                    return Err(format!(
                        "second derivatives through the call to `{}` are not supported",
                        callee.key().replace(' ', "")
                    ));
                }
                let float_args: Vec<VarId> = args
                    .iter()
                    .copied()
                    .filter(|a| self.func.ty(*a).is_differentiable())
                    .collect();
                if float_args
                    .iter()
                    .any(|a| self.tangent.contains_key(a) && !self.func.ty(*a).is_float())
                {
                    return Err(format!(
                        "forward mode through `{}` with respect to an array argument is not supported",
                        callee.key().replace(' ', "")
                    ));
                }
                let parts: Vec<VarId> = float_args
                    .iter()
                    .map(|a| derived_var(self.func, *a, "partial_"))
                    .collect();
                out.push(Stmt::Call {
                    callee: callee.clone(),
                    args: args.clone(),
                    value: *value,
                    partials: parts.clone(),
                });
                let mut b = Builder::new(self.func, &self.known);
                let terms = float_args
                    .iter()
                    .copied()
                    .zip(parts.iter().copied().map(Some));
                let sum = tangent_sum(&mut b, &self.tangent, terms);
                out.extend(b.take());
                self.bind_tangent(*value, sum, out);
            }
            Stmt::If {
                cond,
                then_block,
                else_block,
                outs,
            } => {
                let mut then_new = self.block(then_block)?;
                let mut else_new = self.block(else_block)?;
                let mut new_outs = outs.clone();
                for (k, o) in outs.iter().enumerate() {
                    if !self.active.contains(o) {
                        continue;
                    }
                    let tt = self.tangent_or_zero(then_block.results[k], &mut then_new.stmts);
                    let te = self.tangent_or_zero(else_block.results[k], &mut else_new.stmts);
                    then_new.results.push(tt);
                    else_new.results.push(te);
                    let t = derived_var(self.func, *o, "dot_");
                    new_outs.push(t);
                    self.tangent.insert(*o, t);
                }
                out.push(Stmt::If {
                    cond: *cond,
                    then_block: then_new,
                    else_block: else_new,
                    outs: new_outs,
                });
            }
            Stmt::DeclAcc(acc, like) => {
                out.push(stmt.clone());
                if self.active.contains(acc) {
                    let t = self.new_tangent(*acc);
                    out.push(Stmt::DeclAcc(t, *like));
                }
            }
            Stmt::AddAcc(acc, v) => {
                out.push(stmt.clone());
                if let (Some(ta), Some(tv)) = (self.tangent.get(acc), self.tangent.get(v)) {
                    out.push(Stmt::AddAcc(*ta, *tv));
                }
            }
            Stmt::SetAcc(acc, v) => {
                out.push(stmt.clone());
                if let Some(ta) = self.tangent.get(acc).copied() {
                    let tv = self.tangent_or_zero(*v, out);
                    out.push(Stmt::SetAcc(ta, tv));
                }
            }
            Stmt::AddAt(acc, idx, v) => {
                out.push(stmt.clone());
                if let (Some(ta), Some(tv)) = (self.tangent.get(acc), self.tangent.get(v)) {
                    out.push(Stmt::AddAt(*ta, idx.clone(), *tv));
                }
            }
            Stmt::DeclArray { array, len, .. } => {
                out.push(stmt.clone());
                if self.active.contains(array) {
                    let z = self.zero(out);
                    let t = self.new_tangent(*array);
                    out.push(Stmt::DeclArray {
                        array: t,
                        fill: z,
                        len: *len,
                    });
                }
            }
            Stmt::Store(a, idx, v) => {
                out.push(stmt.clone());
                if let Some(ta) = self.tangent.get(a).copied() {
                    let tv = self.tangent_or_zero(*v, out);
                    out.push(Stmt::Store(ta, idx.clone(), tv));
                }
            }
            Stmt::Loop(l) => self.forward_loop(l, out)?,
        }
        Ok(())
    }

    fn forward_loop(&mut self, l: &Loop, out: &mut Vec<Stmt>) -> Result<(), String> {
        let mut carried = l.carried.clone();
        for c in &l.carried {
            if !self.active.contains(&c.inner) {
                continue;
            }
            let init = self.tangent_or_zero(c.init, out);
            let inner = self.new_tangent(c.inner);
            let t_out = self.new_tangent(c.out);
            carried.push(Carried {
                init,
                inner,
                out: t_out,
            });
        }
        let mut body = self.block(&l.body)?;
        let mut next_tangents = Vec::new();
        for (k, c) in l.carried.iter().enumerate() {
            if self.active.contains(&c.inner) {
                let t = self.tangent_or_zero(l.body.results[k], &mut body.stmts);
                next_tangents.push(t);
            }
        }
        let at = if l.exits {
            body.results.len() - 1
        } else {
            body.results.len()
        };
        for (j, t) in next_tangents.into_iter().enumerate() {
            body.results.insert(at + j, t);
        }
        let mut saves = l.saves.clone();
        for s in &l.saves {
            if let (Some(tt), Some(tv)) = (self.tangent.get(&s.tape), self.tangent.get(&s.value)) {
                saves.push(Save {
                    tape: *tt,
                    value: *tv,
                    index: s.index,
                });
            }
        }
        out.push(Stmt::Loop(Box::new(Loop {
            range: l.range.clone(),
            carried,
            body,
            exits: l.exits,
            saves,
            span: l.span,
        })));
        Ok(())
    }
}
