//! Loops: `for` over ranges (`a..b`, `a..=b`, `.rev()`, `.step_by(s)`) and over arrays
//! (`x.iter()`, `&x`, `.enumerate()`, `.zip(..)`), `while`, `loop`, `break`, `continue`.
//!
//! A loop becomes a [`Loop`] whose carried values are the outer variables its body
//! assigns; `break` and `continue` end the body's path early with the continue flag
//! `false` or `true` (the rest of the body moves into the branch that goes on).

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Expr, Pat};

use super::Lowerer;
use super::arrays::Place;
use super::control::{Exit, ExitBranch, Work, block_work, contains_jump};
use crate::ir::{Block, Carried, CmpOp, Loop, Op, Range, Site, Stmt, Ty, VarId};

/// The innermost loop being lowered.
#[derive(Clone, Debug)]
pub(super) struct LoopCtx {
    /// The scope holding the carried variables' current values.
    pub scope: usize,
    /// The carried variables, in order.
    pub names: Vec<String>,
}

/// What a `for` iterates over.
enum Iteration<'a> {
    /// `a..b` and friends.
    Range {
        start: &'a Expr,
        end: &'a Expr,
        inclusive: bool,
        rev: bool,
        step: Option<&'a Expr>,
    },
    /// The elements of arrays, zipped, optionally enumerated.
    Elements {
        arrays: Vec<&'a Expr>,
        enumerate: bool,
    },
}

impl<'c> Lowerer<'c> {
    /// `for pat in iter { body }`
    pub(super) fn lower_for(&mut self, f: &syn::ExprForLoop, out: &mut Vec<Stmt>) {
        if let Some(label) = &f.label {
            self.cx.error_spanned_by(
                label,
                "loop labels are not supported in a #[differentiable] function; use a plain `break`/`continue` of the innermost loop, with a flag variable to leave outer loops",
            );
        }
        let Some(iteration) = parse_iteration(&f.expr) else {
            self.cx.error_spanned_by(&f.expr, "unsupported loop: iterate over a range (`0..n`, `a..=b`, `(a..b).rev()`, `.step_by(k)`) or over arrays (`x.iter()`, `&x`, `x.iter().enumerate()`, `x.iter().zip(y.iter())`); other iterator chains are not supported");
            return;
        };
        match iteration {
            Iteration::Range {
                start,
                end,
                inclusive,
                rev,
                step,
            } => {
                let s = self.lower_value(start, out);
                let e = self.lower_value(end, out);
                if self.ty(s).is_float() || self.ty(e).is_float() {
                    self.cx.error_spanned_by(&f.expr, "a `for` loop iterates over integers; loop over `0..n` and compute the float (`let t = i as f64 * step;`)");
                    return;
                }
                let step = step.map(|st| self.lower_value(st, out));
                let ty = match (self.ty(s), self.ty(e)) {
                    (Ty::Int(Some(t)), _) | (_, Ty::Int(Some(t))) => Ty::Int(Some(t)),
                    _ => Ty::Int(None),
                };
                let ind =
                    self.func
                        .new_var(ty, pattern_name(&f.pat).unwrap_or_else(|| "i".into()), true);
                let range = Range {
                    ind,
                    start: s,
                    end: e,
                    inclusive,
                    rev,
                    step,
                };
                let pat = &*f.pat;
                self.lower_loop(Some(range), None, &f.body, f.span(), out, move |l, _| {
                    l.bind_simple(pat, ind);
                });
            }
            Iteration::Elements { arrays, enumerate } => {
                let mut places = Vec::new();
                for a in &arrays {
                    match self.lower_place(a, out) {
                        Some(p) if matches!(p.ty, Ty::Array { .. } | Ty::Opaque) => places.push(p),
                        _ => {
                            self.cx.error_spanned_by(
                                a,
                                "only arrays, slices and `Vec`s of floats can be iterated over",
                            );
                            return;
                        }
                    }
                }
                // The shortest length, like `zip`.
                let mut len: Option<VarId> = None;
                for p in &places {
                    let l = self.push(
                        out,
                        Ty::Int(Some("usize".into())),
                        Op::Len(p.base, p.idx.clone()),
                    );
                    len = Some(match len {
                        None => l,
                        Some(prev) => {
                            let c = self.push(out, Ty::Bool, Op::Cmp(CmpOp::Lt, prev, l));
                            self.push(out, Ty::Int(Some("usize".into())), Op::Select(c, prev, l))
                        }
                    });
                }
                let Some(len) = len else { return };
                let zero = self.push(out, Ty::Int(Some("usize".into())), Op::Int(0));
                let ind = self.func.new_var(Ty::Int(Some("usize".into())), "i", true);
                let range = Range {
                    ind,
                    start: zero,
                    end: len,
                    inclusive: false,
                    rev: false,
                    step: None,
                };
                let pat = &*f.pat;
                self.lower_loop(
                    Some(range),
                    None,
                    &f.body,
                    f.span(),
                    out,
                    move |l, body_out| {
                        l.bind_elements(pat, ind, &places, enumerate, body_out);
                    },
                );
            }
        }
    }

