//! Loop fusion: which adjoint loops run inside their primal loop, that the recomputation
//! disappears, and that every result stays right (the value bit for bit, the gradient up to
//! the order of its sums).

use super::check::{close, flatten, run_with_arrays};
use super::lowering::lower_source;
use super::random_program::Rng;
use crate::diff::reverse;
use crate::ir::eval::Value;
use crate::ir::{Block, Function, MathFn, Op, Stmt};
use crate::simplify::{Width, simplify};

/// The simplified gradient code of `src` before and after fusion.
pub(super) fn both(src: &str) -> (Function, Function) {
    let func = lower_source(src).unwrap_or_else(|e| panic!("{src}\n{e:#?}"));
    let mut unfused = reverse(&func).unwrap_or_else(|e| panic!("{e:?}"));
    simplify(&mut unfused, Width::F64);
    let mut fused = unfused.clone();
    crate::expand::optimize(&mut fused, Width::F64);
    (unfused, fused)
}

/// The array writes at every depth: `(stores, additions)`.
fn element_writes(block: &Block) -> (usize, usize) {
    let mut out = (0, 0);
    for s in &block.stmts {
        match s {
            Stmt::Store(..) => out.0 += 1,
            Stmt::AddAt(..) => out.1 += 1,
            _ => {}
        }
        for b in crate::ir::visit::nested_blocks(s) {
            let (x, y) = element_writes(b);
            out = (out.0 + x, out.1 + y);
        }
    }
    out
}

pub(super) fn top_level_loops(f: &Function) -> usize {
    f.body
        .stmts
        .iter()
        .filter(|s| matches!(s, Stmt::Loop(_)))
        .count()
}

fn count_ops(block: &Block, pred: &dyn Fn(&Op) -> bool) -> usize {
    block
        .stmts
        .iter()
        .map(|s| {
            let here = usize::from(matches!(s, Stmt::Let(_, op) if pred(op)));
            here + crate::ir::visit::nested_blocks(s)
                .map(|b| count_ops(b, pred))
                .sum::<usize>()
        })
        .sum()
}

fn math(f: &Function, which: MathFn) -> usize {
    count_ops(&f.body, &|op| matches!(op, Op::Math(m, _) if *m == which))
}

pub(super) fn array(xs: &[f64]) -> Value {
    Value::A(xs.iter().map(|x| Value::F(*x)).collect())
}

/// `n` numbers in `[-2, 2)`, as an array argument.
pub(super) fn random_array(rng: &mut Rng, n: usize) -> Value {
    array(&(0..n).map(|_| rng.float(-2.0, 2.0)).collect::<Vec<_>>())
}

/// A `rows × cols` array of arrays.
fn random_matrix(rng: &mut Rng, rows: usize, cols: usize) -> Value {
    Value::A((0..rows).map(|_| random_array(rng, cols)).collect())
}

/// Runs both forms on the same arguments: the same value bit for bit, gradients within
/// rounding of each other (or NaN in both). Returns the value.
pub(super) fn assert_same_results(
    unfused: &Function,
    fused: &Function,
    floats: &[f64],
    ints: &[i64],
    arrays: &[Value],
) -> f64 {
    let run = |f: &Function| {
        flatten(&run_with_arrays(f, floats, ints, arrays).expect("runs")).expect("floats")
    };
    let (before, after) = (run(unfused), run(fused));
    assert_eq!(
        before[0].to_bits(),
        after[0].to_bits(),
        "value changed\n{fused:#?}"
    );
    assert_eq!(before.len(), after.len());
    for (x, y) in before[1..].iter().zip(&after[1..]) {
        assert!(
            close(*x, *y, 1e-12, 1e-14) || (x.is_nan() && y.is_nan()),
            "{x} vs {y}\n{before:?}\n{after:?}\n{fused:#?}"
        );
    }
    after[0]
}

