//! Value-and-gradient of each benchmark function, five ways: the generated
//! `f_value_and_grad`, a hand-written gradient, num-dual (forward mode), `reverse` (a
//! reverse-mode tape) and central finite differences.
//!
//! `cargo bench --bench gradients` (see BENCHMARKS.md). Criterion groups are named after
//! the function; the benchmark ids after the method (`generated`, `hand`, `num-dual`,
//! `reverse`, `central-diff`, plus `generated-into`/`hand-vec` for the slice forms).

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::*;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use nalgebra::SVector;
use reverse::Tape;

fn rosenbrock_2d(c: &mut Criterion) {
    let mut g = c.benchmark_group("rosenbrock2");
    let (x, y) = (-1.2, 1.0);
    g.bench_function("generated", |b| {
        b.iter(|| rosenbrock2_value_and_grad(black_box(x), black_box(y)))
    });
    g.bench_function("hand", |b| {
        b.iter(|| rosenbrock2_hand(black_box(x), black_box(y)))
    });
    g.bench_function("num-dual", |b| {
        b.iter(|| rosenbrock2_num_dual(black_box(x), black_box(y)))
    });
    let tape = Tape::new();
    g.bench_function("reverse", |b| {
        b.iter(|| rosenbrock2_rev(&tape, black_box(x), black_box(y)))
    });
    g.bench_function("central-diff", |b| {
        b.iter(|| rosenbrock2_fd(black_box(x), black_box(y)))
    });
    g.finish();
}

fn rosenbrock_slice(c: &mut Criterion) {
    let mut g = c.benchmark_group("rosenbrock_slice");
    let tape = Tape::new();
    for n in [10, 100, 1000] {
        let x = sequence(n as u64, n, -2.0, 2.0);
        let mut buf = vec![0.0; n];
        g.bench_with_input(BenchmarkId::new("generated", n), &x, |b, x| {
            b.iter(|| rosenbrock_value_and_grad(black_box(x)))
        });
        g.bench_with_input(BenchmarkId::new("generated-into", n), &x, |b, x| {
            b.iter(|| rosenbrock_value_and_grad_into(black_box(x), black_box(&mut buf)))
        });
        g.bench_with_input(BenchmarkId::new("hand-vec", n), &x, |b, x| {
            b.iter(|| rosenbrock_hand(black_box(x)))
        });
        g.bench_with_input(BenchmarkId::new("hand", n), &x, |b, x| {
            b.iter(|| rosenbrock_hand_into(black_box(x), black_box(&mut buf)))
        });
        g.bench_with_input(BenchmarkId::new("num-dual", n), &x, |b, x| {
            b.iter(|| rosenbrock_num_dual_dyn(black_box(x)))
        });
        g.bench_with_input(BenchmarkId::new("reverse", n), &x, |b, x| {
            b.iter(|| rosenbrock_rev(&tape, black_box(x)))
        });
        let mut xm = x.clone();
        g.bench_function(BenchmarkId::new("central-diff", n), |b| {
            b.iter(|| rosenbrock_fd(black_box(&mut xm), black_box(&mut buf)))
        });
    }
    g.finish();
}

/// The array forms: the generated gradient returns `[f64; N]` (no allocation); num-dual
/// uses `DualSVec64<N>` up to N = 100 and `DualDVec64` at 1000 (a 1000 x 1000 static dual
/// vector would not fit on the stack).
fn rosenbrock_array(c: &mut Criterion) {
    let mut g = c.benchmark_group("rosenbrock_array");
    let tape = Tape::new();

    macro_rules! sizes {
        ($($n:literal => $generated:path, $static_dual:expr;)*) => {$({
            let x: [f64; $n] = array($n, -2.0, 2.0);
            g.bench_function(BenchmarkId::new("generated", $n), |b| {
                b.iter(|| $generated(black_box(&x)))
            });
            g.bench_function(BenchmarkId::new("hand", $n), |b| {
                b.iter(|| rosenbrock_hand_array(black_box(&x)))
            });
            if $static_dual {
                g.bench_function(BenchmarkId::new("num-dual", $n), |b| {
                    b.iter(|| rosenbrock_num_dual_static(black_box(&x)))
                });
            } else {
                g.bench_function(BenchmarkId::new("num-dual", $n), |b| {
                    b.iter(|| rosenbrock_num_dual_dyn(black_box(&x)))
                });
            }
            g.bench_function(BenchmarkId::new("reverse", $n), |b| {
                b.iter(|| rosenbrock_rev(&tape, black_box(&x)))
            });
            let mut xm = x;
            let mut buf = [0.0; $n];
            g.bench_function(BenchmarkId::new("central-diff", $n), |b| {
                b.iter(|| rosenbrock_fd(black_box(&mut xm), black_box(&mut buf)))
            });
        })*};
    }
    sizes! {
        10 => rosenbrock_array_value_and_grad::<10>, true;
        100 => rosenbrock_array_value_and_grad::<100>, true;
        1000 => rosenbrock_array_value_and_grad::<1000>, false;
    }
    g.finish();
}

