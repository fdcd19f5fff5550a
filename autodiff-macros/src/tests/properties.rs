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
            if !close(*g, fine, 1e-5, 1e-6) {
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
