//! A whole `minimize` run with L-BFGS and its strong-Wolfe line search on a fixed-size
//! parameter (history in a fixed-capacity state), a gradient-norm criterion and an observer
//! allocates nothing. One test in this binary, so no other test's allocations can interfere.

use autodiff_runtime::minimize::{GradientNorm, Minimize, Status};
use autodiff_runtime::optim::{Lbfgs, LineSearch};

#[path = "support/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::{Counting, allocations_in};

#[global_allocator]
static GLOBAL: Counting = Counting;

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
