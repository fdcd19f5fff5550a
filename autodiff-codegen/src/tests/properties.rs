//! Property tests over thousands of random programs: reverse mode, forward mode and
//! central differences must agree; simplification must not change any result.

use proptest::prelude::*;

use super::check::{central_difference, close, forward_gradient, reverse_gradient, value};
use super::random_program::{Rng, random_function};

/// Checks one random program at a few random points; returns how many gradient
/// components were compared with central differences.
fn check_program(seed: u64) -> Result<usize, String> {
    let mut rng = Rng::new(seed);
    let (func, shape) = random_function(&mut rng);
    let mut compared = 0;
    for _ in 0..3 {
        let xs: Vec<f64> = (0..shape.floats).map(|_| rng.float(-2.0, 2.0)).collect();
        let ns: Vec<i64> = (0..shape.ints).map(|_| rng.below(4) as i64).collect();
        let f = value(&func, &xs, &ns)?;
        if !f.is_finite() {
            continue;
        }
        let (v, grad) = reverse_gradient(&func, &xs, &ns)?;
        if v != f {
            return Err(format!(
                "reverse-mode value {v} differs from the function's {f}"
            ));
        }
        let fwd = forward_gradient(&func, &xs, &ns)?;
        for (i, (r, t)) in grad.iter().zip(&fwd).enumerate() {
            if !close(*r, *t, 1e-9, 1e-12) {
                return Err(format!("∂f/∂x{i}: reverse {r} vs forward {t} at {xs:?}"));
            }
        }
        for (i, g) in grad.iter().enumerate() {
            let scale = xs[i].abs().max(1.0);
            let coarse = central_difference(&func, &xs, &ns, i, 1e-4 * scale)?;
            let fine = central_difference(&func, &xs, &ns, i, 1e-5 * scale)?;
            // Near a branch boundary or kink the difference quotient is not a derivative.
            if !close(coarse, fine, 1e-5, 1e-6) {
                continue;
            }
            compared += 1;
            // Rounding of `f` itself limits what a difference quotient can resolve.
            let noise = 10.0 * f.abs() * f64::EPSILON / (1e-5 * scale);
            if !close(*g, fine, 1e-5, 1e-6 + noise) {
                return Err(format!(
                    "∂f/∂x{i}: reverse {g} vs central difference {fine} at {xs:?} {ns:?}"
                ));
            }
        }
    }
    Ok(compared)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn reverse_forward_and_central_differences_agree(seed in any::<u64>()) {
        if let Err(e) = check_program(seed) {
            let mut rng = Rng::new(seed);
            let (func, _) = random_function(&mut rng);
            panic!("seed {seed}: {e}\n{func:#?}");
        }
    }
}

#[test]
fn random_programs_are_mostly_checked_against_central_differences() {
    // Guards the property above from passing vacuously.
    let compared: usize = (0..300u64).map(|s| check_program(s).unwrap_or(0)).sum();
    assert!(compared > 300, "only {compared} components compared");
}

