//! A whole batch run — eight `[f64; 2]` problems in a fixed-size `[P; 8]` batch, each with
//! its own Adam state and `LossNotDecreasing` state, a custom reduce rule and an observer —
//! allocates nothing. One test in this binary, so no other test's allocations can
//! interfere; the counter only counts on the test's own thread while the run is in progress.

use autodiff_runtime::minimize::{BatchMinimize, BatchStatus, LossNotDecreasing};
use autodiff_runtime::optim::Adam;

#[path = "support/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::{Counting, allocations_in};

#[global_allocator]
static GLOBAL: Counting = Counting;

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
