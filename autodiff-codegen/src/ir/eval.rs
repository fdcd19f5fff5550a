//! An interpreter for the IR: runs any function — original or differentiated — on
//! concrete inputs. Property tests use it to check derivatives without compiling Rust.

use super::{BinOp, Block, CmpOp, Function, Loop, MathFn, Op, Stmt, VarId};

/// A runtime value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A float (computed in `f64`).
    F(f64),
    /// An integer.
    I(i64),
    /// A bool.
    B(bool),
    /// An array (nested for arrays of arrays).
    A(Vec<Value>),
}

impl Value {
    /// The float inside, or an error naming what was found.
    pub fn float(&self) -> Result<f64, String> {
        match self {
            Value::F(x) => Ok(*x),
            other => Err(format!("expected a float, found {other:?}")),
        }
    }

    fn int(&self) -> Result<i64, String> {
        match self {
            Value::I(i) => Ok(*i),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }

    fn boolean(&self) -> Result<bool, String> {
        match self {
            Value::B(b) => Ok(*b),
            other => Err(format!("expected a bool, found {other:?}")),
        }
    }

    /// The same shape with every float set to zero.
    pub fn zeros_like(&self) -> Value {
        match self {
            Value::A(items) => Value::A(items.iter().map(Value::zeros_like).collect()),
            _ => Value::F(0.0),
        }
    }

    fn at(&self, idx: &[usize]) -> Result<&Value, String> {
        match (self, idx.split_first()) {
            (v, None) => Ok(v),
            (Value::A(items), Some((i, rest))) => items
                .get(*i)
                .ok_or_else(|| format!("index {i} out of bounds (length {})", items.len()))?
                .at(rest),
            (other, Some(_)) => Err(format!("indexing {other:?}")),
        }
    }

    fn at_mut(&mut self, idx: &[usize]) -> Result<&mut Value, String> {
        match (self, idx.split_first()) {
            (v, None) => Ok(v),
            (Value::A(items), Some((i, rest))) => {
                let len = items.len();
                items
                    .get_mut(*i)
                    .ok_or_else(|| format!("index {i} out of bounds (length {len})"))?
                    .at_mut(rest)
            }
            (other, Some(_)) => Err(format!("indexing {other:?}")),
        }
    }
}

/// Runs `func` on `args` (one per parameter) and returns its results.
pub fn eval(func: &Function, args: &[Value]) -> Result<Vec<Value>, String> {
    if args.len() != func.params.len() {
        return Err(format!(
            "expected {} arguments, got {}",
            func.params.len(),
            args.len()
        ));
    }
    let mut env = Env {
        vals: vec![None; func.vars.len()],
        types: func.vars.iter().map(|v| v.ty.clone()).collect(),
    };
    for (p, a) in func.params.iter().zip(args) {
        env.set(p.var, a.clone());
    }
    env.block(&func.body)
}

struct Env {
    vals: Vec<Option<Value>>,
    types: Vec<super::Ty>,
}

/// The initial value of an accumulator or tape of type `ty`.
fn zero_of(ty: &super::Ty) -> Value {
    match ty {
        super::Ty::Array { elem, kind } => {
            let n = match kind {
                super::ArrayKind::Fixed { value, .. } => value.unwrap_or(0),
                super::ArrayKind::Dynamic => 0,
            };
            Value::A(vec![zero_of(elem); n])
        }
        super::Ty::Int(_) => Value::I(0),
        super::Ty::Bool => Value::B(false),
        _ => Value::F(0.0),
    }
}

impl Env {
    fn get(&self, v: VarId) -> Result<Value, String> {
        self.vals
            .get(v.0 as usize)
            .cloned()
            .flatten()
            .ok_or_else(|| format!("value {v:?} read before it is defined"))
    }

    fn slot(&mut self, v: VarId) -> Result<&mut Value, String> {
        self.vals
            .get_mut(v.0 as usize)
            .and_then(Option::as_mut)
            .ok_or_else(|| format!("value {v:?} written before it is defined"))
    }

