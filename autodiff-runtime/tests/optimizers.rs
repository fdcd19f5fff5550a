//! Optimizer behaviour beyond the PyTorch fixtures: hand-computed steps, validation,
//! parameter shapes, f32, zero gradients, and L-BFGS on flat and non-convex functions.

mod common;

use autodiff_runtime::optim::*;
use autodiff_runtime::{Hyperparameters, Optimizer, Params, StepError};

/// Runs `steps` steps of `opt` on `f` from `x`, returning the final parameters.
fn run<P: Params, O: Optimizer<P>>(
    opt: &O,
    mut x: P,
    f: &mut impl FnMut(&P, &mut P) -> P::Scalar,
    steps: usize,
) -> P {
    let mut state = opt.init(&x);
    let mut g = x.zeros_like();
    for _ in 0..steps {
        let loss = f(&x, &mut g);
        opt.step(&mut state, &mut x, loss, &g, f).unwrap();
    }
    x
}

fn quadratic(x: &f64, g: &mut f64) -> f64 {
    *g = 2.0 * x;
    x * x
}

#[test]
fn adam_first_two_steps_by_hand() {
    let adam = Adam::new(0.1).unwrap();
    let x = run(&adam, 1.0, &mut quadratic, 2);
    // Step 1: g = 2, m = 0.2, v = 0.004, m̂ = 2, v̂ = 4: x = 1 - 0.1 * 2 / (2 + 1e-8).
    let x1 = 1.0 - 0.1 / 0.1 * 0.2 / ((0.004_f64).sqrt() / (0.001_f64).sqrt() + 1e-8);
    // Step 2 from x1: g = 2 x1.
    let g = 2.0 * x1;
    let m = 0.2 + 0.1 * (g - 0.2);
    let v = 0.004 * 0.999 + 0.001 * g * g;
    let bc1 = 1.0 - 0.9_f64.powf(2.0);
    let bc2 = 1.0 - 0.999_f64.powf(2.0);
    let x2 = x1 + (-(0.1 / bc1) * m) / (v.sqrt() / bc2.sqrt() + 1e-8);
    assert!((x - x2).abs() <= 1e-15, "{x} vs {x2}");
}

#[test]
fn sgd_nesterov_and_dampening_by_hand() {
    let sgd = Sgd::builder()
        .lr(0.1)
        .momentum(0.5)
        .nesterov(true)
        .build()
        .unwrap();
    let x = run(&sgd, 1.0, &mut quadratic, 2);
    // Step 1: b = 2, d = 2 + 0.5 * 2 = 3, x = 0.7. Step 2: g = 1.4, b = 1 + 1.4 = 2.4,
    // d = 1.4 + 1.2 = 2.6, x = 0.7 - 0.26.
    assert!((x - 0.44).abs() < 1e-15);

    let sgd = Sgd::builder()
        .lr(0.1)
        .momentum(0.5)
        .dampening(0.5)
        .build()
        .unwrap();
    let x = run(&sgd, 1.0, &mut quadratic, 2);
    // Step 1 (no dampening on the first buffer): b = 2, x = 0.8. Step 2: g = 1.6,
    // b = 1 + 0.5 * 1.6 = 1.8, x = 0.8 - 0.18.
    assert!((x - 0.62).abs() < 1e-15);
}

#[test]
fn maximize_mirrors_minimize() {
    let mut neg = |x: &f64, g: &mut f64| {
        *g = -2.0 * x;
        -x * x
    };
    let min = run(&Adam::new(0.1).unwrap(), 1.0, &mut quadratic, 5);
    let max = run(
        &Adam::builder().lr(0.1).maximize(true).build().unwrap(),
        1.0,
        &mut neg,
        5,
    );
    assert_eq!(min, max);
    let min = run(&RmsProp::new(0.01).unwrap(), 1.0, &mut quadratic, 5);
    let max = run(
        &RmsProp::builder().maximize(true).build().unwrap(),
        1.0,
        &mut neg,
        5,
    );
    assert_eq!(min, max);
}

