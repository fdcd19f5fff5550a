//! `match` on integers and `bool`s: a chain of conditionals, with patterns (literals,
//! constants, ranges, `|`, guards, `k @ …` bindings) turned into conditions.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Expr, Pat};

use super::Lowerer;
use super::control::Branch;
use crate::ir::{CmpOp, Op, Stmt, Ty, VarId};

impl<'c> Lowerer<'c> {
    /// `match` as an expression on an integer or `bool`: a chain of conditionals.
    pub(super) fn lower_match(&mut self, m: &syn::ExprMatch, out: &mut Vec<Stmt>) -> Option<VarId> {
        let scrutinee = self.lower_value(&m.expr, out);
        if self.ty(scrutinee) == Ty::Float {
            self.cx.error_spanned_by(
                &m.expr,
                "`match` on a float is not supported; compare with `if`/`else` instead",
            );
        }
        self.match_arms(scrutinee, &m.arms, m.span(), out)
    }

    pub(super) fn match_arms(
        &mut self,
        scrutinee: VarId,
        arms: &[syn::Arm],
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Option<VarId> {
        let (arm, others) = arms.split_first()?;
        match self.pattern_condition(scrutinee, &arm.pat, out) {
            None => {
                self.scopes.push(Vec::new());
                self.bind_pattern(scrutinee, &arm.pat);
                let v = self.lower_expr(&arm.body, out);
                self.scopes.pop();
                v
            }
            Some(cond) if others.is_empty() => {
                // The last arm of an exhaustive match: its pattern must hold.
                let _ = cond;
                self.scopes.push(Vec::new());
                self.bind_pattern(scrutinee, &arm.pat);
                let v = self.lower_expr(&arm.body, out);
                self.scopes.pop();
                v
            }
            Some(cond) => {
                let then_b: Branch<'_, 'c> =
                    Box::new(move |l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                        l.scopes.push(Vec::new());
                        l.bind_pattern(scrutinee, &arm.pat);
                        let v = l.lower_expr(&arm.body, o);
                        l.scopes.pop();
                        v
                    });
                let else_b: Branch<'_, 'c> =
                    Box::new(move |l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                        l.match_arms(scrutinee, others, span, o)
                    });
                self.lower_conditional(cond, then_b, else_b, span, out)
            }
        }
    }

    /// The condition under which `pat` matches `scrutinee`, or `None` if it always does.
    pub(super) fn pattern_condition(
        &mut self,
        scrutinee: VarId,
        pat: &Pat,
        out: &mut Vec<Stmt>,
    ) -> Option<VarId> {
        match pat {
            Pat::Wild(_) => None,
            // `ZERO =>` compares with a constant, as Rust does for a name that is one.
            Pat::Ident(pi) if pi.subpat.is_none() && is_constant_name(&pi.ident) => {
                let path = syn::ExprPath {
                    attrs: vec![],
                    qself: None,
                    path: pi.ident.clone().into(),
                };
                let (ty, named) = super::paths::constant(&path);
                let c = self.push(out, ty, Op::Named(named));
                Some(self.push(out, Ty::Bool, Op::Cmp(CmpOp::Eq, scrutinee, c)))
            }
            Pat::Path(p) => {
                let path = syn::ExprPath {
                    attrs: vec![],
                    qself: p.qself.clone(),
                    path: p.path.clone(),
                };
                let (ty, named) = super::paths::constant(&path);
                let c = self.push(out, ty, Op::Named(named));
                Some(self.push(out, Ty::Bool, Op::Cmp(CmpOp::Eq, scrutinee, c)))
            }
            Pat::Ident(pi) if pi.subpat.is_none() && pi.by_ref.is_none() => None,
            Pat::Paren(p) => self.pattern_condition(scrutinee, &p.pat, out),
            Pat::Lit(lit) => {
                let v = self.lower_value(&Expr::Lit(lit.clone()), out);
                Some(self.push(out, Ty::Bool, Op::Cmp(CmpOp::Eq, scrutinee, v)))
            }
            Pat::Range(r) => {
                let mut cond: Option<VarId> = None;
                if let Some(start) = &r.start {
                    let s = self.lower_value(start, out);
                    cond = Some(self.push(out, Ty::Bool, Op::Cmp(CmpOp::Ge, scrutinee, s)));
                }
                if let Some(end) = &r.end {
                    let e = self.lower_value(end, out);
                    let op = match r.limits {
                        syn::RangeLimits::Closed(_) => CmpOp::Le,
                        syn::RangeLimits::HalfOpen(_) => CmpOp::Lt,
                    };
                    let c = self.push(out, Ty::Bool, Op::Cmp(op, scrutinee, e));
                    cond = Some(match cond {
                        Some(prev) => self.and(prev, c, out),
                        None => c,
                    });
                }
                cond
            }
            Pat::Or(or) => {
                let mut cond: Option<VarId> = None;
                for case in &or.cases {
                    // An irrefutable alternative makes the whole pattern irrefutable.
                    let c = self.pattern_condition(scrutinee, case, out)?;
                    cond = Some(match cond {
                        Some(prev) => self.or(prev, c, out),
                        None => c,
                    });
                }
                cond
            }
            Pat::Guard(g) => {
                let inner = self.pattern_condition(scrutinee, &g.pat, out);
                let pat = &g.pat;
                let guard = &g.guard;
                let lower_guard = move |l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                    l.scopes.push(Vec::new());
                    l.bind_pattern(scrutinee, pat);
                    let v = l.lower_condition(guard, o);
                    l.scopes.pop();
                    Some(v)
                };
                Some(match inner {
                    // The guard runs only when the pattern matches, as in Rust.
                    Some(c) => {
                        let then_b: Branch<'_, 'c> = Box::new(lower_guard);
                        let else_b: Branch<'_, 'c> =
                            Box::new(|l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                                Some(l.push(o, Ty::Bool, Op::Bool(false)))
                            });
                        let v = self.lower_conditional(c, then_b, else_b, g.guard.span(), out);
                        v.unwrap_or_else(|| self.poison(out))
                    }
                    None => lower_guard(self, out).unwrap_or_else(|| self.poison(out)),
                })
            }
            // `k @ 1..=3`: the subpattern decides; `k` is bound by `bind_pattern`.
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_some() => {
                let (_, sub) = pi.subpat.as_ref()?;
                self.pattern_condition(scrutinee, sub, out)
            }
            other => {
                self.cx.error_spanned_by(other, "unsupported `match` pattern: use literals, ranges (`1..=3`), `|`, guards, a binding or `_`");
                Some(self.push(out, Ty::Bool, Op::Bool(false)))
            }
        }
    }

    /// Binds the names a pattern introduces (a top-level `name` or `name @ …`).
    pub(super) fn bind_pattern(&mut self, scrutinee: VarId, pat: &Pat) {
        match pat {
            Pat::Ident(pi) if is_constant_name(&pi.ident) => {}
            Pat::Ident(pi) => self.bind(&pi.ident.unraw().to_string(), Some(scrutinee), false),
            Pat::Guard(g) => self.bind_pattern(scrutinee, &g.pat),
            Pat::Paren(p) => self.bind_pattern(scrutinee, &p.pat),
            _ => {}
        }
    }

    /// `a && b` without evaluating `b` when `a` is false.
    pub(super) fn and(&mut self, a: VarId, b: VarId, out: &mut Vec<Stmt>) -> VarId {
        let f = self.push(out, Ty::Bool, Op::Bool(false));
        self.push(out, Ty::Bool, Op::Select(a, b, f))
    }

    pub(super) fn or(&mut self, a: VarId, b: VarId, out: &mut Vec<Stmt>) -> VarId {
        let t = self.push(out, Ty::Bool, Op::Bool(true));
        self.push(out, Ty::Bool, Op::Select(a, t, b))
    }
}

/// Whether a name in a pattern is a constant (`ZERO`), which Rust compares with, rather than
/// a new binding: by Rust's naming conventions, constants start with an uppercase letter.
fn is_constant_name(ident: &syn::Ident) -> bool {
    ident
        .unraw()
        .to_string()
        .starts_with(|c: char| c.is_ascii_uppercase())
}
