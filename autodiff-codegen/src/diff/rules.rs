//! The one table of derivative rules.
//!
//! [`partials`] gives, for each operation, the local partial derivatives `∂out/∂argᵢ` as
//! IR. Forward mode multiplies them by tangents, reverse mode by adjoints: both read this
//! table and nothing else, so a rule is written once.
//!
//! Conventions at kinks follow PyTorch:
//! - `abs`: the derivative at 0 is 0 (`sgn(0) = 0`);
//! - `max`/`min`: at a tie the gradient is split evenly between the two arguments;
//! - `clamp`: the gradient flows to `x` when `lo <= x <= hi` (bounds included), to `lo`
//!   when `x < lo` and to `hi` when `x > hi`;
//! - `floor`, `ceil`, `round`, `trunc`, `signum` (and `%`'s quotient): derivative 0;
//! - `powf(x, y)`: `∂/∂x` is 0 where `y == 0`, `∂/∂y` is 0 where `x == 0` and `y >= 0`;
//! - `hypot(a, b)`: 0 at the origin, like the subgradient of a norm (PyTorch gives NaN).

use crate::ir::build::Builder;
use crate::ir::{BinOp, CmpOp, MathFn, Op, Ty, VarId};

/// The partial derivatives of `op` (which defines `out`) with respect to each of its
/// arguments, in order. `need[i]` says whether argument `i` is differentiated; `None` means
/// the partial is zero or not needed. Statements computing the partials are appended to `b`.
pub fn partials(op: &Op, out: VarId, need: &[bool], b: &mut Builder) -> Vec<Option<VarId>> {
    let args = op.args();
    let mut result = vec![None; args.len()];
    let wanted = |i: usize| need.get(i).copied().unwrap_or(false);
    match op {
        Op::Float(_) | Op::Int(_) | Op::Bool(_) | Op::Named(_) | Op::Not(_) | Op::Cmp(..) => {}
        // Element reads are scattered by the sweeps themselves; lengths are integers.
        Op::Index(..) | Op::Len(..) => {}
        Op::Copy(_) => result[0] = Some(b.lit(1.0)),
        Op::Cast(_, None) => result[0] = Some(b.lit(1.0)),
        Op::Cast(_, Some(_)) => {}
        Op::Neg(_) => result[0] = Some(b.lit(-1.0)),
        Op::Select(c, _, _) => {
            let (one, zero) = (b.lit(1.0), b.lit(0.0));
            if wanted(1) {
                result[1] = Some(b.select(*c, one, zero));
            }
            if wanted(2) {
                result[2] = Some(b.select(*c, zero, one));
            }
        }
        Op::Bin(bop, x, y) => {
            let (x, y) = (*x, *y);
            match bop {
                BinOp::Add => {
                    result[0] = Some(b.lit(1.0));
                    result[1] = Some(b.lit(1.0));
                }
                BinOp::Sub => {
                    result[0] = Some(b.lit(1.0));
                    result[1] = Some(b.lit(-1.0));
                }
                BinOp::Mul => {
                    result[0] = Some(y);
                    result[1] = Some(x);
                }
                BinOp::Div => {
                    if wanted(0) {
                        let one = b.lit(1.0);
                        result[0] = Some(b.div(one, y));
                    }
                    if wanted(1) {
                        // d(x/y)/dy = -x/y² = -(x/y)/y
                        let q = b.div(out, y);
                        result[1] = Some(b.neg(q));
                    }
                }
                BinOp::Rem => {
                    // x % y = x - trunc(x / y) * y
                    result[0] = Some(b.lit(1.0));
                    if wanted(1) {
                        let q = b.div(x, y);
                        let t = b.math(MathFn::Trunc, vec![q]);
                        result[1] = Some(b.neg(t));
                    }
                }
            }
        }
        Op::Math(f, a) => math_partials(*f, a, out, &wanted, b, &mut result),
    }
    for (i, r) in result.iter_mut().enumerate() {
        if !wanted(i) {
            *r = None;
        }
    }
    result
}