#[test]
fn zero_gradient_steps_leave_parameters_unchanged() {
    let mut flat = |_: &[f64; 2], g: &mut [f64; 2]| {
        *g = [0.0; 2];
        3.0
    };
    let x = [1.5, -2.5];
    assert_eq!(
        run(
            &Sgd::builder().momentum(0.9).build().unwrap(),
            x,
            &mut flat,
            3
        ),
        x
    );
    assert_eq!(run(&Adam::default(), x, &mut flat, 3), x);
    assert_eq!(
        run(
            &Adam::builder().amsgrad(true).build().unwrap(),
            x,
            &mut flat,
            3
        ),
        x
    );
    assert_eq!(run(&Adagrad::default(), x, &mut flat, 3), x);
    assert_eq!(
        run(
            &RmsProp::builder()
                .centered(true)
                .momentum(0.5)
                .build()
                .unwrap(),
            x,
            &mut flat,
            3
        ),
        x
    );
    assert_eq!(run(&Adadelta::default(), x, &mut flat, 3), x);
    assert_eq!(run(&Adamax::default(), x, &mut flat, 3), x);
    assert_eq!(run(&NAdam::default(), x, &mut flat, 3), x);
    assert_eq!(run(&RAdam::default(), x, &mut flat, 3), x);
    // L-BFGS returns at once when the gradient is (numerically) zero, like PyTorch.
    let lbfgs = Lbfgs::default();
    let mut state = lbfgs.init(&x);
    let mut y = x;
    let report = lbfgs
        .step(&mut state, &mut y, 3.0, &[0.0; 2], &mut flat)
        .unwrap();
    assert_eq!((y, report.evaluations, state.n_iter()), (x, 0, 0));
    // AdamW still decays the weights with a zero gradient.
    let decayed = run(&AdamW::new(0.1).unwrap(), x, &mut flat, 1);
    assert_eq!(
        decayed,
        [1.5 * (1.0 - 0.1 * 0.01), -2.5 * (1.0 - 0.1 * 0.01)]
    );
}

/// Rosenbrock on three parameter shapes: flat array, (f64, f64) tuple and Vec.
fn shapes_agree<O>(opt: &O)
where
    O: Optimizer<[f64; 2]>
        + Optimizer<(f64, f64)>
        + Optimizer<Vec<f64>>
        + Optimizer<([f64; 1], Vec<f64>)>,
{
    let flat = run(opt, [-1.5, 2.0], &mut common::rosenbrock, 25);
    let mut tuple_f = |p: &(f64, f64), g: &mut (f64, f64)| {
        let mut a = [0.0; 2];
        let f = common::rosenbrock(&[p.0, p.1], &mut a);
        *g = (a[0], a[1]);
        f
    };
    let tuple = run(opt, (-1.5, 2.0), &mut tuple_f, 25);
    let vec = run(opt, vec![-1.5, 2.0], &mut common::rosenbrock_vec, 25);
    let mut nested_f = |p: &([f64; 1], Vec<f64>), g: &mut ([f64; 1], Vec<f64>)| {
        let mut a = [0.0; 2];
        let f = common::rosenbrock(&[p.0[0], p.1[0]], &mut a);
        *g = ([a[0]], vec![a[1]]);
        f
    };
    let nested = run(opt, ([-1.5], vec![2.0]), &mut nested_f, 25);
    assert_ne!(flat, [-1.5, 2.0], "the optimizer did not move");
    assert_eq!((tuple.0, tuple.1), (flat[0], flat[1]));
    assert_eq!(vec, flat.to_vec());
    assert_eq!((nested.0[0], nested.1[0]), (flat[0], flat[1]));
}

#[test]
fn every_optimizer_gives_identical_results_on_every_parameter_shape() {
    shapes_agree(
        &Sgd::builder()
            .lr(1e-3)
            .momentum(0.9)
            .nesterov(true)
            .weight_decay(0.1)
            .build()
            .unwrap(),
    );
    shapes_agree(
        &Adam::builder()
            .lr(0.05)
            .amsgrad(true)
            .weight_decay(0.1)
            .build()
            .unwrap(),
    );
    shapes_agree(&AdamW::new(0.05).unwrap());
    shapes_agree(
        &Adagrad::builder()
            .lr(0.1)
            .lr_decay(0.01)
            .initial_accumulator_value(0.1)
            .build()
            .unwrap(),
    );
    shapes_agree(
        &RmsProp::builder()
            .centered(true)
            .momentum(0.5)
            .weight_decay(0.1)
            .build()
            .unwrap(),
    );
    shapes_agree(&Adadelta::default());
    shapes_agree(&Adamax::new(0.05).unwrap());
    shapes_agree(
        &NAdam::builder()
            .lr(0.05)
            .decoupled_weight_decay(true)
            .weight_decay(0.1)
            .build()
            .unwrap(),
    );
    shapes_agree(&RAdam::builder().lr(0.05).weight_decay(0.1).build().unwrap());
    shapes_agree(
        &Lbfgs::builder()
            .max_iter(3)
            .history_size(4)
            .build()
            .unwrap(),
    );
    shapes_agree(
        &Lbfgs::builder()
            .capacity::<3>()
            .line_search(LineSearch::StrongWolfe)
            .build()
            .unwrap(),
    );
}