/// Runs both forms of `src` at random points (see [`assert_same_results`]).
fn agree(src: &str, floats: usize, arrays: &[usize]) -> (Function, Function) {
    let (unfused, fused) = both(src);
    let mut rng = Rng::new(7);
    for _ in 0..20 {
        let s: Vec<f64> = (0..floats).map(|_| rng.float(-2.0, 2.0)).collect();
        let a: Vec<Value> = arrays.iter().map(|n| random_array(&mut rng, *n)).collect();
        assert_same_results(&unfused, &fused, &s, &[], &a);
    }
    (unfused, fused)
}

#[test]
fn rosenbrock_becomes_one_pass_reading_each_element_once() {
    let src = "fn f(x: &[f64; 6]) -> f64 {
        let mut s = 0.0;
        for i in 0..x.len() - 1 {
            let a = 1.0 - x[i];
            let b = x[i + 1] - x[i] * x[i];
            s += a * a + 100.0 * b * b;
        }
        s
    }";
    let (unfused, fused) = agree(src, 0, &[6]);
    assert_eq!(top_level_loops(&unfused), 2);
    assert_eq!(top_level_loops(&fused), 1);
    let reads = |f: &Function| count_ops(&f.body, &|op| matches!(op, Op::Index(..)));
    assert_eq!(reads(&fused), 2, "x[i] and x[i + 1], once each");
    assert_eq!(reads(&unfused), 4);
}

#[test]
fn the_network_computes_its_hidden_layer_once() {
    let src = "fn f(w1: &[[f64; 2]; 3], w2: &[f64; 3], xs: &[[f64; 2]; 4], ys: &[f64; 4]) -> f64 {
        let mut loss = 0.0;
        for n in 0..xs.len() {
            let mut h = [0.0; 3];
            for j in 0..3 {
                let mut a = 0.0;
                for k in 0..2 {
                    a += w1[j][k] * xs[n][k];
                }
                h[j] = a.tanh();
            }
            let mut out = 0.0;
            for j in 0..3 {
                out += w2[j] * h[j];
            }
            let e = out - ys[n];
            loss += 0.5 * e * e;
        }
        loss / xs.len() as f64
    }";
    let func = lower_source(src).expect("lowers");
    let (unfused, fused) = both(src);
    assert_eq!(top_level_loops(&fused), 1);
    assert_eq!(math(&fused, MathFn::Tanh), 1, "{fused:#?}");
    assert_eq!(math(&unfused, MathFn::Tanh), 2);
    let mut rng = Rng::new(3);
    let args = [
        random_matrix(&mut rng, 3, 2),
        random_array(&mut rng, 3),
        random_matrix(&mut rng, 4, 2),
        random_array(&mut rng, 4),
    ];
    let fused_value = assert_same_results(&unfused, &fused, &[], &[], &args);
    let value = run_with_arrays(&func, &[], &[], &args).expect("runs")[0]
        .float()
        .expect("float");
    assert_eq!(fused_value.to_bits(), value.to_bits());
}

#[test]
fn a_sum_used_nonlinearly_keeps_its_two_loops() {
    // The adjoint loop's seed `d_s = 0.5 / sqrt(s)` needs the whole sum first.
    let src = "fn f(x: &[f64; 4]) -> f64 {
        let mut s = 0.0;
        for i in 0..4 { s += x[i] * x[i]; }
        s.sqrt()
    }";
    let (_, fused) = agree(src, 0, &[4]);
    assert_eq!(top_level_loops(&fused), 2);
}

#[test]
fn a_product_keeps_its_two_loops() {
    let src = "fn f(x: &[f64; 4]) -> f64 {
        let mut p = 1.0;
        for i in 0..4 { p *= x[i].sin(); }
        p
    }";
    let (_, fused) = agree(src, 0, &[4]);
    assert_eq!(top_level_loops(&fused), 2);
}

#[test]
fn the_second_of_two_dependent_sums_fuses_and_the_first_does_not() {
    // Variance: the mean's adjoint comes out of the second loop's adjoint.
    let src = "fn f(x: &[f64; 5]) -> f64 {
        let mut s = 0.0;
        for i in 0..5 { s += x[i]; }
        let m = s / 5.0;
        let mut v = 0.0;
        for i in 0..5 { v += (x[i] - m) * (x[i] - m); }
        v / 5.0
    }";
    let (unfused, fused) = agree(src, 0, &[5]);
    assert_eq!(top_level_loops(&unfused), 4);
    assert_eq!(top_level_loops(&fused), 3);
}

