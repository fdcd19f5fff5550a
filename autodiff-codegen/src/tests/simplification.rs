//! The simplifier: each rewrite it promises, exactness, and idempotence.

use super::check::run;
use super::lowering::lower_source;
use super::random_program::{Rng, random_function};
use crate::diff::reverse;
use crate::ir::{BinOp, Block, Function, Op, Stmt};
use crate::simplify::{Width, simplify};

fn simplified_gradient(src: &str) -> Function {
    let func = lower_source(src).unwrap_or_else(|e| panic!("{e:?}"));
    let mut rev = reverse(&func).unwrap_or_else(|e| panic!("{e:?}"));
    simplify(&mut rev, Width::F64);
    rev
}

fn all_ops(block: &Block, out: &mut Vec<Op>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::Let(_, op) => out.push(op.clone()),
            Stmt::If {
                then_block,
                else_block,
                ..
            } => {
                all_ops(then_block, out);
                all_ops(else_block, out);
            }
            _ => {}
        }
    }
}

fn ops(func: &Function) -> Vec<Op> {
    let mut out = Vec::new();
    all_ops(&func.body, &mut out);
    out
}

fn is_lit(func: &Function, v: crate::ir::VarId, x: f64) -> bool {
    fn find(block: &Block, v: crate::ir::VarId, x: f64) -> bool {
        block.stmts.iter().any(|s| match s {
            Stmt::Let(d, Op::Float(y)) => *d == v && *y == x,
            Stmt::If {
                then_block,
                else_block,
                ..
            } => find(then_block, v, x) || find(else_block, v, x),
            _ => false,
        })
    }
    find(&func.body, v, x)
}

#[test]
fn no_multiplication_by_one_no_copies_no_accumulators_left_in_straight_line_code() {
    let rev = simplified_gradient(
        "fn f(x: f64, y: f64) -> f64 { let a = x * y; let b = a.sin() + x; b * b - y }",
    );
    for op in ops(&rev) {
        assert!(!matches!(op, Op::Copy(_)), "copy left: {op:?}");
        if let Op::Bin(BinOp::Mul, a, b) = op {
            assert!(
                !is_lit(&rev, a, 1.0) && !is_lit(&rev, b, 1.0),
                "multiplication by one left"
            );
        }
    }
    let has_acc = rev
        .body
        .stmts
        .iter()
        .any(|s| matches!(s, Stmt::DeclAcc(..) | Stmt::AddAcc(..)));
    assert!(
        !has_acc,
        "straight-line adjoints should be plain sums:\n{rev:#?}"
    );
}

#[test]
fn common_subexpressions_are_computed_once() {
    let rev = simplified_gradient("fn f(x: f64) -> f64 { x.sin() * x.sin() + x.sin() }");
    let sines = ops(&rev)
        .iter()
        .filter(|op| matches!(op, Op::Math(crate::ir::MathFn::Sin, _)))
        .count();
    assert_eq!(sines, 1);
}

#[test]
fn a_negated_product_left_of_a_subtraction_negates_its_literal_instead() {
    // d/dx of Rosenbrock: -(2 x d_b) - 2 a, which is (-2 x) d_b - 2 a exactly.
    let rev = simplified_gradient(
        "fn f(x: f64, y: f64) -> f64 { (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2) }",
    );
    let all = ops(&rev);
    assert!(!all.iter().any(|op| matches!(op, Op::Neg(_))), "{rev:#?}");
    assert!(all.contains(&Op::Float(-2.0)), "{rev:#?}");
}

#[test]
fn literal_arithmetic_folds_in_the_functions_width() {
    let src = "fn f(x: f32) -> f32 { x * (0.1 + 0.2) }";
    let func = lower_source(src).unwrap_or_else(|e| panic!("{e:?}"));
    let mut rev = reverse(&func).unwrap_or_else(|e| panic!("{e:?}"));
    simplify(&mut rev, Width::F32);
    let folded: Vec<f64> = ops(&rev)
        .iter()
        .filter_map(|op| {
            if let Op::Float(v) = op {
                Some(*v)
            } else {
                None
            }
        })
        .collect();
    assert!(folded.contains(&((0.1f32 + 0.2f32) as f64)), "{folded:?}");
    assert!(!folded.contains(&(0.1 + 0.2)), "folded in f64: {folded:?}");
}

#[test]
fn dead_code_is_removed() {
    let rev = simplified_gradient(
        "fn f(x: f64, y: f64) -> f64 { let unused = y.exp(); let z = x * 3.0; if z > 100.0 { let w = z.ln(); } z }",
    );
    assert!(
        !ops(&rev)
            .iter()
            .any(|op| matches!(op, Op::Math(crate::ir::MathFn::Exp, _))),
        "{rev:#?}"
    );
    assert!(
        !ops(&rev)
            .iter()
            .any(|op| matches!(op, Op::Math(crate::ir::MathFn::Ln, _))),
        "{rev:#?}"
    );
}

#[test]
fn simplification_is_idempotent_and_exact_on_random_programs() {
    for seed in 0..400u64 {
        let mut rng = Rng::new(seed);
        let (func, shape) = random_function(&mut rng);
        let rev = reverse(&func).unwrap_or_else(|e| panic!("{e:?}"));
        let mut once = rev.clone();
        simplify(&mut once, Width::F64);
        let mut twice = once.clone();
        simplify(&mut twice, Width::F64);
        assert_eq!(
            format!("{:?}", once.body),
            format!("{:?}", twice.body),
            "seed {seed}: not idempotent"
        );
        let xs: Vec<f64> = (0..shape.floats).map(|i| 0.3 + i as f64 * 0.7).collect();
        let a = run(&rev, &xs, &[1]).unwrap_or_default();
        let b = run(&once, &xs, &[1]).unwrap_or_default();
        // Equal as numbers: only the sign of a zero may change (`0 + x` becomes `x`).
        let same = a.len() == b.len()
            && a.iter().zip(&b).all(|(x, y)| match (x.float(), y.float()) {
                (Ok(x), Ok(y)) => x == y || (x.is_nan() && y.is_nan()),
                _ => false,
            });
        assert!(
            same,
            "seed {seed}: simplification changed results: {a:?} vs {b:?}"
        );
    }
}