#[test]
fn f32_parameters_follow_the_f64_trajectory_closely() {
    let mut f32_quadratic = |x: &[f32; 2], g: &mut [f32; 2]| {
        *g = [2.0 * x[0], 8.0 * x[1]];
        x[0] * x[0] + 4.0 * x[1] * x[1]
    };
    let mut f64_quadratic = |x: &[f64; 2], g: &mut [f64; 2]| {
        *g = [2.0 * x[0], 8.0 * x[1]];
        x[0] * x[0] + 4.0 * x[1] * x[1]
    };
    fn both<O: Optimizer<[f32; 2]> + Optimizer<[f64; 2]>>(
        opt: O,
        f32f: &mut impl FnMut(&[f32; 2], &mut [f32; 2]) -> f32,
        f64f: &mut impl FnMut(&[f64; 2], &mut [f64; 2]) -> f64,
    ) {
        let a = run(&opt, [1.0_f32, -1.0], f32f, 20);
        let b = run(&opt, [1.0_f64, -1.0], f64f, 20);
        assert_ne!(b, [1.0, -1.0]);
        for (x, y) in a.iter().zip(b) {
            assert!((*x as f64 - y).abs() < 1e-4, "{a:?} vs {b:?}");
        }
    }
    both(
        Sgd::builder().lr(0.05).momentum(0.9).build().unwrap(),
        &mut f32_quadratic,
        &mut f64_quadratic,
    );
    both(
        Adam::new(0.05).unwrap(),
        &mut f32_quadratic,
        &mut f64_quadratic,
    );
    both(
        NAdam::new(0.05).unwrap(),
        &mut f32_quadratic,
        &mut f64_quadratic,
    );
    both(
        RAdam::new(0.05).unwrap(),
        &mut f32_quadratic,
        &mut f64_quadratic,
    );
    both(
        RmsProp::new(0.01).unwrap(),
        &mut f32_quadratic,
        &mut f64_quadratic,
    );
    both(
        Lbfgs::builder().max_iter(2).build().unwrap(),
        &mut f32_quadratic,
        &mut f64_quadratic,
    );
}

#[test]
fn invalid_hyperparameters_are_rejected_with_the_parameter_and_range() {
    let cases = [
        (Sgd::new(-1.0).unwrap_err(), "lr"),
        (
            Sgd::builder().nesterov(true).build().unwrap_err(),
            "momentum",
        ),
        (
            Sgd::builder()
                .nesterov(true)
                .momentum(0.9)
                .dampening(0.1)
                .build()
                .unwrap_err(),
            "dampening",
        ),
        (
            Sgd::builder().weight_decay(-1e-3).build().unwrap_err(),
            "weight_decay",
        ),
        (
            Adam::builder().betas((1.0, 0.999)).build().unwrap_err(),
            "betas.0",
        ),
        (
            Adam::builder().betas((0.9, -0.1)).build().unwrap_err(),
            "betas.1",
        ),
        (Adam::builder().eps(-1e-8).build().unwrap_err(), "eps"),
        (
            AdamW::builder().weight_decay(f64::NAN).build().unwrap_err(),
            "weight_decay",
        ),
        (
            Adagrad::builder()
                .initial_accumulator_value(-1.0)
                .build()
                .unwrap_err(),
            "initial_accumulator_value",
        ),
        (RmsProp::builder().alpha(1.5).build().unwrap_err(), "alpha"),
        (Adadelta::builder().rho(-0.1).build().unwrap_err(), "rho"),
        (
            Adamax::builder().lr(f64::INFINITY).build().unwrap_err(),
            "lr",
        ),
        (
            NAdam::builder().momentum_decay(-1.0).build().unwrap_err(),
            "momentum_decay",
        ),
        (
            RAdam::builder().betas((0.9, 1.0)).build().unwrap_err(),
            "betas.1",
        ),
        (
            Lbfgs::builder().history_size(0).build().unwrap_err(),
            "history_size",
        ),
        (
            Lbfgs::builder()
                .capacity::<5>()
                .history_size(6)
                .build()
                .unwrap_err(),
            "history_size",
        ),
        (
            Lbfgs::builder().max_eval(Some(0)).build().unwrap_err(),
            "max_eval",
        ),
        (
            Lbfgs::builder().tolerance_grad(-1.0).build().unwrap_err(),
            "tolerance_grad",
        ),
    ];
    for (err, parameter) in cases {
        assert_eq!(err.parameter(), parameter, "{err}");
        assert!(
            err.to_string().contains(parameter) && err.to_string().contains("expected"),
            "{err}"
        );
    }
    let err = Adam::builder().betas((0.9, 1.0)).build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid betas.1 = 1: expected a number in [0, 1)"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(boxed.to_string().starts_with("invalid betas.1"));
}

