//! The gradient of a function of fixed-size arrays performs no heap allocation, loops and
//! local arrays included (the values a loop must save go into fixed-size arrays when its
//! trip count is a compile-time constant), and neither does the `_into` form of a slice
//! function whose loops only accumulate.
//!
//! A counting `#[global_allocator]` counts the allocations made on the measuring thread
//! while a flag is set. This binary holds a single test so that nothing else runs
//! alongside it.

// The functions under test are written in the forms the macro must handle, some of which
// clippy frowns upon (`for i in 0..n` indexing, `p = p * x`).
#![allow(clippy::needless_range_loop, clippy::assign_op_pattern)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use autodiff::differentiable;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn record() {
    // `try_with`: the thread-locals may already be gone while a thread shuts down.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: defers to the system allocator; the counting touches only const-initialised
// thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The number of allocations `f` makes on this thread.
fn allocations<R>(f: impl FnOnce() -> R) -> usize {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|on| on.set(true));
    black_box(f());
    COUNTING.with(|on| on.set(false));
    COUNT.with(|c| c.get())
}

// ---------------------------------------------------------------------------------------
// Functions of arrays.
// ---------------------------------------------------------------------------------------

/// A loop, a local array, a nested array, and a value carried non-linearly through a loop
/// of constant trip count.
#[differentiable(wrt(x))]
fn hidden_energy(x: [f64; 8], w: &[[f64; 8]; 4]) -> f64 {
    let mut h = [0.0; 4];
    for j in 0..4 {
        let mut a = 0.0;
        for k in 0..8 {
            a += w[j][k] * x[k];
        }
        h[j] = a.tanh();
    }
    let mut s = 0.0;
    for j in 0..4 {
        s += h[j] * h[j];
    }
    let mut p = 1.0;
    for k in 0..8 {
        p = p * (1.0 + 0.1 * x[k]).sin();
    }
    s + p
}

/// A two-layer network: gradients with respect to nested arrays.
#[differentiable(wrt(w1, w2))]
fn network(w1: &[[f64; 3]; 4], w2: &[f64; 4], x: &[f64; 3]) -> f64 {
    let mut h = [0.0; 4];
    for j in 0..4 {
        let mut a = 0.0;
        for k in 0..3 {
            a += w1[j][k] * x[k];
        }
        h[j] = a.tanh();
    }
    let mut out = 0.0;
    for j in 0..4 {
        out += w2[j] * h[j];
    }
    out * out
}

/// Horner's scheme on an array, over a reversed range: a carried value overwritten
/// non-linearly, saved in a fixed-size array.
#[differentiable]
fn horner(c: [f64; 6], x: f64) -> f64 {
    let mut p = 0.0;
    for k in (0..6).rev() {
        p = p * x + c[k];
    }
    p
}

/// A local array literal and a branch in a loop.
#[differentiable]
fn clipped_sum(a: f64, b: f64) -> f64 {
    let v = [a, a * b, b.exp(), -b];
    let mut s = 0.0;
    for i in 0..4 {
        if v[i] > 0.0 {
            s += v[i].sqrt();
        } else {
            s -= v[i] * v[i];
        }
    }
    s
}

/// The n-dimensional Rosenbrock function on a slice: only a running sum.
#[differentiable]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let a = 1.0 - x[i];
        let b = x[i + 1] - x[i] * x[i];
        s += a * a + 100.0 * b * b;
    }
    s
}

#[test]
fn gradients_of_array_functions_do_not_allocate() {
    let x = [0.3, -0.2, 0.9, 1.4, -1.1, 0.05, 0.6, -0.7];
    let w = [[0.1, -0.2, 0.3, 0.4, -0.5, 0.6, -0.7, 0.8]; 4];
    let w1 = [
        [0.5, -0.3, 0.2],
        [0.1, 0.9, -0.4],
        [-0.6, 0.2, 0.3],
        [0.7, -0.1, 0.05],
    ];
    let w2 = [0.3, -0.8, 0.5, 1.2];
    let input = [1.0, -2.0, 0.5];
    let c = [1.0, -0.5, 0.25, 2.0, -1.0, 0.125];
    let slice: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.37).sin()).collect();
    let mut buffer = vec![0.0; slice.len()];
    let (mut gw1, mut gw2) = ([[0.0; 3]; 4], [0.0; 4]);

    // The counter sees allocations (a slice's gradient is a new `Vec`).
    assert!(allocations(|| rosenbrock_value_and_grad(black_box(&slice))) >= 1);

    let counts = [
        (
            "hidden_energy_grad",
            allocations(|| hidden_energy_grad(black_box(x), black_box(&w))),
        ),
        (
            "hidden_energy_value_and_grad",
            allocations(|| hidden_energy_value_and_grad(black_box(x), black_box(&w))),
        ),
        (
            "network_grad",
            allocations(|| network_grad(black_box(&w1), black_box(&w2), black_box(&input))),
        ),
        (
            "network_value_and_grad",
            allocations(|| {
                network_value_and_grad(black_box(&w1), black_box(&w2), black_box(&input))
            }),
        ),
        (
            "horner_grad",
            allocations(|| horner_grad(black_box(c), black_box(0.7))),
        ),
        (
            "horner_value_and_grad",
            allocations(|| horner_value_and_grad(black_box(c), black_box(-1.3))),
        ),
        (
            "clipped_sum_value_and_grad",
            allocations(|| clipped_sum_value_and_grad(black_box(0.4), black_box(-0.9))),
        ),
        (
            "rosenbrock_value_and_grad_into",
            allocations(|| rosenbrock_value_and_grad_into(black_box(&slice), &mut buffer)),
        ),
        (
            "network_value_and_grad_into",
            allocations(|| {
                network_value_and_grad_into(
                    black_box(&w1),
                    black_box(&w2),
                    black_box(&input),
                    &mut gw1,
                    &mut gw2,
                )
            }),
        ),
    ];
    for (name, count) in counts {
        assert_eq!(count, 0, "{name} allocated {count} times");
    }

    // And they computed something.
    let (_, g) = horner_value_and_grad(c, 2.0);
    assert_eq!(g.0, [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]);
    assert_eq!(buffer, rosenbrock_grad(&slice));
    assert_eq!((gw1, gw2), network_grad(&w1, &w2, &input));
}