#[test]
fn two_independent_sums_each_fuse_with_their_own_adjoint() {
    let src = "fn f(x: &[f64; 5], y: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..5 { s += (x[i] * y).sin(); }
        let mut t = 0.0;
        for i in 0..5 { t += (x[i] + y).exp(); }
        2.0 * s + t
    }";
    let (_, fused) = agree(src, 1, &[5]);
    assert_eq!(top_level_loops(&fused), 2);
    assert_eq!(math(&fused, MathFn::Sin), 1, "{fused:#?}");
    assert_eq!(math(&fused, MathFn::Exp), 1, "{fused:#?}");
}

#[test]
fn a_local_array_changed_twice_is_matched_version_by_version() {
    // `h[0]` is read at two versions; each recomputed read must map to the primal read of
    // the same version.
    let src = "fn f(x: &[f64; 3]) -> f64 {
        let mut s = 0.0;
        for i in 0..3 {
            let mut h = [0.0; 2];
            h[0] = x[i].sin();
            let a = h[0] * x[i];
            h[0] = a.tanh();
            let b = h[0] * h[0] + a;
            s += b;
        }
        s
    }";
    let (_, fused) = agree(src, 0, &[3]);
    assert_eq!(top_level_loops(&fused), 1);
    assert_eq!(math(&fused, MathFn::Tanh), 1, "{fused:#?}");
    assert_eq!(math(&fused, MathFn::Sin), 1, "{fused:#?}");
}

#[test]
fn a_loop_whose_adjoint_reads_an_array_the_primal_loop_fills_keeps_its_two_loops() {
    // The adjoint of iteration `i` reads `c`, which the primal loop is still filling.
    let src = "fn f(x: &[f64; 4]) -> f64 {
        let mut c = [0.0; 5];
        let mut s = 0.0;
        for i in 0..4 {
            c[i + 1] = c[i] + x[i];
            s += c[i + 1] * c[i + 1];
        }
        s
    }";
    let (_, fused) = agree(src, 0, &[4]);
    assert_eq!(top_level_loops(&fused), 2);
}

#[test]
fn a_call_in_a_fused_loop_is_made_once_with_its_partials() {
    let (unfused, fused) = both(
        "fn f(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 0..x.len() { s += helpers::g(x[i]) * 2.0; }
            s
        }",
    );
    fn calls(block: &Block) -> Vec<usize> {
        let mut out = Vec::new();
        for s in &block.stmts {
            if let Stmt::Call { partials, .. } = s {
                out.push(partials.len());
            }
            for b in crate::ir::visit::nested_blocks(s) {
                out.extend(calls(b));
            }
        }
        out
    }
    assert_eq!(
        calls(&unfused.body),
        vec![0, 1],
        "value, then value and partial"
    );
    assert_eq!(top_level_loops(&fused), 1);
    assert_eq!(calls(&fused.body), vec![1], "{fused:#?}");
}

#[test]
fn a_neighbouring_element_is_carried_to_the_next_iteration_and_written_once() {
    // Rosenbrock: `d_x[i + 1] = d_b; d_x[i] += d_t;` becomes `d_x[i] = carry + d_t;
    // carry = d_b;`, and `d_x[n - 1] = carry` after the loop, if it ran.
    for (src, ns) in [
        (
            "fn f(x: &[f64], n: usize) -> f64 {
                let mut s = 0.0;
                for i in 0..n { let b = x[i + 1] - x[i] * x[i]; s += (1.0 - x[i]).powi(2) + 100.0 * b * b; }
                s
            }",
            vec![0, 1, 4],
        ),
        // Offsets 2 and 3, stored after the addition.
        (
            "fn f(x: &[f64], n: usize) -> f64 {
                let mut s = 0.0;
                for i in 0..n { s += x[i + 2].exp() + (x[i + 3] - 1.0).sin(); }
                s
            }",
            vec![0, 2],
        ),
    ] {
        let (unfused, fused) = both(src);
        let mut rng = Rng::new(11);
        for n in ns {
            for _ in 0..5 {
                let x = random_array(&mut rng, n + 4);
                assert_same_results(&unfused, &fused, &[], &[n as i64], &[x]);
            }
            let Some(Stmt::Loop(l)) = fused.body.stmts.iter().find(|s| matches!(s, Stmt::Loop(_)))
            else {
                panic!("no loop: {fused:#?}");
            };
            assert_eq!(element_writes(&l.body), (1, 0), "{fused:#?}");
            assert_eq!(element_writes(&fused.body), (2, 0), "{fused:#?}");
        }
    }
}

