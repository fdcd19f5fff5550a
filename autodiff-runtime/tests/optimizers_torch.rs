//! Every optimizer and option against PyTorch trajectories recorded in `f64`
//! (`tests/fixtures/torch/`, written by `tests/fixtures/record_torch.py`).
//!
//! Two checks per first-order fixture:
//! * **replay**: feed PyTorch's recorded loss and gradient at each step to our optimizer and
//!   compare the parameters after every step. The function plays no part, so only the
//!   optimizers' arithmetic is compared: it must agree to 1e-12 relative.
//! * **closed loop**: run on our own Rust objective and compare every step. Rounding
//!   differences in the objective are amplified by the trajectory; the fixtures record that
//!   amplification per row (`amp`: growth of a 1e-12 relative perturbation of the start), so
//!   the bound is `max(1e-12, 1e-14 · amp)` relative, as the fixtures' README recommends.
//!
//! L-BFGS calls its objective inside a step, so it has only the closed-loop check, with the
//! bound `max(1e-12, 1e-11 · amp)` and torch's evaluation and iteration counts per call (see
//! `lbfgs`). The test objectives use torch's forward and autograd operation order
//! (`common::rosenbrock`), so the first-order closed loop agrees to about 1e-15.

mod common;

use autodiff_runtime::optim::*;
use autodiff_runtime::{Optimizer, Params};
use common::{Fixture, rel_err, torch_cases};

const TOL: f64 = 1e-12;

fn sgd(fx: &Fixture) -> Sgd {
    Sgd::builder()
        .lr(fx.f("lr"))
        .momentum(fx.f("momentum"))
        .dampening(fx.f("dampening"))
        .weight_decay(fx.f("weight_decay"))
        .nesterov(fx.b("nesterov"))
        .maximize(fx.b("maximize"))
        .build()
        .unwrap()
}

/// Worst relative errors of one fixture: replay, and closed loop divided by
/// `max(1, amp / 100)` (so the closed-loop bound is `max(1e-12, 1e-14 · amp)`).
#[derive(Debug, Default, Clone, Copy)]
struct Errors {
    replay: f64,
    closed: f64,
}

fn first_order<O: Optimizer<Vec<f64>>>(opt: O, fx: &Fixture) -> Errors {
    let start = fx.start();
    let amp = fx.column("amp");
    let mut errors = Errors::default();

    // Replay PyTorch's losses and gradients.
    let mut x = start.clone();
    let mut state = opt.init(&x);
    let mut never = |_: &Vec<f64>, _: &mut Vec<f64>| -> f64 { unreachable!("no evaluations") };
    let loss_col = fx.col("loss");
    for (k, row) in fx.rows.iter().enumerate() {
        let g = fx.vector(k, "g");
        opt.step(&mut state, &mut x, row[loss_col], &g, &mut never)
            .unwrap();
        for (ours, theirs) in x.iter().zip(fx.vector(k, "x")) {
            errors.replay = errors.replay.max(rel_err(*ours, theirs));
        }
    }

    // Closed loop on our own objective.
    let mut f = fx.function();
    let mut x = start;
    let mut state = opt.init(&x);
    let mut g = x.zeros_like();
    for (k, amp) in amp.iter().enumerate() {
        let loss = f(&x, &mut g);
        opt.step(&mut state, &mut x, loss, &g, &mut f).unwrap();
        let scale = (amp * 1e-2).max(1.0);
        for (ours, theirs) in x.iter().zip(fx.vector(k, "x")) {
            errors.closed = errors.closed.max(rel_err(*ours, theirs) / scale);
        }
    }
    errors
}

fn lbfgs(fx: &Fixture) -> Errors {
    let line_search = match fx.opt("options", "line_search_fn").as_deref() {
        Some("strong_wolfe") => LineSearch::StrongWolfe,
        _ => LineSearch::None,
    };
    let opt = Lbfgs::builder()
        .lr(fx.f("lr"))
        .max_iter(fx.f("max_iter") as usize)
        .max_eval(Some(fx.f("max_eval") as usize))
        .tolerance_grad(fx.f("tolerance_grad"))
        .tolerance_change(fx.f("tolerance_change"))
        .history_size(fx.f("history_size") as usize)
        .line_search(line_search)
        .build()
        .unwrap();
    let mut f = fx.function();
    let mut x = fx.start();
    let mut state = opt.init(&x);
    let mut g = x.zeros_like();
    let amp = fx.column("amp");
    let mut errors = Errors::default();
    let (loss_col, evals_col, iter_col, after_col) = (
        fx.col("loss"),
        fx.col("n_evals"),
        fx.col("n_iter"),
        fx.col("f_after"),
    );
    for (k, row) in fx.rows.iter().enumerate() {
        let loss = f(&x, &mut g);
        let n_iter = state.n_iter();
        let report = opt.step(&mut state, &mut x, loss, &g, &mut f).unwrap();
        // Bound max(1e-12, 1e-11 · amp): `amp` measures the growth of one perturbation of the
        // start, but L-BFGS injects rounding differences at each of up to 25 evaluations per
        // call and its exits (`ys > 1e-10`, `tolerance_change`) are thresholds.
        let scale = (amp[k] * 10.0).max(1.0);
        let counts = (
            (1 + report.evaluations) as f64,
            (state.n_iter() - n_iter) as f64,
        );
        // Where the recorded amplification exceeds 1e6 a threshold decision may flip (the
        // fixtures' README); elsewhere the evaluation and iteration counts must be torch's.
        if amp[k] < 1e6 {
            assert_eq!(
                counts,
                (row[evals_col], row[iter_col]),
                "{}: call {k}: (evals, iters)",
                fx.name
            );
        }
        let mut tmp = g.clone();
        let after = f(&x, &mut tmp);
        // Losses near a minimum are tiny; compare them relative to max(|f|, 1).
        let loss_err = |a: f64, b: f64| (a - b).abs() / a.abs().max(b.abs()).max(1.0);
        let mut worst = loss_err(loss, row[loss_col]).max(loss_err(after, row[after_col]));
        for (ours, theirs) in x.iter().zip(fx.vector(k, "x")) {
            worst = worst.max(rel_err(*ours, theirs));
        }
        errors.closed = errors.closed.max(worst / scale);
    }
    errors
}

