//! Review cases for loop fusion: adversarial programs whose fused gradient code must keep
//! the function's value bit for bit and the unfused gradient up to the order of its sums.

use super::check::{close, flatten, run_with_arrays};
use super::fusion::{array, assert_same_results, both, random_array, top_level_loops as loops};
use super::lowering::lower_source;
use super::random_program::Rng;
use crate::ir::eval::Value;
use crate::ir::{Function, Stmt};

/// The function, its gradient code unfused, and fused (as `gradient_ir` builds them).
fn pipeline(src: &str) -> (Function, Function, Function) {
    let func = lower_source(src).unwrap_or_else(|e| panic!("{src}\n{e:#?}"));
    let (unfused, fused) = both(src);
    (func, unfused, fused)
}

/// Runs the three at random points (integers from `ints`): the fused value is the
/// function's bit for bit, the fused gradient the unfused one up to rounding. Returns the
/// number of top-level loops before and after fusion.
fn agree(src: &str, floats: usize, ints: &[i64], arrays: &[usize]) -> (usize, usize) {
    let (func, unfused, fused) = pipeline(src);
    let mut rng = Rng::new(11);
    for _ in 0..20 {
        let s: Vec<f64> = (0..floats).map(|_| rng.float(-2.0, 2.0)).collect();
        let a: Vec<Value> = arrays.iter().map(|n| random_array(&mut rng, *n)).collect();
        let value = run_with_arrays(&func, &s, ints, &a).expect("runs")[0]
            .float()
            .expect("float");
        let fused_value = assert_same_results(&unfused, &fused, &s, ints, &a);
        assert_eq!(
            value.to_bits(),
            fused_value.to_bits(),
            "value changed\n{src}"
        );
    }
    (loops(&unfused), loops(&fused))
}

#[test]
fn two_arrays_of_one_shape_filled_alike_keep_their_contents() {
    // Both `DeclArray`s match the first primal declaration (a declaration changes nothing,
    // so it may be matched twice); the versions must still keep `g` apart from `h`.
    let src = "fn f(x: &[f64; 3]) -> f64 {
        let mut s = 0.0;
        for i in 0..3 {
            let mut h = [0.0; 2];
            let mut g = [0.0; 2];
            h[0] = x[i].sin();
            g[0] = x[i].sin();
            g[1] = x[i] * 2.0;
            s += h[0] * g[0] + g[1] * h[1] + g[0];
        }
        s
    }";
    assert_eq!(agree(src, 0, &[], &[3]), (2, 1));
}

#[test]
fn a_local_array_stored_in_a_branch_and_in_inner_loops_fuses_exactly() {
    for src in [
        "fn f(x: &[f64; 4], y: f64) -> f64 {
            let mut s = 0.0;
            for i in 0..4 {
                let mut h = [0.0; 2];
                h[0] = x[i];
                h[1] = h[0] * y;
                h[0] = h[1].sin();
                if h[0] > 0.0 { h[1] = h[0] * h[1]; }
                s += h[1] + h[0] * y;
            }
            s
        }",
        "fn f(x: &[f64; 4], y: f64) -> f64 {
            let mut s = 0.0;
            for i in 0..4 {
                let mut h = [0.0; 3];
                for j in 0..3 { h[j] = x[j] * y + x[i]; }
                h[i % 3] = h[(i + 1) % 3].sin();
                for j in 0..3 { h[j] = h[j] * h[(j + 1) % 3]; }
                s += h[0] + h[1] * h[2];
            }
            s
        }",
    ] {
        assert_eq!(agree(src, 1, &[], &[4]), (2, 1), "{src}");
    }
}

#[test]
fn nested_sums_fuse_at_both_levels_with_inner_bounds_on_the_outer_index() {
    let src = "fn f(x: &[f64], y: f64, n: usize) -> f64 {
        let mut s = 0.0;
        for i in 0..n {
            let mut a = 0.0;
            for j in 0..i { a += x[j] * x[i]; }
            let mut b = 0.0;
            for j in 0..i { b += x[j].sin() * a; }
            s += a * y + b;
        }
        s
    }";
    assert_eq!(agree(src, 1, &[4], &[4]), (2, 1));
}