    fn indices(&self, idx: &[VarId]) -> Result<Vec<usize>, String> {
        idx.iter()
            .map(|i| {
                let i = self.get(*i)?.int()?;
                usize::try_from(i).map_err(|_| format!("negative index {i}"))
            })
            .collect()
    }

    fn f(&self, v: VarId) -> Result<f64, String> {
        self.get(v)?.float()
    }

    fn set(&mut self, v: VarId, x: Value) {
        self.vals[v.0 as usize] = Some(x);
    }

    fn block(&mut self, block: &Block) -> Result<Vec<Value>, String> {
        for stmt in &block.stmts {
            self.stmt(stmt)?;
        }
        block.results.iter().map(|r| self.get(*r)).collect()
    }

    fn stmt(&mut self, stmt: &Stmt) -> Result<(), String> {
        match stmt {
            Stmt::Let(v, op) => {
                let x = self.op(op)?;
                self.set(*v, x);
            }
            Stmt::If {
                cond,
                then_block,
                else_block,
                outs,
            } => {
                let taken = match self.get(*cond)? {
                    Value::B(b) => b,
                    other => return Err(format!("if condition is not a bool: {other:?}")),
                };
                let results = self.block(if taken { then_block } else { else_block })?;
                for (o, r) in outs.iter().zip(results) {
                    self.set(*o, r);
                }
            }
            Stmt::Call { callee, .. } => {
                return Err(format!(
                    "the interpreter cannot call `{}`",
                    callee.key().replace(' ', "")
                ));
            }
            Stmt::DeclAcc(v, like) => {
                let zero = match like {
                    Some(l) => self.get(*l)?.zeros_like(),
                    None => zero_of(&self.types[v.0 as usize]),
                };
                self.set(*v, zero);
            }
            Stmt::AddAcc(acc, v) => {
                let sum = self.f(*acc)? + self.f(*v)?;
                self.set(*acc, Value::F(sum));
            }
            Stmt::SetAcc(acc, v) => {
                let x = self.get(*v)?;
                self.set(*acc, x);
            }
            Stmt::DeclArray { array, fill, len } => {
                let fill = self.get(*fill)?;
                let len = usize::try_from(self.get(*len)?.int()?)
                    .map_err(|_| "negative length".to_string())?;
                self.set(*array, Value::A(vec![fill; len]));
            }
            Stmt::Store(a, idx, v) => {
                let idx = self.indices(idx)?;
                let x = self.get(*v)?;
                let slot = self.slot(*a)?;
                // A growable tape grows to the index written.
                if let (Value::A(items), [i]) = (&mut *slot, idx.as_slice()) {
                    if *i >= items.len() {
                        items.resize(*i + 1, Value::F(0.0));
                    }
                }
                *slot.at_mut(&idx)? = x;
            }
            Stmt::AddAt(a, idx, v) => {
                let idx = self.indices(idx)?;
                let x = self.f(*v)?;
                let cell = self.slot(*a)?.at_mut(&idx)?;
                let sum = cell.float()? + x;
                *cell = Value::F(sum);
            }
            Stmt::Loop(l) => self.run_loop(l)?,
        }
        Ok(())
    }