fn math_partials(
    f: MathFn,
    a: &[VarId],
    out: VarId,
    wanted: &dyn Fn(usize) -> bool,
    b: &mut Builder,
    result: &mut [Option<VarId>],
) {
    let x = a[0];
    // 1 / (expr)
    let recip = |b: &mut Builder, v: VarId| {
        let one = b.lit(1.0);
        b.div(one, v)
    };
    let d = match f {
        MathFn::Sin => b.math(MathFn::Cos, vec![x]),
        MathFn::Cos => {
            let s = b.math(MathFn::Sin, vec![x]);
            b.neg(s)
        }
        MathFn::Tan => {
            // 1 + tan²
            let sq = b.square(out);
            let one = b.lit(1.0);
            b.add(one, sq)
        }
        MathFn::Asin | MathFn::Acos => {
            let sq = b.square(x);
            let one = b.lit(1.0);
            let diff = b.sub(one, sq);
            let root = b.math(MathFn::Sqrt, vec![diff]);
            let r = recip(b, root);
            if f == MathFn::Acos { b.neg(r) } else { r }
        }
        MathFn::Atan => {
            let sq = b.square(x);
            let one = b.lit(1.0);
            let s = b.add(one, sq);
            recip(b, s)
        }
        MathFn::Atan2 => {
            // atan2(y, x): ∂y = x / (x² + y²), ∂x = -y / (x² + y²)
            let (y, xx) = (a[0], a[1]);
            let y2 = b.square(y);
            let x2 = b.square(xx);
            let r2 = b.add(x2, y2);
            if wanted(1) {
                let q = b.div(y, r2);
                result[1] = Some(b.neg(q));
            }
            b.div(xx, r2)
        }
        MathFn::Sinh => b.math(MathFn::Cosh, vec![x]),
        MathFn::Cosh => b.math(MathFn::Sinh, vec![x]),
        MathFn::Tanh => {
            let sq = b.square(out);
            let one = b.lit(1.0);
            b.sub(one, sq)
        }
        MathFn::Asinh | MathFn::Acosh => {
            let sq = b.square(x);
            let one = b.lit(1.0);
            let s = if f == MathFn::Asinh {
                b.add(sq, one)
            } else {
                b.sub(sq, one)
            };
            let root = b.math(MathFn::Sqrt, vec![s]);
            recip(b, root)
        }
        MathFn::Atanh => {
            let sq = b.square(x);
            let one = b.lit(1.0);
            let s = b.sub(one, sq);
            recip(b, s)
        }
        MathFn::Exp => out,
        MathFn::Exp2 => {
            let ln2 = b.lit(core::f64::consts::LN_2);
            b.mul(out, ln2)
        }
        MathFn::ExpM1 => {
            let one = b.lit(1.0);
            b.add(out, one)
        }
        MathFn::Ln => recip(b, x),
        MathFn::Log2 | MathFn::Log10 => {
            let c = if f == MathFn::Log2 {
                core::f64::consts::LN_2
            } else {
                core::f64::consts::LN_10
            };
            let c = b.lit(c);
            let s = b.mul(x, c);
            recip(b, s)
        }
        MathFn::Log => {
            // log_base(x) = ln x / ln base
            let base = a[1];
            let ln_base = b.math(MathFn::Ln, vec![base]);
            if wanted(1) {
                // ∂/∂base = -log_base(x) / (base · ln base)
                let s = b.mul(base, ln_base);
                let q = b.div(out, s);
                result[1] = Some(b.neg(q));
            }
            let s = b.mul(x, ln_base);
            recip(b, s)
        }
        MathFn::Ln1p => {
            let one = b.lit(1.0);
            let s = b.add(one, x);
            recip(b, s)
        }
        MathFn::Sqrt => {
            let half = b.lit(0.5);
            b.div(half, out)
        }
        MathFn::Cbrt => {
            // 1 / (3 cbrt(x)²)
            let sq = b.square(out);
            let three = b.lit(3.0);
            let s = b.mul(three, sq);
            recip(b, s)
        }
        MathFn::Powi => powi_partial(x, a[1], b),
        MathFn::Powf => {
            let y = a[1];
            if wanted(1) {
                // ∂/∂y = x^y ln x, zero where x == 0 and y >= 0
                let ln = b.math(MathFn::Ln, vec![x]);
                let d = b.mul(out, ln);
                let zero = b.lit(0.0);
                let y_nonneg = b.push(Ty::Bool, Op::Cmp(CmpOp::Ge, y, zero));
                let masked = b.select(y_nonneg, zero, d);
                let x_zero = b.push(Ty::Bool, Op::Cmp(CmpOp::Eq, x, zero));
                result[1] = Some(b.select(x_zero, masked, d));
            }
            if wanted(0) {
                match b.literal(y) {
                    Some(0.0) => return,
                    Some(yv) => {
                        let e = b.lit(yv - 1.0);
                        let p = b.math(MathFn::Powf, vec![x, e]);
                        b.mul(y, p)
                    }
                    None => {
                        let one = b.lit(1.0);
                        let e = b.sub(y, one);
                        let p = b.math(MathFn::Powf, vec![x, e]);
                        let d = b.mul(y, p);
                        let zero = b.lit(0.0);
                        let y_zero = b.push(Ty::Bool, Op::Cmp(CmpOp::Eq, y, zero));
                        b.select(y_zero, zero, d)
                    }
                }
            } else {
                return;
            }
        }
        MathFn::Recip => {
            let sq = b.square(out);
            b.neg(sq)
        }
        MathFn::Abs => {
            let zero = b.lit(0.0);
            let (one, minus_one) = (b.lit(1.0), b.lit(-1.0));
            let pos = b.push(Ty::Bool, Op::Cmp(CmpOp::Gt, x, zero));
            let neg = b.push(Ty::Bool, Op::Cmp(CmpOp::Lt, x, zero));
            let inner = b.select(neg, minus_one, zero);
            b.select(pos, one, inner)
        }
        MathFn::Signum | MathFn::Floor | MathFn::Ceil | MathFn::Round | MathFn::Trunc => return,
        MathFn::Hypot => {
            let other = a[1];
            let zero = b.lit(0.0);
            let at_origin = b.push(Ty::Bool, Op::Cmp(CmpOp::Eq, out, zero));
            if wanted(1) {
                let q = b.div(other, out);
                result[1] = Some(b.select(at_origin, zero, q));
            }
            let q = b.div(x, out);
            b.select(at_origin, zero, q)
        }
        MathFn::MulAdd => {
            result[1] = Some(x);
            result[2] = Some(b.lit(1.0));
            a[1]
        }
        MathFn::Max | MathFn::Min => {
            // Ties split the gradient evenly; otherwise it goes to the argument returned
            // (which is also right when the other one is NaN, as Rust returns the number).
            let other = a[1];
            let (one, half, zero) = (b.lit(1.0), b.lit(0.5), b.lit(0.0));
            let tie = b.push(Ty::Bool, Op::Cmp(CmpOp::Eq, x, other));
            if wanted(1) {
                let other_out = b.push(Ty::Bool, Op::Cmp(CmpOp::Eq, out, other));
                let chosen = b.select(other_out, one, zero);
                result[1] = Some(b.select(tie, half, chosen));
            }
            let x_out = b.push(Ty::Bool, Op::Cmp(CmpOp::Eq, out, x));
            let chosen = b.select(x_out, one, zero);
            b.select(tie, half, chosen)
        }
        MathFn::Clamp => {
            let (lo, hi) = (a[1], a[2]);
            let (one, zero) = (b.lit(1.0), b.lit(0.0));
            let below = b.push(Ty::Bool, Op::Cmp(CmpOp::Lt, x, lo));
            let above = b.push(Ty::Bool, Op::Cmp(CmpOp::Gt, x, hi));
            if wanted(1) {
                result[1] = Some(b.select(below, one, zero));
            }
            if wanted(2) {
                result[2] = Some(b.select(above, one, zero));
            }
            let inside_or_above = b.select(above, zero, one);
            b.select(below, zero, inside_or_above)
        }
        MathFn::ToDegrees => b.lit(180.0 / core::f64::consts::PI),
        MathFn::ToRadians => b.lit(core::f64::consts::PI / 180.0),
    };
    if wanted(0) {
        result[0] = Some(d);
    }
}

