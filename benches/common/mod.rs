//! The functions the benchmarks differentiate, each in five forms:
//!
//! - `#[differentiable]`: the function as a user writes it; the macro generates
//!   `f_value_and_grad` (and `f_value_and_grad_into` for slices);
//! - `*_hand`: a hand-written analytic gradient, written for speed (one fused sweep, the
//!   value and every partial computed once, no bounds checks where iterators avoid them);
//! - `*_dual`: the same function generic over `num_dual::DualNum`, differentiated with
//!   num-dual's forward mode (`first_derivative` with `Dual64`, `gradient` with `DualSVec64`
//!   or `DualDVec64`);
//! - `*_rev`: the same function on `reverse::Var`, a reverse-mode tape (Wengert list);
//! - [`central_diff`]: central finite differences over the plain function.
//!
//! Each form returns `(value, gradient)`, so every benchmark measures the same work.

#![allow(dead_code)] // each bench target uses its own subset

pub mod runs;

use autodiff::differentiable;
use nalgebra::{DVector, SVector};
use num_dual::{Dual64, DualDVec64, DualNum, DualSVec64, first_derivative, gradient};
use reverse::{Gradient, Tape, Var};

// ---------------------------------------------------------------------------------------
// Deterministic data and central differences.
// ---------------------------------------------------------------------------------------

/// `len` numbers in `[lo, hi)` from SplitMix64 seeded with `seed`: the same data on every
/// machine and every run.
pub fn sequence(seed: u64, len: usize, lo: f64, hi: f64) -> Vec<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
    (0..len)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let unit = (z >> 11) as f64 / (1u64 << 53) as f64;
            lo + (hi - lo) * unit
        })
        .collect()
}

/// [`sequence`] as an array.
pub fn array<const N: usize>(seed: u64, lo: f64, hi: f64) -> [f64; N] {
    let v = sequence(seed, N, lo, hi);
    core::array::from_fn(|i| v[i])
}

/// Central differences `(f(x + h e_i) - f(x - h e_i)) / 2h` with `h = ε^(1/3) max(1, |x_i|)`:
/// `2n + 1` evaluations of `f`. `x` is perturbed in place and restored.
pub fn central_diff(f: impl Fn(&[f64]) -> f64, x: &mut [f64], grad: &mut [f64]) -> f64 {
    let h0 = f64::EPSILON.cbrt();
    for i in 0..x.len() {
        let xi = x[i];
        let h = h0 * xi.abs().max(1.0);
        x[i] = xi + h;
        let up = f(x);
        x[i] = xi - h;
        let down = f(x);
        x[i] = xi;
        grad[i] = (up - down) / (2.0 * h);
    }
    f(x)
}

// ---------------------------------------------------------------------------------------
// 2-D Rosenbrock.
// ---------------------------------------------------------------------------------------

#[differentiable]
pub fn rosenbrock2(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

#[inline]
pub fn rosenbrock2_hand(x: f64, y: f64) -> (f64, (f64, f64)) {
    let a = 1.0 - x;
    let b = y - x * x;
    (a * a + 100.0 * b * b, (-2.0 * a - 400.0 * x * b, 200.0 * b))
}

pub fn rosenbrock2_dual<D: DualNum<Primitive = f64>>(x: D, y: D) -> D {
    (-x.clone() + 1.0).powi(2) + (y - x.clone() * &x).powi(2) * 100.0
}

pub fn rosenbrock2_num_dual(x: f64, y: f64) -> (f64, (f64, f64)) {
    let (f, g) = gradient(
        |v: SVector<DualSVec64<2>, 2>| rosenbrock2_dual(v[0], v[1]),
        &SVector::from([x, y]),
    );
    (f, (g[0], g[1]))
}

pub fn rosenbrock2_rev(tape: &Tape, x: f64, y: f64) -> (f64, (f64, f64)) {
    tape.clear();
    let (vx, vy) = (tape.add_var(x), tape.add_var(y));
    let r = (1.0 - vx).powi(2) + 100.0 * (vy - vx * vx).powi(2);
    let g = r.grad();
    (r.val, (g.wrt(&vx), g.wrt(&vy)))
}

pub fn rosenbrock2_fd(x: f64, y: f64) -> (f64, (f64, f64)) {
    let mut p = [x, y];
    let mut g = [0.0; 2];
    let f = central_diff(|p| rosenbrock2(p[0], p[1]), &mut p, &mut g);
    (f, (g[0], g[1]))
}

// ---------------------------------------------------------------------------------------
// n-dimensional Rosenbrock on slices and arrays.
// ---------------------------------------------------------------------------------------

#[differentiable]
pub fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let a = 1.0 - x[i];
        let b = x[i + 1] - x[i] * x[i];
        s += a * a + 100.0 * b * b;
    }
    s
}

