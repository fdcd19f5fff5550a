//! [`BatchMinimize`]: a batch of independent problems run in lock step, each with its own
//! parameters, optimizer state, criterion state and convergence flag (tfp's batched loss).

use super::criteria::{Criterion, NoCriterion, Norm};
use super::members::Members;
use super::objective::{BatchObjective, PerMember, StochasticPerMember};
use super::reduce::{All, Reduce};
use super::result::{BatchResult, BatchStatus};
use super::seed::StepSeed;
use super::settings::{NoSchedule, Settings};
use super::step::{Slots, advance, nan};
use super::trace::{BatchObserve, BatchQuantities, BatchRecord, NoObserver, NoTrace, TraceLength};
use crate::error::ConfigError;
use crate::optimizer::Optimizer;
use crate::params::Params;
use crate::real::Real;
use crate::schedule::Schedule;

type Scalar<B> = <<B as Members>::Item as Params>::Scalar;

/// Minimizes a batch of independent problems with one optimizer configuration — tfp's
/// `minimize` on a loss with a batch shape.
///
/// Member `k` starts from `x0[k]`, is evaluated as `objective(k, θ, grad)` and has its own
/// optimizer state, criterion state and `has_converged` flag (criteria are elementwise,
/// including [`SuccessiveGradientsAreUncorrelated`](super::SuccessiveGradientsAreUncorrelated),
/// which tfp pools — see its docs). After every step the [`Reduce`] rule (default [`All`])
/// decides from the flags whether the run stops. As in tfp, converged members keep being
/// updated until then and may un-converge. A member whose loss, gradient or update stops
/// being finite is rolled back to its last good parameters, frozen, and reported in
/// `failures`; the run stops early if every member has failed.
///
/// With `[P; K]` starting points the whole run allocates nothing; `Vec<P>` (feature
/// `alloc`) allocates the per-member buffers once.
///
/// ```
/// use autodiff_runtime::minimize::{BatchMinimize, BatchStatus, LossNotDecreasing};
/// use autodiff_runtime::optim::Adam;
///
/// // tfp's batch example: ten copies of (x - 5)^2, each with its own convergence flag.
/// let result = BatchMinimize::new(|_k, x: &f64, g: &mut f64| {
///     *g = 2.0 * (x - 5.0);
///     (x - 5.0) * (x - 5.0)
/// }, [0.0; 10], Adam::new(0.1).unwrap())
/// .max_steps(1000)
/// .criterion(LossNotDecreasing::atol(0.01))
/// .run()
/// .unwrap();
/// assert_eq!(result.status, BatchStatus::Converged);
/// assert!(result.has_converged.iter().all(|&c| c));
/// ```
#[derive(Debug, Clone)]
pub struct BatchMinimize<
    B,
    F,
    Opt,
    C = NoCriterion,
    R = All,
    Obs = NoObserver,
    Tr = NoTrace,
    Sch = NoSchedule,
> {
    objective: F,
    x0: B,
    optimizer: Opt,
    criterion: C,
    reduce: R,
    observer: Obs,
    trace: Tr,
    schedule: Sch,
    settings: Settings,
}

impl<B, F, Opt> BatchMinimize<B, PerMember<F>, Opt>
where
    B: Members,
    F: FnMut(usize, &B::Item, &mut B::Item) -> Scalar<B>,
    Opt: Optimizer<B::Item>,
{
    /// A batch run from the starting points `x0` (`[P; K]` or `Vec<P>`); `objective(k, θ,
    /// grad)` returns member `k`'s loss at `θ` and writes its gradient.
    ///
    /// ```
    /// use autodiff_runtime::minimize::BatchMinimize;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let targets = [1.0, -2.0];
    /// let result = BatchMinimize::new(|k, x: &f64, g: &mut f64| {
    ///     *g = 2.0 * (x - targets[k]);
    ///     (x - targets[k]) * (x - targets[k])
    /// }, [0.0; 2], Sgd::new(0.5).unwrap())
    /// .max_steps(1)
    /// .run()
    /// .unwrap();
    /// assert_eq!(result.params, targets);
    /// ```
    pub fn new(objective: F, x0: B, optimizer: Opt) -> Self {
        BatchMinimize::with_objective(PerMember(objective), x0, optimizer)
    }
}

