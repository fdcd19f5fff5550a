//! A whole `minimize` run with L-BFGS and its strong-Wolfe line search on a fixed-size
//! parameter (history in a fixed-capacity state), a gradient-norm criterion and an observer
//! allocates nothing. One test in this binary, so no other test's allocations can interfere.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use autodiff_runtime::minimize::{GradientNorm, Minimize, Status};
use autodiff_runtime::optim::{Lbfgs, LineSearch};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note_allocation() {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: forwards every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations_in<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    COUNTING.with(|c| c.set(true));
    let result = f();
    COUNTING.with(|c| c.set(false));
    (result, ALLOCATIONS.load(Ordering::SeqCst) - before)
}

#[test]
fn an_lbfgs_minimize_run_allocates_nothing() {
    // The counter works: a Box is one allocation.
    let (_, boxed) = allocations_in(|| std::hint::black_box(Box::new(1.0_f64)));
    assert_eq!(boxed, 1);

    let rosenbrock = |p: &[f64; 2], g: &mut [f64; 2]| {
        let (x, y) = (p[0], p[1]);
        *g = [
            -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
            200.0 * (y - x * x),
        ];
        (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
    };
    let lbfgs = Lbfgs::builder()
        .capacity::<10>()
        .history_size(10)
        .line_search(LineSearch::StrongWolfe)
        .build()
        .unwrap();
    let mut observed = 0;

    let (result, allocations) = allocations_in(|| {
        Minimize::new(rosenbrock, [-1.5, 2.0], lbfgs)
            .max_steps(50)
            .criterion(GradientNorm::max_abs(1e-3))
            .observe(|_| observed += 1)
            .run()
    });

    assert_eq!(allocations, 0);
    let result = result.unwrap();
    assert_eq!(result.status, Status::Converged);
    assert_eq!(observed, result.steps);
    assert!(result.evaluations > result.steps); // the line search ran
    assert!((result.params[0] - 1.0).abs() < 1e-2 && (result.params[1] - 1.0).abs() < 1e-2);
}