#[test]
fn defaults_are_pytorch_defaults() {
    assert_eq!(Sgd::default().config().lr, 1e-3);
    assert_eq!(
        *Adam::default().config(),
        AdamConfig {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            decoupled_weight_decay: false,
            amsgrad: false,
            maximize: false
        }
    );
    assert_eq!(AdamW::default().config().weight_decay, 1e-2);
    let a = Adagrad::default();
    assert_eq!(
        (
            a.config().lr,
            a.config().eps,
            a.config().initial_accumulator_value
        ),
        (1e-2, 1e-10, 0.0)
    );
    let r = RmsProp::default();
    assert_eq!(
        (r.config().lr, r.config().alpha, r.config().eps),
        (1e-2, 0.99, 1e-8)
    );
    let d = Adadelta::default();
    assert_eq!(
        (d.config().lr, d.config().rho, d.config().eps),
        (1.0, 0.9, 1e-6)
    );
    assert_eq!(Adamax::default().config().lr, 2e-3);
    assert_eq!(
        (
            NAdam::default().config().lr,
            NAdam::default().config().momentum_decay
        ),
        (2e-3, 4e-3)
    );
    assert_eq!(RAdam::default().config().lr, 1e-3);
    let l = Lbfgs::default();
    let c = l.config();
    assert_eq!(
        (
            c.lr,
            c.max_iter,
            c.eval_budget(),
            c.tolerance_grad,
            c.tolerance_change,
            c.history_size
        ),
        (1.0, 20, 25, 1e-7, 1e-9, 100)
    );
}

#[test]
fn hyperparameters_trait_reads_and_writes_lr_and_momentum() {
    let mut sgd = Sgd::builder().momentum(0.9).build().unwrap();
    sgd.set_learning_rate(0.5);
    sgd.set_momentum(0.8);
    assert_eq!((sgd.learning_rate(), sgd.momentum()), (0.5, Some(0.8)));
    let mut radam = RAdam::default();
    radam.set_momentum(0.7);
    assert_eq!(radam.config().betas, (0.7, 0.999));
    let mut lbfgs = Lbfgs::default();
    lbfgs.set_momentum(0.7);
    assert_eq!(lbfgs.momentum(), None);
}

#[test]
fn lbfgs_converges_on_rosenbrock_and_matches_its_own_step_accounting() {
    for line_search in [LineSearch::None, LineSearch::StrongWolfe] {
        let lbfgs = Lbfgs::builder()
            .line_search(line_search)
            .lr(if line_search == LineSearch::None {
                0.2
            } else {
                1.0
            })
            .build()
            .unwrap();
        let x = run(&lbfgs, [-1.5, 2.0], &mut common::rosenbrock, 30);
        assert!(
            (x[0] - 1.0).abs() < 1e-4 && (x[1] - 1.0).abs() < 1e-4,
            "{line_search:?}: {x:?}"
        );
    }
    let lbfgs = Lbfgs::builder().max_iter(7).build().unwrap();
    let mut calls = 0;
    let mut counted = |p: &[f64; 2], g: &mut [f64; 2]| {
        calls += 1;
        common::rosenbrock(p, g)
    };
    let mut x = [-1.5, 2.0];
    let mut state = lbfgs.init(&x);
    let mut g = [0.0; 2];
    let loss = common::rosenbrock(&x, &mut g);
    let report = lbfgs
        .step(&mut state, &mut x, loss, &g, &mut counted)
        .unwrap();
    // Without a line search the last of the 7 iterations does not re-evaluate.
    assert_eq!(
        (
            report.evaluations,
            calls,
            state.n_iter(),
            state.func_evals()
        ),
        (6, 6, 7, 7)
    );
    assert!(state.history_len() <= 6 && state.history_len() > 0);
}