impl<B, F, Opt> BatchMinimize<B, StochasticPerMember<F>, Opt>
where
    B: Members,
    F: FnMut(usize, &B::Item, &mut B::Item, StepSeed) -> Scalar<B>,
    Opt: Optimizer<B::Item>,
{
    /// A batch run on a stochastic loss: member `k` at step `t` receives
    /// `StepSeed::for_step(seed, t).fold_in(k)`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{BatchMinimize, StepSeed};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let mut seeds = [[0_u64; 2]; 1];
    /// BatchMinimize::stochastic(|_k, x: &f64, g: &mut f64, _s: StepSeed| { *g = 0.0; *x },
    ///     [0.0; 2], Sgd::new(0.1).unwrap())
    ///     .max_steps(1)
    ///     .seed(3)
    ///     .observe(|q| seeds[q.step] = [q.seed.fold_in(0).value(), q.seed.fold_in(1).value()])
    ///     .run()
    ///     .unwrap();
    /// assert_ne!(seeds[0][0], seeds[0][1]); // members draw independent noise
    /// ```
    pub fn stochastic(objective: F, x0: B, optimizer: Opt) -> Self {
        BatchMinimize::with_objective(StochasticPerMember(objective), x0, optimizer)
    }
}

impl<B, F, Opt> BatchMinimize<B, F, Opt>
where
    B: Members,
    F: BatchObjective<B::Item>,
    Opt: Optimizer<B::Item>,
{
    /// A batch run on any [`BatchObjective`].
    ///
    /// ```
    /// use autodiff_runtime::minimize::{BatchMinimize, PerMember};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let objective = PerMember(|_k: usize, x: &f64, g: &mut f64| { *g = 2.0 * x; x * x });
    /// let result = BatchMinimize::with_objective(objective, [1.0, 2.0], Sgd::new(0.5).unwrap())
    ///     .max_steps(1).run().unwrap();
    /// assert_eq!(result.params, [0.0, 0.0]);
    /// ```
    pub fn with_objective(objective: F, x0: B, optimizer: Opt) -> Self {
        BatchMinimize {
            objective,
            x0,
            optimizer,
            criterion: NoCriterion,
            reduce: All,
            observer: NoObserver,
            trace: NoTrace,
            schedule: NoSchedule,
            settings: Settings::default(),
        }
    }
}

impl<B, F, Opt, C, R, Sch> BatchMinimize<B, F, Opt, C, R, NoObserver, NoTrace, Sch>
where
    B: Members,
    Opt: Optimizer<B::Item>,
{
    /// Sets the convergence criterion, applied to each member separately. Call it before
    /// [`observe`](Self::observe) and [`trace`](Self::trace).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{BatchMinimize, GradientNorm};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let result = BatchMinimize::new(|_k, x: &f64, g: &mut f64| { *g = 2.0 * x; x * x },
    ///     [1.0, -1.0], Sgd::new(0.5).unwrap())
    ///     .criterion(GradientNorm::max_abs(0.0))
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(result.steps, 2); // both land on 0 at step 0; step 1 sees zero gradients
    /// ```
    pub fn criterion<C2: Criterion<B::Item>>(
        self,
        criterion: C2,
    ) -> BatchMinimize<B, F, Opt, C2, R, NoObserver, NoTrace, Sch> {
        BatchMinimize {
            objective: self.objective,
            x0: self.x0,
            optimizer: self.optimizer,
            criterion,
            reduce: self.reduce,
            observer: NoObserver,
            trace: NoTrace,
            schedule: self.schedule,
            settings: self.settings,
        }
    }
}

