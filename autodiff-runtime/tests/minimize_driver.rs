//! Driver features beyond tfp parity: what observers and traces see, the value-and-gradient
//! adapter on pytree parameters, per-step seeds, `Vec` batches, reduce rules, members that
//! converge and un-converge, and learning-rate schedules.

use std::cell::{Cell, RefCell};

use autodiff_runtime::minimize::{
    BatchMinimize, BatchStatus, GradientNorm, LossNotDecreasing, Minimize, Status, StepSeed,
    SuccessiveGradientsAreUncorrelated,
};
use autodiff_runtime::optim::{Lbfgs, LineSearch, Sgd};
use autodiff_runtime::schedule::{ReduceLrOnPlateau, StepLr};

fn square(x: &f64, g: &mut f64) -> f64 {
    *g = 2.0 * x;
    x * x
}

#[test]
fn observer_and_trace_see_the_same_steps_in_order() {
    let observed = RefCell::new(Vec::new());
    let result = Minimize::new(square, 1.0, Sgd::new(0.25).unwrap())
        .max_steps(4)
        .criterion(
            LossNotDecreasing::atol(0.01)
                .with_min_num_steps(2)
                .with_window_size(2.0),
        )
        .observe(|q| {
            observed.borrow_mut().push((
                q.step,
                q.loss,
                *q.gradients,
                *q.parameters,
                q.has_converged,
                q.criterion_state.previous_loss,
                q.evaluations,
                q.learning_rate,
            ))
        })
        .trace(|q| {
            (
                q.step,
                q.loss,
                *q.gradients,
                *q.parameters,
                q.has_converged,
                q.criterion_state.previous_loss,
                q.evaluations,
                q.learning_rate,
            )
        })
        .run()
        .unwrap();
    let observed = observed.into_inner();
    assert_eq!(observed, result.trace);
    // x_t = 0.5^t: step t sees loss 0.25^t and gradient 2·0.5^t at x_t, parameters x_{t+1}.
    for (t, row) in observed.iter().enumerate() {
        let x = 0.5_f64.powi(t as i32);
        assert_eq!((row.0, row.1, row.2, row.3), (t, x * x, 2.0 * x, x / 2.0));
        assert_eq!((row.5, row.6, row.7), (x * x, t + 1, 0.25));
    }
    assert_eq!(result.status, Status::StepLimit);
}

#[test]
fn value_and_grad_adapter_on_tuple_parameters() {
    // What `#[differentiable] fn f(a: f64, b: [f64; 2]) -> f64` would generate.
    fn f_value_and_grad(a: f64, b: [f64; 2]) -> (f64, (f64, [f64; 2])) {
        let loss = (a - 1.0).powi(2) + (b[0] + 2.0).powi(2) + 3.0 * b[1] * b[1];
        (loss, (2.0 * (a - 1.0), [2.0 * (b[0] + 2.0), 6.0 * b[1]]))
    }
    let result = Minimize::with_value_and_grad(
        |p: &(f64, [f64; 2])| f_value_and_grad(p.0, p.1),
        (0.0, [0.0, 1.0]),
        Lbfgs::builder()
            .line_search(LineSearch::StrongWolfe)
            .build()
            .unwrap(),
    )
    .max_steps(5)
    // torch's L-BFGS ends a call once the loss changes by less than tolerance_change 1e-9,
    // so on this quadratic the gradient settles around 1e-6.
    .criterion(GradientNorm::max_abs(1e-5))
    .run()
    .unwrap();
    assert_eq!(result.status, Status::Converged);
    assert!(result.steps < 5 && result.evaluations > result.steps);
    let (a, b) = result.params;
    assert!((a - 1.0).abs() < 1e-5 && (b[0] + 2.0).abs() < 1e-5 && b[1].abs() < 1e-5);
}

