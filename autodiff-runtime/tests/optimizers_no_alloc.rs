//! Optimizer state and steps allocate nothing for fixed-size parameters: every optimizer
//! (and the schedules) run under a counting global allocator.

mod common;

use autodiff_runtime::optim::*;
use autodiff_runtime::schedule::{OneCycleLr, Schedule};
use autodiff_runtime::{Optimizer, Params};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f`.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    f();
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

fn run<O: Optimizer<([f64; 2], f64)>>(opt: &O) -> ([f64; 2], f64) {
    let mut objective = |p: &([f64; 2], f64), g: &mut ([f64; 2], f64)| {
        let f = common::rosenbrock(&p.0, &mut g.0);
        g.1 = 2.0 * p.1;
        f + p.1 * p.1
    };
    let mut x = ([-1.5, 2.0], 1.0);
    let mut state = opt.init(&x);
    let mut g = x.zeros_like();
    for _ in 0..20 {
        let loss = objective(&x, &mut g);
        opt.step(&mut state, &mut x, loss, &g, &mut objective)
            .unwrap();
    }
    x
}

#[test]
fn fixed_size_parameters_never_allocate() {
    // One test function, so no other test thread allocates while counting.
    let sgd = Sgd::builder()
        .lr(1e-3)
        .momentum(0.9)
        .nesterov(true)
        .build()
        .unwrap();
    let adam = Adam::builder().lr(0.01).amsgrad(true).build().unwrap();
    let rms = RmsProp::builder()
        .centered(true)
        .momentum(0.5)
        .build()
        .unwrap();
    let lbfgs = Lbfgs::builder()
        .capacity::<5>()
        .line_search(LineSearch::StrongWolfe)
        .build()
        .unwrap();
    let lbfgs_fixed = Lbfgs::builder().lr(0.1).build().unwrap();
    let mut moved = Vec::with_capacity(16);
    let counted = allocations(|| {
        moved.push(run(&sgd));
        moved.push(run(&adam));
        moved.push(run(&AdamW::new(0.01).unwrap()));
        moved.push(run(&Adagrad::new(0.1).unwrap()));
        moved.push(run(&rms));
        moved.push(run(&Adadelta::default()));
        moved.push(run(&Adamax::new(0.01).unwrap()));
        moved.push(run(&NAdam::new(0.01).unwrap()));
        moved.push(run(&RAdam::new(0.01).unwrap()));
        moved.push(run(&lbfgs));
        moved.push(run(&lbfgs_fixed));
        let mut sgd = Sgd::builder().momentum(0.9).build().unwrap();
        let mut schedule = OneCycleLr::builder(0.1, 10).build().unwrap();
        schedule.start(&mut sgd);
        for _ in 0..10 {
            schedule.step(&mut sgd, 0.0);
        }
    });
    assert_eq!(counted, 0);
    assert_eq!(moved.len(), 11);
    assert!(moved.iter().all(|x| *x != ([-1.5, 2.0], 1.0)), "{moved:?}");
}