    /// `while cond { body }`
    pub(super) fn lower_while(&mut self, w: &syn::ExprWhile, out: &mut Vec<Stmt>) {
        if let Some(label) = &w.label {
            self.cx.error_spanned_by(
                label,
                "loop labels are not supported in a #[differentiable] function; use a plain `break`/`continue` of the innermost loop, with a flag variable to leave outer loops",
            );
        }
        if contains_jump(&w.cond) {
            self.cx.error_spanned_by(
                &w.cond,
                "`return`/`break` inside a `while` condition is not supported",
            );
        }
        self.lower_loop(None, Some(&w.cond), &w.body, w.span(), out, |_, _| {});
    }

    /// `loop { body }`
    pub(super) fn lower_plain_loop(&mut self, l: &syn::ExprLoop, out: &mut Vec<Stmt>) {
        if let Some(label) = &l.label {
            self.cx.error_spanned_by(
                label,
                "loop labels are not supported in a #[differentiable] function; use a plain `break`/`continue` of the innermost loop, with a flag variable to leave outer loops",
            );
        }
        self.lower_loop(None, None, &l.body, l.span(), out, |_, _| {});
    }

    fn lower_loop(
        &mut self,
        range: Option<Range>,
        cond: Option<&Expr>,
        body: &syn::Block,
        span: Span,
        out: &mut Vec<Stmt>,
        bind: impl FnOnce(&mut Self, &mut Vec<Stmt>),
    ) {
        let names: Vec<String> = assigned_names(body)
            .into_iter()
            .filter(|n| {
                self.lookup(n)
                    .is_some_and(|b| b.var.is_some() && b.place.is_none())
            })
            .collect();
        let depth = self.scopes.len();
        self.forget_stores();
        self.scopes.push(Vec::new());
        let scope = self.scopes.len() - 1;
        let mut carried = Vec::new();
        for name in &names {
            let Some(outer) = self.lookup(name).and_then(|b| b.var) else {
                continue;
            };
            let ty = self.ty(outer);
            let inner = self.func.new_var(ty, name.clone(), true);
            self.bind(name, Some(inner), true);
            carried.push((name.clone(), outer, inner));
        }
        let prev = self.loop_ctx.replace(LoopCtx {
            scope,
            names: names.clone(),
        });
        let mut body_out = Vec::new();
        bind(self, &mut body_out);
        let mut work = block_work(body, false);
        work.push(Work::LoopEnd);
        let exits = cond.is_some() || range.is_none() || contains_break(body);
        let exit = match cond {
            Some(c) => {
                let c = self.lower_condition(c, &mut body_out);
                let then_b: ExitBranch<'_, 'c> =
                    Box::new(move |l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                        l.scopes.push(Vec::new());
                        l.run(&work, o)
                    });
                let else_b: ExitBranch<'_, 'c> =
                    Box::new(|l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| Some(l.loop_exit(false, o)));
                self.tail_branches_pub(c, then_b, else_b, span, &mut body_out)
            }
            None => {
                self.scopes.push(Vec::new());
                self.run(&work, &mut body_out)
            }
        };
        let mut exit = exit.unwrap_or_else(|| self.loop_exit(true, &mut body_out));
        self.loop_ctx = prev;
        self.scopes.truncate(depth);
        self.forget_stores();
        if !exits {
            exit.pop();
        }
        let mut loop_carried = Vec::new();
        for (name, init, inner) in &carried {
            let ty = self.ty(*inner);
            let out_var = self.func.new_var(ty, name.clone(), true);
            loop_carried.push(Carried {
                init: *init,
                inner: *inner,
                out: out_var,
            });
        }
        out.push(Stmt::Loop(Box::new(Loop {
            range,
            carried: loop_carried.clone(),
            body: Block {
                stmts: body_out,
                results: exit,
            },
            exits,
            saves: vec![],
            span: Site(span),
        })));
        for ((name, _, _), c) in carried.iter().zip(&loop_carried) {
            if let Some(b) = self.lookup_mut(name) {
                b.var = Some(c.out);
            }
        }
    }

    /// The values a path of the current loop body ends with: the carried variables and the
    /// continue flag.
    pub(super) fn loop_exit(&mut self, go_on: bool, out: &mut Vec<Stmt>) -> Exit {
        let mut exit = Vec::new();
        if let Some(ctx) = self.loop_ctx.clone() {
            for name in &ctx.names {
                let v = self
                    .scopes
                    .get(ctx.scope)
                    .and_then(|s| s.iter().rev().find(|b| &b.name == name))
                    .and_then(|b| b.var);
                match v {
                    Some(v) => exit.push(v),
                    None => exit.push(self.poison(out)),
                }
            }
        }
        exit.push(self.push(out, Ty::Bool, Op::Bool(go_on)));
        exit
    }

    /// The exit of a path that hit an error inside a loop.
    pub(super) fn loop_exit_with(&mut self, _poison: VarId, out: &mut Vec<Stmt>) -> Exit {
        self.loop_exit(true, out)
    }

    fn bind_simple(&mut self, pat: &Pat, v: VarId) {
        match pat {
            Pat::Ident(pi) => self.bind(&pi.ident.unraw().to_string(), Some(v), false),
            Pat::Wild(_) => {}
            other => self
                .cx
                .error_spanned_by(other, "use a name or `_` for the loop variable of a range"),
        }
    }

    /// Binds the names of `pat` to the elements `places[k][i]` (and `i` if enumerated).
    fn bind_elements(
        &mut self,
        pat: &Pat,
        i: VarId,
        places: &[Place],
        enumerate: bool,
        out: &mut Vec<Stmt>,
    ) {
        let mut pats: Vec<&Pat> = match (pat, enumerate, places.len()) {
            (Pat::Tuple(t), true, _) if t.elems.len() == 2 => {
                self.bind_simple(&t.elems[0], i);
                vec![&t.elems[1]]
            }
            (p, false, 1) => vec![p],
            (Pat::Tuple(t), false, n) if t.elems.len() == n => t.elems.iter().collect(),
            (other, _, _) => {
                self.cx.error_spanned_by(other, "the loop pattern does not match the iteration: use `v`/`&v` for `x.iter()`, `(i, v)` for `.enumerate()`, `(a, b)` for `.zip(..)`");
                return;
            }
        };
        if enumerate && places.len() > 1 {
            // `(i, (a, b))` for `x.iter().zip(y.iter()).enumerate()`
            if let Some(Pat::Tuple(t)) = pats.first().copied() {
                pats = t.elems.iter().collect();
            }
        }
        for (p, place) in pats.into_iter().zip(places) {
            let p = match p {
                Pat::Reference(r) => &*r.pat,
                other => other,
            };
            let mut element = place.clone();
            element.idx.push(i);
            element.ty = element.ty.indexed(1);
            match p {
                Pat::Wild(_) => {}
                Pat::Ident(pi) => {
                    let name = pi.ident.unraw().to_string();
                    if let Ty::Array { .. } = element.ty {
                        self.bind_place(&name, element);
                    } else {
                        let ty = element.ty.clone();
                        let v = self.func.new_var(ty, name.clone(), true);
                        out.push(Stmt::Let(v, Op::Index(element.base, element.idx)));
                        self.bind(&name, Some(v), false);
                    }
                }
                other => self
                    .cx
                    .error_spanned_by(other, "use a name, `&name` or `_` for the elements"),
            }
        }
    }
}

