//! The derivative table, rule by rule: every float method and operator against central
//! differences (at points inside its domain, away from kinks), and the kink conventions
//! as exact values.

use super::check::{central_difference, close, forward_gradient, reverse_gradient};
use crate::ir::{BinOp, Block, Function, MathFn, Op, Param, Stmt, Ty, VarId};

/// `f(x0, x1, x2) = op(x0, x1, x2)` (as many arguments as the op takes); `powi` gets the
/// integer exponent `k`.
fn single_op(make: impl FnOnce(&[VarId]) -> Op, floats: usize, k: Option<i64>) -> Function {
    let mut func = Function::default();
    let xs: Vec<VarId> = (0..floats)
        .map(|i| {
            let v = func.new_var(Ty::Float, format!("x{i}"), true);
            func.params.push(Param {
                var: v,
                wrt: true,
                passing: crate::ir::Passing::Value,
            });
            v
        })
        .collect();
    let mut stmts = Vec::new();
    let mut args = xs.clone();
    if let Some(k) = k {
        let kv = func.new_var(Ty::Int(Some("i32".into())), "k", false);
        stmts.push(Stmt::Let(kv, Op::Int(k)));
        args.push(kv);
    }
    let out = func.new_var(Ty::Float, "y", true);
    stmts.push(Stmt::Let(out, make(&args)));
    func.body = Block {
        stmts,
        results: vec![out],
    };
    func
}

fn math(f: MathFn) -> Function {
    let k = (f == MathFn::Powi).then_some(3);
    let floats = if f == MathFn::Powi { 1 } else { f.arity() };
    single_op(|a| Op::Math(f, a.to_vec()), floats, k)
}

/// Points where each method is defined and smooth.
fn points(f: MathFn) -> Vec<Vec<f64>> {
    use MathFn::*;
    match f {
        Asin | Acos | Atanh => vec![vec![-0.7], vec![0.1], vec![0.55]],
        Acosh => vec![vec![1.3], vec![2.5], vec![7.0]],
        Ln | Log2 | Log10 | Sqrt | Recip => vec![vec![0.3], vec![1.7], vec![12.0]],
        Ln1p => vec![vec![-0.5], vec![0.2], vec![3.0]],
        Log => vec![vec![0.7, 2.5], vec![3.0, 10.0], vec![12.0, 0.5]],
        Powf => vec![vec![0.7, 2.5], vec![3.0, -1.3], vec![1.2, 0.5]],
        Floor | Ceil | Round | Trunc | Signum => vec![vec![0.3], vec![-1.7], vec![2.2]],
        Clamp => vec![
            vec![0.3, -1.0, 1.0],
            vec![-1.7, -1.0, 1.0],
            vec![2.2, -1.0, 1.5],
        ],
        MulAdd => vec![vec![0.3, -1.2, 2.0], vec![-1.7, 0.4, -0.1]],
        Atan2 | Hypot | Max | Min => vec![vec![0.3, -1.2], vec![-1.7, 0.4], vec![2.0, 2.5]],
        Abs => vec![vec![0.3], vec![-1.7]],
        _ => vec![vec![-1.3], vec![0.2], vec![0.9]],
    }
}

fn check_against_differences(func: &Function, xs: &[f64], what: &str) {
    let (_, grad) = reverse_gradient(func, xs, &[]).unwrap_or_else(|e| panic!("{what}: {e}"));
    let fwd = forward_gradient(func, xs, &[]).unwrap_or_else(|e| panic!("{what}: {e}"));
    for i in 0..xs.len() {
        let h = 1e-6 * xs[i].abs().max(1.0);
        let cd = central_difference(func, xs, &[], i, h).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            close(grad[i], cd, 1e-6, 1e-8),
            "{what} at {xs:?}: ∂/∂x{i} reverse {} vs central difference {cd}",
            grad[i]
        );
        assert!(
            close(grad[i], fwd[i], 1e-14, 0.0),
            "{what} at {xs:?}: reverse {} vs forward {}",
            grad[i],
            fwd[i]
        );
    }
}

