//! Lowering: a `syn` function body to IR.
//!
//! Every expression becomes one `let` per operation; variables become SSA values (a
//! reassignment binds the name to a new value); `if`/`match` become [`Stmt::If`]s that
//! yield the variables they change; early `return`s are removed by moving the rest of the
//! function into the branches that fall through. Anything outside the supported subset is
//! reported, spanned, into the [`Ctxt`], and lowering goes on so every error is found.

mod arrays;
mod control;
mod expr;
mod loops;
mod paths;
mod patterns;
mod stmts;

use crate::hash::{HashMap, HashSet};

use proc_macro2::Span;
use syn::ext::IdentExt;

use crate::ctxt::Ctxt;
use crate::ir::{Block, Function, Op, Param, Passing, Stmt, Ty, VarId};
use crate::signature::{ParamKind, SignatureInfo};

/// Lowers `body` of the function described by `sig`. Errors go to `cx`; the returned IR is
/// meaningful only if none were reported.
pub fn lower_function(cx: &Ctxt, sig: &SignatureInfo, body: &syn::Block) -> Function {
    let mut l = Lowerer {
        cx,
        func: Function::default(),
        scopes: vec![Vec::new()],
        float_name: sig.float.ident.to_string(),
        generic_float: sig.float.generic,
        has_self: sig.has_self,
        loop_ctx: None,
        last_store: HashMap::default(),
        read_cache: HashMap::default(),
        int_literals: HashMap::default(),
        local_arrays: HashSet::default(),
    };
    for p in &sig.params {
        let (ty, passing) = match &p.kind {
            ParamKind::Float => (Ty::Float, Passing::Value),
            ParamKind::Int(t) => (Ty::Int(Some(t.clone())), Passing::Value),
            ParamKind::Bool => (Ty::Bool, Passing::Value),
            ParamKind::Array(ty, passing) => (ty.clone(), *passing),
        };
        let name = p.ident.unraw().to_string();
        let var = l.func.new_var(ty, name.clone(), true);
        l.func.params.push(Param {
            var,
            wrt: p.wrt,
            passing,
        });
        // rustc checks `mut` on the original function.
        l.bind(&name, Some(var), true);
    }
    let mut stmts = Vec::new();
    // Parameters already reported keep their names, bound to a value compatible with any
    // use, so the body does not report them again.
    for ident in &sig.rejected {
        let v = l.poison(&mut stmts);
        l.bind(&ident.unraw().to_string(), Some(v), true);
    }
    let ret = l.lower_body(body, &mut stmts);
    let result = match ret {
        Some(v) if sig.result_ok => l.expect_float(v, span_of_block(body), "the function's result"),
        Some(v) => v,
        None => {
            if sig.result_ok {
                cx.error_at(span_of_block(body), "this function does not return a value on every path; end it with the result expression");
            }
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

/// An index in a [`Lowerer::read_cache`] key: a literal by value, anything else by value id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum IndexKey {
    Literal(i64),
    Value(VarId),
}

/// A name in scope.
#[derive(Clone, Debug)]
struct Binding {
    name: String,
    /// The value it holds now; `None` for `let x;` before its first assignment.
    var: Option<VarId>,
    mutable: bool,
    /// For a name bound to a row of an array (`for row in w.iter()`): the row.
    place: Option<arrays::Place>,
}

struct Lowerer<'c> {
    cx: &'c Ctxt,
    func: Function,
    /// Innermost scope last.
    scopes: Vec<Vec<Binding>>,
    /// `f64`, `f32` or the float type parameter's name.
    float_name: String,
    /// Whether the float type is a type parameter (`T: Float`).
    generic_float: bool,
    /// Whether the function takes `&self`, whose fields are data.
    has_self: bool,
    /// The innermost loop being lowered, if any.
    loop_ctx: Option<loops::LoopCtx>,
    /// The last value stored into each local array, with its indices, so a read of the
    /// same element right after uses the value (the reverse sweep then does not read it).
    last_store: HashMap<VarId, (Vec<VarId>, VarId)>,
    /// Elements of parameter arrays already read in this straight-line stretch: reading
    /// one twice gives the same value (`x[i] * x[i]` is then a square to the sweeps).
    read_cache: HashMap<(VarId, Vec<IndexKey>), VarId>,
    /// The integer literals lowered so far, by value (for [`Self::read_cache`] keys).
    int_literals: HashMap<VarId, i64>,
    /// Local arrays (`let mut h = [0.0; 4];`): the only arrays that can be written.
    local_arrays: HashSet<VarId>,
}

impl Lowerer<'_> {
    fn bind(&mut self, name: &str, var: Option<VarId>, mutable: bool) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Binding {
                name: name.to_string(),
                var,
                mutable,
                place: None,
            });
        }
    }

    fn bind_place(&mut self, name: &str, place: arrays::Place) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Binding {
                name: name.to_string(),
                var: None,
                mutable: false,
                place: Some(place),
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

    /// Forgets every remembered store (at the boundaries of branches and loops, where the
    /// last write to an element is no longer known).
    fn forget_stores(&mut self) {
        self.last_store.clear();
        self.read_cache.clear();
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
            Ty::Array { .. } => {
                self.cx.error_at(
                    span,
                    format!("{what} must be a float, but this is an array; index it or sum it"),
                );
                v
            }
        }
    }
}