#[test]
fn loops_whose_adjoint_is_not_order_independent_keep_two_loops() {
    // A carried factor whose adjoint grows each iteration, a prefix sum, and reads of an
    // array the function overwrites after the loop (taped).
    for (src, floats) in [
        (
            "fn f(x: &[f64; 4], y: f64) -> f64 {
                let mut s = 0.0;
                let mut k = y;
                for i in 0..4 { s += x[i] * k; k = k + 1.0; }
                s
            }",
            1,
        ),
        (
            "fn f(x: &[f64; 4], y: f64) -> f64 {
                let mut s = 0.0;
                let mut t = 0.0;
                for i in 0..4 { t += s; s += x[i] * y; }
                t + s
            }",
            1,
        ),
        (
            "fn f(x: &[f64; 4]) -> f64 {
                let mut c = [0.0; 4];
                for i in 0..4 { c[i] = x[i]; }
                let mut s = 0.0;
                for i in 0..4 { s += c[i] * c[i]; }
                c[0] = 5.0;
                s + c[0]
            }",
            0,
        ),
    ] {
        let (before, after) = agree(src, floats, &[], &[4]);
        assert_eq!(before, after, "{src}");
    }
}

#[test]
fn an_array_refilled_between_two_sums_keeps_each_sum_exact() {
    let src = "fn f(x: &[f64; 4]) -> f64 {
        let mut c = [0.0; 4];
        for i in 0..4 { c[i] = x[i]; }
        let mut s = 0.0;
        for i in 0..4 { s += c[i] * c[i]; }
        for i in 0..4 { c[i] = x[i] * 3.0; }
        let mut t = 0.0;
        for i in 0..4 { t += c[i].sin(); }
        s + t
    }";
    let (before, after) = agree(src, 0, &[], &[4]);
    assert!(after < before, "{before} -> {after}");
}

/// Rewrites every `acc += y` into `acc += by` in `block`, at any depth.
fn redirect_adds(block: &mut crate::ir::Block, acc: crate::ir::VarId, by: crate::ir::VarId) {
    for s in &mut block.stmts {
        match s {
            Stmt::AddAcc(a, y) if *a == acc => *y = by,
            Stmt::If {
                then_block,
                else_block,
                ..
            } => {
                redirect_adds(then_block, acc, by);
                redirect_adds(else_block, acc, by);
            }
            Stmt::Loop(l) => redirect_adds(&mut l.body, acc, by),
            _ => {}
        }
    }
}

#[test]
fn a_snapshot_filled_from_an_empty_copy_is_not_a_handover() {
    // The adjoint loop of an accumulation in both branches, rewritten by hand (the sweep
    // does not emit this order today) so that the snapshot `v` receives the accumulator
    // copy `x` while `x` is still zero: `let mut x = 0.0; let mut v = 0.0;
    // if c { v += x; … } else { v += x; … } x += d; d = v;` sets `d` to zero. Fusion must
    // not take it for `d` handed over unchanged (it once did, dropping the assignment).
    let src = "fn f(x: &[f64; 4], w: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..4 {
            if x[i] > 0.0 { s += x[i] * w; } else { s += w; }
        }
        s
    }";
    let (_, mut unfused, _) = pipeline(src);
    let at = unfused
        .body
        .stmts
        .iter()
        .position(|s| matches!(s, Stmt::Loop(l) if l.range.as_ref().is_some_and(|r| r.rev)))
        .expect("an adjoint loop");
    let copy = unfused.new_var(crate::ir::Ty::Float, "x", false);
    let Stmt::Loop(r) = &mut unfused.body.stmts[at] else {
        unreachable!()
    };
    let set = r
        .body
        .stmts
        .iter()
        .position(|s| matches!(s, Stmt::SetAcc(..)))
        .expect("a hand-over");
    let Stmt::SetAcc(d, v) = r.body.stmts[set] else {
        unreachable!()
    };
    redirect_adds(&mut r.body, v, copy);
    r.body.stmts.insert(set, Stmt::AddAcc(copy, d));
    r.body.stmts.insert(0, Stmt::DeclAcc(copy, None));
    let mut fused = unfused.clone();
    assert!(
        !crate::fuse::fuse(&mut fused),
        "not a hand-over: the loops stay apart"
    );
    let mut rng = Rng::new(5);
    let a = array(&(0..4).map(|_| rng.float(0.5, 2.0)).collect::<Vec<_>>());
    let w = [rng.float(-2.0, 2.0)];
    let before =
        flatten(&run_with_arrays(&unfused, &w, &[], std::slice::from_ref(&a)).expect("runs"))
            .expect("floats");
    let after = flatten(&run_with_arrays(&fused, &w, &[], &[a]).expect("runs")).expect("floats");
    for (x, y) in before.iter().zip(&after) {
        assert!(close(*x, *y, 1e-12, 1e-14), "{before:?} vs {after:?}");
    }
}