    fn run_loop(&mut self, l: &Loop) -> Result<(), String> {
        for c in &l.carried {
            let x = self.get(c.init)?;
            self.set(c.inner, x);
        }
        let indices: Option<Vec<i64>> = match &l.range {
            None => None,
            Some(r) => {
                let (a, b) = (self.get(r.start)?.int()?, self.get(r.end)?.int()?);
                let mut values: Vec<i64> = if r.inclusive {
                    (a..=b).collect()
                } else {
                    (a..b).collect()
                };
                if r.rev {
                    values.reverse();
                }
                if let Some(s) = r.step {
                    let s = usize::try_from(self.get(s)?.int()?)
                        .map_err(|_| "negative step".to_string())?;
                    if s == 0 {
                        return Err("step_by(0)".into());
                    }
                    values = values.into_iter().step_by(s).collect();
                }
                Some(values)
            }
        };
        let mut iteration = 0usize;
        loop {
            if let Some(values) = &indices {
                let Some(i) = values.get(iteration) else {
                    break;
                };
                if let Some(r) = &l.range {
                    self.set(r.ind, Value::I(*i));
                }
            } else if iteration > 1_000_000 {
                return Err("loop ran for more than a million iterations".into());
            }
            for s in &l.saves {
                let idx = self.indices(&[s.index])?;
                let x = self.get(s.value)?;
                let tape = self.slot(s.tape)?;
                if let Value::A(items) = tape {
                    if items.len() <= idx[0] {
                        items.resize(idx[0] + 1, Value::F(0.0));
                    }
                }
                *tape.at_mut(&idx)? = x;
            }
            let results = self.block(&l.body)?;
            for (c, r) in l.carried.iter().zip(&results) {
                self.set(c.inner, r.clone());
            }
            iteration += 1;
            if l.exits && !results.last().ok_or("loop without its flag")?.boolean()? {
                break;
            }
        }
        for c in &l.carried {
            let x = self.get(c.inner)?;
            self.set(c.out, x);
        }
        Ok(())
    }

    fn op(&self, op: &Op) -> Result<Value, String> {
        Ok(match op {
            Op::Float(x) => Value::F(*x),
            Op::Int(i) => Value::I(*i),
            Op::Bool(b) => Value::B(*b),
            Op::Named(n) => Value::F(n.value.ok_or_else(|| {
                format!("the interpreter does not know the value of `{}`", n.tokens)
            })?),
            Op::Copy(a) => self.get(*a)?,
            Op::Neg(a) => match self.get(*a)? {
                Value::F(x) => Value::F(-x),
                Value::I(i) => Value::I(-i),
                Value::B(_) | Value::A(_) => return Err("negating a bool or an array".into()),
            },
            Op::Not(a) => match self.get(*a)? {
                Value::B(b) => Value::B(!b),
                Value::I(i) => Value::I(!i),
                Value::F(_) | Value::A(_) => return Err("`!` on a float or an array".into()),
            },
            Op::Bin(bop, a, b) => match (self.get(*a)?, self.get(*b)?) {
                (Value::F(x), Value::F(y)) => Value::F(float_bin(*bop, x, y)),
                (Value::I(x), Value::I(y)) => Value::I(int_bin(*bop, x, y)?),
                (x, y) => return Err(format!("{bop:?} on {x:?} and {y:?}")),
            },
            Op::Cmp(c, a, b) => Value::B(match (self.get(*a)?, self.get(*b)?) {
                (Value::F(x), Value::F(y)) => compare(*c, x, y),
                (Value::I(x), Value::I(y)) => compare(*c, x, y),
                (Value::B(x), Value::B(y)) => compare(*c, x, y),
                (x, y) => return Err(format!("comparing {x:?} with {y:?}")),
            }),
            Op::Math(f, args) => Value::F(self.math(*f, args)?),
            Op::Cast(a, target) => match (self.get(*a)?, target) {
                (Value::F(x), None) => Value::F(x),
                (Value::I(i), None) => Value::F(i as f64),
                (Value::F(x), Some(_)) => Value::I(x as i64),
                (Value::I(i), Some(_)) => Value::I(i),
                (Value::B(b), Some(_)) => Value::I(b as i64),
                (Value::B(_), None) => return Err("casting a bool to a float".into()),
                (Value::A(_), _) => return Err("casting an array".into()),
            },
            Op::Select(c, a, b) => match self.get(*c)? {
                Value::B(true) => self.get(*a)?,
                Value::B(false) => self.get(*b)?,
                other => return Err(format!("select on {other:?}")),
            },
            Op::Index(a, idx) => {
                let idx = self.indices(idx)?;
                self.get(*a)?.at(&idx)?.clone()
            }
            Op::Len(a, idx) => {
                let idx = self.indices(idx)?;
                match self.get(*a)?.at(&idx)? {
                    Value::A(items) => Value::I(items.len() as i64),
                    other => return Err(format!("len of {other:?}")),
                }
            }
        })
    }

