//! The intermediate representation every stage reads and writes.
//!
//! A function is lowered to a structured SSA form: every value is defined once by a
//! [`Stmt::Let`] (one operation per `let`, A-normal form), branches are [`Stmt::If`]
//! statements that yield values (like MLIR's `scf.if`), and the only mutable variables are
//! adjoint accumulators ([`Stmt::DeclAcc`] / [`Stmt::AddAcc`]), which the reverse sweep
//! creates. Forward and reverse mode map this IR to this IR, so derivatives compose, and
//! [`eval`] runs any of it on concrete numbers.

pub mod build;
#[cfg_attr(not(test), allow(dead_code))]
pub mod eval;
mod op;
pub mod visit;

pub use op::{BinOp, CmpOp, MathFn, Op};

use proc_macro2::{Span, TokenStream};

/// A value in a [`Function`]: an index into [`Function::vars`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarId(pub u32);

/// The type of a value, as far as differentiation cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// The function's float type (`f64` or `f32`): the only differentiable type.
    Float,
    /// An integer, with the Rust type when it is known (`usize`, `i32`, …).
    Int(Option<String>),
    /// A `bool`.
    Bool,
    /// A named constant whose type the macro cannot see (`SCALE`, `MAX_ITER`): never
    /// differentiated, emitted as written.
    Opaque,
}

impl Ty {
    /// Whether values of this type can carry a derivative.
    pub fn is_float(&self) -> bool {
        matches!(self, Ty::Float)
    }
}

/// What the IR knows about one value.
#[derive(Clone, Debug)]
pub struct VarInfo {
    /// The value's type.
    pub ty: Ty,
    /// The name to emit it under (made unique at emission): the user's variable name
    /// where there is one, `t` for temporaries, `d_<name>` for adjoints.
    pub name: String,
    /// Whether the name came from the user's code (kept when emitting) or is a temporary.
    pub user_named: bool,
}

/// A function parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// The value the parameter binds.
    pub var: VarId,
    /// Whether the gradient is taken with respect to it.
    pub wrt: bool,
}

/// A function in IR form.
#[derive(Clone, Debug, Default)]
pub struct Function {
    /// Every value, indexed by [`VarId`].
    pub vars: Vec<VarInfo>,
    /// Parameters, in signature order.
    pub params: Vec<Param>,
    /// The body; its results are the function's results.
    pub body: Block,
}

/// A sequence of statements yielding values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    /// The statements, in execution order.
    pub stmts: Vec<Stmt>,
    /// The values the block yields.
    pub results: Vec<VarId>,
}

/// One statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `let var = op;`
    Let(VarId, Op),
    /// `let (outs…) = if cond { then … } else { otherwise … };` — each branch yields one
    /// value per out.
    If {
        /// A `Bool` value.
        cond: VarId,
        /// Taken when `cond` holds.
        then_block: Block,
        /// Taken otherwise.
        else_block: Block,
        /// The values the `if` defines, one per result of each branch.
        outs: Vec<VarId>,
    },
    /// `let (value, (∂f/∂arg…)) = callee_partials(args…);` — a call to another
    /// `#[differentiable]` function, with one partial per float argument when
    /// `partials` is non-empty.
    Call {
        /// The callee, as written (path tokens).
        callee: Callee,
        /// The arguments.
        args: Vec<VarId>,
        /// The value the call returns.
        value: VarId,
        /// One partial derivative per float argument, or empty when not needed.
        partials: Vec<VarId>,
    },
    /// `let mut acc = 0.0;` — a float accumulator (an adjoint or a tangent sum).
    DeclAcc(VarId),
    /// `acc += value;`
    AddAcc(VarId, VarId),
}

/// A call target: another `#[differentiable]` function.
#[derive(Clone)]
pub struct Callee {
    /// The path as written, e.g. `util::norm` or `Self::energy`.
    pub path: syn::Path,
    /// Where the call is, for diagnostics.
    pub span: Span,
}

impl std::fmt::Debug for Callee {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Callee({})", self.key())
    }
}

impl PartialEq for Callee {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Callee {
    /// The path as a string, used to compare callees.
    pub fn key(&self) -> String {
        quote::ToTokens::to_token_stream(&self.path).to_string()
    }
}

/// A named constant the macro emits as written (`std::f64::consts::PI`, `SCALE`).
#[derive(Clone, Debug)]
pub struct Named {
    /// The expression as written.
    pub tokens: TokenStream,
    /// Its value, when the macro knows it (used by [`eval`] and constant folding).
    pub value: Option<f64>,
}

impl PartialEq for Named {
    fn eq(&self, other: &Self) -> bool {
        self.tokens.to_string() == other.tokens.to_string()
    }
}

impl Function {
    /// Adds a value and returns its id.
    pub fn new_var(&mut self, ty: Ty, name: impl Into<String>, user_named: bool) -> VarId {
        let id = VarId(self.vars.len() as u32);
        self.vars.push(VarInfo {
            ty,
            name: name.into(),
            user_named,
        });
        id
    }

    /// The type of `v`.
    pub fn ty(&self, v: VarId) -> &Ty {
        &self.vars[v.0 as usize].ty
    }

    /// Information about `v`.
    pub fn info(&self, v: VarId) -> &VarInfo {
        &self.vars[v.0 as usize]
    }

    /// The parameters the gradient is taken with respect to, in signature order.
    pub fn wrt_params(&self) -> Vec<VarId> {
        self.params
            .iter()
            .filter(|p| p.wrt)
            .map(|p| p.var)
            .collect()
    }
}