/// The same function over a fixed-size array (`N` = 10, 100, 1000 in the benches): the
/// gradient is an array, and nothing allocates.
#[differentiable]
pub fn rosenbrock_array<const N: usize>(x: &[f64; N]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let a = 1.0 - x[i];
        let b = x[i + 1] - x[i] * x[i];
        s += a * a + 100.0 * b * b;
    }
    s
}

/// The fast hand-written gradient: one forward sweep computes the value and writes each
/// partial once (the term of `i` contributes to `g[i]` and, carried, to `g[i + 1]`).
#[inline]
pub fn rosenbrock_hand_into(x: &[f64], g: &mut [f64]) -> f64 {
    assert_eq!(x.len(), g.len(), "gradient buffer of the wrong length");
    let mut s = 0.0;
    let mut carry = 0.0;
    for (w, gi) in x.windows(2).zip(g.iter_mut()) {
        let (xi, xn) = (w[0], w[1]);
        let a = 1.0 - xi;
        let b = xn - xi * xi;
        s += a * a + 100.0 * b * b;
        *gi = carry - 2.0 * a - 400.0 * xi * b;
        carry = 200.0 * b;
    }
    if let Some(last) = g.last_mut() {
        *last = carry;
    }
    s
}

/// [`rosenbrock_hand_into`] returning a fresh `Vec`, like the generated `_value_and_grad`.
pub fn rosenbrock_hand(x: &[f64]) -> (f64, Vec<f64>) {
    let mut g = vec![0.0; x.len()];
    let f = rosenbrock_hand_into(x, &mut g);
    (f, g)
}

/// [`rosenbrock_hand_into`] returning an array, like the generated `_value_and_grad` of an
/// array parameter.
#[inline]
pub fn rosenbrock_hand_array<const N: usize>(x: &[f64; N]) -> (f64, [f64; N]) {
    let mut g = [0.0; N];
    let f = rosenbrock_hand_into(x, &mut g);
    (f, g)
}

pub fn rosenbrock_dual<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let mut s = D::from(0.0);
    for i in 0..x.len() - 1 {
        let a = -x[i].clone() + 1.0;
        let b = x[i + 1].clone() - x[i].clone() * &x[i];
        s += a.clone() * a + b.clone() * b * 100.0;
    }
    s
}

/// num-dual with a dynamically sized gradient (`DualDVec64`): every operation carries an
/// `n`-vector on the heap.
pub fn rosenbrock_num_dual_dyn(x: &[f64]) -> (f64, DVector<f64>) {
    gradient(
        |v: DVector<DualDVec64>| rosenbrock_dual(v.as_slice()),
        &DVector::from_column_slice(x),
    )
}

/// num-dual with a fixed-size gradient (`DualSVec64<N>`): every operation carries an
/// `N`-array on the stack.
pub fn rosenbrock_num_dual_static<const N: usize>(x: &[f64; N]) -> (f64, SVector<f64, N>) {
    gradient(
        |v: SVector<DualSVec64<N>, N>| rosenbrock_dual(v.as_slice()),
        &SVector::from(*x),
    )
}

pub fn rosenbrock_rev_fn<'t>(x: &[Var<'t>]) -> Var<'t> {
    let mut s = 0.0 * x[0];
    for i in 0..x.len() - 1 {
        let a = 1.0 - x[i];
        let b = x[i + 1] - x[i] * x[i];
        s = s + a * a + 100.0 * b * b;
    }
    s
}

pub fn rosenbrock_rev(tape: &Tape, x: &[f64]) -> (f64, Vec<f64>) {
    tape.clear();
    let vars = tape.add_vars(x);
    let r = rosenbrock_rev_fn(&vars);
    let g = r.grad();
    (r.val, g.wrt(&vars[..]))
}

