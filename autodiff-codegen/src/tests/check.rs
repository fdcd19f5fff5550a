//! Shared checks: running IR, differentiating it every way, comparing with central
//! differences.

use crate::diff::{forward, reverse};
use crate::ir::Function;
use crate::ir::eval::{Value, eval};
use crate::simplify::{Width, simplify};

/// Runs `func` on float arguments (integer parameters get `ints`, in order).
pub fn run(func: &Function, floats: &[f64], ints: &[i64]) -> Result<Vec<Value>, String> {
    run_with_arrays(func, floats, ints, &[])
}

/// Runs `func`; array parameters take `arrays`, in order.
pub fn run_with_arrays(
    func: &Function,
    floats: &[f64],
    ints: &[i64],
    arrays: &[Value],
) -> Result<Vec<Value>, String> {
    let mut fi = floats.iter();
    let mut ii = ints.iter();
    let mut ai = arrays.iter();
    let args: Vec<Value> = func
        .params
        .iter()
        .map(|p| match func.ty(p.var) {
            crate::ir::Ty::Float => Value::F(*fi.next().unwrap_or(&0.0)),
            crate::ir::Ty::Bool => Value::B(*ii.next().unwrap_or(&0) != 0),
            crate::ir::Ty::Array { .. } => ai.next().cloned().unwrap_or(Value::A(vec![])),
            _ => Value::I(*ii.next().unwrap_or(&0)),
        })
        .collect();
    eval(func, &args)
}

/// The value of `func` at a point.
pub fn value(func: &Function, floats: &[f64], ints: &[i64]) -> Result<f64, String> {
    run(func, floats, ints)?[0].float()
}

/// Value and gradient from the reverse-mode IR (unsimplified and simplified, which must
/// agree exactly).
pub fn reverse_gradient(
    func: &Function,
    floats: &[f64],
    ints: &[i64],
) -> Result<(f64, Vec<f64>), String> {
    let rev =
        reverse(func).map_err(|e| format!("{:?}", e.iter().map(|(_, m)| m).collect::<Vec<_>>()))?;
    let raw = run(&rev, floats, ints)?;
    let mut simple = rev.clone();
    simplify(&mut simple, Width::F64);
    let simplified = run(&simple, floats, ints)?;
    let floats_of = |vs: &[Value]| {
        vs.iter()
            .map(|v| v.float())
            .collect::<Result<Vec<f64>, _>>()
    };
    let (raw, simplified) = (floats_of(&raw)?, floats_of(&simplified)?);
    for (a, b) in raw.iter().zip(&simplified) {
        if !(a == b || (a.is_nan() && b.is_nan())) {
            return Err(format!(
                "simplification changed a result: {raw:?} vs {simplified:?}"
            ));
        }
    }
    Ok((raw[0], raw[1..].to_vec()))
}

/// The gradient from forward mode, one tangent sweep per differentiated parameter.
pub fn forward_gradient(func: &Function, floats: &[f64], ints: &[i64]) -> Result<Vec<f64>, String> {
    let fwd = forward(func)?;
    let n = func.wrt_params().len();
    let mut grad = Vec::with_capacity(n);
    for i in 0..n {
        let mut args = floats.to_vec();
        args.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
        let out = run(&fwd, &args, ints)?;
        grad.push(out[1].float()?);
    }
    Ok(grad)
}

/// Central differences of `func` with respect to float parameter `i`, at step `h`.
pub fn central_difference(
    func: &Function,
    floats: &[f64],
    ints: &[i64],
    i: usize,
    h: f64,
) -> Result<f64, String> {
    let mut plus = floats.to_vec();
    let mut minus = floats.to_vec();
    plus[i] += h;
    minus[i] -= h;
    Ok((value(func, &plus, ints)? - value(func, &minus, ints)?) / (2.0 * h))
}

/// Whether `a` and `b` agree to `rel` relative error, with `abs` as the floor near zero.
pub fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= abs + rel * a.abs().max(b.abs())
}

/// Arguments for a function whose differentiated parameters are `floats` floats followed by
/// an array of `array` floats, taken in that order from the flat vector `flat`.
pub fn flat_args(flat: &[f64], floats: usize, array: Option<usize>) -> (Vec<f64>, Vec<Value>) {
    let scalars = flat[..floats].to_vec();
    let arrays = match array {
        Some(n) => vec![Value::A(
            flat[floats..floats + n]
                .iter()
                .map(|x| Value::F(*x))
                .collect(),
        )],
        None => vec![],
    };
    (scalars, arrays)
}

/// All floats in `values`, arrays flattened in order.
pub fn flatten(values: &[Value]) -> Result<Vec<f64>, String> {
    let mut out = Vec::new();
    for v in values {
        match v {
            Value::F(x) => out.push(*x),
            Value::A(items) => out.extend(flatten(items)?),
            other => return Err(format!("not a float: {other:?}")),
        }
    }
    Ok(out)
}