fn logistic_regression(c: &mut Criterion) {
    let mut g = c.benchmark_group("logistic_nll");
    let d = logistic_data();
    let (xs, ys) = (&*d.xs, &*d.ys);
    g.bench_function("generated", |b| {
        b.iter(|| logistic_nll_value_and_grad(black_box(&d.w), black_box(d.b), xs, ys))
    });
    g.bench_function("hand", |b| {
        b.iter(|| logistic_nll_hand(black_box(&d.w), black_box(d.b), xs, ys))
    });
    g.bench_function("num-dual", |b| {
        b.iter(|| logistic_nll_num_dual(black_box(&d.w), black_box(d.b), xs, ys))
    });
    let tape = Tape::new();
    g.bench_function("reverse", |b| {
        b.iter(|| logistic_nll_rev(&tape, black_box(&d.w), black_box(d.b), xs, ys))
    });
    g.bench_function("central-diff", |b| {
        b.iter(|| logistic_nll_fd(black_box(&d.w), black_box(d.b), xs, ys))
    });
    g.finish();
}

fn scalar(c: &mut Criterion) {
    // 64 points per iteration: one repeated point makes the timing depend on code
    // placement more than on the derivative (see BENCHMARKS.md).
    let mut g = c.benchmark_group("wiggle");
    let xs = sequence(30, 64, -3.0, 3.0);
    let each = |f: &dyn Fn(f64) -> (f64, f64)| {
        for &x in black_box(&xs) {
            black_box(f(x));
        }
    };
    g.bench_function("generated", |b| b.iter(|| each(&wiggle_value_and_grad)));
    g.bench_function("hand", |b| b.iter(|| each(&wiggle_hand)));
    g.bench_function("num-dual", |b| b.iter(|| each(&wiggle_num_dual)));
    let tape = Tape::new();
    g.bench_function("reverse", |b| b.iter(|| each(&|x| wiggle_rev(&tape, x))));
    g.bench_function("central-diff", |b| b.iter(|| each(&wiggle_fd)));
    g.finish();
}

fn network(c: &mut Criterion) {
    let mut g = c.benchmark_group("mlp_loss");
    let d = mlp_data();
    let (w1, b1, w2, b2) = &d.params;
    g.bench_function("generated", |b| {
        b.iter(|| {
            mlp_loss_value_and_grad(
                black_box(w1),
                black_box(b1),
                black_box(w2),
                black_box(*b2),
                &d.xs,
                &d.ys,
            )
        })
    });
    g.bench_function("hand", |b| {
        b.iter(|| mlp_loss_hand(black_box(&d.params), &d.xs, &d.ys))
    });
    let mut flat = mlp_flatten(&d.params);
    let p = SVector::<f64, MLP_PARAMS>::from_column_slice(&flat);
    g.bench_function("num-dual", |b| {
        b.iter(|| mlp_loss_num_dual(black_box(&p), &d.xs, &d.ys))
    });
    let tape = Tape::new();
    g.bench_function("reverse", |b| {
        b.iter(|| mlp_loss_rev(&tape, black_box(&flat), &d.xs, &d.ys))
    });
    let mut buf = vec![0.0; flat.len()];
    g.bench_function("central-diff", |b| {
        b.iter(|| mlp_loss_fd(black_box(&mut flat), black_box(&mut buf), &d.xs, &d.ys))
    });
    g.finish();
}

fn config() -> Criterion {
    check_all();
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
        .without_plots()
}

criterion_group! {
    name = gradients;
    config = config();
    targets = rosenbrock_2d, rosenbrock_slice, rosenbrock_array, logistic_regression, scalar, network
}
criterion_main!(gradients);