#[test]
fn stochastic_losses_get_one_seed_per_step_even_inside_a_line_search() {
    let seeds = RefCell::new(Vec::new());
    let noisy = |x: &[f64; 2], g: &mut [f64; 2], seed: StepSeed| {
        seeds.borrow_mut().push(seed);
        let shift = (seed.value() % 8) as f64 / 80.0; // a target that depends on the seed
        *g = [2.0 * (x[0] - shift), 2.0 * x[1]];
        (x[0] - shift).powi(2) + x[1] * x[1]
    };
    let lbfgs = Lbfgs::builder()
        .line_search(LineSearch::StrongWolfe)
        .build()
        .unwrap();
    let result = Minimize::stochastic(noisy, [1.0, 1.0], lbfgs)
        .max_steps(3)
        .seed(2024)
        .run()
        .unwrap();
    let seeds = seeds.into_inner();
    assert_eq!(seeds.len(), result.evaluations);
    // Each step's evaluations (first + line search) share StepSeed::for_step(2024, t).
    let mut distinct: Vec<StepSeed> = seeds.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        (0..3)
            .map(|t| StepSeed::for_step(2024, t))
            .collect::<Vec<_>>()
    );
    assert!(seeds.len() > 3);
}

#[test]
fn seeds_make_stochastic_runs_reproducible_and_distinct() {
    let loss = |x: &f64, g: &mut f64, seed: StepSeed| {
        let target = if seed.value() % 2 == 0 { 4.0 } else { 6.0 };
        *g = 2.0 * (x - target);
        (x - target) * (x - target)
    };
    let run = |seed| {
        Minimize::stochastic(loss, 0.0, Sgd::new(0.1).unwrap())
            .max_steps(50)
            .seed(seed)
            .trace(|q| *q.parameters)
            .run()
            .unwrap()
            .trace
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    // A deterministic objective ignores the seed.
    let plain = |seed| {
        Minimize::new(square, 1.0, Sgd::new(0.1).unwrap())
            .seed(seed)
            .run()
            .unwrap()
            .params
    };
    assert_eq!(plain(1), plain(2));
}

#[test]
fn batch_members_get_distinct_seeds() {
    let seen = RefCell::new(Vec::new());
    BatchMinimize::stochastic(
        |k, x: &f64, g: &mut f64, seed: StepSeed| {
            seen.borrow_mut().push((k, seed));
            square(x, g)
        },
        [1.0; 3],
        Sgd::new(0.1).unwrap(),
    )
    .max_steps(2)
    .seed(5)
    .run()
    .unwrap();
    let expected: Vec<(usize, StepSeed)> = (0..2)
        .flat_map(|t| (0..3).map(move |k| (k, StepSeed::for_step(5, t).fold_in(k))))
        .collect();
    assert_eq!(seen.into_inner(), expected);
}

#[test]
fn vec_batches_and_custom_reduce_rules() {
    // Five members at different distances from their optimum; plain SGD lr 0.5 solves each
    // in one step, but member k starts converged only if its gradient is already zero.
    let starts = vec![0.0, 1.0, 0.0, 2.0, 0.0];
    let majority = |flags: &[bool]| 2 * flags.iter().filter(|&&c| c).count() > flags.len();
    let result = BatchMinimize::new(
        |_k, x: &f64, g: &mut f64| square(x, g),
        starts,
        Sgd::new(0.1).unwrap(),
    )
    .max_steps(100)
    .criterion(GradientNorm::max_abs(0.0))
    .reduce(majority)
    .trace(|q| q.batch_has_converged)
    .run()
    .unwrap();
    // Members 0, 2, 4 start at the optimum: at step 1 three of five have converged.
    assert_eq!(result.status, BatchStatus::Converged);
    assert_eq!(result.steps, 2);
    assert_eq!(result.has_converged, vec![true, false, true, false, true]);
    assert_eq!(result.trace.len(), 100);
    assert!(!result.trace[0] && result.trace[1..].iter().all(|&c| c));

    // tfp checks the reduce rule before every step after the first, so a rule that holds on
    // "nobody has converged" stops after step 0.
    let result = BatchMinimize::new(
        |_k, x: &f64, g: &mut f64| square(x, g),
        [1.0; 2],
        Sgd::new(0.1).unwrap(),
    )
    .reduce(|_: &[bool]| true)
    .run()
    .unwrap();
    assert_eq!((result.status, result.steps), (BatchStatus::Converged, 1));
}

#[test]
fn converged_members_keep_updating_and_can_unconverge() {
    // LossNotDecreasing with window 1 compares successive losses: member 0's loss runs
    // 100, 100, 90, 90, 80, 80 — it stalls at odd steps (converged) and drops at even ones
    // (un-converged); member 1 keeps improving, so with reduce All (the default) the run
    // goes on and member 0 keeps being updated throughout.
    let calls = [Cell::new(0_u32), Cell::new(0_u32)];
    let result = BatchMinimize::new(
        |k, x: &f64, g: &mut f64| {
            let n = calls[k].get();
            calls[k].set(n + 1);
            *g = 1.0;
            if k == 0 {
                100.0 - 10.0 * f64::from(n / 2) + x * 0.0
            } else {
                100.0 - f64::from(n)
            }
        },
        [0.0; 2],
        Sgd::new(1.0).unwrap(),
    )
    .max_steps(6)
    .criterion(
        LossNotDecreasing::atol(0.5)
            .with_window_size(1.0)
            .with_min_num_steps(0),
    )
    .trace(|q| (q.has_converged.to_vec(), q.parameters[0]))
    .run()
    .unwrap();
    let flags: Vec<bool> = result.trace.iter().map(|(c, _)| c[0]).collect();
    assert_eq!(flags, [false, true, false, true, false, true]);
    let xs: Vec<f64> = result.trace.iter().map(|(_, x)| *x).collect();
    assert_eq!(xs, [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0]); // updated while converged
    assert_eq!(result.status, BatchStatus::StepLimit);
}

#[test]
fn step_schedule_sets_the_rate_each_update_uses() {
    let result = Minimize::new(
        |x: &f64, g: &mut f64| {
            *g = 1.0;
            *x
        },
        0.0,
        Sgd::new(1.0).unwrap(),
    )
    .max_steps(6)
    .schedule(StepLr::new(2, 0.5).unwrap())
    .trace(|q| (q.learning_rate, *q.parameters))
    .run()
    .unwrap();
    let (rates, xs): (Vec<f64>, Vec<f64>) = result.trace.into_iter().unzip();
    assert_eq!(rates, [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]);
    assert_eq!(xs, [-1.0, -2.0, -2.5, -3.0, -3.25, -3.5]); // x −= lr·1
}

#[test]
fn plateau_schedule_watches_the_loss() {
    let plateau = || {
        let mut config = ReduceLrOnPlateau::builder();
        config.factor = 0.5;
        config.patience = 2;
        config.build().unwrap()
    };
    // A flat loss: no improvement after step 0, so the rate halves after patience + 1 bad steps.
    let flat = Minimize::new(
        |_: &f64, g: &mut f64| {
            *g = 0.0;
            1.0
        },
        0.0,
        Sgd::new(1.0).unwrap(),
    )
    .max_steps(8)
    .schedule(plateau())
    .trace(|q| q.learning_rate)
    .run()
    .unwrap();
    assert_eq!(flat.trace, [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]);
    // A steadily decreasing loss never triggers it.
    let falling = Minimize::new(square, 1.0, Sgd::new(0.25).unwrap())
        .max_steps(8)
        .schedule(plateau())
        .trace(|q| q.learning_rate)
        .run()
        .unwrap();
    assert!(falling.trace.iter().all(|&lr| lr == 0.25));
}

#[test]
fn vec_parameters_with_a_stateful_criterion() {
    let n = 6;
    let result = Minimize::new(
        |x: &Vec<f64>, g: &mut Vec<f64>| {
            for (gi, xi) in g.iter_mut().zip(x) {
                *gi = 2.0 * xi;
            }
            x.iter().map(|v| v * v).sum()
        },
        vec![1.0; n],
        Sgd::new(0.9).unwrap(),
    )
    .max_steps(500)
    .criterion(SuccessiveGradientsAreUncorrelated::new())
    .trace(|q| q.criterion_state.previous_gradients.len())
    .run()
    .unwrap();
    // SGD lr 0.9 overshoots (x ← −0.8·x): successive gradients anti-correlate from step 1,
    // so the rule fires at its min_num_steps, 20.
    assert_eq!((result.status, result.steps), (Status::Converged, 21));
    assert!(
        result
            .params
            .iter()
            .all(|x| (x.abs() - 0.8_f64.powi(21)).abs() < 1e-12)
    );
    assert!(result.trace.iter().all(|&len| len == n));
}

#[test]
fn f32_parameters_with_tfp_criteria() {
    let result = Minimize::new(
        |x: &[f32; 2], g: &mut [f32; 2]| {
            *g = [2.0 * (x[0] - 5.0), 2.0 * (x[1] + 1.0)];
            (x[0] - 5.0).powi(2) + (x[1] + 1.0).powi(2)
        },
        [0.0_f32; 2],
        autodiff_runtime::optim::Adam::new(0.1).unwrap(),
    )
    .max_steps(1000)
    .criterion(LossNotDecreasing::atol(0.01))
    .trace(|q| q.criterion_state.average_decrease_in_loss)
    .trace_length(autodiff_runtime::minimize::TraceLength::Truncated)
    .run()
    .unwrap();
    assert_eq!(result.status, Status::Converged);
    assert!(result.steps < 1000 && result.trace.len() == result.steps);
    let last: f32 = *result.trace.last().unwrap();
    assert!(last < 0.01);
    assert!((result.params[0] - 5.0).abs() < 0.5 && (result.params[1] + 1.0).abs() < 0.5);
}

/// `Minimize` steps through `Optimizer::step_checked`, which an optimizer may fold into its
/// update (Adam does): for every optimizer the run is bit for bit a plain loop over
/// `Optimizer::step`, on fixed-size and `Vec` parameters.
#[test]
fn the_driver_steps_every_optimizer_exactly_as_a_plain_loop_does() {
    use autodiff_runtime::Optimizer;
    use autodiff_runtime::optim::*;

    fn bowl<P: AsRef<[f64]> + AsMut<[f64]>>(x: &P, g: &mut P) -> f64 {
        let (x, g) = (x.as_ref(), g.as_mut());
        let mut loss = 0.0;
        for (i, (xi, gi)) in x.iter().zip(g.iter_mut()).enumerate() {
            let c = 1.0 + i as f64;
            loss += c * (xi - 0.5) * (xi - 0.5) + xi.sin();
            *gi = 2.0 * c * (xi - 0.5) + xi.cos();
        }
        loss
    }
    fn same<O: Optimizer<[f64; 3]> + Optimizer<Vec<f64>> + Clone>(name: &str, opt: O) {
        let x0 = [1.5, -2.0, 0.25];
        let run = Minimize::new(bowl, x0, opt.clone())
            .max_steps(25)
            .run()
            .unwrap();
        let (mut x, mut g) = (x0, [0.0; 3]);
        let mut state = <O as Optimizer<[f64; 3]>>::init(&opt, &x);
        let mut objective = bowl;
        for _ in 0..25 {
            let loss = objective(&x, &mut g);
            opt.step(&mut state, &mut x, loss, &g, &mut objective)
                .unwrap();
        }
        assert_eq!((run.status, run.params), (Status::StepLimit, x), "{name}");

        let vec_run = Minimize::new(bowl, x0.to_vec(), opt)
            .max_steps(25)
            .run()
            .unwrap();
        assert_eq!(vec_run.params, x.to_vec(), "{name} on a Vec");
    }
    same(
        "SGD",
        Sgd::builder()
            .lr(0.05)
            .momentum(0.9)
            .nesterov(true)
            .build()
            .unwrap(),
    );
    same("Adam", Adam::new(0.05).unwrap());
    same(
        "Adam, AMSGrad, L2",
        Adam::builder()
            .lr(0.05)
            .amsgrad(true)
            .weight_decay(0.01)
            .build()
            .unwrap(),
    );
    same("AdamW", AdamW::new(0.05).unwrap());
    same("Adamax", Adamax::new(0.05).unwrap());
    same("NAdam", NAdam::new(0.05).unwrap());
    let nadam = NAdam::builder().lr(0.05).weight_decay(0.1);
    same(
        "NAdam, decoupled decay",
        nadam.decoupled_weight_decay(true).build().unwrap(),
    );
    same("RAdam", RAdam::new(0.05).unwrap());
    same(
        "RAdam, L2",
        RAdam::builder().lr(0.05).weight_decay(0.1).build().unwrap(),
    );
    same("RMSprop", RmsProp::new(0.01).unwrap());
    let centered = RmsProp::builder().lr(0.01).centered(true).momentum(0.5);
    same("RMSprop, centered, momentum", centered.build().unwrap());
    same(
        "Adagrad, lr decay",
        Adagrad::builder().lr(0.1).lr_decay(0.01).build().unwrap(),
    );
    same("Adagrad", Adagrad::new(0.1).unwrap());
    same("Adadelta", Adadelta::new(1.0).unwrap());
    same("L-BFGS", Lbfgs::new(0.5).unwrap());
}
