//! Reverse mode: the primal sweep, then the adjoint sweep, in one IR function.
//!
//! The result of `reverse(f)` has `f`'s parameters and yields `[value, ∂value/∂p…]` for the
//! parameters marked `wrt`. Adjoints are accumulators (`d_x`, arrays of them for arrays)
//! that each use of a value adds into. An `if` is reversed into an `if` on the same
//! condition; the values its adjoint branches need from the primal branches are exported
//! as extra results of the primal `if` (the other branch yields a placeholder), so nothing
//! is recomputed and nothing is taped. Loops are reversed in [`loops`].

mod loops;

use std::collections::BTreeMap;

use crate::hash::{HashMap, HashSet};

use proc_macro2::Span;

use super::activity::active_vars;
use super::{derived_var, rules, zero_of};
use crate::ir::build::{Builder, constants};
use crate::ir::visit::{defs, free_vars, nested_blocks, rename_uses};
use crate::ir::{Block, Function, Op, Stmt, Ty, VarId};

/// A construct reverse mode cannot differentiate, with where it is.
pub type Unsupported = (Span, String);

/// Differentiates `input` in reverse mode. See the module documentation.
pub fn reverse(input: &Function) -> Result<Function, Vec<Unsupported>> {
    let wrt = input.wrt_params();
    reverse_for(input, &wrt)
}

/// Reverse mode with respect to every differentiable parameter, `wrt` or not: the partial
/// derivatives other functions call through.
pub fn reverse_all(input: &Function) -> Result<Function, Vec<Unsupported>> {
    let mut all = input.clone();
    for p in &mut all.params {
        p.wrt = input.ty(p.var).is_differentiable();
    }
    let wrt = all.wrt_params();
    reverse_for(&all, &wrt)
}

fn reverse_for(input: &Function, outputs: &[VarId]) -> Result<Function, Vec<Unsupported>> {
    let mut func = input.clone();
    let wrt = func.wrt_params();
    let active = active_vars(&func, &wrt);
    let mut body = std::mem::take(&mut func.body);
    let value = body.results[0];
    let known = constants(&body);
    let fixed_lens = fixed_lengths(&func, &body);
    let mut rev = Reverse {
        func: &mut func,
        active,
        known,
        fixed_lens,
        adj: HashMap::default(),
        errors: Vec::new(),
    };
    let mut seed = Vec::new();
    if rev.active.contains(&value) {
        let acc = rev.acc(value);
        let one = rev.func.new_var(Ty::Float, "t", false);
        seed.push(Stmt::Let(one, Op::Float(1.0)));
        seed.push(Stmt::AddAcc(acc, one));
    }
    let adjoint = rev.block(&mut body, seed, &HashSet::default());
    let mut grads = Vec::new();
    for p in outputs {
        let acc = rev.acc(*p);
        body.stmts.push(rev.decl_acc(*p, acc));
        grads.push(acc);
    }
    body.stmts.extend(adjoint);
    body.results = std::iter::once(value).chain(grads).collect();
    if !rev.errors.is_empty() {
        return Err(rev.errors);
    }
    func.body = body;
    Ok(func)
}

struct Reverse<'f> {
    func: &'f mut Function,
    active: HashSet<VarId>,
    known: HashMap<VarId, Op>,
    /// Values that are the length of a fixed-size array, as written (`N`, `4`).
    fixed_lens: HashMap<VarId, String>,
    /// Primal value → its adjoint accumulator, created on the first contribution.
    adj: HashMap<VarId, VarId>,
    errors: Vec<Unsupported>,
}

/// The `len()`s of fixed-size arrays in `block`, as written.
fn fixed_lengths(func: &Function, block: &Block) -> HashMap<VarId, String> {
    let mut out = HashMap::default();
    fn walk(func: &Function, block: &Block, out: &mut HashMap<VarId, String>) {
        for s in &block.stmts {
            if let Stmt::Let(v, Op::Len(a, idx)) = s {
                if let Ty::Array {
                    kind: crate::ir::ArrayKind::Fixed { len, .. },
                    ..
                } = func.ty(*a).indexed(idx.len())
                {
                    out.insert(*v, len);
                }
            }
            for b in nested_blocks(s) {
                walk(func, b, out);
            }
        }
    }
    walk(func, block, &mut out);
    out
}

/// The arrays `stmt` stores into, at any depth.
fn stored_arrays(stmt: &Stmt, out: &mut HashSet<VarId>) {
    match stmt {
        Stmt::Store(a, ..) => {
            out.insert(*a);
        }
        other => {
            for b in nested_blocks(other) {
                for s in &b.stmts {
                    stored_arrays(s, out);
                }
            }
        }
    }
}

