//! [`Builder`]: appends statements to a block while creating the values they define.

use crate::hash::HashMap;

use super::{BinOp, Block, Function, MathFn, Op, Stmt, Ty, VarId};

/// The constant definitions (`let v = 2.0;`) of a block and its branches, so builders can
/// fold identities involving values defined elsewhere.
pub fn constants(block: &Block) -> HashMap<VarId, Op> {
    let mut map = HashMap::default();
    collect_constants(block, &mut map);
    map
}

fn collect_constants(block: &Block, map: &mut HashMap<VarId, Op>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::Let(v, op) if op.is_constant() => {
                map.insert(*v, op.clone());
            }
            other => {
                for b in super::visit::nested_blocks(other) {
                    collect_constants(b, map);
                }
            }
        }
    }
}

/// Appends `let` statements to `stmts`, creating fresh values in `func`.
///
/// Small algebraic identities that are exact in IEEE arithmetic (`x * 1`, `x + 0` with a
/// literal zero on the left, `-(-x)`) are applied on the fly so derivative code does not
/// start out bloated; [`crate::simplify`] does the rest.
pub struct Builder<'a> {
    /// The function whose values are created.
    pub func: &'a mut Function,
    /// Where statements go.
    pub stmts: Vec<Stmt>,
    /// Constants defined elsewhere in the function (see [`constants`]).
    pub known: &'a HashMap<VarId, Op>,
}

impl<'a> Builder<'a> {
    /// A builder that appends to an empty statement list.
    pub fn new(func: &'a mut Function, known: &'a HashMap<VarId, Op>) -> Self {
        Builder {
            func,
            stmts: Vec::new(),
            known,
        }
    }

    /// Takes the statements built so far.
    pub fn take(&mut self) -> Vec<Stmt> {
        std::mem::take(&mut self.stmts)
    }

    /// `let t = op;` with a temporary name.
    pub fn push(&mut self, ty: Ty, op: Op) -> VarId {
        let v = self.func.new_var(ty, "t", false);
        self.stmts.push(Stmt::Let(v, op));
        v
    }

    /// `let t = op;` for a float.
    pub fn float_op(&mut self, op: Op) -> VarId {
        self.push(Ty::Float, op)
    }

    /// A float literal.
    pub fn lit(&mut self, x: f64) -> VarId {
        self.float_op(Op::Float(x))
    }

    /// The literal value of `v`, if it is one.
    pub fn literal(&self, v: VarId) -> Option<f64> {
        self.find_def(v).and_then(|op| match op {
            Op::Float(x) => Some(*x),
            _ => None,
        })
    }

    /// The integer literal value of `v`, if it is one.
    pub fn func_int_literal(&self, v: VarId) -> Option<i64> {
        self.find_def(v).and_then(|op| match op {
            Op::Int(i) => Some(*i),
            _ => None,
        })
    }

    fn find_def(&self, v: VarId) -> Option<&Op> {
        self.known.get(&v).or_else(|| {
            self.stmts.iter().rev().find_map(|s| match s {
                Stmt::Let(d, op) if *d == v => Some(op),
                _ => None,
            })
        })
    }

    /// `a + b`
    pub fn add(&mut self, a: VarId, b: VarId) -> VarId {
        if self.literal(a) == Some(0.0) {
            return b;
        }
        if self.literal(b) == Some(0.0) {
            return a;
        }
        self.float_op(Op::Bin(BinOp::Add, a, b))
    }

    /// `a - b`
    pub fn sub(&mut self, a: VarId, b: VarId) -> VarId {
        if self.literal(b) == Some(0.0) {
            return a;
        }
        if self.literal(a) == Some(0.0) {
            return self.neg(b);
        }
        self.float_op(Op::Bin(BinOp::Sub, a, b))
    }

    /// `a * b`
    pub fn mul(&mut self, a: VarId, b: VarId) -> VarId {
        match (self.literal(a), self.literal(b)) {
            (Some(x), Some(y)) => return self.lit(x * y),
            (Some(1.0), _) => return b,
            (_, Some(1.0)) => return a,
            (Some(-1.0), _) => return self.neg(b),
            (_, Some(-1.0)) => return self.neg(a),
            _ => {}
        }
        self.float_op(Op::Bin(BinOp::Mul, a, b))
    }

    /// `a / b`
    pub fn div(&mut self, a: VarId, b: VarId) -> VarId {
        if self.literal(b) == Some(1.0) {
            return a;
        }
        self.float_op(Op::Bin(BinOp::Div, a, b))
    }

    /// `-a`
    pub fn neg(&mut self, a: VarId) -> VarId {
        if let Some(Op::Neg(inner)) = self.find_def(a) {
            return *inner;
        }
        if let Some(x) = self.literal(a) {
            return self.lit(-x);
        }
        self.float_op(Op::Neg(a))
    }

    /// A float method call.
    pub fn math(&mut self, f: MathFn, args: Vec<VarId>) -> VarId {
        self.float_op(Op::Math(f, args))
    }

    /// `a * a`
    pub fn square(&mut self, a: VarId) -> VarId {
        self.mul(a, a)
    }

    /// `if c { a } else { b }` on floats.
    pub fn select(&mut self, c: VarId, a: VarId, b: VarId) -> VarId {
        if a == b {
            return a;
        }
        self.float_op(Op::Select(c, a, b))
    }
}