pub fn rosenbrock_fd(x: &mut [f64], g: &mut [f64]) -> f64 {
    central_diff(rosenbrock, x, g)
}

// ---------------------------------------------------------------------------------------
// Logistic regression: mean negative log-likelihood, 1000 samples x 10 features.
// ---------------------------------------------------------------------------------------

pub const FEATURES: usize = 10;
pub const SAMPLES: usize = 1000;

#[differentiable(wrt(w, b))]
pub fn logistic_nll(
    w: &[f64; FEATURES],
    b: f64,
    xs: &[[f64; FEATURES]; SAMPLES],
    ys: &[f64; SAMPLES],
) -> f64 {
    let mut total = 0.0;
    for n in 0..xs.len() {
        let mut z = b;
        for j in 0..w.len() {
            z += w[j] * xs[n][j];
        }
        // log(1 + e^z) without overflow
        let softplus = if z > 0.0 {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        total += softplus - ys[n] * z;
    }
    total / xs.len() as f64
}

/// Logistic-regression data: features uniform in `[-2, 2)`, labels from a noisy linear rule.
pub struct LogisticData {
    pub xs: Box<[[f64; FEATURES]; SAMPLES]>,
    pub ys: Box<[f64; SAMPLES]>,
    pub w: [f64; FEATURES],
    pub b: f64,
}

pub fn logistic_data() -> LogisticData {
    let v = sequence(7, SAMPLES * FEATURES, -2.0, 2.0);
    let noise = sequence(8, SAMPLES, -1.0, 1.0);
    let truth = array::<FEATURES>(9, -1.0, 1.0);
    let mut xs = Box::new([[0.0; FEATURES]; SAMPLES]);
    let mut ys = Box::new([0.0; SAMPLES]);
    for n in 0..SAMPLES {
        xs[n] = core::array::from_fn(|j| v[n * FEATURES + j]);
        let z: f64 = (0..FEATURES).map(|j| truth[j] * xs[n][j]).sum();
        ys[n] = if z + noise[n] > 0.0 { 1.0 } else { 0.0 };
    }
    LogisticData {
        xs,
        ys,
        w: array(10, -0.5, 0.5),
        b: 0.1,
    }
}

/// One sweep: the dot product, one `exp` shared by the softplus and the sigmoid, and the
/// gradient `mean((σ(z) - y) (x, 1))` accumulated on the way.
#[inline]
pub fn logistic_nll_hand(
    w: &[f64; FEATURES],
    b: f64,
    xs: &[[f64; FEATURES]; SAMPLES],
    ys: &[f64; SAMPLES],
) -> (f64, ([f64; FEATURES], f64)) {
    let mut total = 0.0;
    let mut gw = [0.0; FEATURES];
    let mut gb = 0.0;
    for (x, &y) in xs.iter().zip(ys.iter()) {
        let mut z = b;
        for j in 0..FEATURES {
            z += w[j] * x[j];
        }
        let (softplus, sigma) = if z > 0.0 {
            let e = (-z).exp();
            (z + e.ln_1p(), 1.0 / (1.0 + e))
        } else {
            let e = z.exp();
            (e.ln_1p(), e / (1.0 + e))
        };
        total += softplus - y * z;
        let r = sigma - y;
        for j in 0..FEATURES {
            gw[j] += r * x[j];
        }
        gb += r;
    }
    let scale = 1.0 / SAMPLES as f64;
    (total * scale, (gw.map(|g| g * scale), gb * scale))
}

pub fn logistic_nll_dual<D: DualNum<Primitive = f64>>(
    w: &[D],
    b: &D,
    xs: &[[f64; FEATURES]; SAMPLES],
    ys: &[f64; SAMPLES],
) -> D {
    let mut total = D::from(0.0);
    for (x, &y) in xs.iter().zip(ys.iter()) {
        let mut z = b.clone();
        for j in 0..FEATURES {
            z += w[j].clone() * x[j];
        }
        let softplus = if z > 0.0 {
            z.clone() + (-z.clone()).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        total += softplus - z * y;
    }
    total / SAMPLES as f64
}

pub fn logistic_nll_num_dual(
    w: &[f64; FEATURES],
    b: f64,
    xs: &[[f64; FEATURES]; SAMPLES],
    ys: &[f64; SAMPLES],
) -> (f64, SVector<f64, 11>) {
    let mut p = [b; FEATURES + 1];
    p[..FEATURES].copy_from_slice(w);
    gradient(
        |v: SVector<DualSVec64<11>, 11>| {
            logistic_nll_dual(&v.as_slice()[..FEATURES], &v[FEATURES], xs, ys)
        },
        &SVector::from(p),
    )
}

pub fn logistic_nll_rev(
    tape: &Tape,
    w: &[f64; FEATURES],
    b: f64,
    xs: &[[f64; FEATURES]; SAMPLES],
    ys: &[f64; SAMPLES],
) -> (f64, (Vec<f64>, f64)) {
    tape.clear();
    let wv = tape.add_vars(w);
    let bv = tape.add_var(b);
    let mut total = 0.0 * bv;
    for (x, &y) in xs.iter().zip(ys.iter()) {
        let mut z = bv;
        for j in 0..FEATURES {
            z = z + wv[j] * x[j];
        }
        let softplus = if z > 0.0 {
            z + (-z).exp().ln_1p()
        } else {
            z.exp().ln_1p()
        };
        total = total + softplus - z * y;
    }
    let r = total / SAMPLES as f64;
    let g = r.grad();
    (r.val, (g.wrt(&wv[..]), g.wrt(&bv)))
}

/// Central differences over the 11 parameters.
pub fn logistic_nll_fd(
    w: &[f64; FEATURES],
    b: f64,
    xs: &[[f64; FEATURES]; SAMPLES],
    ys: &[f64; SAMPLES],
) -> (f64, [f64; FEATURES + 1]) {
    let mut p = [b; FEATURES + 1];
    p[..FEATURES].copy_from_slice(w);
    let mut g = [0.0; FEATURES + 1];
    let f = central_diff(
        |p| {
            let w: &[f64; FEATURES] = p[..FEATURES].try_into().expect("10 weights");
            logistic_nll(w, p[FEATURES], xs, ys)
        },
        &mut p,
        &mut g,
    );
    (f, g)
}

// ---------------------------------------------------------------------------------------
// x²/20 + tanh(sin(x)).
// ---------------------------------------------------------------------------------------

#[differentiable]
pub fn wiggle(x: f64) -> f64 {
    x * x / 20.0 + x.sin().tanh()
}

#[inline]
pub fn wiggle_hand(x: f64) -> (f64, f64) {
    let (s, c) = x.sin_cos();
    let t = s.tanh();
    (x * x / 20.0 + t, x / 10.0 + c * (1.0 - t * t))
}

pub fn wiggle_num_dual(x: f64) -> (f64, f64) {
    first_derivative(|x: Dual64| x * x / 20.0 + x.sin().tanh(), x)
}

pub fn wiggle_rev(tape: &Tape, x: f64) -> (f64, f64) {
    tape.clear();
    let v = tape.add_var(x);
    let r = v * v / 20.0 + v.sin().tanh();
    let g = r.grad();
    (r.val, g.wrt(&v))
}

pub fn wiggle_fd(x: f64) -> (f64, f64) {
    let mut p = [x];
    let mut g = [0.0];
    let f = central_diff(|p| wiggle(p[0]), &mut p, &mut g);
    (f, g[0])
}

// ---------------------------------------------------------------------------------------
// A two-layer tanh network: 8 inputs, 16 hidden units, 32 samples, squared error.
// ---------------------------------------------------------------------------------------

pub const INPUTS: usize = 8;
pub const HIDDEN: usize = 16;
pub const BATCH: usize = 32;
/// Parameters in the flat layout of the dual and tape versions: `w1`, `b1`, `w2`, `b2`.
pub const MLP_PARAMS: usize = HIDDEN * INPUTS + 2 * HIDDEN + 1;

pub type Mlp = ([[f64; INPUTS]; HIDDEN], [f64; HIDDEN], [f64; HIDDEN], f64);

#[differentiable(wrt(w1, b1, w2, b2))]
pub fn mlp_loss(
    w1: &[[f64; INPUTS]; HIDDEN],
    b1: &[f64; HIDDEN],
    w2: &[f64; HIDDEN],
    b2: f64,
    xs: &[[f64; INPUTS]; BATCH],
    ys: &[f64; BATCH],
) -> f64 {
    let mut loss = 0.0;
    for n in 0..xs.len() {
        let mut h = [0.0; HIDDEN];
        for j in 0..HIDDEN {
            let mut a = b1[j];
            for k in 0..INPUTS {
                a += w1[j][k] * xs[n][k];
            }
            h[j] = a.tanh();
        }
        let mut out = b2;
        for j in 0..HIDDEN {
            out += w2[j] * h[j];
        }
        let e = out - ys[n];
        loss += 0.5 * e * e;
    }
    loss / xs.len() as f64
}

pub struct MlpData {
    pub params: Mlp,
    pub xs: [[f64; INPUTS]; BATCH],
    pub ys: [f64; BATCH],
}

pub fn mlp_data() -> MlpData {
    let u = sequence(20, MLP_PARAMS, -0.5, 0.5);
    let v = sequence(21, BATCH * (INPUTS + 1), -1.5, 1.5);
    MlpData {
        params: mlp_unflatten(&u),
        xs: core::array::from_fn(|n| core::array::from_fn(|k| v[n * INPUTS + k])),
        ys: core::array::from_fn(|n| v[BATCH * INPUTS + n]),
    }
}

pub fn mlp_flatten(p: &Mlp) -> Vec<f64> {
    let mut flat: Vec<f64> = p.0.iter().flatten().copied().collect();
    flat.extend_from_slice(&p.1);
    flat.extend_from_slice(&p.2);
    flat.push(p.3);
    flat
}

pub fn mlp_unflatten(flat: &[f64]) -> Mlp {
    let w1 = core::array::from_fn(|j| core::array::from_fn(|k| flat[j * INPUTS + k]));
    let at = HIDDEN * INPUTS;
    let b1 = core::array::from_fn(|j| flat[at + j]);
    let w2 = core::array::from_fn(|j| flat[at + HIDDEN + j]);
    (w1, b1, w2, flat[at + 2 * HIDDEN])
}

/// Forward pass keeping the hidden layer, then backpropagation through it: each `tanh`
/// and each weight read once per sample.
#[inline]
pub fn mlp_loss_hand(p: &Mlp, xs: &[[f64; INPUTS]; BATCH], ys: &[f64; BATCH]) -> (f64, Mlp) {
    let (w1, b1, w2, b2) = p;
    let mut g: Mlp = ([[0.0; INPUTS]; HIDDEN], [0.0; HIDDEN], [0.0; HIDDEN], 0.0);
    let scale = 1.0 / BATCH as f64;
    let mut loss = 0.0;
    for (x, &y) in xs.iter().zip(ys.iter()) {
        let mut h = [0.0; HIDDEN];
        for j in 0..HIDDEN {
            let mut a = b1[j];
            for k in 0..INPUTS {
                a += w1[j][k] * x[k];
            }
            h[j] = a.tanh();
        }
        let mut out = *b2;
        for j in 0..HIDDEN {
            out += w2[j] * h[j];
        }
        let e = out - y;
        loss += 0.5 * e * e;
        let d_out = e * scale;
        g.3 += d_out;
        for j in 0..HIDDEN {
            g.2[j] += d_out * h[j];
            let d_a = d_out * w2[j] * (1.0 - h[j] * h[j]);
            g.1[j] += d_a;
            for (gw, xk) in g.0[j].iter_mut().zip(x) {
                *gw += d_a * xk;
            }
        }
    }
    (loss * scale, g)
}

/// The network on a flat parameter vector (see [`MLP_PARAMS`]), generic over the number type.
pub fn mlp_loss_dual<D: DualNum<Primitive = f64>>(
    p: &[D],
    xs: &[[f64; INPUTS]; BATCH],
    ys: &[f64; BATCH],
) -> D {
    let at = HIDDEN * INPUTS;
    let mut loss = D::from(0.0);
    for (x, &y) in xs.iter().zip(ys.iter()) {
        let mut out = p[at + 2 * HIDDEN].clone();
        for j in 0..HIDDEN {
            let mut a = p[at + j].clone();
            for k in 0..INPUTS {
                a += p[j * INPUTS + k].clone() * x[k];
            }
            out += p[at + HIDDEN + j].clone() * a.tanh();
        }
        let e = out - y;
        loss += e.clone() * e * 0.5;
    }
    loss / BATCH as f64
}

pub fn mlp_loss_num_dual(
    p: &SVector<f64, MLP_PARAMS>,
    xs: &[[f64; INPUTS]; BATCH],
    ys: &[f64; BATCH],
) -> (f64, SVector<f64, MLP_PARAMS>) {
    gradient(
        |v: SVector<DualSVec64<MLP_PARAMS>, MLP_PARAMS>| mlp_loss_dual(v.as_slice(), xs, ys),
        p,
    )
}

pub fn mlp_loss_rev(
    tape: &Tape,
    p: &[f64],
    xs: &[[f64; INPUTS]; BATCH],
    ys: &[f64; BATCH],
) -> (f64, Vec<f64>) {
    tape.clear();
    let v = tape.add_vars(p);
    let at = HIDDEN * INPUTS;
    let mut loss = 0.0 * v[0];
    for (x, &y) in xs.iter().zip(ys.iter()) {
        let mut out = v[at + 2 * HIDDEN];
        for j in 0..HIDDEN {
            let mut a = v[at + j];
            for k in 0..INPUTS {
                a = a + v[j * INPUTS + k] * x[k];
            }
            out = out + v[at + HIDDEN + j] * a.tanh();
        }
        let e = out - y;
        loss = loss + 0.5 * e * e;
    }
    let r = loss / BATCH as f64;
    let g = r.grad();
    (r.val, g.wrt(&v[..]))
}

pub fn mlp_loss_fd(
    p: &mut [f64],
    g: &mut [f64],
    xs: &[[f64; INPUTS]; BATCH],
    ys: &[f64; BATCH],
) -> f64 {
    central_diff(
        |p| {
            let (w1, b1, w2, b2) = mlp_unflatten(p);
            mlp_loss(&w1, &b1, &w2, b2, xs, ys)
        },
        p,
        g,
    )
}

// ---------------------------------------------------------------------------------------
// Sanity: every form agrees with the generated gradient before anything is timed.
// ---------------------------------------------------------------------------------------

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(
        (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs())),
        "{what}: {a} vs {b}"
    );
}