#[test]
fn only_a_loop_over_every_element_leaves_the_buffer_unzeroed() {
    let src = |range: &str| {
        format!(
            "fn f(x: &[f64]) -> f64 {{
                let mut s = 0.0;
                for i in {range} {{ let b = x[i + 1] - x[i] * x[i]; s += b * b + x[i]; }}
                s
            }}"
        )
    };
    for (range, every) in [
        ("0..x.len() - 1", true),
        ("1..x.len() - 1", false),
        ("0..x.len() - 2", false),
    ] {
        let (unfused, fused) = both(&src(range));
        let mut rng = Rng::new(3);
        for n in 3..7 {
            let x = random_array(&mut rng, n);
            assert_same_results(&unfused, &fused, &[], &[], &[x]);
        }
        assert_eq!(!fused.overwritten.is_empty(), every, "{range}: {fused:#?}");
    }
}

#[test]
fn the_access_that_reaches_a_zero_element_first_stores_instead_of_adding() {
    // Upwards: `d_x[i + 1]` is reached first (earlier iterations reach lower elements).
    let (_, fused) = agree(
        "fn f(x: &[f64; 6]) -> f64 {
            let mut s = 0.0;
            for i in 0..5 { s += (x[i + 1] - x[i] * x[i]).powi(2); }
            s
        }",
        0,
        &[6],
    );
    // …and the store's element is carried to the next iteration (see the next test): one
    // store per element in the loop, the last one after it.
    assert_eq!(element_writes(&fused.body), (2, 0), "{fused:#?}");
    // Downwards (a product keeps the reverse loop): the smallest offset is first.
    let (_, unfused_rev) = agree(
        "fn f(x: &[f64; 6]) -> f64 {
            let mut p = 1.0;
            for i in 0..5 { p *= (x[i + 1] - x[i]).sin(); }
            p
        }",
        0,
        &[6],
    );
    assert_eq!(
        element_writes(&unfused_rev.body),
        (1, 1),
        "{unfused_rev:#?}"
    );
    // Two loops adding into one gradient: only the first after the zeros stores.
    let (_, two) = agree(
        "fn f(x: &[f64; 6]) -> f64 {
            let mut s = 0.0;
            for i in 0..6 { s += x[i].sin(); }
            let mut t = 0.0;
            for i in 0..6 { t += x[i].cos(); }
            s * t
        }",
        0,
        &[6],
    );
    assert_eq!(element_writes(&two.body), (1, 1), "{two:#?}");
}

#[test]
fn branches_on_one_condition_in_a_fused_body_become_one() {
    // The primal `if`, and the values the adjoint exports from it, compute `exp` once per
    // branch after merging (twice per branch before).
    let src = "fn f(w: &[f64; 3], xs: &[[f64; 3]; 4]) -> f64 {
        let mut total = 0.0;
        for n in 0..4 {
            let mut z = 0.0;
            for j in 0..3 { z += w[j] * xs[n][j]; }
            let sp = if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() };
            total += sp;
        }
        total
    }";
    let (unfused, fused) = both(src);
    assert_eq!(top_level_loops(&fused), 1);
    assert_eq!(math(&fused, MathFn::Exp), 2, "{fused:#?}");
    assert!(math(&unfused, MathFn::Exp) > 2);
    let mut rng = Rng::new(9);
    let args = [random_array(&mut rng, 3), random_matrix(&mut rng, 4, 3)];
    assert_same_results(&unfused, &fused, &[], &[], &args);
}
