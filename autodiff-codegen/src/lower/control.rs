//! Paths that end early: `return`, `break` and `continue`. A statement containing one takes
//! the rest of its path (of the function, or of the loop body) into each branch that falls
//! through, so every path ends with its exit values and the IR needs no jumps.

use proc_macro2::Span;
use syn::Expr;
use syn::spanned::Spanned;

use super::Lowerer;
use super::stmts::macro_message;
use crate::ir::{Block, Stmt, VarId};

/// What is left to lower on the current path.
#[derive(Clone, Copy)]
pub(super) enum Work<'a> {
    /// A statement.
    Stmt(&'a syn::Stmt),
    /// An expression whose value is the function's result.
    Result(&'a Expr),
    /// An expression evaluated for its effect on variables.
    Discard(&'a Expr),
    /// The end of a block: drop its scope.
    PopScope,
    /// The end of a loop's body: go on with the next iteration.
    LoopEnd,
}

/// The values a path ends with: the function's result, or a loop body's next carried
/// values and its continue flag.
pub(super) type Exit = Vec<VarId>;

/// A branch of a conditional, lowered lazily so each sees the environment of its path.
pub(super) type Branch<'s, 'c> =
    Box<dyn FnOnce(&mut Lowerer<'c>, &mut Vec<Stmt>) -> Option<VarId> + 's>;

/// A branch that ends its path (with an [`Exit`]).
pub(super) type ExitBranch<'s, 'c> =
    Box<dyn FnOnce(&mut Lowerer<'c>, &mut Vec<Stmt>) -> Option<Exit> + 's>;

impl<'c> Lowerer<'c> {
    /// Lowers a function body; returns the value it returns (on every path).
    pub(super) fn lower_body(&mut self, body: &syn::Block, out: &mut Vec<Stmt>) -> Option<VarId> {
        let work = block_work(body, true);
        self.run(&work, out).and_then(|exit| exit.first().copied())
    }

    /// Lowers the work of a path; returns the values it ends with.
    pub(super) fn run<'a>(&mut self, work: &[Work<'a>], out: &mut Vec<Stmt>) -> Option<Exit> {
        for (i, item) in work.iter().enumerate() {
            let rest = &work[i + 1..];
            match *item {
                Work::PopScope => {
                    self.scopes.pop();
                }
                Work::LoopEnd => return Some(self.loop_exit(true, out)),
                Work::Stmt(syn::Stmt::Local(local)) => self.lower_local(local, out),
                Work::Stmt(syn::Stmt::Item(item)) => self.cx.error_spanned_by(item, "items (`fn`, `struct`, `use`, …) inside a #[differentiable] function are not supported; move them outside the function"),
                Work::Stmt(syn::Stmt::Macro(m)) => self.cx.error_spanned_by(&m.mac, macro_message(&m.mac)),
                Work::Stmt(syn::Stmt::Expr(e, _)) | Work::Discard(e) => {
                    if let Some(exit) = self.jump(e, out) {
                        return Some(exit);
                    }
                    if contains_jump(e) {
                        return self.split(e, false, rest, out);
                    }
                    self.lower_expr(e, out);
                }
                Work::Result(e) => {
                    if let Some(exit) = self.jump(e, out) {
                        return Some(exit);
                    }
                    if contains_jump(e) {
                        return self.split(e, true, rest, out);
                    }
                    let v = match self.lower_expr(e, out) {
                        Some(v) => v,
                        None => {
                            let message = if matches!(e, Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_)) {
                                "a loop is not the function's result here: keep the result in a variable, `break`, and end the function with the variable"
                            } else {
                                "expected the function's float result here, found an expression without a value"
                            };
                            self.cx.error_spanned_by(e, message);
                            self.poison(out)
                        }
                    };
                    return Some(vec![v]);
                }
            }
        }
        None
    }

    /// `return`, `break` and `continue` end the current path.
    fn jump(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> Option<Exit> {
        match e {
            Expr::Return(r) => {
                if self.loop_ctx.is_some() {
                    self.cx.error_spanned_by(r, "`return` inside a loop is not supported; `break` out of the loop (keeping the result in a variable) and return after it");
                    let p = self.poison(out);
                    return Some(self.loop_exit_with(p, out));
                }
                Some(vec![self.lower_return(r, out)])
            }
            Expr::Break(b) => {
                // A label needs a labeled loop, which is reported already.
                if b.expr.is_some() {
                    self.cx.error_spanned_by(b, "`break` with a value is not supported; keep the value in a variable, `break`, and use the variable after the loop");
                }
                if self.loop_ctx.is_none() {
                    self.cx.error_spanned_by(b, "`break` outside a loop");
                    return None;
                }
                Some(self.loop_exit(false, out))
            }
            Expr::Continue(c) => {
                // A label needs a labeled loop, which is reported already.
                if self.loop_ctx.is_none() {
                    self.cx.error_spanned_by(c, "`continue` outside a loop");
                    return None;
                }
                Some(self.loop_exit(true, out))
            }
            _ => None,
        }
    }

    fn lower_return(&mut self, r: &syn::ExprReturn, out: &mut Vec<Stmt>) -> VarId {
        match &r.expr {
            Some(e) if !contains_jump(e) => self.lower_value(e, out),
            Some(e) => {
                self.cx.error_spanned_by(
                    e,
                    "a `return` inside the value of a `return` is not supported",
                );
                self.poison(out)
            }
            None => {
                self.cx.error_spanned_by(
                    r,
                    "`return` without a value: a #[differentiable] function returns a float",
                );
                self.poison(out)
            }
        }
    }

    /// Lowers `e`, which contains a `return`, `break` or `continue`, followed by `rest`:
    /// each branch of `e` is lowered together with `rest`.
    fn split<'a>(
        &mut self,
        e: &'a Expr,
        is_result: bool,
        rest: &[Work<'a>],
        out: &mut Vec<Stmt>,
    ) -> Option<Exit> {
        let tail = |b: &'a syn::Block| -> Vec<Work<'a>> { block_work(b, is_result) };
        match e {
            Expr::If(i) => {
                let cond = self.lower_condition(&i.cond, out);
                let mut then_work = tail(&i.then_branch);
                then_work.extend_from_slice(rest);
                let mut else_work = Vec::new();
                if let Some((_, else_expr)) = &i.else_branch {
                    else_work.push(if is_result {
                        Work::Result(else_expr)
                    } else {
                        Work::Discard(else_expr)
                    });
                }
                else_work.extend_from_slice(rest);
                let then_b: ExitBranch<'_, 'c> =
                    Box::new(move |l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                        l.scopes.push(Vec::new());
                        l.run(&then_work, o)
                    });
                let else_b: ExitBranch<'_, 'c> =
                    Box::new(move |l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| l.run(&else_work, o));
                self.tail_branches(cond, then_b, else_b, e.span(), out)
            }
            Expr::Block(b) if b.label.is_none() => {
                let mut work = tail(&b.block);
                work.extend_from_slice(rest);
                self.scopes.push(Vec::new());
                self.run(&work, out)
            }
            Expr::Match(m) => {
                let scrutinee = self.lower_value(&m.expr, out);
                self.split_match(scrutinee, &m.arms, is_result, rest, out)
            }
            Expr::Paren(p) => self.split(&p.expr, is_result, rest, out),
            Expr::Block(b) if b.label.is_some() => {
                self.cx.error_spanned_by(&b.label, "labeled blocks are not supported in a #[differentiable] function; use `if`/`else` (or a loop with `break`)");
                let p = self.poison(out);
                Some(if self.loop_ctx.is_some() {
                    self.loop_exit_with(p, out)
                } else {
                    vec![p]
                })
            }
            Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => {
                let at: &dyn quote::ToTokens = match find_return(e) {
                    Some(r) => r,
                    None => e,
                };
                self.cx.error_spanned_by(at, "`return` inside a loop is not supported; `break` out of the loop (keeping the result in a variable) and return after it");
                let p = self.poison(out);
                Some(if self.loop_ctx.is_some() {
                    self.loop_exit_with(p, out)
                } else {
                    vec![p]
                })
            }
            other => {
                self.cx.error_spanned_by(other, "`return`, `break` and `continue` are supported only as statements (`if c { return x; }`, inside `if`/`match`/blocks) or at the end of the function; restructure with `if`/`else`");
                let p = self.poison(out);
                Some(if self.loop_ctx.is_some() {
                    self.loop_exit_with(p, out)
                } else {
                    vec![p]
                })
            }
        }
    }

    fn split_match<'a>(
        &mut self,
        scrutinee: VarId,
        arms: &'a [syn::Arm],
        is_result: bool,
        rest: &[Work<'a>],
        out: &mut Vec<Stmt>,
    ) -> Option<Exit> {
        let Some((arm, others)) = arms.split_first() else {
            return self.run(rest, out);
        };
        let body_work = |arm: &'a syn::Arm| -> Vec<Work<'a>> {
            vec![
                if is_result {
                    Work::Result(&arm.body)
                } else {
                    Work::Discard(&arm.body)
                },
                Work::PopScope,
            ]
        };
        let cond = self.pattern_condition(scrutinee, &arm.pat, out);
        match cond {
            None => {
                self.scopes.push(Vec::new());
                self.bind_pattern(scrutinee, &arm.pat);
                let mut work = body_work(arm);
                work.extend_from_slice(rest);
                self.run(&work, out)
            }
            Some(cond) => {
                let mut then_work = body_work(arm);
                then_work.extend_from_slice(rest);
                let rest_owned: Vec<Work<'a>> = rest.to_vec();
                let pat = &arm.pat;
                let then_b: ExitBranch<'_, 'c> =
                    Box::new(move |l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                        l.scopes.push(Vec::new());
                        l.bind_pattern(scrutinee, pat);
                        l.run(&then_work, o)
                    });
                let else_b: ExitBranch<'_, 'c> =
                    Box::new(move |l: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                        l.split_match(scrutinee, others, is_result, &rest_owned, o)
                    });
                self.tail_branches(cond, then_b, else_b, arm.pat.span(), out)
            }
        }
    }

    /// [`Self::tail_branches`], for the loop lowering.
    pub(super) fn tail_branches_pub(
        &mut self,
        cond: VarId,
        then_b: ExitBranch<'_, 'c>,
        else_b: ExitBranch<'_, 'c>,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Option<Exit> {
        self.tail_branches(cond, then_b, else_b, span, out)
    }

    /// Builds `if cond { then } else { otherwise }` where each branch ends its path; the
    /// `if` yields the exit values. The scopes are restored after each branch.
    fn tail_branches(
        &mut self,
        cond: VarId,
        then_b: ExitBranch<'_, 'c>,
        else_b: ExitBranch<'_, 'c>,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Option<Exit> {
        let saved = self.scopes.clone();
        self.forget_stores();
        let mut then_stmts = Vec::new();
        let then_v = then_b(self, &mut then_stmts);
        self.scopes = saved.clone();
        self.forget_stores();
        let mut else_stmts = Vec::new();
        let else_v = else_b(self, &mut else_stmts);
        self.scopes = saved;
        self.forget_stores();
        let (Some(tv), Some(ev)) = (then_v, else_v) else {
            self.cx.error_at(span, "not every path through this `if`/`match` ends the function with a value; add an `else` that returns or continues to the function's result");
            let p = self.poison(out);
            return Some(if self.loop_ctx.is_some() {
                self.loop_exit_with(p, out)
            } else {
                vec![p]
            });
        };
        if tv.len() != ev.len() {
            self.cx.error_at(span, "the branches of this `if`/`match` end differently (one returns, the other continues the loop); `return` inside loops is not supported");
            return Some(tv);
        }
        let outs: Vec<VarId> = tv
            .iter()
            .zip(&ev)
            .map(|(t, e)| {
                let ty = self.join_types(*t, *e, span);
                let name = self.func.info(*t).name.clone();
                let user = self.func.info(*t).user_named;
                self.func
                    .new_var(ty, if user { name } else { "value".into() }, user)
            })
            .collect();
        out.push(Stmt::If {
            cond,
            then_block: Block {
                stmts: then_stmts,
                results: tv,
            },
            else_block: Block {
                stmts: else_stmts,
                results: ev,
            },
            outs: outs.clone(),
        });
        Some(outs)
    }
}

/// The work of a block: its statements, its tail (as the function's result or discarded),
/// then the end of its scope. The caller pushes the scope.
pub(super) fn block_work(block: &syn::Block, is_result: bool) -> Vec<Work<'_>> {
    let mut work = Vec::with_capacity(block.stmts.len() + 1);
    let n = block.stmts.len();
    for (i, stmt) in block.stmts.iter().enumerate() {
        match stmt {
            syn::Stmt::Expr(e, None) if i + 1 == n => work.push(if is_result {
                Work::Result(e)
            } else {
                Work::Discard(e)
            }),
            other => work.push(Work::Stmt(other)),
        }
    }
    work.push(Work::PopScope);
    work
}