#[test]
fn lbfgs_on_a_non_convex_function_finds_a_local_minimum() {
    // x^2/20 + tanh(sin(x)) from 8 (seed 004) with lr 2; and from -3.
    let mut wavy = |x: &[f64; 1], g: &mut [f64; 1]| {
        let (f, d) = common::wavy(x[0]);
        g[0] = d;
        f
    };
    for (start, line_search) in [
        (8.0, LineSearch::None),
        (8.0, LineSearch::StrongWolfe),
        (-3.0, LineSearch::StrongWolfe),
    ] {
        let lbfgs = Lbfgs::builder().line_search(line_search).build().unwrap();
        let x = run(&lbfgs, [start], &mut wavy, 20);
        let mut g = [0.0];
        let f_end = wavy(&x, &mut g);
        let f_start = wavy(&[start], &mut [0.0]);
        // The fixed-step variant stops on tolerance_change with |g| ~ 5e-6, as PyTorch does.
        assert!(
            g[0].abs() < 1e-5,
            "{start} {line_search:?}: {x:?}, g = {g:?}"
        );
        assert!(f_end < f_start);
        // A local minimum: both neighbours are higher.
        for h in [-1e-2, 1e-2] {
            assert!(wavy(&[x[0] + h], &mut [0.0]) > f_end);
        }
    }
}

#[test]
fn lbfgs_on_a_flat_function_does_nothing_and_on_a_linear_one_moves_by_lr() {
    let mut constant = |_: &[f64; 3], g: &mut [f64; 3]| {
        *g = [0.0; 3];
        1.0
    };
    for line_search in [LineSearch::None, LineSearch::StrongWolfe] {
        let lbfgs = Lbfgs::builder().line_search(line_search).build().unwrap();
        assert_eq!(
            run(&lbfgs, [1.0, 2.0, 3.0], &mut constant, 5),
            [1.0, 2.0, 3.0]
        );
    }
    // A linear function: slope 1e-3 in every direction.
    let mut linear = |x: &[f64; 2], g: &mut [f64; 2]| {
        *g = [1e-3, 1e-3];
        1e-3 * (x[0] + x[1])
    };
    let lbfgs = Lbfgs::builder().max_iter(3).build().unwrap();
    let x = run(&lbfgs, [0.0, 0.0], &mut linear, 1);
    // Iteration 1: t = min(1, 1/|g|_1) lr = 1, d = -g. Iteration 2: y = 0, so no pair is
    // stored and d = -g again with t = lr = 1; then the evaluation budget 3 * 5 / 4 = 3
    // is spent.
    assert_eq!(x, [-2e-3, -2e-3]);
}

#[test]
fn lbfgs_stops_on_non_finite_values_and_restores_the_parameters() {
    let mut blows_up = |x: &[f64; 1], g: &mut [f64; 1]| {
        if x[0] < 0.0 {
            g[0] = f64::NAN;
            return f64::NAN;
        }
        g[0] = 2.0 * (x[0] - 0.1);
        (x[0] - 0.1) * (x[0] - 0.1) + 1.0
    };
    for line_search in [LineSearch::None, LineSearch::StrongWolfe] {
        let lbfgs = Lbfgs::builder()
            .line_search(line_search)
            .lr(10.0)
            .build()
            .unwrap();
        let mut x = [1.0];
        let mut state = lbfgs.init(&x);
        let mut g = [0.0];
        let loss = blows_up(&x, &mut g);
        let result = lbfgs.step(&mut state, &mut x, loss, &g, &mut blows_up);
        assert_eq!(result, Err(StepError::NonFinite), "{line_search:?}");
        assert_eq!(x, [1.0]);
    }
    let lbfgs = Lbfgs::default();
    let mut x = [1.0];
    let mut state = lbfgs.init(&x);
    let result = lbfgs.step(&mut state, &mut x, f64::INFINITY, &[1.0], &mut blows_up);
    assert_eq!(result, Err(StepError::NonFinite));
}

#[test]
fn lbfgs_history_is_bounded_by_history_size() {
    let lbfgs = Lbfgs::builder()
        .capacity::<4>()
        .history_size(2)
        .build()
        .unwrap();
    let mut quartic = |x: &[f64; 3], g: &mut [f64; 3]| {
        let mut f = 0.0;
        for i in 0..3 {
            let c = (i + 1) as f64;
            g[i] = 4.0 * c * x[i].powi(3) + x[i];
            f += c * x[i].powi(4) + 0.5 * x[i] * x[i];
        }
        f
    };
    let mut x = [1.0, -2.0, 0.5];
    let mut state = lbfgs.init(&x);
    let mut g = [0.0; 3];
    let loss = quartic(&x, &mut g);
    lbfgs
        .step(&mut state, &mut x, loss, &g, &mut quartic)
        .unwrap();
    assert_eq!(state.history_len(), 2);
    assert!(state.n_iter() > 3);
}
