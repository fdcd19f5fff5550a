//! Interleaved A/B timing of the ratios the targets are stated in: on a shared machine,
//! two criterion benchmarks measured seconds apart see different loads, so each ratio
//! here comes from alternating batches of the methods it compares, round after round
//! (the order alternating too), and is the median of the per-round ratios.
//!
//! `cargo bench --bench ratios` prints one markdown table (see BENCHMARKS.md). An argument
//! that is not a flag filters the cases by substring.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::runs::*;
use common::*;
use nalgebra::SVector;

/// Rounds per case; each round times one batch of every method.
const ROUNDS: usize = 41;
/// Target duration of one batch.
const BATCH: Duration = Duration::from_millis(2);

/// A method under test: `run(n)` calls it `n` times (the loop is compiled with the call
/// inlined, so the dynamic dispatch is paid once per batch, not once per call).
struct Method<'a> {
    name: &'static str,
    run: Box<dyn FnMut(u32) + 'a>,
}

fn method<'a>(name: &'static str, mut f: impl FnMut() + 'a) -> Method<'a> {
    Method {
        name,
        run: Box::new(move |n| {
            for _ in 0..n {
                f();
            }
        }),
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Times `methods` in interleaved batches; prints one table row per method after the
/// first: the medians per call and the median of the per-round ratios to the first.
fn interleave(case: &str, target: &str, methods: &mut [Method<'_>]) {
    // Iterations per batch, per method, so that a batch lasts about BATCH.
    let iters: Vec<u32> = methods
        .iter_mut()
        .map(|m| {
            (m.run)(1);
            let mut n = 1u32;
            loop {
                let start = Instant::now();
                (m.run)(n);
                let elapsed = start.elapsed();
                if elapsed >= BATCH / 8 {
                    let scaled = f64::from(n) * BATCH.as_secs_f64() / elapsed.as_secs_f64();
                    break (scaled as u32).max(1);
                }
                n *= 2;
            }
        })
        .collect();
    let mut times = vec![Vec::with_capacity(ROUNDS); methods.len()];
    for round in 0..ROUNDS {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..methods.len()).collect()
        } else {
            (0..methods.len()).rev().collect()
        };
        for i in order {
            let start = Instant::now();
            (methods[i].run)(iters[i]);
            times[i].push(start.elapsed().as_secs_f64() * 1e9 / f64::from(iters[i]));
        }
    }
    let base = median(&mut times[0].clone());
    for i in 1..methods.len() {
        let mut ratios: Vec<f64> = times[0].iter().zip(&times[i]).map(|(a, b)| a / b).collect();
        let ratio = median(&mut ratios);
        let (lo, hi) = (ratios[ROUNDS / 4], ratios[3 * ROUNDS / 4]);
        let other = median(&mut times[i].clone());
        println!(
            "| {case} | {} | {} | {} | {} | **{ratio:.3}** | {lo:.3}–{hi:.3} | {target} |",
            methods[0].name,
            format_ns(base),
            methods[i].name,
            format_ns(other),
        );
    }
}

fn format_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |case: &str| filter.as_deref().is_none_or(|f| case.contains(f));
    check_all();
    println!(
        "| case | A | A per call | B | B per call | A/B (median) | A/B (quartiles) | target |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");

    if wanted("rosenbrock2") {
        let (x, y) = (-1.2, 1.0);
        interleave(
            "rosenbrock2",
            "≤ 1.10 vs hand",
            &mut [
                method("generated", || {
                    black_box(rosenbrock2_value_and_grad(black_box(x), black_box(y)));
                }),
                method("hand", || {
                    black_box(rosenbrock2_hand(black_box(x), black_box(y)));
                }),
            ],
        );
    }

    for n in [10, 100, 1000] {
        let case = format!("rosenbrock_slice n={n}");
        if !wanted(&case) {
            continue;
        }
        let x = sequence(n as u64, n, -2.0, 2.0);
        let mut a = vec![0.0; n];
        let mut b = vec![0.0; n];
        interleave(
            &case,
            "≤ 1.10 vs hand",
            &mut [
                method("generated-into", || {
                    black_box(rosenbrock_value_and_grad_into(black_box(&x), &mut a));
                }),
                method("hand", || {
                    black_box(rosenbrock_hand_into(black_box(&x), &mut b));
                }),
            ],
        );
        interleave(
            &case,
            if n >= 100 { "≤ 0.10 vs num-dual" } else { "" },
            &mut [
                method("generated", || {
                    black_box(rosenbrock_value_and_grad(black_box(&x)));
                }),
                method("hand-vec", || {
                    black_box(rosenbrock_hand(black_box(&x)));
                }),
                method("num-dual", || {
                    black_box(rosenbrock_num_dual_dyn(black_box(&x)));
                }),
            ],
        );
    }

    macro_rules! arrays {
        ($($n:literal => $generated:path;)*) => {$({
            let case = format!("rosenbrock_array n={}", $n);
            if wanted(&case) {
                let x: [f64; $n] = array($n, -2.0, 2.0);
                let dual = {
                    move || {
                        if $n <= 100 {
                            black_box(rosenbrock_num_dual_static(black_box(&x)));
                        } else {
                            black_box(rosenbrock_num_dual_dyn(black_box(&x)));
                        }
                    }
                };
                interleave(
                    &case,
                    if $n >= 100 { "≤ 1.10 vs hand; ≤ 0.10 vs num-dual" } else { "≤ 1.10 vs hand" },
                    &mut [
                        method("generated", || {
                            black_box($generated(black_box(&x)));
                        }),
                        method("hand", || {
                            black_box(rosenbrock_hand_array(black_box(&x)));
                        }),
                        method("num-dual", dual),
                    ],
                );
            }
        })*};
    }
    arrays! {
        10 => rosenbrock_array_value_and_grad::<10>;
        100 => rosenbrock_array_value_and_grad::<100>;
        1000 => rosenbrock_array_value_and_grad::<1000>;
    }

    if wanted("logistic_nll") {
        let d = logistic_data();
        let (xs, ys) = (&*d.xs, &*d.ys);
        interleave(
            "logistic_nll",
            "≤ 1.10 vs hand",
            &mut [
                method("generated", || {
                    black_box(logistic_nll_value_and_grad(black_box(&d.w), d.b, xs, ys));
                }),
                method("hand", || {
                    black_box(logistic_nll_hand(black_box(&d.w), d.b, xs, ys));
                }),
                method("num-dual", || {
                    black_box(logistic_nll_num_dual(black_box(&d.w), d.b, xs, ys));
                }),
            ],
        );
    }

    if wanted("wiggle") {
        // 64 different points per call: with one repeated point the two methods' calls to
        // the same `sincos` and `tanh` timed 1.0 or 1.4 apart depending on code placement.
        let xs = sequence(30, 64, -3.0, 3.0);
        interleave(
            "wiggle (64 points)",
            "≤ 1.10 vs hand",
            &mut [
                method("generated", || {
                    for &x in black_box(&xs) {
                        black_box(wiggle_value_and_grad(x));
                    }
                }),
                method("hand", || {
                    for &x in black_box(&xs) {
                        black_box(wiggle_hand(x));
                    }
                }),
            ],
        );
    }

    if wanted("mlp_loss") {
        let d = mlp_data();
        let (w1, b1, w2, b2) = &d.params;
        let p = SVector::<f64, MLP_PARAMS>::from_column_slice(&mlp_flatten(&d.params));
        interleave(
            "mlp_loss",
            "≤ 1.10 vs hand",
            &mut [
                method("generated", || {
                    black_box(mlp_loss_value_and_grad(
                        black_box(w1),
                        b1,
                        w2,
                        *b2,
                        &d.xs,
                        &d.ys,
                    ));
                }),
                method("hand", || {
                    black_box(mlp_loss_hand(black_box(&d.params), &d.xs, &d.ys));
                }),
                method("num-dual", || {
                    black_box(mlp_loss_num_dual(black_box(&p), &d.xs, &d.ys));
                }),
            ],
        );
    }

    if wanted("adam") {
        check_runs();
        interleave(
            "adam 1000 steps, 2-D",
            "≤ 1.05 vs hand loop",
            &mut [
                method("minimize", || {
                    black_box(minimize_2d(black_box(X0_2D)));
                }),
                method("hand loop", || {
                    black_box(hand_2d(black_box(X0_2D)));
                }),
                method("hand loop skipping powers", || {
                    black_box(hand_2d_skipping_powers(black_box(X0_2D)));
                }),
                method("hand loop skipping powers, checked", || {
                    black_box(hand_2d_skipping_powers_checked(black_box(X0_2D)));
                }),
            ],
        );
        let x0 = x0_100d();
        interleave(
            "adam 1000 steps, 100-D",
            "≤ 1.05 vs hand loop",
            &mut [
                method("minimize", || {
                    black_box(minimize_100d(black_box(x0)));
                }),
                method("hand loop", || {
                    black_box(hand_100d(black_box(x0)));
                }),
                method("hand loop skipping powers, checked", || {
                    black_box(hand_100d_skipping_powers_checked(black_box(x0)));
                }),
                method("minimize, hand gradient", || {
                    black_box(minimize_hand_grad_100d(black_box(x0)));
                }),
                method("hand loop, generated gradient", || {
                    black_box(hand_loop_generated_grad_100d(black_box(x0)));
                }),
            ],
        );
    }
}
