//! Lowering: a `syn` function body to IR.
//!
//! Every expression becomes one `let` per operation; variables become SSA values (a
//! reassignment binds the name to a new value); `if`/`match` become [`Stmt::If`]s that
//! yield the variables they change; early `return`s are removed by moving the rest of the
//! function into the branches that fall through. Anything outside the supported subset is
//! reported, spanned, into the [`Ctxt`], and lowering goes on so every error is found.

mod control;
mod expr;
mod paths;

use proc_macro2::Span;

use crate::ctxt::Ctxt;
use crate::ir::{Block, Function, Op, Param, Stmt, Ty, VarId};
use crate::signature::{ParamKind, SignatureInfo};

/// Lowers `body` of the function described by `sig`. Errors go to `cx`; the returned IR is
/// meaningful only if none were reported.
pub fn lower_function(cx: &Ctxt, sig: &SignatureInfo, body: &syn::Block) -> Function {
    let mut l = Lowerer {
        cx,
        func: Function::default(),
        scopes: vec![Vec::new()],
        float_name: sig.float.ident.to_string(),
    };
    for p in &sig.params {
        let ty = match &p.kind {
            ParamKind::Float => Ty::Float,
            ParamKind::Int(t) => Ty::Int(Some(t.clone())),
            ParamKind::Bool => Ty::Bool,
        };
        let var = l.func.new_var(ty, p.ident.to_string(), true);
        l.func.params.push(Param { var, wrt: p.wrt });
        l.bind(&p.ident.to_string(), Some(var), true);
    }
    let mut stmts = Vec::new();
    let ret = l.lower_body(body, &mut stmts);
    let result = match ret {
        Some(v) => l.expect_float(v, span_of_block(body), "the function's result"),
        None => {
            cx.error_at(span_of_block(body), "this function does not return a value on every path; end it with the result expression");
            l.poison(&mut stmts)
        }
    };
    l.func.body = Block {
        stmts,
        results: vec![result],
    };
    l.func
}

fn span_of_block(b: &syn::Block) -> Span {
    b.brace_token.span.close()
}

/// A name in scope.
#[derive(Clone, Debug)]
struct Binding {
    name: String,
    /// The value it holds now; `None` for `let x;` before its first assignment.
    var: Option<VarId>,
    mutable: bool,
}

struct Lowerer<'c> {
    cx: &'c Ctxt,
    func: Function,
    /// Innermost scope last.
    scopes: Vec<Vec<Binding>>,
    /// `f64` or `f32`.
    float_name: String,
}

impl Lowerer<'_> {
    fn bind(&mut self, name: &str, var: Option<VarId>, mutable: bool) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Binding {
                name: name.to_string(),
                var,
                mutable,
            });
        }
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.iter().rev().find(|b| b.name == name))
    }

    fn lookup_mut(&mut self, name: &str) -> Option<&mut Binding> {
        self.scopes
            .iter_mut()
            .rev()
            .find_map(|s| s.iter_mut().rev().find(|b| b.name == name))
    }

    /// `let t = op;` with a temporary name.
    fn push(&mut self, out: &mut Vec<Stmt>, ty: Ty, op: Op) -> VarId {
        let v = self.func.new_var(ty, "t", false);
        out.push(Stmt::Let(v, op));
        v
    }

    /// A placeholder value after an error, compatible with any use so one mistake does not
    /// cascade into more messages.
    fn poison(&mut self, out: &mut Vec<Stmt>) -> VarId {
        self.push(out, Ty::Opaque, Op::Float(0.0))
    }

    fn ty(&self, v: VarId) -> Ty {
        self.func.ty(v).clone()
    }

    /// Gives the value `v` the user's name `name` if it is a fresh temporary, otherwise
    /// copies it into a value of that name.
    fn name_value(&mut self, v: VarId, name: &str, out: &mut Vec<Stmt>) -> VarId {
        let fresh_temp = !self.func.info(v).user_named
            && matches!(out.last(), Some(Stmt::Let(last, _)) if *last == v);
        if fresh_temp {
            let info = &mut self.func.vars[v.0 as usize];
            info.name = name.to_string();
            info.user_named = true;
            return v;
        }
        let ty = self.ty(v);
        let n = self.func.new_var(ty, name, true);
        out.push(Stmt::Let(n, Op::Copy(v)));
        n
    }

    /// Checks that `v` is a float (or an opaque constant), reporting `what` otherwise.
    fn expect_float(&mut self, v: VarId, span: Span, what: &str) -> VarId {
        match self.ty(v) {
            Ty::Float | Ty::Opaque => v,
            Ty::Int(_) => {
                self.cx.error_at(
                    span,
                    format!(
                        "{what} must be a float, but this is an integer; convert it with `as {}`",
                        self.float_name
                    ),
                );
                v
            }
            Ty::Bool => {
                self.cx.error_at(
                    span,
                    format!("{what} must be a float, but this is a `bool`"),
                );
                v
            }
        }
    }
}
