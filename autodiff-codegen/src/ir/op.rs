//! Operations: the right-hand side of a [`Stmt::Let`](super::Stmt::Let).

use super::{Named, VarId};

/// Arithmetic on two values of one type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `a % b`
    Rem,
}

/// Comparisons and boolean connectives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `a < b`
    Lt,
    /// `a <= b`
    Le,
    /// `a > b`
    Gt,
    /// `a >= b`
    Ge,
    /// `a == b`
    Eq,
    /// `a != b`
    Ne,
}

impl CmpOp {
    /// The Rust operator.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

macro_rules! math_fns {
    ($($variant:ident = $name:literal / $arity:literal),* $(,)?) => {
        /// A float method: `x.sin()`, `x.powf(y)`, `x.clamp(lo, hi)`, …
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum MathFn {
            $(#[doc = concat!("`", $name, "`")] $variant,)*
        }

        impl MathFn {
            /// Every method, for tables and tests.
            pub const ALL: &'static [MathFn] = &[$(MathFn::$variant,)*];

            /// The method's name in Rust.
            pub fn name(self) -> &'static str {
                match self { $(MathFn::$variant => $name,)* }
            }

            /// The number of arguments, the receiver included.
            pub fn arity(self) -> usize {
                match self { $(MathFn::$variant => $arity,)* }
            }

            /// Looks a method up by its Rust name.
            pub fn from_name(name: &str) -> Option<MathFn> {
                match name { $($name => Some(MathFn::$variant),)* _ => None }
            }
        }
    };
}

math_fns! {
    Sin = "sin" / 1, Cos = "cos" / 1, Tan = "tan" / 1,
    Asin = "asin" / 1, Acos = "acos" / 1, Atan = "atan" / 1, Atan2 = "atan2" / 2,
    Sinh = "sinh" / 1, Cosh = "cosh" / 1, Tanh = "tanh" / 1,
    Asinh = "asinh" / 1, Acosh = "acosh" / 1, Atanh = "atanh" / 1,
    Exp = "exp" / 1, Exp2 = "exp2" / 1, ExpM1 = "exp_m1" / 1,
    Ln = "ln" / 1, Log = "log" / 2, Log2 = "log2" / 1, Log10 = "log10" / 1, Ln1p = "ln_1p" / 1,
    Sqrt = "sqrt" / 1, Cbrt = "cbrt" / 1, Powi = "powi" / 2, Powf = "powf" / 2,
    Recip = "recip" / 1, Abs = "abs" / 1, Signum = "signum" / 1, Hypot = "hypot" / 2,
    MulAdd = "mul_add" / 3, Max = "max" / 2, Min = "min" / 2, Clamp = "clamp" / 3,
    Floor = "floor" / 1, Ceil = "ceil" / 1, Round = "round" / 1, Trunc = "trunc" / 1,
    ToDegrees = "to_degrees" / 1, ToRadians = "to_radians" / 1,
}

/// The right-hand side of a `let`.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A float literal.
    Float(f64),
    /// An integer literal.
    Int(i64),
    /// A bool literal.
    Bool(bool),
    /// A named constant, emitted as written.
    Named(Named),
    /// Another value, unchanged.
    Copy(VarId),
    /// `-a`
    Neg(VarId),
    /// `!a`
    Not(VarId),
    /// `a ∘ b` on two floats or two integers.
    Bin(BinOp, VarId, VarId),
    /// `a ⋈ b`, a `bool`.
    Cmp(CmpOp, VarId, VarId),
    /// A float method; the first argument is the receiver. `powi`'s exponent is an integer.
    Math(MathFn, Vec<VarId>),
    /// `a as <type>`: the target is `None` for the function's float type, or an integer type.
    Cast(VarId, Option<String>),
    /// `if c { a } else { b }` on plain values (no statements): the form derivative rules
    /// use for piecewise partials.
    Select(VarId, VarId, VarId),
    /// `array[i][j]…`: an element (or a row) of an array, slice, tape or accumulator.
    Index(VarId, Vec<VarId>),
    /// `array.len()` after indexing by `indices` (`w[i].len()`).
    Len(VarId, Vec<VarId>),
}

impl Op {
    /// The values the operation reads.
    pub fn args(&self) -> Vec<VarId> {
        match self {
            Op::Float(_) | Op::Int(_) | Op::Bool(_) | Op::Named(_) => vec![],
            Op::Copy(a) | Op::Neg(a) | Op::Not(a) | Op::Cast(a, _) => vec![*a],
            Op::Bin(_, a, b) | Op::Cmp(_, a, b) => vec![*a, *b],
            Op::Math(_, args) => args.clone(),
            Op::Select(c, a, b) => vec![*c, *a, *b],
            Op::Index(a, idx) | Op::Len(a, idx) => {
                std::iter::once(*a).chain(idx.iter().copied()).collect()
            }
        }
    }

    /// Rewrites every value the operation reads.
    pub fn map_args(&mut self, mut f: impl FnMut(VarId) -> VarId) {
        match self {
            Op::Float(_) | Op::Int(_) | Op::Bool(_) | Op::Named(_) => {}
            Op::Copy(a) | Op::Neg(a) | Op::Not(a) | Op::Cast(a, _) => *a = f(*a),
            Op::Bin(_, a, b) | Op::Cmp(_, a, b) => {
                *a = f(*a);
                *b = f(*b);
            }
            Op::Math(_, args) => args.iter_mut().for_each(|a| *a = f(*a)),
            Op::Select(c, a, b) => {
                *c = f(*c);
                *a = f(*a);
                *b = f(*b);
            }
            Op::Index(a, idx) | Op::Len(a, idx) => {
                *a = f(*a);
                idx.iter_mut().for_each(|i| *i = f(*i));
            }
        }
    }

    /// Whether the operation is a literal or named constant.
    pub fn is_constant(&self) -> bool {
        matches!(self, Op::Float(_) | Op::Int(_) | Op::Bool(_) | Op::Named(_))
    }
}
