//! A whole batch run — eight `[f64; 2]` problems in a fixed-size `[P; 8]` batch, each with
//! its own Adam state and `LossNotDecreasing` state, a custom reduce rule and an observer —
//! allocates nothing. One test in this binary, so no other test's allocations can
//! interfere; the counter only counts on the test's own thread while the run is in progress.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use autodiff_runtime::minimize::{BatchMinimize, BatchStatus, LossNotDecreasing};
use autodiff_runtime::optim::Adam;

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
fn a_fixed_size_batch_run_allocates_nothing() {
    // The counter works: a Box is one allocation.
    let (_, boxed) = allocations_in(|| std::hint::black_box(Box::new(1.0_f64)));
    assert_eq!(boxed, 1);

    // Member k minimizes (x − k)² + (y + k)².
    let objective = |k: usize, p: &[f64; 2], g: &mut [f64; 2]| {
        let (dx, dy) = (p[0] - k as f64, p[1] + k as f64);
        *g = [2.0 * dx, 2.0 * dy];
        dx * dx + dy * dy
    };
    let at_least_six = |flags: &[bool]| flags.iter().filter(|&&c| c).count() >= 6;
    let mut converged_per_step = [0_usize; 2000];

    let (result, allocations) = allocations_in(|| {
        BatchMinimize::new(objective, [[0.0; 2]; 8], Adam::new(0.2).unwrap())
            .max_steps(2000)
            .criterion(LossNotDecreasing::atol(1e-4))
            .reduce(at_least_six)
            .observe(|q| {
                converged_per_step[q.step] = q.has_converged.iter().filter(|&&c| c).count();
            })
            .run()
    });

    assert_eq!(allocations, 0);
    let result = result.unwrap();
    assert_eq!(result.status, BatchStatus::Converged);
    assert!(result.steps > 20, "{}", result.steps);
    assert!(converged_per_step[result.steps - 1] >= 6);
    assert!(
        converged_per_step[..result.steps - 1]
            .iter()
            .all(|&n| n < 6)
    );
    assert!(result.has_converged.iter().filter(|&&c| c).count() >= 6);
}