/// Runs the fixture if it belongs to an optimizer this crate implements (and is not a
/// scheduler case, which `schedules_torch.rs` checks).
fn check(fx: &Fixture) -> Option<Errors> {
    if fx.header("scheduler").is_some() {
        return None;
    }
    let adam_like = |fx: &Fixture| {
        (
            fx.f("lr"),
            fx.pair("betas"),
            fx.f("eps"),
            fx.f("weight_decay"),
            fx.b("maximize"),
        )
    };
    Some(match fx.header("optimizer")? {
        "SGD" => first_order(sgd(fx), fx),
        "Adam" => {
            let (lr, betas, eps, wd, maximize) = adam_like(fx);
            let opt = Adam::builder()
                .lr(lr)
                .betas(betas)
                .eps(eps)
                .weight_decay(wd)
                .maximize(maximize);
            let opt = opt
                .amsgrad(fx.b("amsgrad"))
                .decoupled_weight_decay(fx.b("decoupled_weight_decay"));
            first_order(opt.build().unwrap(), fx)
        }
        "AdamW" => {
            let (lr, betas, eps, wd, maximize) = adam_like(fx);
            let opt = AdamW::builder()
                .lr(lr)
                .betas(betas)
                .eps(eps)
                .weight_decay(wd)
                .maximize(maximize);
            first_order(opt.amsgrad(fx.b("amsgrad")).build().unwrap(), fx)
        }
        "Adamax" => {
            let (lr, betas, eps, wd, maximize) = adam_like(fx);
            let opt = Adamax::builder()
                .lr(lr)
                .betas(betas)
                .eps(eps)
                .weight_decay(wd)
                .maximize(maximize);
            first_order(opt.build().unwrap(), fx)
        }
        "NAdam" => {
            let (lr, betas, eps, wd, maximize) = adam_like(fx);
            let opt = NAdam::builder()
                .lr(lr)
                .betas(betas)
                .eps(eps)
                .weight_decay(wd)
                .maximize(maximize);
            let opt = opt
                .momentum_decay(fx.f("momentum_decay"))
                .decoupled_weight_decay(fx.b("decoupled_weight_decay"));
            first_order(opt.build().unwrap(), fx)
        }
        "RAdam" => {
            let (lr, betas, eps, wd, maximize) = adam_like(fx);
            let opt = RAdam::builder()
                .lr(lr)
                .betas(betas)
                .eps(eps)
                .weight_decay(wd)
                .maximize(maximize);
            let opt = opt.decoupled_weight_decay(fx.b("decoupled_weight_decay"));
            first_order(opt.build().unwrap(), fx)
        }
        "Adagrad" => {
            let opt = Adagrad::builder()
                .lr(fx.f("lr"))
                .lr_decay(fx.f("lr_decay"))
                .eps(fx.f("eps"))
                .weight_decay(fx.f("weight_decay"))
                .initial_accumulator_value(fx.f("initial_accumulator_value"))
                .maximize(fx.b("maximize"));
            first_order(opt.build().unwrap(), fx)
        }
        "RMSprop" => {
            let opt = RmsProp::builder()
                .lr(fx.f("lr"))
                .momentum(fx.f("momentum"))
                .alpha(fx.f("alpha"))
                .eps(fx.f("eps"))
                .centered(fx.b("centered"))
                .weight_decay(fx.f("weight_decay"))
                .maximize(fx.b("maximize"));
            first_order(opt.build().unwrap(), fx)
        }
        "Adadelta" => {
            let opt = Adadelta::builder()
                .lr(fx.f("lr"))
                .rho(fx.f("rho"))
                .eps(fx.f("eps"))
                .weight_decay(fx.f("weight_decay"))
                .maximize(fx.b("maximize"));
            first_order(opt.build().unwrap(), fx)
        }
        "LBFGS" => lbfgs(fx),
        _ => return None,
    })
}

#[test]
fn every_torch_fixture_matches() {
    let cases = torch_cases();
    assert!(
        cases.len() > 50,
        "expected the PyTorch fixtures, found {}",
        cases.len()
    );
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut worst: Vec<(String, Errors)> = Vec::new();
    for name in &cases {
        let fx = Fixture::load(name);
        let Some(errors) = check(&fx) else { continue };
        checked += 1;
        let optimizer = fx.header("optimizer").unwrap_or("?").to_owned();
        match worst.iter_mut().find(|(o, _)| *o == optimizer) {
            Some((_, w)) => {
                w.replay = w.replay.max(errors.replay);
                w.closed = w.closed.max(errors.closed);
            }
            None => worst.push((optimizer, errors)),
        }
        if errors.replay > TOL || errors.closed > TOL {
            failures.push(format!("{name}: {errors:?}"));
        }
    }
    for (optimizer, w) in &worst {
        println!(
            "{optimizer:>9}: replay {:.2e}  closed loop / bound {:.2e}",
            w.replay, w.closed
        );
    }
    assert!(checked >= 90, "only {checked} fixtures checked");
    assert!(
        failures.is_empty(),
        "{} fixtures disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