/// The first `return` inside `e`.
fn find_return(e: &Expr) -> Option<&syn::ExprReturn> {
    fn in_block(b: &syn::Block) -> Option<&syn::ExprReturn> {
        b.stmts.iter().find_map(|s| match s {
            syn::Stmt::Expr(e, _) => find_return(e),
            syn::Stmt::Local(l) => l.init.as_ref().and_then(|i| find_return(&i.expr)),
            _ => None,
        })
    }
    match e {
        Expr::Return(r) => Some(r),
        Expr::If(i) => in_block(&i.then_branch)
            .or_else(|| i.else_branch.as_ref().and_then(|(_, e)| find_return(e))),
        Expr::Block(b) => in_block(&b.block),
        Expr::Match(m) => m.arms.iter().find_map(|a| find_return(&a.body)),
        Expr::ForLoop(f) => in_block(&f.body),
        Expr::While(w) => in_block(&w.body),
        Expr::Loop(l) => in_block(&l.body),
        Expr::Paren(p) => find_return(&p.expr),
        _ => None,
    }
}

/// Whether `e` contains a `return`, or a `break`/`continue` of the enclosing loop (not
/// looking into closures, which are rejected anyway).
pub(super) fn contains_jump(e: &Expr) -> bool {
    struct Finder {
        found: bool,
        in_loop: bool,
    }
    impl Finder {
        fn expr(&mut self, e: &Expr) {
            if self.found {
                return;
            }
            match e {
                Expr::Return(_) => self.found = true,
                Expr::Break(_) | Expr::Continue(_) if !self.in_loop => self.found = true,
                Expr::Closure(_) => {}
                Expr::If(i) => {
                    self.expr(&i.cond);
                    self.block(&i.then_branch);
                    if let Some((_, e)) = &i.else_branch {
                        self.expr(e);
                    }
                }
                Expr::Block(b) => self.block(&b.block),
                Expr::Unsafe(b) => self.block(&b.block),
                Expr::Match(m) => {
                    self.expr(&m.expr);
                    m.arms.iter().for_each(|a| self.expr(&a.body));
                }
                Expr::Paren(p) => self.expr(&p.expr),
                Expr::Group(g) => self.expr(&g.expr),
                Expr::Binary(b) => {
                    self.expr(&b.left);
                    self.expr(&b.right);
                }
                Expr::Unary(u) => self.expr(&u.expr),
                Expr::Assign(a) => {
                    self.expr(&a.left);
                    self.expr(&a.right);
                }
                Expr::MethodCall(m) => {
                    self.expr(&m.receiver);
                    m.args.iter().for_each(|a| self.expr(a));
                }
                Expr::Call(c) => c.args.iter().for_each(|a| self.expr(a)),
                Expr::Cast(c) => self.expr(&c.expr),
                Expr::Loop(l) => self.nested_loop(&l.body),
                Expr::While(w) => self.nested_loop(&w.body),
                Expr::ForLoop(f) => self.nested_loop(&f.body),
                _ => {}
            }
        }
        fn nested_loop(&mut self, body: &syn::Block) {
            let outer = self.in_loop;
            self.in_loop = true;
            self.block(body);
            self.in_loop = outer;
        }
        fn block(&mut self, b: &syn::Block) {
            for s in &b.stmts {
                match s {
                    syn::Stmt::Local(l) => {
                        if let Some(init) = &l.init {
                            self.expr(&init.expr);
                        }
                    }
                    syn::Stmt::Expr(e, _) => self.expr(e),
                    _ => {}
                }
            }
        }
    }
    let mut f = Finder {
        found: false,
        in_loop: false,
    };
    f.expr(e);
    f.found
}