/// `d/dx x^n = n x^(n-1)`, with `n` an integer value; zero when `n` is the literal 0.
fn powi_partial(x: VarId, n: VarId, b: &mut Builder) -> VarId {
    let literal_n = b.func_int_literal(n);
    match literal_n {
        Some(0) => b.lit(0.0),
        Some(1) => b.lit(1.0),
        Some(2) => {
            let two = b.lit(2.0);
            b.mul(two, x)
        }
        Some(k) => {
            let e = b.push(Ty::Int(Some("i32".into())), Op::Int(k - 1));
            let p = b.math(MathFn::Powi, vec![x, e]);
            let c = b.lit(k as f64);
            b.mul(c, p)
        }
        None => {
            // n x^(n-1), and 0 for n = 0 (also at x = 0, where the formula gives 0·∞).
            let one = b.push(Ty::Int(Some("i32".into())), Op::Int(1));
            let e = b.push(Ty::Int(Some("i32".into())), Op::Bin(BinOp::Sub, n, one));
            let p = b.math(MathFn::Powi, vec![x, e]);
            let c = b.float_op(Op::Cast(n, None));
            let d = b.mul(c, p);
            let zero_int = b.push(Ty::Int(Some("i32".into())), Op::Int(0));
            let n_zero = b.push(Ty::Bool, Op::Cmp(CmpOp::Eq, n, zero_int));
            let zero = b.lit(0.0);
            b.select(n_zero, zero, d)
        }
    }
}