impl Reverse<'_> {
    fn acc(&mut self, v: VarId) -> VarId {
        if let Some(a) = self.adj.get(&v) {
            return *a;
        }
        let a = derived_var(self.func, v, "d_");
        self.adj.insert(v, a);
        a
    }

    /// The declaration of `v`'s accumulator: a float, or zeros shaped like an array.
    fn decl_acc(&self, v: VarId, acc: VarId) -> Stmt {
        let like = (!self.func.ty(v).is_float()).then_some(v);
        Stmt::DeclAcc(acc, like)
    }

    /// The adjoint of `block`: `prologue` (seeds for the block's results), then the
    /// adjoint of each statement in reverse order, preceded by the declarations of the
    /// accumulators of values the block defines. `later_stores` are the arrays stored to
    /// after the block. May add exports, counters and tapes to the primal `block`.
    fn block(
        &mut self,
        block: &mut Block,
        prologue: Vec<Stmt>,
        later_stores: &HashSet<VarId>,
    ) -> Vec<Stmt> {
        let mut out = prologue;
        let mut stores_after = later_stores.clone();
        let mut inserts: Vec<(usize, Vec<Stmt>)> = Vec::new();
        for (i, stmt) in block.stmts.iter_mut().enumerate().rev() {
            let before = self.stmt(stmt, &mut out, &stores_after);
            if !before.is_empty() {
                inserts.push((i, before));
            }
            stored_arrays(stmt, &mut stores_after);
        }
        for (i, stmts) in inserts {
            block.stmts.splice(i..i, stmts);
        }
        let mut decls: Vec<Stmt> = Vec::new();
        for stmt in &block.stmts {
            for d in defs(stmt) {
                if let Some(acc) = self.adj.get(&d) {
                    decls.push(self.decl_acc(d, *acc));
                }
            }
        }
        decls.extend(out);
        decls
    }

    /// Appends the adjoint of `stmt` to `out`; returns statements to insert before `stmt`
    /// in the primal code.
    fn stmt(
        &mut self,
        stmt: &mut Stmt,
        out: &mut Vec<Stmt>,
        stores_after: &HashSet<VarId>,
    ) -> Vec<Stmt> {
        match stmt {
            Stmt::Let(v, Op::Index(a, idx)) => {
                if let Some(d) = self.adjoint_if_active(*v) {
                    let acc = self.acc(*a);
                    out.push(Stmt::AddAt(acc, idx.clone(), d));
                }
            }
            Stmt::Let(v, op) => self.let_adjoint(*v, op, out),
            Stmt::Call {
                callee,
                args,
                value,
                partials,
            } => {
                let Some(d) = self.adjoint_if_active(*value) else {
                    return vec![];
                };
                // One partial per float or array argument, as the callee's partials
                // function returns them.
                let diff_args: Vec<VarId> = args
                    .iter()
                    .copied()
                    .filter(|a| self.func.ty(*a).is_differentiable())
                    .collect();
                if partials.is_empty() {
                    *partials = diff_args
                        .iter()
                        .map(|a| derived_var(self.func, *a, "partial_"))
                        .collect();
                }
                for (a, p) in diff_args.iter().zip(partials.iter()) {
                    if self.active.contains(a) && !self.func.ty(*a).is_float() {
                        self.errors.push((
                            callee.span,
                            format!(
                                "differentiating through `{}` with respect to an array argument is not supported yet; pass the elements as float arguments, or inline the callee",
                                callee.key().replace(' ', "")
                            ),
                        ));
                        continue;
                    }
                    if self.active.contains(a) {
                        let mut b = Builder::new(self.func, &self.known);
                        let c = b.mul(*p, d);
                        out.extend(b.take());
                        let acc = self.acc(*a);
                        out.push(Stmt::AddAcc(acc, c));
                    }
                }
            }
            Stmt::If {
                cond,
                then_block,
                else_block,
                outs,
            } => {
                let mut then_seed = Vec::new();
                let mut else_seed = Vec::new();
                for (k, o) in outs.iter().enumerate() {
                    let Some(d) = self.adjoint_if_active(*o) else {
                        continue;
                    };
                    for (branch, seed) in [
                        (&*then_block, &mut then_seed),
                        (&*else_block, &mut else_seed),
                    ] {
                        let r = branch.results[k];
                        if self.active.contains(&r) {
                            let acc = self.acc(r);
                            seed.push(Stmt::AddAcc(acc, d));
                        }
                    }
                }
                let mut then_adj = Block {
                    stmts: self.block(then_block, then_seed, stores_after),
                    results: vec![],
                };
                let mut else_adj = Block {
                    stmts: self.block(else_block, else_seed, stores_after),
                    results: vec![],
                };
                self.export(&mut then_adj, then_block, else_block, outs);
                self.export(&mut else_adj, else_block, then_block, outs);
                if !then_adj.stmts.is_empty() || !else_adj.stmts.is_empty() {
                    out.push(Stmt::If {
                        cond: *cond,
                        then_block: then_adj,
                        else_block: else_adj,
                        outs: vec![],
                    });
                }
            }
            Stmt::Store(h, idx, v) => {
                if let Some(acc) = self.adj.get(h).copied() {
                    let t = self.func.new_var(Ty::Float, "t", false);
                    out.push(Stmt::Let(t, Op::Index(acc, idx.clone())));
                    let zero = self.func.new_var(Ty::Float, "t", false);
                    out.push(Stmt::Let(zero, Op::Float(0.0)));
                    out.push(Stmt::Store(acc, idx.clone(), zero));
                    if self.active.contains(v) {
                        let acc_v = self.acc(*v);
                        out.push(Stmt::AddAcc(acc_v, t));
                    }
                }
            }
            Stmt::Loop(l) => return self.reverse_loop(l, out, stores_after),
            // Accumulators and local array declarations carry no adjoint of their own.
            Stmt::DeclAcc(..)
            | Stmt::AddAcc(..)
            | Stmt::SetAcc(..)
            | Stmt::AddAt(..)
            | Stmt::DeclArray { .. } => {}
        }
        vec![]
    }

    fn let_adjoint(&mut self, v: VarId, op: &Op, out: &mut Vec<Stmt>) {
        let Some(d) = self.adjoint_if_active(v) else {
            return;
        };
        let args = op.args();
        let need: Vec<bool> = args.iter().map(|a| self.active.contains(a)).collect();
        let mut b = Builder::new(self.func, &self.known);
        let parts = rules::partials(op, v, &need, &mut b);
        // Sum the partials of repeated arguments first: `x * x` gives `(x + x) * d`.
        let mut per_arg: BTreeMap<VarId, VarId> = BTreeMap::new();
        for (a, p) in args.iter().zip(parts) {
            if let Some(p) = p {
                let sum = match per_arg.get(a) {
                    Some(prev) => b.add(*prev, p),
                    None => p,
                };
                per_arg.insert(*a, sum);
            }
        }
        let contribs: Vec<(VarId, VarId)> =
            per_arg.into_iter().map(|(a, p)| (a, b.mul(p, d))).collect();
        out.extend(b.take());
        for (a, c) in contribs {
            let acc = self.acc(a);
            out.push(Stmt::AddAcc(acc, c));
        }
    }

    /// The accumulator of `v` if `v` is active and something used it.
    fn adjoint_if_active(&self, v: VarId) -> Option<VarId> {
        if self.active.contains(&v) {
            self.adj.get(&v).copied()
        } else {
            None
        }
    }

    /// Makes the primal values that `adjoint` reads from `branch` visible after the primal
    /// `if`: constants are re-defined in the adjoint, other values become extra results of
    /// the `if` (with a placeholder from `other`).
    fn export(
        &mut self,
        adjoint: &mut Block,
        branch: &mut Block,
        other: &mut Block,
        outs: &mut Vec<VarId>,
    ) {
        let defined: HashSet<VarId> = branch.stmts.iter().flat_map(defs).collect();
        let needed: Vec<VarId> = free_vars(adjoint)
            .into_iter()
            .filter(|v| defined.contains(v))
            .collect();
        let mut rename = HashMap::default();
        let mut redefined = Vec::new();
        for v in needed {
            let info = self.func.info(v).clone();
            let e = self
                .func
                .new_var(info.ty.clone(), info.name.clone(), info.user_named);
            rename.insert(v, e);
            if let Some(op) = self.known.get(&v) {
                redefined.push(Stmt::Let(e, op.clone()));
                continue;
            }
            let placeholder = self.func.new_var(info.ty.clone(), "t", false);
            match info.ty {
                Ty::Array { .. } => other.stmts.push(Stmt::DeclAcc(placeholder, None)),
                ref t => other.stmts.push(Stmt::Let(placeholder, zero_of(t))),
            }
            other.results.push(placeholder);
            branch.results.push(v);
            outs.push(e);
        }
        rename_uses(adjoint, &rename);
        if !redefined.is_empty() {
            redefined.append(&mut adjoint.stmts);
            adjoint.stmts = redefined;
        }
    }
}
