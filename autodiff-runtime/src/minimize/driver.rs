//! [`Minimize`]: the builder-style driver for one problem.

use super::criteria::{Criterion, NoCriterion, Norm};
use super::objective::{Deterministic, SeededObjective, Stochastic, ValueAndGrad};
use super::result::{MinimizeResult, Status};
use super::seed::StepSeed;
use super::settings::{NoSchedule, Settings};
use super::step::{Slots, advance};
use super::trace::{NoObserver, NoTrace, Observe, Record, TraceLength, TraceableQuantities};
use crate::error::ConfigError;
use crate::optimizer::Optimizer;
use crate::params::Params;
use crate::real::Real;
use crate::schedule::Schedule;

/// Minimizes one loss with one optimizer, tfp's `minimize` as a builder (in the style of
/// argmin's `Executor`).
///
/// ```
/// use autodiff_runtime::minimize::{LossNotDecreasing, Minimize, Status};
/// use autodiff_runtime::optim::Adam;
///
/// // tfp's example: (x - 5)^2 from 0 with Adam(0.1).
/// let loss = |x: &f64, g: &mut f64| { *g = 2.0 * (x - 5.0); (x - 5.0) * (x - 5.0) };
/// let result = Minimize::new(loss, 0.0, Adam::new(0.1).unwrap())
///     .max_steps(1000)
///     .criterion(LossNotDecreasing::atol(0.01))
///     .run()
///     .unwrap();
/// assert_eq!(result.status, Status::Converged);
/// assert!(result.steps < 1000);
/// assert!((result.params - 5.0).abs() < 0.5);
/// ```
///
/// Each step `t = 0, 1, …, max_steps − 1` evaluates the loss and gradient at `θ_t`, lets
/// the optimizer update `θ_t → θ_{t+1}`, then consults the criterion on
/// `(t, loss_t, g_t, θ_{t+1})` — `bootstrap` at step 0, which never converges, `one_step`
/// afterwards, gated by `t ≥ min_num_steps` — and reports the step to the observer and the
/// trace. The run stops after the first step whose criterion holds, after `max_steps`
/// steps, or on the first non-finite loss, gradient or update (see
/// [`Status`]). Unlike tfp, `max_steps(0)` takes no step at all (tfp always takes its
/// bootstrap step, even for `num_steps=0`).
///
/// Call [`criterion`](Self::criterion) before [`observe`](Self::observe) and
/// [`trace`](Self::trace): their closures see the criterion's state type.
#[derive(Debug, Clone)]
pub struct Minimize<P, F, Opt, C = NoCriterion, Obs = NoObserver, Tr = NoTrace, Sch = NoSchedule> {
    objective: F,
    x0: P,
    optimizer: Opt,
    criterion: C,
    observer: Obs,
    trace: Tr,
    schedule: Sch,
    settings: Settings,
}

impl<P, F, Opt> Minimize<P, Deterministic<F>, Opt>
where
    P: Params,
    F: FnMut(&P, &mut P) -> P::Scalar,
    Opt: Optimizer<P>,
{
    /// A run of `optimizer` on `objective` — a function that returns the loss at its first
    /// argument and writes the gradient into its second — from `x0`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::Minimize;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let result = Minimize::new(|x: &[f64; 2], g: &mut [f64; 2]| {
    ///     *g = [2.0 * x[0], 4.0 * x[1]];
    ///     x[0] * x[0] + 2.0 * x[1] * x[1]
    /// }, [1.0, 1.0], Sgd::new(0.1).unwrap())
    /// .max_steps(50)
    /// .run()
    /// .unwrap();
    /// assert!(result.params[0].abs() < 1e-4 && result.params[1].abs() < 1e-4);
    /// ```
    pub fn new(objective: F, x0: P, optimizer: Opt) -> Self {
        Minimize::with_objective(Deterministic(objective), x0, optimizer)
    }
}

impl<P, F, Opt> Minimize<P, Deterministic<ValueAndGrad<F>>, Opt>
where
    P: Params,
    F: FnMut(&P) -> (P::Scalar, P),
    Opt: Optimizer<P>,
{
    /// A run on a function returning `(loss, gradient)`, the shape of the
    /// `f_value_and_grad` functions `#[differentiable]` generates. (For a function of one
    /// array `&[T; N]`, its `f_value_and_grad_into` goes to [`Minimize::new`] as it is and
    /// saves copying the gradient at every step.)
    ///
    /// ```
    /// use autodiff_runtime::minimize::Minimize;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// fn f_value_and_grad(x: f64) -> (f64, f64) {
    ///     ((x - 5.0) * (x - 5.0), 2.0 * (x - 5.0))
    /// }
    /// let result = Minimize::with_value_and_grad(|x| f_value_and_grad(*x), 0.0, Sgd::new(0.25).unwrap())
    ///     .max_steps(60)
    ///     .run()
    ///     .unwrap();
    /// assert!((result.params - 5.0).abs() < 1e-12);
    /// ```
    pub fn with_value_and_grad(value_and_grad: F, x0: P, optimizer: Opt) -> Self {
        Minimize::with_objective(Deterministic(ValueAndGrad(value_and_grad)), x0, optimizer)
    }
}

