//! The intermediate representation every stage reads and writes.
//!
//! A function is lowered to a structured SSA form: every value is defined once by a
//! [`Stmt::Let`] (one operation per `let`, A-normal form), branches are [`Stmt::If`]
//! statements that yield values (like MLIR's `scf.if`), and the only mutable variables are
//! adjoint accumulators ([`Stmt::DeclAcc`] / [`Stmt::AddAcc`]), which the reverse sweep
//! creates. Forward and reverse mode map this IR to this IR, so derivatives compose, and
//! [`eval`] runs any of it on concrete numbers.

pub mod build;
pub mod effects;
#[cfg_attr(not(test), allow(dead_code))]
pub mod eval;
pub mod fresh;
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
    /// An array, slice or `Vec` of `elem`.
    Array {
        /// The element type (a float, or a nested array).
        elem: Box<Ty>,
        /// What the array is, which decides its length and its gradient's type.
        kind: ArrayKind,
    },
}

/// How an array is held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArrayKind {
    /// `[T; N]`, by value or `&[T; N]`; `len` is the length as written (`4`, `N`), and
    /// its value when it is a literal.
    Fixed {
        /// The length expression as written.
        len: String,
        /// Its value, when it is an integer literal.
        value: Option<usize>,
    },
    /// `&[T]` or `&Vec<T>`: the length is known at run time.
    Dynamic,
}

/// How a parameter is passed, for emitting reads of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Passing {
    /// By value (`x: f64`, `x: [f64; 3]`).
    Value,
    /// By shared reference (`x: &[f64]`, `x: &[f64; 3]`, `x: &Vec<f64>`).
    Reference,
}

impl Ty {
    /// Whether values of this type are floats.
    pub fn is_float(&self) -> bool {
        matches!(self, Ty::Float)
    }

    /// Whether values of this type can carry a derivative: floats and arrays of them.
    pub fn is_differentiable(&self) -> bool {
        match self {
            Ty::Float => true,
            Ty::Array { elem, .. } => elem.is_differentiable(),
            _ => false,
        }
    }

    /// The type after indexing `depth` times.
    pub fn indexed(&self, depth: usize) -> Ty {
        match (self, depth) {
            (t, 0) => t.clone(),
            (Ty::Array { elem, .. }, d) => elem.indexed(d - 1),
            (Ty::Opaque, _) => Ty::Opaque,
            (other, _) => other.clone(),
        }
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
    /// How it is passed.
    pub passing: Passing,
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
    /// The parameters' identifiers as the user wrote them (their spans resolve the names
    /// in generated code, also when the function comes from a `macro_rules!`).
    pub param_idents: Vec<syn::Ident>,
    /// Array accumulators whose every element the code stores before anything reads or
    /// adds to it (see `simplify::carry`): a caller's buffer for one of them is not zeroed
    /// first.
    pub overwritten: crate::hash::HashSet<VarId>,
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
    /// `let mut acc = 0.0;` — a float accumulator (an adjoint or a tangent sum), or, for
    /// an array-typed accumulator, an array of zeros shaped like the value given.
    DeclAcc(VarId, Option<VarId>),
    /// `acc += value;`
    AddAcc(VarId, VarId),
    /// `acc = value;` — hands a loop-carried adjoint to the previous iteration.
    SetAcc(VarId, VarId),
    /// `let mut array = [fill; len];` — a local array (mutable, outside SSA).
    DeclArray {
        /// The array.
        array: VarId,
        /// The value of every element.
        fill: VarId,
        /// The length (a constant integer).
        len: VarId,
    },
    /// `array[i][j] = value;` on a local array or an array accumulator.
    Store(VarId, Vec<VarId>, VarId),
    /// `acc[i][j] += value;` on an array accumulator.
    AddAt(VarId, Vec<VarId>, VarId),
    /// A loop yielding its carried values (like MLIR's `scf.for` with `iter_args`).
    Loop(Box<Loop>),
}

/// A loop: a counted range or an unbounded `loop`, with the values it carries from one
/// iteration to the next.
#[derive(Clone, Debug, PartialEq)]
pub struct Loop {
    /// The counted range, or `None` for a loop that only ends by its exit flag.
    pub range: Option<Range>,
    /// The values carried across iterations.
    pub carried: Vec<Carried>,
    /// One iteration. Its results are the next value of each carried value, in order,
    /// then (if `exits`) a `Bool` that is `false` to leave the loop after this iteration.
    pub body: Block,
    /// Whether the body's last result is the continue flag.
    pub exits: bool,
    /// A tape to save carried values into, one entry per iteration (reverse mode).
    pub saves: Vec<Save>,
    /// Where the loop is, for diagnostics.
    pub span: Site,
}

/// A place in the user's code, for diagnostics; all sites compare equal, so it does not
/// take part in comparing IR.
#[derive(Clone, Copy)]
pub struct Site(pub Span);

impl PartialEq for Site {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Site")
    }
}

/// A value saved at the start of every iteration, in a tape indexed by the iteration.
#[derive(Clone, Debug, PartialEq)]
pub struct Save {
    /// The tape (an array accumulator of the value's type).
    pub tape: VarId,
    /// The value saved (the inner value of a carried value).
    pub value: VarId,
    /// The iteration index it is saved under (a carried counter's inner value).
    pub index: VarId,
}

/// `for ind in start..end` (or `..=`, `.rev()`, `.step_by(step)`).
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    /// The induction variable (an integer).
    pub ind: VarId,
    /// The first bound.
    pub start: VarId,
    /// The second bound.
    pub end: VarId,
    /// `a..=b`.
    pub inclusive: bool,
    /// `.rev()`: the values from the top down.
    pub rev: bool,
    /// `.step_by(step)` (applied after `.rev()`).
    pub step: Option<VarId>,
}

/// A value carried across iterations: `init` before the loop, `inner` during an
/// iteration, `out` after the loop.
#[derive(Clone, Debug, PartialEq)]
pub struct Carried {
    /// The value entering the first iteration.
    pub init: VarId,
    /// The value at the start of an iteration, inside the body.
    pub inner: VarId,
    /// The value after the last iteration.
    pub out: VarId,
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
