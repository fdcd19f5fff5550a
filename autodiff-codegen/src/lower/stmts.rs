//! Statements and value-producing control flow: `let` (with annotations), blocks as
//! values, and `if`/`else` that yields a value and the variables its branches reassign.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Expr, Pat};

use super::Lowerer;
use super::control::{Branch, contains_jump};
use crate::ir::{Block, Stmt, Ty, VarId};

impl<'c> Lowerer<'c> {
    /// `let` statements.
    pub(super) fn lower_local(&mut self, local: &syn::Local, out: &mut Vec<Stmt>) {
        if let Some(init) = &local.init {
            if let Some((_, diverge)) = &init.diverge {
                self.cx.error_spanned_by(
                    diverge,
                    "`let … else` is not supported in a #[differentiable] function; use `match` or `if`/`else`",
                );
                return;
            }
            if contains_jump(&init.expr) {
                self.cx.error_spanned_by(&init.expr, "`return`, `break` and `continue` inside a `let` initializer are not supported; use `if c { return x; }` as a statement");
                return;
            }
        }
        let (pat, annotated) = match &local.pat {
            Pat::Type(pt) => (&*pt.pat, Some(&*pt.ty)),
            other => (other, None),
        };
        match pat {
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                let name = pi.ident.unraw().to_string();
                if let Some(init) = &local.init {
                    if self.lower_array_init(&name, &init.expr, out) {
                        return;
                    }
                }
                let value = local.init.as_ref().map(|init| {
                    let v = self.lower_value(&init.expr, out);
                    let v = self.apply_annotation(v, annotated, &init.expr, out);
                    self.name_value(v, &name, out)
                });
                self.bind(&name, value, pi.mutability.is_some());
            }
            Pat::Wild(_) => {
                if let Some(init) = &local.init {
                    self.lower_expr(&init.expr, out);
                }
            }
            other => {
                self.cx.error_spanned_by(other, "only `let name = …;` (optionally `mut`, optionally typed) is supported; destructuring patterns are not: bind each value with its own `let`");
                // Check the initializer too, so its own problems are reported now.
                if let Some(init) = &local.init {
                    self.lower_expr(&init.expr, out);
                }
            }
        }
    }

    /// `let x: T = init;` — an integer annotation types an integer literal; a float
    /// annotation must match the value.
    pub(super) fn apply_annotation(
        &mut self,
        v: VarId,
        ty: Option<&syn::Type>,
        init: &Expr,
        _out: &mut [Stmt],
    ) -> VarId {
        let Some(ty) = ty else { return v };
        let Some(name) = crate::signature::simple_type_name(ty) else {
            self.cx.error_spanned_by(ty, "unsupported type annotation: #[differentiable] locals are floats, integers or `bool`");
            return v;
        };
        if crate::signature::is_integer_type(&name) {
            if let Ty::Int(_) | Ty::Opaque = self.ty(v) {
                self.func.vars[v.0 as usize].ty = Ty::Int(Some(name));
            }
        } else if name == self.float_name {
            self.expect_float(v, init.span(), "a value annotated as a float");
        } else if name != "bool" {
            self.cx.error_spanned_by(
                ty,
                format!(
                    "unsupported type annotation `{name}`: this function computes in `{}`",
                    self.float_name
                ),
            );
        }
        v
    }

    /// A block used as a value: `{ stmts; tail }`.
    pub(super) fn lower_block_value(
        &mut self,
        block: &syn::Block,
        out: &mut Vec<Stmt>,
    ) -> Option<VarId> {
        self.scopes.push(Vec::new());
        let mut value = None;
        let n = block.stmts.len();
        for (i, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                syn::Stmt::Local(local) => self.lower_local(local, out),
                syn::Stmt::Item(item) => self.cx.error_spanned_by(item, "items inside a #[differentiable] function are not supported; move them outside the function"),
                syn::Stmt::Macro(m) => self.cx.error_spanned_by(&m.mac, macro_message(&m.mac)),
                syn::Stmt::Expr(e, semi) => {
                    let v = self.lower_expr(e, out);
                    if i + 1 == n && semi.is_none() {
                        value = v;
                    }
                }
            }
        }
        self.scopes.pop();
        value
    }

    /// `if cond { then } else { otherwise }` as an expression: yields its value (if both
    /// branches have one) and rebinds every outer variable a branch reassigns.
    pub(super) fn lower_conditional(
        &mut self,
        cond: VarId,
        then_b: Branch<'_, 'c>,
        else_b: Branch<'_, 'c>,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Option<VarId> {
        let saved = self.scopes.clone();
        // What is known about array elements before the `if` holds in both branches; what
        // a branch learns does not hold in the other one, nor after the `if`.
        let known_before = (self.last_store.clone(), self.read_cache.clone());
        let mut then_stmts = Vec::new();
        let then_v = then_b(self, &mut then_stmts);
        let then_scopes = std::mem::replace(&mut self.scopes, saved.clone());
        (self.last_store, self.read_cache) = known_before;
        let mut else_stmts = Vec::new();
        let else_v = else_b(self, &mut else_stmts);
        let else_scopes = std::mem::replace(&mut self.scopes, saved.clone());

        let mut then_results = Vec::new();
        let mut else_results = Vec::new();
        let mut outs = Vec::new();
        let value = match (then_v, else_v) {
            (Some(tv), Some(ev)) => {
                let ty = self.join_types(tv, ev, span);
                let o = self.func.new_var(ty, "t", false);
                then_results.push(tv);
                else_results.push(ev);
                outs.push(o);
                Some(o)
            }
            _ => None,
        };
        let mut rebinds = Vec::new();
        for (d, scope) in saved.iter().enumerate() {
            for (j, before) in scope.iter().enumerate() {
                let t = then_scopes
                    .get(d)
                    .and_then(|s| s.get(j))
                    .and_then(|b| b.var);
                let e = else_scopes
                    .get(d)
                    .and_then(|s| s.get(j))
                    .and_then(|b| b.var);
                if t == before.var && e == before.var {
                    continue;
                }
                let (Some(t), Some(e)) = (t, e) else {
                    continue;
                };
                let ty = self.join_types(t, e, span);
                let o = self.func.new_var(ty, before.name.clone(), true);
                then_results.push(t);
                else_results.push(e);
                outs.push(o);
                rebinds.push((d, j, o));
            }
        }
        for (d, j, o) in rebinds {
            self.scopes[d][j].var = Some(o);
        }
        self.forget_stores();
        out.push(Stmt::If {
            cond,
            then_block: Block {
                stmts: then_stmts,
                results: then_results,
            },
            else_block: Block {
                stmts: else_stmts,
                results: else_results,
            },
            outs,
        });
        value
    }

    pub(super) fn join_types(&mut self, a: VarId, b: VarId, span: Span) -> Ty {
        match (self.ty(a), self.ty(b)) {
            (x, y) if x == y => x,
            (Ty::Opaque, y) => y,
            (x, Ty::Opaque) => x,
            (Ty::Int(x), Ty::Int(y)) => Ty::Int(x.or(y)),
            (x, y) => {
                self.cx.error_at(
                    span,
                    format!(
                        "the branches produce different types ({} and {})",
                        ty_name(&x),
                        ty_name(&y)
                    ),
                );
                Ty::Opaque
            }
        }
    }

    /// `if`/`else` as an expression (no `return` inside).
    pub(super) fn lower_if(&mut self, i: &syn::ExprIf, out: &mut Vec<Stmt>) -> Option<VarId> {
        let cond = self.lower_condition(&i.cond, out);
        let then_b: Branch<'_, 'c> = Box::new(|l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
            l.lower_block_value(&i.then_branch, o)
        });
        let else_b: Branch<'_, 'c> = match &i.else_branch {
            Some((_, e)) => {
                Box::new(move |l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| l.lower_expr(e, o))
            }
            None => Box::new(|_: &mut Lowerer<'c>, _: &mut Vec<Stmt>| None),
        };
        self.lower_conditional(cond, then_b, else_b, i.span(), out)
    }

    /// A `bool` condition.
    pub(super) fn lower_condition(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> VarId {
        let v = self.lower_value(e, out);
        match self.ty(v) {
            Ty::Bool | Ty::Opaque => v,
            other => {
                self.cx.error_spanned_by(
                    e,
                    format!("expected a `bool` condition, found {}", ty_name(&other)),
                );
                v
            }
        }
    }
}

pub(super) fn ty_name(ty: &Ty) -> String {
    match ty {
        Ty::Float => "a float".into(),
        Ty::Int(Some(t)) => format!("an integer (`{t}`)"),
        Ty::Int(None) => "an integer".into(),
        Ty::Bool => "a `bool`".into(),
        Ty::Opaque => "a constant".into(),
        Ty::Array { .. } => "an array".into(),
    }
}

pub(super) fn macro_message(mac: &syn::Macro) -> String {
    let name = mac
        .path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    format!(
        "macros (`{name}!`) are not supported in a #[differentiable] function body: the macro cannot see what they expand to; compute without the macro, or move it to a caller"
    )
}