    fn math(&self, f: MathFn, args: &[VarId]) -> Result<f64, String> {
        if args.len() != f.arity() {
            return Err(format!("`{}` takes {} arguments", f.name(), f.arity()));
        }
        let x = self.f(args[0])?;
        let arg = |i: usize| self.f(args[i]);
        Ok(match f {
            MathFn::Sin => x.sin(),
            MathFn::Cos => x.cos(),
            MathFn::Tan => x.tan(),
            MathFn::Asin => x.asin(),
            MathFn::Acos => x.acos(),
            MathFn::Atan => x.atan(),
            MathFn::Atan2 => x.atan2(arg(1)?),
            MathFn::Sinh => x.sinh(),
            MathFn::Cosh => x.cosh(),
            MathFn::Tanh => x.tanh(),
            MathFn::Asinh => x.asinh(),
            MathFn::Acosh => x.acosh(),
            MathFn::Atanh => x.atanh(),
            MathFn::Exp => x.exp(),
            MathFn::Exp2 => x.exp2(),
            MathFn::ExpM1 => x.exp_m1(),
            MathFn::Ln => x.ln(),
            MathFn::Log => x.log(arg(1)?),
            MathFn::Log2 => x.log2(),
            MathFn::Log10 => x.log10(),
            MathFn::Ln1p => x.ln_1p(),
            MathFn::Sqrt => x.sqrt(),
            MathFn::Cbrt => x.cbrt(),
            MathFn::Powi => match self.get(args[1])? {
                Value::I(n) => x.powi(n as i32),
                other => return Err(format!("powi exponent {other:?}")),
            },
            MathFn::Powf => x.powf(arg(1)?),
            MathFn::Recip => x.recip(),
            MathFn::Abs => x.abs(),
            MathFn::Signum => x.signum(),
            MathFn::Hypot => x.hypot(arg(1)?),
            MathFn::MulAdd => x.mul_add(arg(1)?, arg(2)?),
            MathFn::Max => x.max(arg(1)?),
            MathFn::Min => x.min(arg(1)?),
            MathFn::Clamp => {
                let (lo, hi) = (arg(1)?, arg(2)?);
                if lo > hi || lo.is_nan() || hi.is_nan() {
                    return Err(format!("clamp with min {lo} > max {hi}"));
                }
                x.clamp(lo, hi)
            }
            MathFn::Floor => x.floor(),
            MathFn::Ceil => x.ceil(),
            MathFn::Round => x.round(),
            MathFn::Trunc => x.trunc(),
            MathFn::ToDegrees => x.to_degrees(),
            MathFn::ToRadians => x.to_radians(),
        })
    }
}

/// Float arithmetic, as Rust computes it.
pub fn float_bin(op: BinOp, x: f64, y: f64) -> f64 {
    match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        BinOp::Rem => x % y,
    }
}

fn int_bin(op: BinOp, x: i64, y: i64) -> Result<i64, String> {
    let r = match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::Div => x.checked_div(y),
        BinOp::Rem => x.checked_rem(y),
    };
    r.ok_or_else(|| format!("integer overflow or division by zero in {x} {op:?} {y}"))
}

fn compare<T: PartialOrd>(c: CmpOp, x: T, y: T) -> bool {
    match c {
        CmpOp::Lt => x < y,
        CmpOp::Le => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::Ge => x >= y,
        CmpOp::Eq => x == y,
        CmpOp::Ne => x != y,
    }
}