impl<P, F, Opt> Minimize<P, Stochastic<F>, Opt>
where
    P: Params,
    F: FnMut(&P, &mut P, StepSeed) -> P::Scalar,
    Opt: Optimizer<P>,
{
    /// A run on a stochastic loss, which receives each step's [`StepSeed`] (tfp's
    /// `loss_fn(seed=…)`); set the run's seed with [`seed`](Minimize::seed).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Minimize, StepSeed};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// // A minibatch-like loss: the seed picks a target in {4, 6}; the mean target is 5.
    /// let loss = |x: &f64, g: &mut f64, seed: StepSeed| {
    ///     let target = if seed.value() % 2 == 0 { 4.0 } else { 6.0 };
    ///     *g = 2.0 * (x - target);
    ///     (x - target) * (x - target)
    /// };
    /// let run = |seed| Minimize::stochastic(loss, 0.0, Sgd::new(0.05).unwrap())
    ///     .max_steps(400).seed(seed).run().unwrap().params;
    /// assert_eq!(run(7), run(7)); // reproducible
    /// assert!((run(7) - 5.0).abs() < 1.0);
    /// ```
    pub fn stochastic(objective: F, x0: P, optimizer: Opt) -> Self {
        Minimize::with_objective(Stochastic(objective), x0, optimizer)
    }
}

impl<P, F, Opt> Minimize<P, F, Opt>
where
    P: Params,
    F: SeededObjective<P>,
    Opt: Optimizer<P>,
{
    /// A run on any [`SeededObjective`] (the constructors above wrap closures in one).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Deterministic, Minimize};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let objective = Deterministic(|x: &f64, g: &mut f64| { *g = 2.0 * x; x * x });
    /// let result = Minimize::with_objective(objective, 1.0, Sgd::new(0.5).unwrap())
    ///     .max_steps(1).run().unwrap();
    /// assert_eq!(result.params, 0.0);
    /// ```
    pub fn with_objective(objective: F, x0: P, optimizer: Opt) -> Self {
        Minimize {
            objective,
            x0,
            optimizer,
            criterion: NoCriterion,
            observer: NoObserver,
            trace: NoTrace,
            schedule: NoSchedule,
            settings: Settings::default(),
        }
    }
}

impl<P, F, Opt, C, Sch> Minimize<P, F, Opt, C, NoObserver, NoTrace, Sch>
where
    P: Params,
    Opt: Optimizer<P>,
{
    /// Sets the convergence criterion (default [`NoCriterion`]: run all `max_steps`).
    /// Call it before [`observe`](Self::observe) and [`trace`](Self::trace).
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientNorm, Minimize};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let result = Minimize::new(|x: &f64, g: &mut f64| { *g = 2.0 * x; x * x }, 1.0, Sgd::new(0.1).unwrap())
    ///     .criterion(GradientNorm::max_abs(1e-6))
    ///     .run()
    ///     .unwrap();
    /// assert!(result.converged());
    /// assert!(result.gradient_norm.unwrap() <= 1e-6);
    /// ```
    pub fn criterion<C2: Criterion<P>>(
        self,
        criterion: C2,
    ) -> Minimize<P, F, Opt, C2, NoObserver, NoTrace, Sch> {
        Minimize {
            objective: self.objective,
            x0: self.x0,
            optimizer: self.optimizer,
            criterion,
            observer: NoObserver,
            trace: NoTrace,
            schedule: self.schedule,
            settings: self.settings,
        }
    }
}