fn close_all(a: &[f64], b: &[f64], tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        close(*x, *y, tol, &format!("{what}[{i}]"));
    }
}

/// Checks every form of every function against the generated gradient (finite
/// differences loosely); panics on a mismatch, so a benchmark never times a wrong answer.
pub fn check_all() {
    let tape = Tape::new();
    let (x, y) = (-1.2, 1.0);
    let (f, (dx, dy)) = rosenbrock2_value_and_grad(x, y);
    for (name, (f2, (dx2, dy2)), tol) in [
        ("hand", rosenbrock2_hand(x, y), 1e-12),
        ("num-dual", rosenbrock2_num_dual(x, y), 1e-12),
        ("reverse", rosenbrock2_rev(&tape, x, y), 1e-12),
        ("fd", rosenbrock2_fd(x, y), 1e-6),
    ] {
        close_all(
            &[f, dx, dy],
            &[f2, dx2, dy2],
            tol,
            &format!("rosenbrock2 {name}"),
        );
    }

    let mut x = sequence(1, 100, -2.0, 2.0);
    let (f, g) = rosenbrock_value_and_grad(&x);
    let (fh, gh) = rosenbrock_hand(&x);
    close_all(&[f], &[fh], 1e-12, "rosenbrock hand value");
    close_all(&g, &gh, 1e-12, "rosenbrock hand");
    let (fd, gd) = rosenbrock_num_dual_dyn(&x);
    close_all(&[f], &[fd], 1e-12, "rosenbrock num-dual value");
    close_all(&g, gd.as_slice(), 1e-12, "rosenbrock num-dual");
    let (fr, gr) = rosenbrock_rev(&tape, &x);
    close_all(&[f], &[fr], 1e-12, "rosenbrock reverse value");
    close_all(&g, &gr, 1e-12, "rosenbrock reverse");
    let mut gf = vec![0.0; x.len()];
    close_all(
        &[f],
        &[rosenbrock_fd(&mut x, &mut gf)],
        1e-12,
        "rosenbrock fd value",
    );
    close_all(&g, &gf, 1e-6, "rosenbrock fd");
    let a: [f64; 100] = x.clone().try_into().expect("100 elements");
    let (fa, ga) = rosenbrock_array_value_and_grad(&a);
    close_all(&[f], &[fa], 0.0, "rosenbrock_array value");
    close_all(&g, &ga, 0.0, "rosenbrock_array");
    let (fs, gs) = rosenbrock_num_dual_static(&a);
    close_all(&[f], &[fs], 1e-12, "rosenbrock num-dual static value");
    close_all(&g, gs.as_slice(), 1e-12, "rosenbrock num-dual static");
    let mut into = vec![f64::NAN; x.len()];
    close_all(
        &[f],
        &[rosenbrock_value_and_grad_into(&x, &mut into)],
        0.0,
        "into value",
    );
    close_all(&g, &into, 0.0, "rosenbrock_value_and_grad_into");

    let d = logistic_data();
    let (f, (gw, gb)) = logistic_nll_value_and_grad(&d.w, d.b, &d.xs, &d.ys);
    let mut g = gw.to_vec();
    g.push(gb);
    let (fh, (hw, hb)) = logistic_nll_hand(&d.w, d.b, &d.xs, &d.ys);
    let mut h = hw.to_vec();
    h.push(hb);
    close_all(&[f], &[fh], 1e-12, "logistic hand value");
    close_all(&g, &h, 1e-12, "logistic hand");
    let (fd, gd) = logistic_nll_num_dual(&d.w, d.b, &d.xs, &d.ys);
    close_all(&[f], &[fd], 1e-12, "logistic num-dual value");
    close_all(&g, gd.as_slice(), 1e-12, "logistic num-dual");
    let (fr, (rw, rb)) = logistic_nll_rev(&tape, &d.w, d.b, &d.xs, &d.ys);
    let mut r = rw;
    r.push(rb);
    close_all(&[f], &[fr], 1e-12, "logistic reverse value");
    close_all(&g, &r, 1e-12, "logistic reverse");
    let (ff, gf) = logistic_nll_fd(&d.w, d.b, &d.xs, &d.ys);
    close_all(&[f], &[ff], 1e-12, "logistic fd value");
    close_all(&g, &gf, 1e-6, "logistic fd");

    for x in [-2.5, 0.3, 4.0] {
        let (f, g) = wiggle_value_and_grad(x);
        for (name, (f2, g2), tol) in [
            ("hand", wiggle_hand(x), 1e-12),
            ("num-dual", wiggle_num_dual(x), 1e-12),
            ("reverse", wiggle_rev(&tape, x), 1e-12),
            ("fd", wiggle_fd(x), 1e-6),
        ] {
            close_all(&[f, g], &[f2, g2], tol, &format!("wiggle {name}"));
        }
    }

    let d = mlp_data();
    let (w1, b1, w2, b2) = &d.params;
    let (f, grad) = mlp_loss_value_and_grad(w1, b1, w2, *b2, &d.xs, &d.ys);
    let g = mlp_flatten(&grad);
    let (fh, gh) = mlp_loss_hand(&d.params, &d.xs, &d.ys);
    close_all(&[f], &[fh], 1e-12, "mlp hand value");
    close_all(&g, &mlp_flatten(&gh), 1e-12, "mlp hand");
    let mut flat = mlp_flatten(&d.params);
    let (fd, gd) = mlp_loss_num_dual(&SVector::from_column_slice(&flat), &d.xs, &d.ys);
    close_all(&[f], &[fd], 1e-12, "mlp num-dual value");
    close_all(&g, gd.as_slice(), 1e-12, "mlp num-dual");
    let (fr, gr) = mlp_loss_rev(&tape, &flat, &d.xs, &d.ys);
    close_all(&[f], &[fr], 1e-12, "mlp reverse value");
    close_all(&g, &gr, 1e-12, "mlp reverse");
    let mut gf = vec![0.0; flat.len()];
    close_all(
        &[f],
        &[mlp_loss_fd(&mut flat, &mut gf, &d.xs, &d.ys)],
        1e-12,
        "mlp fd value",
    );
    close_all(&g, &gf, 1e-6, "mlp fd");
}