fn pattern_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(pi) => Some(pi.ident.unraw().to_string()),
        _ => None,
    }
}

/// Parses the iteration of a `for` loop.
fn parse_iteration(e: &Expr) -> Option<Iteration<'_>> {
    match e {
        Expr::Paren(p) => parse_iteration(&p.expr),
        Expr::Group(g) => parse_iteration(&g.expr),
        Expr::Range(r) => {
            let (start, end) = (r.start.as_deref()?, r.end.as_deref()?);
            Some(Iteration::Range {
                start,
                end,
                inclusive: matches!(r.limits, syn::RangeLimits::Closed(_)),
                rev: false,
                step: None,
            })
        }
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            match (method.as_str(), m.args.len()) {
                ("rev", 0) => match parse_iteration(&m.receiver)? {
                    Iteration::Range {
                        start,
                        end,
                        inclusive,
                        rev: false,
                        step: None,
                    } => Some(Iteration::Range {
                        start,
                        end,
                        inclusive,
                        rev: true,
                        step: None,
                    }),
                    _ => None,
                },
                ("step_by", 1) => match parse_iteration(&m.receiver)? {
                    Iteration::Range {
                        start,
                        end,
                        inclusive,
                        rev,
                        step: None,
                    } => Some(Iteration::Range {
                        start,
                        end,
                        inclusive,
                        rev,
                        step: Some(&m.args[0]),
                    }),
                    _ => None,
                },
                ("iter", 0) => Some(Iteration::Elements {
                    arrays: vec![&m.receiver],
                    enumerate: false,
                }),
                ("enumerate", 0) => match parse_iteration(&m.receiver)? {
                    Iteration::Elements {
                        arrays,
                        enumerate: false,
                    } => Some(Iteration::Elements {
                        arrays,
                        enumerate: true,
                    }),
                    _ => None,
                },
                ("zip", 1) => match (parse_iteration(&m.receiver)?, parse_iteration(&m.args[0])?) {
                    (
                        Iteration::Elements {
                            arrays: mut a,
                            enumerate: false,
                        },
                        Iteration::Elements {
                            arrays: b,
                            enumerate: false,
                        },
                    ) => {
                        a.extend(b);
                        Some(Iteration::Elements {
                            arrays: a,
                            enumerate: false,
                        })
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        Expr::Reference(r) => Some(Iteration::Elements {
            arrays: vec![&r.expr],
            enumerate: false,
        }),
        Expr::Path(_) | Expr::Field(_) | Expr::Index(_) => Some(Iteration::Elements {
            arrays: vec![e],
            enumerate: false,
        }),
        _ => None,
    }
}

/// The names a block assigns (`x = …`, `x += …`), nested blocks and loops included.
fn assigned_names(body: &syn::Block) -> Vec<String> {
    let mut names = Vec::new();
    fn expr(e: &Expr, names: &mut Vec<String>) {
        let target = |t: &Expr, names: &mut Vec<String>| {
            if let Expr::Path(p) = t {
                if let Some(id) = p.path.get_ident() {
                    let n = id.unraw().to_string();
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
            }
        };
        match e {
            Expr::Assign(a) => {
                target(&a.left, names);
                expr(&a.right, names);
            }
            Expr::Binary(b) => {
                use syn::BinOp::*;
                if matches!(
                    b.op,
                    AddAssign(_) | SubAssign(_) | MulAssign(_) | DivAssign(_) | RemAssign(_)
                ) {
                    target(&b.left, names);
                }
                expr(&b.left, names);
                expr(&b.right, names);
            }
            Expr::If(i) => {
                expr(&i.cond, names);
                block(&i.then_branch, names);
                if let Some((_, e)) = &i.else_branch {
                    expr(e, names);
                }
            }
            Expr::Block(b) => block(&b.block, names),
            Expr::Match(m) => m.arms.iter().for_each(|a| expr(&a.body, names)),
            Expr::ForLoop(f) => block(&f.body, names),
            Expr::While(w) => {
                expr(&w.cond, names);
                block(&w.body, names);
            }
            Expr::Loop(l) => block(&l.body, names),
            Expr::Paren(p) => expr(&p.expr, names),
            _ => {}
        }
    }
    fn block(b: &syn::Block, names: &mut Vec<String>) {
        for s in &b.stmts {
            match s {
                syn::Stmt::Local(l) => {
                    if let Some(init) = &l.init {
                        expr(&init.expr, names);
                    }
                }
                syn::Stmt::Expr(e, _) => expr(e, names),
                _ => {}
            }
        }
    }
    block(body, &mut names);
    names
}

/// Whether the loop body contains a `break` of this loop.
fn contains_break(body: &syn::Block) -> bool {
    body.stmts.iter().any(|s| match s {
        syn::Stmt::Expr(e, _) => contains_jump(e) && has_break(e),
        syn::Stmt::Local(l) => l.init.as_ref().is_some_and(|i| has_break(&i.expr)),
        _ => false,
    })
}

fn has_break(e: &Expr) -> bool {
    match e {
        Expr::Break(_) => true,
        Expr::If(i) => {
            i.then_branch.stmts.iter().any(stmt_has_break)
                || i.else_branch.as_ref().is_some_and(|(_, e)| has_break(e))
        }
        Expr::Block(b) => b.block.stmts.iter().any(stmt_has_break),
        Expr::Match(m) => m.arms.iter().any(|a| has_break(&a.body)),
        Expr::Paren(p) => has_break(&p.expr),
        _ => false,
    }
}

fn stmt_has_break(s: &syn::Stmt) -> bool {
    match s {
        syn::Stmt::Expr(e, _) => has_break(e),
        _ => false,
    }
}
