//! A whole `minimize` run on an array parameter — Adam, a learning-rate schedule, a
//! composite convergence criterion and an observer — allocates nothing. One test in this
//! binary, so no other test's allocations can interfere; the counter only counts on the
//! test's own thread while the run is in progress.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use autodiff_runtime::minimize::{
    AnyOf, LossNotDecreasing, Minimize, Status, SuccessiveGradientsAreUncorrelated,
};
use autodiff_runtime::optim::Adam;
use autodiff_runtime::schedule::StepLr;

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
fn a_minimize_run_on_an_array_parameter_allocates_nothing() {
    // The counter works: a Box is one allocation.
    let (_, boxed) = allocations_in(|| std::hint::black_box(Box::new(1.0_f64)));
    assert_eq!(boxed, 1);

    let targets = [1.0, -2.0, 3.0, 0.5];
    let objective = |x: &[f64; 4], g: &mut [f64; 4]| {
        let mut loss = 0.0;
        for i in 0..4 {
            let d = x[i] - targets[i];
            g[i] = 2.0 * d;
            loss += d * d;
        }
        loss
    };
    let adam = Adam::new(0.1).unwrap();
    let schedule = StepLr::new(50, 0.5).unwrap();
    let criterion = AnyOf(
        LossNotDecreasing::atol(1e-6),
        SuccessiveGradientsAreUncorrelated::new().with_min_num_steps(1000),
    );
    let mut losses = [0.0_f64; 400];
    let mut converged_steps = 0;

    let (result, allocations) = allocations_in(|| {
        Minimize::new(objective, [0.0; 4], adam)
            .max_steps(400)
            .criterion(criterion)
            .schedule(schedule)
            .observe(|q| {
                losses[q.step] = q.loss;
                converged_steps += usize::from(q.has_converged);
            })
            .run()
    });

    assert_eq!(allocations, 0);
    let result = result.unwrap();
    assert!(
        result.steps > 50,
        "the run did real work: {} steps",
        result.steps
    );
    assert!(matches!(
        result.status,
        Status::Converged | Status::StepLimit
    ));
    assert_eq!(losses[0], 1.0 + 4.0 + 9.0 + 0.25);
    assert!(
        losses[result.steps - 1] < 1e-2,
        "{}",
        losses[result.steps - 1]
    );
    assert!(converged_steps <= 1);
}