/// [`check_program`] for programs with loops, `break`s, array reads and local arrays: the
/// differentiated parameters are floats and an array, compared component by component.
fn check_loop_program(seed: u64) -> Result<usize, String> {
    use super::check::{flat_args, flatten, run_with_arrays};
    use crate::diff::{forward, reverse};
    use crate::simplify::{Width, simplify};

    let mut rng = Rng::new(seed);
    let (func, shape) = super::random_program::random_function_with(&mut rng, true);
    let rev = reverse(&func).map_err(|e| format!("{e:?}"))?;
    let mut simple = rev.clone();
    simplify(&mut simple, Width::F64);
    // As the macro does: fusion, first writes, carried neighbours.
    let mut fused = simple.clone();
    crate::expand::optimize(&mut fused, Width::F64);
    let fwd = forward(&func)?;
    let n = shape.floats + shape.array.unwrap_or(0);
    let value_at = |flat: &[f64], ns: &[i64]| -> Result<f64, String> {
        let (s, a) = flat_args(flat, shape.floats, shape.array);
        run_with_arrays(&func, &s, ns, &a)?[0].float()
    };
    let mut compared = 0;
    for _ in 0..3 {
        let flat: Vec<f64> = (0..n).map(|_| rng.float(-2.0, 2.0)).collect();
        let ns: Vec<i64> = (0..shape.ints).map(|_| rng.below(4) as i64).collect();
        let f = value_at(&flat, &ns)?;
        if !f.is_finite() {
            continue;
        }
        let (s, a) = flat_args(&flat, shape.floats, shape.array);
        let raw = flatten(&run_with_arrays(&rev, &s, &ns, &a)?)?;
        let simplified = flatten(&run_with_arrays(&simple, &s, &ns, &a)?)?;
        if raw[0] != f || simplified[0] != f {
            return Err(format!(
                "reverse-mode value {} / {} differs from the function's {f}",
                raw[0], simplified[0]
            ));
        }
        for (x, y) in raw.iter().zip(&simplified) {
            if !(x == y || (x.is_nan() && y.is_nan())) {
                return Err(format!(
                    "simplification changed a result: {raw:?} vs {simplified:?}"
                ));
            }
        }
        // Fusion keeps the value bit for bit and changes only the order of the sums.
        let one_pass = flatten(&run_with_arrays(&fused, &s, &ns, &a)?)?;
        if one_pass[0] != f {
            return Err(format!("fusion changed the value: {} vs {f}", one_pass[0]));
        }
        for (i, (x, y)) in raw[1..].iter().zip(&one_pass[1..]).enumerate() {
            if !(close(*x, *y, 1e-9, 1e-12) || (x.is_nan() && y.is_nan())) {
                return Err(format!(
                    "component {i}: fused {y} vs unfused {x} at {flat:?}"
                ));
            }
        }
        let grad = &raw[1..];
        for i in 0..n {
            let mut tangent = vec![0.0; n];
            tangent[i] = 1.0;
            let (ts, ta) = flat_args(&tangent, shape.floats, shape.array);
            let mut scalars = s.clone();
            scalars.extend(ts);
            let mut arrays = a.clone();
            arrays.extend(ta);
            let t = run_with_arrays(&fwd, &scalars, &ns, &arrays)?[1].float()?;
            if !close(grad[i], t, 1e-9, 1e-12) {
                return Err(format!(
                    "component {i}: reverse {} vs forward {t} at {flat:?}",
                    grad[i]
                ));
            }
            let scale = flat[i].abs().max(1.0);
            let cd = |h: f64| -> Result<f64, String> {
                let mut plus = flat.clone();
                let mut minus = flat.clone();
                plus[i] += h;
                minus[i] -= h;
                Ok((value_at(&plus, &ns)? - value_at(&minus, &ns)?) / (2.0 * h))
            };
            let (coarse, fine) = (cd(1e-4 * scale)?, cd(1e-5 * scale)?);
            if !close(coarse, fine, 1e-5, 1e-6) {
                continue;
            }
            compared += 1;
            // Rounding of `f` itself limits what a difference quotient can resolve.
            let noise = 10.0 * f.abs() * f64::EPSILON / (1e-5 * scale);
            if !close(grad[i], fine, 1e-5, 1e-6 + noise) {
                return Err(format!(
                    "component {i}: reverse {} vs central difference {fine} at {flat:?} {ns:?}",
                    grad[i]
                ));
            }
        }
    }
    Ok(compared)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn loops_reverse_forward_and_central_differences_agree(seed in any::<u64>()) {
        if let Err(e) = check_loop_program(seed) {
            let mut rng = Rng::new(seed);
            let (func, _) = super::random_program::random_function_with(&mut rng, true);
            panic!("seed {seed}: {e}\n{func:#?}");
        }
    }
}

#[test]
fn random_loop_programs_are_mostly_checked_and_contain_loops() {
    let mut loops = 0;
    let mut fused = 0;
    let mut compared = 0;
    for seed in 0..300u64 {
        let mut rng = Rng::new(seed);
        let (func, _) = super::random_program::random_function_with(&mut rng, true);
        if format!("{:?}", func.body).contains("Loop(") {
            loops += 1;
        }
        if let Ok(mut rev) = crate::diff::reverse(&func) {
            crate::simplify::simplify(&mut rev, crate::simplify::Width::F64);
            fused += usize::from(crate::fuse::fuse(&mut rev));
        }
        compared += check_loop_program(seed).unwrap_or(0);
    }
    assert!(loops > 100, "only {loops} programs with loops");
    assert!(fused > 60, "only {fused} programs with a fused loop");
    assert!(compared > 500, "only {compared} components compared");
}

#[test]
#[ignore]
fn show_loop_program() {
    let seed: u64 = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut rng = Rng::new(seed);
    let (func, _) = super::random_program::random_function_with(&mut rng, true);
    let rev = crate::diff::reverse(&func).unwrap_or_else(|e| panic!("{e:?}"));
    let mut simple = rev.clone();
    crate::simplify::simplify(&mut simple, crate::simplify::Width::F64);
    let spelling = crate::emit::FloatSpelling {
        ty: syn::parse_quote!(f64),
        generic: false,
    };
    for f in [&func, &rev, &simple] {
        let (stmts, results) = crate::emit::emit_body(f, &spelling, &[]);
        let src = quote::quote!(fn f() { #stmts (#(#results),*) });
        println!("{}\n-----", crate::expand::pretty(&src));
    }
}

/// 100 000 random loop programs, for hunting rare failures (about two minutes in release:
/// `cargo test -p autodiff-codegen --release scan_loop_seeds -- --ignored`).
#[test]
#[ignore]
fn scan_loop_seeds() {
    for seed in 0..100_000u64 {
        if let Err(e) = check_loop_program(seed) {
            panic!("seed {seed}: {e}");
        }
    }
}