impl<P, F, Opt, C, Obs, Tr, Sch> Minimize<P, F, Opt, C, Obs, Tr, Sch>
where
    P: Params,
    Opt: Optimizer<P>,
    C: Criterion<P>,
{
    /// Sets the maximum number of steps (tfp's `num_steps`; default
    /// [`DEFAULT_MAX_STEPS`](super::DEFAULT_MAX_STEPS)). Each step evaluates the objective once, plus whatever a
    /// line search adds.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Minimize, Status};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let result = Minimize::new(|x: &f64, g: &mut f64| { *g = 1.0; *x }, 0.0, Sgd::new(1.0).unwrap())
    ///     .max_steps(7).run().unwrap();
    /// assert_eq!((result.status, result.steps, result.params), (Status::StepLimit, 7, -7.0));
    /// ```
    pub fn max_steps(mut self, max_steps: usize) -> Self {
        self.settings.max_steps = max_steps;
        self
    }

    /// Sets the run's seed (default 0); step `t` receives `StepSeed::for_step(seed, t)`.
    /// Only [`stochastic`](Minimize::stochastic) objectives look at it.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{Minimize, StepSeed};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let mut seen = [0_u64; 2];
    /// let loss = |x: &f64, g: &mut f64, s: StepSeed| { *g = 0.0; *x };
    /// Minimize::stochastic(loss, 0.0, Sgd::new(0.1).unwrap())
    ///     .max_steps(2)
    ///     .seed(42)
    ///     .observe(|q| seen[q.step] = q.seed.value())
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(seen[1], StepSeed::for_step(42, 1).value());
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.settings.seed = seed;
        self
    }

    /// Calls `observer` after every step with the [`TraceableQuantities`]; allocates
    /// nothing. Replaces any previous observer.
    ///
    /// ```
    /// use autodiff_runtime::minimize::Minimize;
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let mut losses = [0.0; 3];
    /// Minimize::new(|x: &f64, g: &mut f64| { *g = 2.0 * x; x * x }, 1.0, Sgd::new(0.25).unwrap())
    ///     .max_steps(3)
    ///     .observe(|q| losses[q.step] = q.loss)
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(losses, [1.0, 0.25, 0.0625]);
    /// ```
    pub fn observe<Obs2>(self, observer: Obs2) -> Minimize<P, F, Opt, C, Obs2, Tr, Sch>
    where
        Obs2: FnMut(&TraceableQuantities<'_, P, C::State, Opt::State>),
    {
        Minimize {
            objective: self.objective,
            x0: self.x0,
            optimizer: self.optimizer,
            criterion: self.criterion,
            observer,
            trace: self.trace,
            schedule: self.schedule,
            settings: self.settings,
        }
    }

    /// Collects `trace_fn(quantities)` at every step into the result's `trace` (tfp's
    /// `trace_fn`; feature `alloc`). See [`trace_length`](Self::trace_length) for padding.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{LossNotDecreasing, Minimize};
    /// use autodiff_runtime::optim::Adam;
    ///
    /// let loss = |x: &f64, g: &mut f64| { *g = 2.0 * (x - 5.0); (x - 5.0) * (x - 5.0) };
    /// let result = Minimize::new(loss, 0.0, Adam::new(0.1).unwrap())
    ///     .max_steps(100)
    ///     .trace(|q| (q.loss, *q.parameters))
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(result.trace.len(), 100);
    /// assert_eq!(result.trace[0].0, 25.0);
    /// assert!((result.trace[0].1 - 0.1).abs() < 1e-9); // x after Adam's first step: lr·g/(|g| + eps)
    /// ```
    #[cfg(feature = "alloc")]
    pub fn trace<T, G>(
        self,
        trace_fn: G,
    ) -> Minimize<P, F, Opt, C, Obs, super::trace::Collect<G, T>, Sch>
    where
        T: Clone,
        G: FnMut(&TraceableQuantities<'_, P, C::State, Opt::State>) -> T,
    {
        Minimize {
            objective: self.objective,
            x0: self.x0,
            optimizer: self.optimizer,
            criterion: self.criterion,
            observer: self.observer,
            trace: super::trace::Collect::new(trace_fn),
            schedule: self.schedule,
            settings: self.settings,
        }
    }

    /// Chooses full-length (default; tfp's `return_full_length_trace=True`) or truncated
    /// traces.
    ///
    /// ```
    /// use autodiff_runtime::minimize::{GradientNorm, Minimize, TraceLength};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let run = |length| Minimize::new(|x: &f64, g: &mut f64| { *g = 2.0 * x; x * x }, 1.0, Sgd::new(0.5).unwrap())
    ///     .max_steps(10)
    ///     .criterion(GradientNorm::max_abs(0.0))
    ///     .trace(|q| q.loss)
    ///     .trace_length(length)
    ///     .run()
    ///     .unwrap()
    ///     .trace;
    /// assert_eq!(run(TraceLength::Truncated), vec![1.0, 0.0]); // converged at step 1
    /// assert_eq!(run(TraceLength::Full), vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    /// ```
    pub fn trace_length(mut self, trace_length: TraceLength) -> Self {
        self.settings.trace_length = trace_length;
        self
    }

    /// Drives the optimizer's learning rate with a [`Schedule`] (PyTorch's protocol): the
    /// driver calls `schedule.start(&mut optimizer)` before step 0 and
    /// `schedule.step(&mut optimizer, loss_t)` after every completed step, with the loss
    /// the step used as the metric (what [`ReduceLrOnPlateau`](crate::schedule::ReduceLrOnPlateau)
    /// watches). Traces see the rate each update used. Replaces any previous schedule.
    ///
    /// ```
    /// use autodiff_runtime::minimize::Minimize;
    /// use autodiff_runtime::optim::Sgd;
    /// use autodiff_runtime::schedule::StepLr;
    ///
    /// let mut rates = Vec::new();
    /// Minimize::new(|x: &f64, g: &mut f64| { *g = 2.0 * x; x * x }, 1.0, Sgd::new(0.1).unwrap())
    ///     .max_steps(5)
    ///     .schedule(StepLr::new(2, 0.5).unwrap())
    ///     .observe(|q| rates.push(q.learning_rate))
    ///     .run()
    ///     .unwrap();
    /// assert_eq!(rates, [0.1, 0.1, 0.05, 0.05, 0.025]);
    /// ```
    pub fn schedule<Sch2: Schedule>(self, schedule: Sch2) -> Minimize<P, F, Opt, C, Obs, Tr, Sch2> {
        Minimize {
            objective: self.objective,
            x0: self.x0,
            optimizer: self.optimizer,
            criterion: self.criterion,
            observer: self.observer,
            trace: self.trace,
            schedule,
            settings: self.settings,
        }
    }
}

impl<P, F, Opt, C, Obs, Tr, Sch> Minimize<P, F, Opt, C, Obs, Tr, Sch>
where
    P: Params,
    F: SeededObjective<P>,
    Opt: Optimizer<P>,
    C: Criterion<P>,
    Obs: Observe<P, C::State, Opt::State>,
    Tr: Record<P, C::State, Opt::State>,
    Sch: Schedule,
{
    /// Runs the minimization. Fails only on an invalid configuration (the criterion's
    /// settings); numerical trouble is reported in the result's [`Status`].
    ///
    /// ```
    /// use autodiff_runtime::minimize::{LossNotDecreasing, Minimize};
    /// use autodiff_runtime::optim::Sgd;
    ///
    /// let err = Minimize::new(|x: &f64, g: &mut f64| { *g = 1.0; *x }, 0.0, Sgd::new(0.1).unwrap())
    ///     .criterion(LossNotDecreasing::atol(0.01).with_window_size(0.0))
    ///     .run()
    ///     .unwrap_err();
    /// assert_eq!(err.parameter(), "window_size");
    /// ```
    pub fn run(self) -> Result<MinimizeResult<P, Tr::Output>, ConfigError> {
        self.criterion.validate()?;
        let Minimize {
            mut objective,
            x0,
            mut optimizer,
            criterion,
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

        let mut params = x0;
        // Step `t` writes its gradient into `grads[t % 2]`, so after a failed evaluation the
        // last finite gradient is still there: its norm is computed once, at the end.
        let mut grads = [params.zeros_like(), params.zeros_like()];
        let mut last_finite_grad = None;
        let mut last_good = params.clone();
        let mut optimizer_state = optimizer.init(&params);
        let mut criterion_state = criterion.init(&params);
        trace.start(max_steps);
        schedule.start(&mut optimizer);

        let mut loss = None;
        let (mut steps, mut evaluations) = (0, 0);
        let mut status = Status::StepLimit;
        for step in 0..max_steps {
            let step_seed = StepSeed::for_step(seed, step);
            let learning_rate = optimizer.learning_rate();
            let mut evaluate = |p: &P, g: &mut P| objective.evaluate(p, g, step_seed);
            let grad = &mut grads[step % 2];
            let slots = Slots {
                params: &mut params,
                grad,
                last_good: &mut last_good,
                optimizer_state: &mut optimizer_state,
                criterion_state: &mut criterion_state,
            };
            let stepped = match advance(
                step,
                &mut evaluate,
                &optimizer,
                &criterion,
                slots,
                &mut evaluations,
            ) {
                Ok(stepped) => stepped,
                Err(failure) => {
                    status = failure.status;
                    if let Some(l) = failure.evaluated {
                        (loss, last_finite_grad) = (Some(l), Some(step % 2));
                    }
                    break;
                }
            };
            steps += 1;
            loss = Some(stepped.loss);
            last_finite_grad = Some(step % 2);
            let quantities = TraceableQuantities {
                step,
                loss: stepped.loss,
                gradients: &grads[step % 2],
                parameters: &params,
                has_converged: stepped.has_converged,
                criterion_state: &criterion_state,
                optimizer_state: &optimizer_state,
                seed: step_seed,
                learning_rate,
                evaluations,
            };
            observer.observe(&quantities);
            trace.record(&quantities);
            schedule.step(&mut optimizer, stepped.loss.to_f64());
            if stepped.has_converged {
                status = Status::Converged;
                break;
            }
        }

        let pad_to = if status == Status::Converged && trace_length == TraceLength::Full {
            max_steps
        } else {
            0
        };
        Ok(MinimizeResult {
            params,
            loss,
            gradient_norm: last_finite_grad.map(|k| Norm::L2.of(&grads[k])),
            status,
            steps,
            evaluations,
            trace: trace.finish(pad_to),
        })
    }
}
