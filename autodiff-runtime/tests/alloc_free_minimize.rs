//! A whole `minimize` run on an array parameter — Adam, a learning-rate schedule, a
//! composite convergence criterion and an observer — allocates nothing. One test in this
//! binary, so no other test's allocations can interfere; the counter only counts on the
//! test's own thread while the run is in progress.

use autodiff_runtime::minimize::{
    AnyOf, LossNotDecreasing, Minimize, Status, SuccessiveGradientsAreUncorrelated,
};
use autodiff_runtime::optim::Adam;
use autodiff_runtime::schedule::StepLr;

#[path = "support/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::{Counting, allocations_in};

#[global_allocator]
static GLOBAL: Counting = Counting;

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
