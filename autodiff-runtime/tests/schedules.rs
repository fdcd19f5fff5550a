//! Learning-rate schedules: against PyTorch trajectories (`tests/fixtures/torch/sched_*`,
//! SGD with the scheduler stepped after every optimizer step) and by hand.

mod common;

use autodiff_runtime::optim::{Adagrad, Adam, AdamConfig, Sgd};
use autodiff_runtime::schedule::*;
use autodiff_runtime::{Hyperparameters, Optimizer};
use common::{Fixture, rel_err, torch_cases};

/// Replays a scheduler fixture with PyTorch's recorded gradients; returns the worst relative
/// error of the learning rate, momentum and parameters.
fn replay<S: Schedule>(fx: &Fixture, mut schedule: S) -> f64 {
    let mut sgd = Sgd::builder()
        .lr(fx.f("lr"))
        .momentum(fx.f("momentum"))
        .dampening(fx.f("dampening"))
        .weight_decay(fx.f("weight_decay"))
        .nesterov(fx.b("nesterov"))
        .build()
        .unwrap();
    let mut x = fx.start();
    let mut state = sgd.init(&x);
    let mut never = |_: &Vec<f64>, _: &mut Vec<f64>| -> f64 { unreachable!() };
    schedule.start(&mut sgd);
    let (lr_col, loss_col) = (fx.col("lr"), fx.col("loss"));
    let momentum_col = fx.columns.iter().position(|c| c == "momentum");
    let mut worst: f64 = 0.0;
    for (k, row) in fx.rows.iter().enumerate() {
        worst = worst.max(rel_err(sgd.learning_rate(), row[lr_col]));
        if let Some(m) = momentum_col {
            worst = worst.max(rel_err(sgd.momentum().unwrap(), row[m]));
        }
        sgd.step(
            &mut state,
            &mut x,
            row[loss_col],
            &fx.vector(k, "g"),
            &mut never,
        )
        .unwrap();
        schedule.step(&mut sgd, row[loss_col]);
        for (ours, theirs) in x.iter().zip(fx.vector(k, "x")) {
            worst = worst.max(rel_err(*ours, theirs));
        }
    }
    worst
}

fn schedule_case(fx: &Fixture) -> f64 {
    let s = |key: &str| {
        fx.opt("scheduler", key)
            .unwrap_or_else(|| panic!("{}: {key}", fx.name))
    };
    let num = |key: &str| s(key).parse::<f64>().unwrap();
    let kind = fx
        .header("scheduler")
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    match kind {
        "StepLR" => replay(
            fx,
            StepLr::new(num("step_size") as usize, num("gamma")).unwrap(),
        ),
        "ExponentialLR" => replay(fx, ExponentialLr::new(num("gamma")).unwrap()),
        "CosineAnnealingLR" => replay(
            fx,
            CosineAnnealingLr::new(num("T_max") as usize, num("eta_min")).unwrap(),
        ),
        "ReduceLROnPlateau" => {
            assert_eq!(s("mode"), "min");
            let schedule = ReduceLrOnPlateau::builder()
                .factor(num("factor"))
                .patience(num("patience") as usize)
                .build()
                .unwrap();
            replay(fx, schedule)
        }
        "OneCycleLR" => replay(
            fx,
            OneCycleLr::builder(num("max_lr"), num("total_steps") as usize)
                .build()
                .unwrap(),
        ),
        other => panic!("{}: unknown scheduler {other}", fx.name),
    }
}

