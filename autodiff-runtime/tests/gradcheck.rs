//! The gradient check against known-good and known-wrong gradients.

mod common;

use autodiff_runtime::gradcheck::{GradCheck, gradcheck};

#[test]
fn correct_rosenbrock_gradient_passes_everywhere() {
    for p in [[-1.5, 2.0], [1.0, 1.0], [0.3, -0.7], [2.0, 4.0]] {
        let report = gradcheck(
            |p: &[f64; 2]| common::rosenbrock(p, &mut [0.0; 2]),
            &mut common::rosenbrock,
            &p,
            1e-6,
        )
        .unwrap();
        assert!(report.passed, "{p:?}: {report:?}");
        assert_eq!(report.components, 2);
        assert!(report.abs_error < 1e-5, "{p:?}: {report:?}");
    }
}

#[test]
fn wrong_component_is_located_in_a_nested_pytree() {
    // f(a, [b, c]) = a b + c^3; the gradient wrongly reports d/dc = 2c^2.
    let value = |p: &(f64, [f64; 2])| p.0 * p.1[0] + p.1[1].powi(3);
    let mut wrong = |p: &(f64, [f64; 2]), g: &mut (f64, [f64; 2])| {
        *g = (p.1[0], [p.0, 2.0 * p.1[1] * p.1[1]]);
        0.0
    };
    let report = GradCheck::default().check(value, &mut wrong, &(1.5, [-2.0, 0.5]));
    assert!(!report.passed);
    assert_eq!(report.index, 2);
    assert_eq!(report.analytic, 0.5);
    assert!((report.numeric - 0.75).abs() < 1e-8, "{report:?}");
    assert!((report.abs_error - 0.25).abs() < 1e-8);
    assert!((report.rel_error - 0.25 / 0.75).abs() < 1e-8);
}

#[test]
fn tolerances_decide_pass_and_fail() {
    // The analytic derivative is off by 1e-4 at x = 1 (numeric ≈ 3).
    let value = |x: &f64| x * x * x;
    let mut slightly_off = |x: &f64, g: &mut f64| {
        *g = 3.0 * x * x + 1e-4;
        0.0
    };
    let default = GradCheck::default().check(value, &mut slightly_off, &1.0);
    assert!(default.passed, "1e-4 <= 1e-5 + 1e-3 * 3: {default:?}");
    let strict = GradCheck::default().with_tolerances(1e-6, 1e-6).unwrap();
    assert!(!strict.check(value, &mut slightly_off, &1.0).passed);
}

#[test]
fn non_finite_values_fail_and_are_reported_as_worst() {
    let value = |p: &[f64; 3]| {
        if p[1] > 1.0 {
            f64::NAN
        } else {
            p[0] + p[1] + p[2]
        }
    };
    let mut gradient = |_: &[f64; 3], g: &mut [f64; 3]| {
        *g = [1.0, 1.0, 5.0]; // component 2 is wrong too, but NaN ranks first
        0.0
    };
    let report = GradCheck::default().check(value, &mut gradient, &[0.0, 1.0, 0.0]);
    assert!(!report.passed);
    assert_eq!(report.index, 1);
    assert!(report.numeric.is_nan());
}

#[test]
fn vec_and_f32_points_work() {
    let report = gradcheck(
        |v: &Vec<f64>| v.iter().map(|x| x.sin()).sum(),
        &mut |v: &Vec<f64>, g: &mut Vec<f64>| {
            g.iter_mut().zip(v).for_each(|(g, x)| *g = x.cos());
            0.0
        },
        &vec![0.1, 0.2, 0.3, 0.4],
        1e-6,
    )
    .unwrap();
    assert!(report.passed && report.components == 4);

    let check32 = GradCheck::new(1e-2)
        .unwrap()
        .with_tolerances(1e-3, 1e-2)
        .unwrap();
    let report = check32.check(
        |x: &f32| x * x,
        &mut |x: &f32, g: &mut f32| {
            *g = 2.0 * x;
            0.0
        },
        &1.5_f32,
    );
    assert!(report.passed, "{report:?}");
    assert!(
        gradcheck(
            |x: &f64| *x,
            &mut |_: &f64, g: &mut f64| {
                *g = 1.0;
                0.0
            },
            &0.0,
            -1.0
        )
        .is_err()
    );
}
