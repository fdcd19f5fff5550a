//! Whole runs: 1000 Adam steps on 2-D and 100-D Rosenbrock, through `Minimize` with the
//! generated gradient and as a fully hand-written loop (plus the two mixed variants on
//! 100-D, which split the difference between the driver and the gradient).
//!
//! `cargo bench --bench minimize` (see BENCHMARKS.md).

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::runs::*;
use criterion::{Criterion, criterion_group, criterion_main};

fn adam_2d(c: &mut Criterion) {
    let mut g = c.benchmark_group("adam_1000_rosenbrock2");
    g.bench_function("minimize", |b| b.iter(|| minimize_2d(black_box(X0_2D))));
    g.bench_function("hand-loop", |b| b.iter(|| hand_2d(black_box(X0_2D))));
    g.finish();
}

fn adam_100d(c: &mut Criterion) {
    let mut g = c.benchmark_group("adam_1000_rosenbrock100");
    let x0 = x0_100d();
    g.bench_function("minimize", |b| b.iter(|| minimize_100d(black_box(x0))));
    g.bench_function("hand-loop", |b| b.iter(|| hand_100d(black_box(x0))));
    g.bench_function("minimize-hand-gradient", |b| {
        b.iter(|| minimize_hand_grad_100d(black_box(x0)))
    });
    g.bench_function("hand-loop-generated-gradient", |b| {
        b.iter(|| hand_loop_generated_grad_100d(black_box(x0)))
    });
    g.finish();
}

fn config() -> Criterion {
    check_runs();
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .without_plots()
}

criterion_group! {
    name = runs;
    config = config();
    targets = adam_2d, adam_100d
}
criterion_main!(runs);