#[test]
fn every_scheduler_fixture_matches_torch() {
    let cases: Vec<String> = torch_cases()
        .into_iter()
        .filter(|c| c.starts_with("sched_"))
        .collect();
    assert!(
        cases.len() >= 11,
        "expected the scheduler fixtures, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for name in &cases {
        let worst = schedule_case(&Fixture::load(name));
        println!("{name:>40}: {worst:.2e}");
        if worst > 1e-12 {
            failures.push(format!("{name}: {worst:e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reduce_on_plateau_reduces_only_after_patience_and_respects_min_lr_and_cooldown() {
    let mut sgd = Sgd::new(1.0).unwrap();
    let mut schedule = ReduceLrOnPlateau::builder()
        .patience(1)
        .factor(0.5)
        .cooldown(2)
        .min_lr(0.3)
        .build()
        .unwrap();
    schedule.start(&mut sgd);
    let mut lrs = Vec::new();
    for _ in 0..10 {
        schedule.step(&mut sgd, 1.0);
        lrs.push(sgd.learning_rate());
    }
    // Step 1 sets the best; steps 2, 3 are bad, so 3 reduces to 0.5; cooldown 2 swallows
    // steps 4 and 5; steps 6, 7 are bad and 7 reduces to max(0.25, 0.3) = 0.3; 8, 9 cool
    // down; step 10 is the first bad one again.
    assert_eq!(lrs, [1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3]);
}

#[test]
fn reduce_on_plateau_max_mode_and_abs_threshold() {
    let mut sgd = Sgd::new(1.0).unwrap();
    let mut schedule = ReduceLrOnPlateau::builder()
        .mode(PlateauMode::Max)
        .threshold_mode(ThresholdMode::Abs)
        .threshold(0.1)
        .patience(0)
        .build()
        .unwrap();
    schedule.start(&mut sgd);
    schedule.step(&mut sgd, 1.0); // best = 1
    schedule.step(&mut sgd, 1.2); // better by more than 0.1
    assert_eq!(sgd.learning_rate(), 1.0);
    schedule.step(&mut sgd, 1.25); // not better by 0.1: reduce at once (patience 0)
    assert!((sgd.learning_rate() - 0.1).abs() < 1e-15);
    assert_eq!(schedule.best(), 1.2);
}

#[test]
fn reduce_on_plateau_skips_reductions_below_eps() {
    let mut sgd = Sgd::new(1e-9).unwrap();
    let mut schedule = ReduceLrOnPlateau::builder().patience(0).build().unwrap();
    schedule.start(&mut sgd);
    schedule.step(&mut sgd, 1.0);
    schedule.step(&mut sgd, 1.0);
    assert_eq!(sgd.learning_rate(), 1e-9); // 1e-9 - 1e-10 < eps = 1e-8
}

#[test]
fn cosine_annealing_restarts_after_the_minimum_and_differs_from_closed_form_only_by_rounding() {
    let mut sgd = Sgd::new(0.1).unwrap();
    let mut schedule = CosineAnnealingLr::new(5, 0.01).unwrap();
    schedule.start(&mut sgd);
    let mut lrs = vec![sgd.learning_rate()];
    for _ in 0..10 {
        schedule.step(&mut sgd, 0.0);
        lrs.push(sgd.learning_rate());
    }
    for (e, lr) in lrs.iter().enumerate() {
        let closed =
            0.01 + (0.1 - 0.01) * (1.0 + (std::f64::consts::PI * e as f64 / 5.0).cos()) / 2.0;
        assert!(rel_err(*lr, closed) < 1e-13, "epoch {e}: {lr} vs {closed}");
    }
    assert!((lrs[5] - 0.01).abs() < 1e-15 && (lrs[10] - 0.1).abs() < 1e-14);
}

#[test]
fn one_cycle_cycles_beta1_of_adam_and_leaves_momentum_free_optimizers_alone() {
    let mut adam = Adam::new(1.0).unwrap();
    let mut schedule = OneCycleLr::builder(1.0, 4)
        .pct_start(0.5)
        .anneal(Anneal::Linear)
        .build()
        .unwrap();
    schedule.start(&mut adam);
    let mut seen = vec![(adam.learning_rate(), adam.momentum().unwrap())];
    for _ in 0..5 {
        schedule.step(&mut adam, 0.0);
        seen.push((adam.learning_rate(), adam.momentum().unwrap()));
    }
    // Phase 1 ends at step 0.5 * 4 - 1 = 1, phase 2 at step 3; step 4 extrapolates like
    // PyTorch and step 5 (past total_steps) keeps it.
    let min_lr = 0.04 / 1e4;
    assert_eq!(seen[0], (0.04, 0.95));
    assert_eq!(seen[1], (1.0, 0.85));
    // Linear annealing `(end - start) * pct + start` cancels: absolute, not relative, accuracy.
    assert!((seen[3].0 - min_lr).abs() < 1e-15 && rel_err(seen[3].1, 0.95) < 1e-15);
    assert_eq!(seen[4], seen[5]);

    let mut adagrad = Adagrad::new(0.5).unwrap();
    let mut schedule = OneCycleLr::builder(1.0, 10).build().unwrap();
    schedule.start(&mut adagrad);
    assert_eq!(adagrad.momentum(), None);
    assert!((adagrad.learning_rate() - 0.04).abs() < 1e-16);
}

/// PyTorch's `_single_tensor_adam` on two parameters, written out: the reference the Adam
/// tests below follow bit for bit.
struct TorchAdam {
    params: [f64; 2],
    exp_avg: [f64; 2],
    exp_avg_sq: [f64; 2],
}

impl TorchAdam {
    fn new(params: [f64; 2]) -> Self {
        TorchAdam {
            params,
            exp_avg: [0.0; 2],
            exp_avg_sq: [0.0; 2],
        }
    }

    /// Step `t` with gradient `g` (eps 1e-8).
    fn step(&mut self, g: [f64; 2], t: u64, lr: f64, (beta1, beta2): (f64, f64)) {
        let step_size = lr / (1.0 - beta1.powf(t as f64));
        let bc2_sqrt = (1.0 - beta2.powf(t as f64)).sqrt();
        let weight = 1.0 - beta1;
        let moments = self.exp_avg.iter_mut().zip(&mut self.exp_avg_sq);
        for ((p, (m, v)), g) in self.params.iter_mut().zip(moments).zip(g) {
            // torch.lerp(m, g, weight), as ATen computes it.
            *m = if weight.abs() < 0.5 {
                *m + weight * (g - *m)
            } else {
                g - (g - *m) * (1.0 - weight)
            };
            *v = *v * beta2 + (1.0 - beta2) * g * g;
            *p += -step_size * *m / (v.sqrt() / bc2_sqrt + 1e-8);
        }
    }
}

/// Adam computes each step's bias corrections `1 - β^t` one step ahead; with a schedule
/// that moves β₁ (and the learning rate) at every step, or only now and then, every step
/// must still use the current betas: the trajectory is PyTorch's formula, bit for bit.
#[test]
fn adam_under_a_momentum_schedule_uses_each_steps_betas() {
    let grad = |p: &[f64; 2]| [2.0 * p[0] - 1.0, 4.0 * p[1] + 0.5];
    for every in [1, 3] {
        let mut adam = Adam::new(0.05).unwrap();
        let mut schedule = OneCycleLr::builder(0.05, 40).build().unwrap();
        schedule.start(&mut adam);
        let mut p = [1.0_f64, -2.0];
        let mut state = adam.init(&p);
        let mut torch = TorchAdam::new(p);
        let mut objective = |_: &[f64; 2], _: &mut [f64; 2]| 0.0;
        for t in 1..=40 {
            let betas = (adam.momentum().unwrap(), 0.999);
            torch.step(grad(&torch.params), t, adam.learning_rate(), betas);
            let g = grad(&p);
            adam.step(&mut state, &mut p, 0.0, &g, &mut objective)
                .unwrap();
            assert_eq!(p, torch.params, "step {t}, schedule every {every} steps");
            if t % every == 0 {
                schedule.step(&mut adam, 0.0);
            }
        }
    }
}

/// Past step 369 `0.9^t` is negligible and Adam stops calling `pow` for `1 - β₁ᵗ` (with
/// `β₂ = 0.9` too, and from step 77 on with `β₁ = 0.6`): a long run, with β₁ moved after
/// the corrections saturated, is still PyTorch's formula bit for bit.
#[test]
fn adam_long_runs_stay_bit_for_bit_once_the_corrections_saturate() {
    let grad = |p: &[f64; 2]| [2.0 * p[0] - 1.0, 4.0 * p[1] + 0.5];
    for beta2 in [0.999_f64, 0.9] {
        let mut adam = AdamConfig {
            lr: 0.01,
            betas: (0.9, beta2),
            ..AdamConfig::default()
        }
        .build()
        .unwrap();
        let mut p = [1.0_f64, -2.0];
        let mut state = adam.init(&p);
        let mut torch = TorchAdam::new(p);
        let mut objective = |_: &[f64; 2], _: &mut [f64; 2]| 0.0;
        for t in 1..=1500 {
            if t == 700 {
                adam.set_momentum(0.6);
            }
            let betas = (adam.momentum().unwrap(), beta2);
            torch.step(grad(&torch.params), t, adam.learning_rate(), betas);
            let g = grad(&p);
            adam.step(&mut state, &mut p, 0.0, &g, &mut objective)
                .unwrap();
            assert_eq!(p, torch.params, "step {t}, beta2 {beta2}");
        }
    }
}

/// A schedule may set a negative β₁ (PyTorch's param groups take any value): its powers
/// alternate in sign, and the corrections must follow them, not keep a negative power.
#[test]
fn adam_with_a_negative_beta1_follows_pytorchs_formula() {
    let grad = |p: &[f64; 2]| [2.0 * p[0] - 1.0, 4.0 * p[1] + 0.5];
    let mut adam = Adam::new(0.1).unwrap();
    adam.set_momentum(-0.5);
    let mut p = [1.0_f64, -2.0];
    let mut state = adam.init(&p);
    let mut torch = TorchAdam::new(p);
    let mut objective = |_: &[f64; 2], _: &mut [f64; 2]| 0.0;
    for t in 1..=120 {
        // The weight of `g` in `m` is 1.5: torch.lerp's second form.
        torch.step(grad(&torch.params), t, 0.1, (-0.5, 0.999));
        let g = grad(&p);
        adam.step(&mut state, &mut p, 0.0, &g, &mut objective)
            .unwrap();
        assert_eq!(p, torch.params, "step {t}");
    }
}

#[test]
fn one_cycle_three_phase_returns_to_initial_lr_then_anneals_to_min() {
    let mut sgd = Sgd::builder().momentum(0.9).build().unwrap();
    let mut schedule = OneCycleLr::builder(0.5, 20)
        .pct_start(0.25)
        .three_phase(true)
        .build()
        .unwrap();
    schedule.start(&mut sgd);
    let mut lrs = vec![sgd.learning_rate()];
    for _ in 0..19 {
        schedule.step(&mut sgd, 0.0);
        lrs.push(sgd.learning_rate());
    }
    // Phase ends: 0.25 * 20 - 1 = 4 (peak), 2 * 0.25 * 20 - 2 = 8 (initial), 19 (min).
    assert!(rel_err(lrs[4], 0.5) < 1e-15);
    assert!(rel_err(lrs[8], 0.02) < 1e-14);
    assert!(rel_err(lrs[19], 0.02 / 1e4) < 1e-12);
    assert_eq!(sgd.momentum(), Some(0.95));
}

#[test]
fn step_without_start_starts_first() {
    let mut sgd = Sgd::new(1.0).unwrap();
    let mut schedule = StepLr::new(1, 0.5).unwrap();
    schedule.step(&mut sgd, 0.0);
    assert_eq!((sgd.learning_rate(), schedule.last_epoch()), (0.5, 1));
}

#[test]
fn schedule_options_are_validated() {
    assert_eq!(StepLr::new(1, -0.1).unwrap_err().parameter(), "gamma");
    assert_eq!(
        ExponentialLr::new(f64::NAN).unwrap_err().parameter(),
        "gamma"
    );
    assert_eq!(
        CosineAnnealingLr::new(3, -1.0).unwrap_err().parameter(),
        "eta_min"
    );
    assert_eq!(
        ReduceLrOnPlateau::builder()
            .min_lr(-1.0)
            .build()
            .unwrap_err()
            .parameter(),
        "min_lr"
    );
    assert_eq!(
        OneCycleLr::builder(0.1, 10)
            .pct_start(1.5)
            .build()
            .unwrap_err()
            .parameter(),
        "pct_start"
    );
    assert_eq!(
        OneCycleLr::builder(0.1, 10)
            .div_factor(0.0)
            .build()
            .unwrap_err()
            .parameter(),
        "div_factor"
    );
    let err = OneCycleLr::builder(-0.1, 10).build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid max_lr = -0.1: expected a finite number >= 0"
    );
}
