//! Shared helpers of the `minimize*` tests: a reader for the recorded tfp fixtures and the
//! two Keras 2 (legacy) optimizers tfp ran with, so tfp's traces can be replayed exactly.
#![allow(dead_code)]

use autodiff_runtime::{Hyperparameters, Objective, Optimizer, Params, StepError, StepReport};

/// One fixture file: `# key: value` header lines, then whitespace-separated rows.
pub struct Fixture {
    pub name: String,
    pub header: Vec<(String, String)>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Fixture {
    /// Reads `tests/fixtures/tfp/<name>.txt`.
    pub fn tfp(name: &str) -> Fixture {
        let path = format!(
            "{}/tests/fixtures/tfp/{name}.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut header = Vec::new();
        let mut rows: Vec<Vec<String>> = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# ") {
                let (k, v) = rest.split_once(": ").expect("header line `# key: value`");
                header.push((k.to_string(), v.to_string()));
            } else if !line.trim().is_empty() {
                rows.push(line.split_whitespace().map(str::to_string).collect());
            }
        }
        let columns: Vec<String> = header
            .iter()
            .find(|(k, _)| k == "columns")
            .expect("columns header")
            .1
            .split_whitespace()
            .map(str::to_string)
            .collect();
        for row in &rows {
            assert_eq!(row.len(), columns.len(), "{name}: row width");
        }
        Fixture {
            name: name.to_string(),
            header,
            columns,
            rows,
        }
    }

    fn index(&self, column: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c == column)
            .unwrap_or_else(|| panic!("{}: no column {column}", self.name))
    }

    /// A column as floats (exact: the files hold Python `repr(float)`).
    pub fn f64s(&self, column: &str) -> Vec<f64> {
        let i = self.index(column);
        self.rows.iter().map(|r| r[i].parse().unwrap()).collect()
    }

    /// A column of raw strings.
    pub fn strings(&self, column: &str) -> Vec<String> {
        let i = self.index(column);
        self.rows.iter().map(|r| r[i].clone()).collect()
    }

    /// A 0/1 column as booleans.
    pub fn bools(&self, column: &str) -> Vec<bool> {
        self.strings(column).iter().map(|s| s == "1").collect()
    }

    /// A header value.
    pub fn header(&self, key: &str) -> &str {
        &self
            .header
            .iter()
            .find(|(k, _)| k == key)
            .expect("header key")
            .1
    }
}

/// Relative closeness, with an absolute floor for values near zero.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

/// Asserts `actual[i] ≈ expected[i]` for every `i`, naming the first mismatch.
pub fn assert_all_close(what: &str, actual: &[f64], expected: &[f64], rel: f64) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(close(*a, *e, rel), "{what}[{i}]: {a:e} vs recorded {e:e}");
    }
}

/// `tf_keras.optimizers.legacy.Adam`, the `ResourceApplyAdam` kernel, with `t = step + 1`:
///
/// ```text
/// alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
/// m += (g - m) * (1 - beta1);  v += (g*g - v) * (1 - beta2)
/// x -= (m * alpha) / (sqrt(v) + epsilon)
/// ```
#[derive(Debug, Clone, Copy)]
pub struct KerasAdam {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
}

impl KerasAdam {
    /// Keras defaults with float64 hyperparameters and epsilon 1e-7, as recorded.
    pub fn new(lr: f64) -> Self {
        KerasAdam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-7,
        }
    }
}

/// State of [`KerasAdam`]: step count and the two moments.
#[derive(Debug, Clone)]
pub struct KerasAdamState<P> {
    pub t: u64,
    pub m: P,
    pub v: P,
}

impl Hyperparameters for KerasAdam {
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}

impl<P: Params<Scalar = f64>> Optimizer<P> for KerasAdam {
    type State = KerasAdamState<P>;

    fn init(&self, params: &P) -> Self::State {
        KerasAdamState {
            t: 0,
            m: params.zeros_like(),
            v: params.zeros_like(),
        }
    }

    fn step<O: Objective<P>>(
        &self,
        state: &mut Self::State,
        params: &mut P,
        _loss: f64,
        grad: &P,
        _objective: &mut O,
    ) -> Result<StepReport, StepError> {
        state.t += 1;
        let t = state.t as f64;
        let (b1, b2) = (self.beta1, self.beta2);
        let alpha = self.lr * (1.0 - b2.powf(t)).sqrt() / (1.0 - b1.powf(t));
        let eps = self.epsilon;
        P::zip_apply(
            [params, &mut state.m, &mut state.v],
            grad,
            &mut |[x, m, v], g| {
                *m += (g - *m) * (1.0 - b1);
                *v += (g * g - *v) * (1.0 - b2);
                *x -= (*m * alpha) / (v.sqrt() + eps);
            },
        );
        Ok(StepReport::default())
    }
}

/// `tf_keras.optimizers.legacy.SGD` without momentum: `x -= lr * g`.
#[derive(Debug, Clone, Copy)]
pub struct KerasSgd(pub f64);

impl Hyperparameters for KerasSgd {
    fn learning_rate(&self) -> f64 {
        self.0
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.0 = lr;
    }
}

impl<P: Params<Scalar = f64>> Optimizer<P> for KerasSgd {
    type State = ();

    fn init(&self, _: &P) {}

    fn step<O: Objective<P>>(
        &self,
        _: &mut (),
        params: &mut P,
        _loss: f64,
        grad: &P,
        _objective: &mut O,
    ) -> Result<StepReport, StepError> {
        let lr = self.0;
        P::zip_apply([params], grad, &mut |[x], g| *x -= lr * g);
        Ok(StepReport::default())
    }
}

/// `(x - target)^2` and its gradient.
pub fn shifted_square(target: f64) -> impl FnMut(&f64, &mut f64) -> f64 + Copy {
    move |x: &f64, g: &mut f64| {
        *g = 2.0 * (x - target);
        (x - target) * (x - target)
    }
}