#[test]
fn every_float_method_matches_central_differences() {
    for f in MathFn::ALL {
        let func = math(*f);
        for xs in points(*f) {
            check_against_differences(&func, &xs, f.name());
        }
    }
}

#[test]
fn every_operator_matches_central_differences() {
    for op in [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Rem] {
        let func = single_op(|a| Op::Bin(op, a[0], a[1]), 2, None);
        for xs in [[0.3, -1.2], [-1.7, 0.45], [5.5, 2.0]] {
            check_against_differences(&func, &xs, &format!("{op:?}"));
        }
    }
    let neg = single_op(|a| Op::Neg(a[0]), 1, None);
    check_against_differences(&neg, &[0.7], "Neg");
}

fn gradient_at(func: &Function, xs: &[f64]) -> Vec<f64> {
    reverse_gradient(func, xs, &[])
        .map(|(_, g)| g)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn kinks_follow_pytorch_conventions() {
    assert_eq!(gradient_at(&math(MathFn::Abs), &[0.0]), vec![0.0]);
    assert_eq!(gradient_at(&math(MathFn::Abs), &[-2.0]), vec![-1.0]);
    assert_eq!(gradient_at(&math(MathFn::Max), &[1.5, 1.5]), vec![0.5, 0.5]);
    assert_eq!(gradient_at(&math(MathFn::Max), &[2.0, 1.5]), vec![1.0, 0.0]);
    assert_eq!(gradient_at(&math(MathFn::Min), &[1.5, 1.5]), vec![0.5, 0.5]);
    assert_eq!(gradient_at(&math(MathFn::Min), &[2.0, 1.5]), vec![0.0, 1.0]);
    // clamp: the bounds themselves pass the gradient to x
    assert_eq!(
        gradient_at(&math(MathFn::Clamp), &[-1.0, -1.0, 1.0]),
        vec![1.0, 0.0, 0.0]
    );
    assert_eq!(
        gradient_at(&math(MathFn::Clamp), &[1.0, -1.0, 1.0]),
        vec![1.0, 0.0, 0.0]
    );
    assert_eq!(
        gradient_at(&math(MathFn::Clamp), &[-3.0, -1.0, 1.0]),
        vec![0.0, 1.0, 0.0]
    );
    assert_eq!(
        gradient_at(&math(MathFn::Clamp), &[3.0, -1.0, 1.0]),
        vec![0.0, 0.0, 1.0]
    );
    for f in [
        MathFn::Floor,
        MathFn::Ceil,
        MathFn::Round,
        MathFn::Trunc,
        MathFn::Signum,
    ] {
        assert_eq!(gradient_at(&math(f), &[2.0]), vec![0.0], "{}", f.name());
    }
    assert_eq!(
        gradient_at(&math(MathFn::Hypot), &[0.0, 0.0]),
        vec![0.0, 0.0]
    );
    // powf: no gradient to the base when the exponent is 0, none to the exponent at base 0
    assert_eq!(
        gradient_at(&math(MathFn::Powf), &[0.0, 0.0]),
        vec![0.0, 0.0]
    );
    assert_eq!(
        gradient_at(&math(MathFn::Powf), &[0.0, 2.0]),
        vec![0.0, 0.0]
    );
}

#[test]
fn powi_handles_every_exponent() {
    for k in [-3, -1, 0, 1, 2, 5] {
        let func = single_op(|a| Op::Math(MathFn::Powi, a.to_vec()), 1, Some(k));
        for x in [0.7, -1.3, 2.0] {
            let g = gradient_at(&func, &[x]);
            let expected = k as f64 * x.powi(k as i32 - 1);
            assert!(
                close(g[0], expected, 1e-15, 0.0),
                "powi({x}, {k}): {} vs {expected}",
                g[0]
            );
        }
    }
}