impl<B, F, Opt, C, R, Obs, Tr, Sch> BatchMinimize<B, F, Opt, C, R, Obs, Tr, Sch>
where
    B: Members,
    Opt: Optimizer<B::Item>,
    C: Criterion<B::Item>,
{
    /// Sets the maximum number of steps (default
    /// [`DEFAULT_MAX_STEPS`](super::DEFAULT_MAX_STEPS)).
    ///
    /// ```
    /// use autodiff_runtime::minimize::BatchMinimize;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let result = BatchMinimize::new(|_k, x: &f64, g: &mut f64| { *g = 1.0; *x },
    ///     [0.0; 2], Sgd::new(1.0).unwrap()).max_steps(3).run().unwrap();
    /// assert_eq!(result.params, [-3.0, -3.0]);
    /// ```
    pub fn max_steps(mut self, max_steps: usize) -> Self {
        self.settings.max_steps = max_steps;
        self
    }

    /// Sets the run's seed (default 0).
    ///
    /// ```
    /// use autodiff_runtime::minimize::BatchMinimize;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let run = BatchMinimize::new(|_k, x: &f64, g: &mut f64| { *g = 1.0; *x },
    ///     [0.0; 2], Sgd::new(1.0).unwrap()).seed(9);
    /// assert!(run.run().is_ok());
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.settings.seed = seed;
        self
    }

    /// Sets the rule that turns the members' flags into "stop" (default [`All`]).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Any, BatchMinimize, GradientNorm};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// // Member 0 starts at its optimum, member 1 never gets there with this step size.
    /// let result = BatchMinimize::new(|_k, x: &f64, g: &mut f64| { *g = 2.0 * x; x * x },
    ///     [0.0, 1.0], Sgd::new(0.1).unwrap())
    ///     .criterion(GradientNorm::max_abs(0.0))
    ///     .reduce(Any)
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(result.has_converged, [true, false]);
    /// assert_eq!(result.steps, 2);
    /// ```
    pub fn reduce<R2: Reduce>(self, reduce: R2) -> BatchMinimize<B, F, Opt, C, R2, Obs, Tr, Sch> {
        BatchMinimize {
            objective: self.objective,
            x0: self.x0,
            optimizer: self.optimizer,
            criterion: self.criterion,
            reduce,
            observer: self.observer,
            trace: self.trace,
            schedule: self.schedule,
            settings: self.settings,
        }
    }

    /// Calls `observer` after every step with the [`BatchQuantities`]; allocates nothing.
    ///
    /// ```
    /// use autodiff_runtime::minimize::BatchMinimize;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let mut first_losses = [0.0; 2];
    /// BatchMinimize::new(|k, x: &f64, g: &mut f64| { *g = 1.0; x + k as f64 },
    ///     [0.0; 2], Sgd::new(1.0).unwrap())
    ///     .max_steps(1)
    ///     .observe(|q| first_losses.copy_from_slice(q.losses))
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(first_losses, [0.0, 1.0]);
    /// ```
    pub fn observe<Obs2>(self, observer: Obs2) -> BatchMinimize<B, F, Opt, C, R, Obs2, Tr, Sch>
    where
        Obs2: FnMut(&BatchQuantities<'_, B::Item, C::State, Opt::State>),
    {
        BatchMinimize {
            objective: self.objective,
            x0: self.x0,
            optimizer: self.optimizer,
            criterion: self.criterion,
            reduce: self.reduce,
            observer,
            trace: self.trace,
            schedule: self.schedule,
            settings: self.settings,
        }
    }

    /// Collects `trace_fn(quantities)` at every step into the result's `trace` (feature
    /// `alloc`), padded as chosen by [`trace_length`](Self::trace_length).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{BatchMinimize, GradientNorm};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let result = BatchMinimize::new(|_k, x: &f64, g: &mut f64| { *g = 2.0 * x; x * x },
    ///     [1.0, 2.0], Sgd::new(0.5).unwrap())
    ///     .max_steps(4)
    ///     .criterion(GradientNorm::max_abs(0.0))
    ///     .trace(|q| [q.has_converged[0], q.has_converged[1]])
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(result.trace, vec![[false; 2], [true; 2], [true; 2], [true; 2]]);
    /// ```
    #[cfg(feature = "alloc")]
    pub fn trace<T, G>(
        self,
        trace_fn: G,
    ) -> BatchMinimize<B, F, Opt, C, R, Obs, super::trace::Collect<G, T>, Sch>
    where
        T: Clone,
        G: FnMut(&BatchQuantities<'_, B::Item, C::State, Opt::State>) -> T,
    {
        BatchMinimize {
            objective: self.objective,
            x0: self.x0,
            optimizer: self.optimizer,
            criterion: self.criterion,
            reduce: self.reduce,
            observer: self.observer,
            trace: super::trace::Collect::new(trace_fn),
            schedule: self.schedule,
            settings: self.settings,
        }
    }

    /// Chooses full-length (default) or truncated traces.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{BatchMinimize, GradientNorm, TraceLength};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let result = BatchMinimize::new(|_k, x: &f64, g: &mut f64| { *g = 2.0 * x; x * x },
    ///     [1.0], Sgd::new(0.5).unwrap())
    ///     .max_steps(4)
    ///     .criterion(GradientNorm::max_abs(0.0))
    ///     .trace(|q| q.step)
    ///     .trace_length(TraceLength::Truncated)
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(result.trace, vec![0, 1]);
    /// ```
    pub fn trace_length(mut self, trace_length: TraceLength) -> Self {
        self.settings.trace_length = trace_length;
        self
    }

    /// Drives the shared optimizer's learning rate with a [`Schedule`], as
    /// [`Minimize::schedule`](super::Minimize::schedule) does; the metric passed to
    /// `schedule.step` is the sum of the losses of the members updated in that step (the
    /// scalar tfp differentiates for a batched loss).
    ///
    /// ```
    /// use autodiff_runtime::minimize::BatchMinimize;
    /// use autodiff_runtime::optim::Sgd;
    /// use autodiff_runtime::schedule::ExponentialLr;
    ///
    /// let mut rates = Vec::new();
    /// BatchMinimize::new(|_k, x: &f64, g: &mut f64| { *g = 2.0 * x; x * x },
    ///     [1.0, 2.0], Sgd::new(0.1).unwrap())
    ///     .max_steps(3)
    ///     .schedule(ExponentialLr::new(0.5).unwrap())
    ///     .observe(|q| rates.push(q.learning_rate))
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(rates, [0.1, 0.05, 0.025]);
    /// ```
    pub fn schedule<Sch2: Schedule>(
        self,
        schedule: Sch2,
    ) -> BatchMinimize<B, F, Opt, C, R, Obs, Tr, Sch2> {
        BatchMinimize {
            objective: self.objective,
            x0: self.x0,
            optimizer: self.optimizer,
            criterion: self.criterion,
            reduce: self.reduce,
            observer: self.observer,
            trace: self.trace,
            schedule,
            settings: self.settings,
        }
    }
}

impl<B, F, Opt, C, R, Obs, Tr, Sch> BatchMinimize<B, F, Opt, C, R, Obs, Tr, Sch>
where
    B: Members,
    F: BatchObjective<B::Item>,
    Opt: Optimizer<B::Item>,
    C: Criterion<B::Item>,
    R: Reduce,
    Obs: BatchObserve<B::Item, C::State, Opt::State>,
    Tr: BatchRecord<B::Item, C::State, Opt::State>,
    Sch: Schedule,
{
    /// Runs the batch. Fails only on an invalid configuration (the criterion's settings,
    /// an empty batch).
    ///
    /// ```
    /// use autodiff_runtime::minimize::BatchMinimize;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let empty: [f64; 0] = [];
    /// let err = BatchMinimize::new(|_k, x: &f64, g: &mut f64| { *g = 1.0; *x }, empty,
    ///     Sgd::new(0.1).unwrap()).run().unwrap_err();
    /// assert_eq!(err.parameter(), "batch size");
    /// ```
    pub fn run(self) -> Result<BatchResult<B, Tr::Output>, ConfigError> {
        self.criterion.validate()?;
        let BatchMinimize {
            mut objective,
            x0: mut params,
            mut optimizer,
            criterion,
            reduce,
            mut observer,
            mut trace,
            mut schedule,
            settings:
                Settings {
                    max_steps,
                    seed,
                    trace_length,
                },
        } = self;
        let size = params.members().len();
        if size == 0 {
            return Err(ConfigError::new("batch size", 0.0, "at least one member"));
        }

        let members = params.members();
        let mut grads = params.build(|k| members[k].zeros_like());
        let mut last_good = params.build(|k| members[k].clone());
        let mut optimizer_states = params.build(|k| optimizer.init(&members[k]));
        let mut criterion_states = params.build(|k| criterion.init(&members[k]));
        let mut losses = params.build(|_| nan::<Scalar<B>>());
        let mut gradient_norms = params.build(|_| None);
        let mut has_converged = params.build(|_| false);
        let mut failures = params.build(|_| None);
        trace.start(max_steps);
        schedule.start(&mut optimizer);

        let (mut steps, mut evaluations) = (0, 0);
        let mut status = BatchStatus::StepLimit;
        for step in 0..max_steps {
            let step_seed = StepSeed::for_step(seed, step);
            let learning_rate = optimizer.learning_rate();
            let mut stepped_any = false;
            let mut metric = 0.0;
            for k in 0..size {
                if failures.as_ref()[k].is_some() {
                    continue;
                }
                let member_seed = step_seed.fold_in(k);
                let mut evaluate =
                    |p: &B::Item, g: &mut B::Item| objective.evaluate(k, p, g, member_seed);
                let slots = Slots {
                    params: &mut params.members_mut()[k],
                    grad: &mut grads.as_mut()[k],
                    last_good: &mut last_good.as_mut()[k],
                    optimizer_state: &mut optimizer_states.as_mut()[k],
                    criterion_state: &mut criterion_states.as_mut()[k],
                };
                match advance(
                    step,
                    &mut evaluate,
                    &optimizer,
                    &criterion,
                    slots,
                    &mut evaluations,
                ) {
                    Ok(stepped) => {
                        stepped_any = true;
                        metric += stepped.loss.to_f64();
                        losses.as_mut()[k] = stepped.loss;
                        gradient_norms.as_mut()[k] = Some(Norm::L2.of(&grads.as_ref()[k]));
                        has_converged.as_mut()[k] = stepped.has_converged;
                    }
                    Err(failure) => {
                        failures.as_mut()[k] = Some(failure.status);
                        has_converged.as_mut()[k] = false;
                        if let Some(loss) = failure.evaluated {
                            losses.as_mut()[k] = loss;
                            gradient_norms.as_mut()[k] = Some(Norm::L2.of(&grads.as_ref()[k]));
                        }
                    }
                }
            }
            if !stepped_any {
                status = BatchStatus::AllMembersFailed;
                break;
            }
            steps += 1;
            let batch_has_converged = reduce.reduce(has_converged.as_ref());
            let quantities = BatchQuantities {
                step,
                losses: losses.as_ref(),
                gradients: grads.as_ref(),
                parameters: params.members(),
                has_converged: has_converged.as_ref(),
                batch_has_converged,
                criterion_states: criterion_states.as_ref(),
                optimizer_states: optimizer_states.as_ref(),
                failures: failures.as_ref(),
                seed: step_seed,
                learning_rate,
                evaluations,
            };
            observer.observe(&quantities);
            trace.record(&quantities);
            schedule.step(&mut optimizer, metric);
            if batch_has_converged {
                status = BatchStatus::Converged;
                break;
            }
        }

        let pad_to = if status == BatchStatus::Converged && trace_length == TraceLength::Full {
            max_steps
        } else {
            0
        };
        let final_losses = params.build(|k| gradient_norms.as_ref()[k].map(|_| losses.as_ref()[k]));
        Ok(BatchResult {
            params,
            losses: final_losses,
            gradient_norms,
            has_converged,
            failures,
            status,
            steps,
            evaluations,
            trace: trace.finish(pad_to),
        })
    }
}
