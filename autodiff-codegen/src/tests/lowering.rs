//! Lowering, construct by construct: the IR of each supported construct computes what the
//! Rust code computes, and each unsupported construct is reported where it is.

use super::check::{close, reverse_gradient, run};
use crate::attr::Args;
use crate::ctxt::Ctxt;
use crate::ir::Function;
use crate::ir::eval::Value;
use crate::lower::lower_function;
use crate::signature;

/// Lowers a function's source; the errors, as messages, if any.
pub fn lower_source(src: &str) -> Result<Function, Vec<String>> {
    let item: syn::ItemFn = syn::parse_str(src).map_err(|e| vec![e.to_string()])?;
    let cx = Ctxt::new();
    let sig = signature::check(&cx, &item.sig, &Args::default());
    let func = lower_function(&cx, &sig, &item.block);
    match cx.check() {
        Ok(()) => Ok(func),
        Err(e) => Err(e.into_iter().map(|e| e.to_string()).collect()),
    }
}

fn lowered(src: &str) -> Function {
    lower_source(src).unwrap_or_else(|e| panic!("{src}\n{e:#?}"))
}

/// Checks the lowered function against `native` on a grid of float arguments.
fn agrees(src: &str, ints: &[i64], native: impl Fn(&[f64]) -> f64) {
    let func = lowered(src);
    let nf = func
        .params
        .iter()
        .filter(|p| func.ty(p.var).is_float())
        .count();
    let grid = [-2.5, -1.0, -0.25, 0.0, 0.5, 1.0, 3.0];
    for (k, &a) in grid.iter().enumerate() {
        let xs: Vec<f64> = (0..nf)
            .map(|i| grid[(k + 2 * i) % grid.len()] * (i as f64 + 1.0) + a * 0.1)
            .collect();
        let got = match run(&func, &xs, ints).unwrap_or_else(|e| panic!("{src}: {e}"))[0].clone() {
            Value::F(x) => x,
            other => panic!("{other:?}"),
        };
        let want = native(&xs);
        assert!(
            got == want || (got.is_nan() && want.is_nan()),
            "{src} at {xs:?}: IR {got} vs Rust {want}"
        );
        // The derivative program runs too, and yields the same value.
        let (v, _) = reverse_gradient(&func, &xs, ints).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert!(
            v == want || v.is_nan(),
            "{src}: value and grad gives {v}, expected {want}"
        );
    }
}

#[test]
fn arithmetic_and_precedence() {
    agrees(
        "fn f(x: f64, y: f64) -> f64 { -x * y + x / (1.0 + y * y) - 3.0 % 2.0 }",
        &[],
        |v| -v[0] * v[1] + v[0] / (1.0 + v[1] * v[1]) - 3.0 % 2.0,
    );
}

#[test]
fn let_mut_shadowing_and_compound_assignment() {
    agrees(
        "fn f(x: f64) -> f64 { let mut a = x; a += 1.0; a *= x; let a = a - 2.0; let mut b = a; b /= 3.0; b -= x; { let a = 10.0; b += a; } b + a }",
        &[],
        |v| {
            let x = v[0];
            let mut a = x;
            a += 1.0;
            a *= x;
            let a = a - 2.0;
            let mut b = a;
            b /= 3.0;
            b -= x;
            b += 10.0;
            b + a
        },
    );
}

#[test]
fn if_else_rebinds_what_branches_assign() {
    agrees(
        "fn f(x: f64, y: f64) -> f64 { let mut s = 0.0; let mut t = y; if x > y { s = x * 2.0; } else if x < -1.0 { t = x; s = 1.0; } else { s = y.sin(); } s + t }",
        &[],
        |v| {
            let (x, y) = (v[0], v[1]);
            let (s, t) = if x > y {
                (x * 2.0, y)
            } else if x < -1.0 {
                (1.0, x)
            } else {
                (y.sin(), y)
            };
            s + t
        },
    );
}

#[test]
fn deferred_initialisation() {
    agrees(
        "fn f(x: f64) -> f64 { let y; if x > 0.0 { y = x; } else { y = -x; } y * 2.0 }",
        &[],
        |v| v[0].abs() * 2.0,
    );
}

#[test]
fn match_on_integers_with_ranges_or_patterns_guards_and_bindings() {
    let src = "fn f(x: f64, n: i32) -> f64 { match n { 0 => x, 1 | 2 => x * 2.0, 3..=5 => x * 3.0, k if k > 10 => x * k as f64, _ => 0.5 } }";
    for n in [0, 1, 2, 3, 5, 6, 11, -4] {
        agrees(src, &[n], |v| match n {
            0 => v[0],
            1 | 2 => v[0] * 2.0,
            3..=5 => v[0] * 3.0,
            k if k > 10 => v[0] * k as f64,
            _ => 0.5,
        });
    }
}

#[test]
fn match_on_bool() {
    for b in [0, 1] {
        agrees(
            "fn f(x: f64, up: bool) -> f64 { match up { true => x.exp(), false => x.ln_1p() } }",
            &[b],
            |v| if b == 1 { v[0].exp() } else { v[0].ln_1p() },
        );
    }
}

#[test]
fn early_returns_in_statement_position() {
    let src = "fn f(x: f64, n: i32) -> f64 {
        let y = x * x;
        if n < 0 { return -y; }
        if x > 1.0 { if n == 0 { return y; } let z = y + 1.0; if z > 5.0 { return z.sqrt(); } }
        match n { 1 => { return x; } _ => {} }
        let w = { let inner = y * 3.0; inner - x };
        w
    }";
    for n in [-1, 0, 1, 2] {
        agrees(src, &[n], |v| {
            let x = v[0];
            let y = x * x;
            if n < 0 {
                return -y;
            }
            if x > 1.0 {
                if n == 0 {
                    return y;
                }
                let z = y + 1.0;
                if z > 5.0 {
                    return z.sqrt();
                }
            }
            if n == 1 {
                return x;
            }
            y * 3.0 - x
        });
    }
}

#[test]
fn returns_restore_outer_scopes() {
    agrees(
        "fn f(x: f64) -> f64 { let a = 1.0; { let a = 2.0; if x > 100.0 { return a; } } a + x }",
        &[],
        |v| if v[0] > 100.0 { 2.0 } else { 1.0 + v[0] },
    );
}

#[test]
#[allow(clippy::neg_cmp_op_on_partial_ord)] // the same expression as the source under test
fn short_circuit_logic() {
    agrees(
        "fn f(x: f64, y: f64) -> f64 { if x > 0.0 && y > 0.0 || !(x < -1.0) { x + y } else { x - y } }",
        &[],
        |v| {
            if v[0] > 0.0 && v[1] > 0.0 || !(v[0] < -1.0) {
                v[0] + v[1]
            } else {
                v[0] - v[1]
            }
        },
    );
}

#[test]
fn casts_constants_and_function_call_syntax() {
    agrees(
        "fn f(x: f64, n: usize) -> f64 { let k = n as f64 + 1.0; f64::sin(x) * k + std::f64::consts::PI * f64::EPSILON + f64::max(x, 0.5) + (x as i64) as f64 }",
        &[3],
        |v| {
            v[0].sin() * 4.0
                + std::f64::consts::PI * f64::EPSILON
                + v[0].max(0.5)
                + (v[0] as i64) as f64
        },
    );
}

#[test]
fn every_float_method_parses_in_both_forms() {
    for f in crate::ir::MathFn::ALL {
        let args = match f.arity() {
            1 => String::new(),
            2 if *f == crate::ir::MathFn::Powi => "2".into(),
            2 => "y".into(),
            _ => "-1.0, 1.0".into(),
        };
        let method = format!("fn f(x: f64, y: f64) -> f64 {{ x.{}({args}) }}", f.name());
        let sep = if args.is_empty() { "" } else { ", " };
        let path = format!(
            "fn f(x: f64, y: f64) -> f64 {{ f64::{}(x{sep}{args}) }}",
            f.name()
        );
        let a = lowered(&method);
        let b = lowered(&path);
        let va = run(&a, &[0.4, 1.3], &[]).map(|v| v[0].clone());
        let vb = run(&b, &[0.4, 1.3], &[]).map(|v| v[0].clone());
        assert_eq!(format!("{va:?}"), format!("{vb:?}"), "{}", f.name());
        assert!(va.is_ok(), "{}: {va:?}", f.name());
    }
}

fn errors(src: &str) -> Vec<String> {
    match lower_source(src) {
        Ok(_) => panic!("expected errors for {src}"),
        Err(e) => e,
    }
}

#[test]
fn unsupported_constructs_are_reported_together() {
    let errs = errors(
        "fn f(x: f64) -> f64 { let c = |a: f64| a; let v = vec![x]; for i in x.iter().map(g) {} unsafe { x } }",
    );
    assert_eq!(errs.len(), 4, "{errs:#?}");
    assert!(errs[0].contains("closures are not supported"), "{errs:#?}");
    assert!(errs[1].contains("macros (`vec!`)"), "{errs:#?}");
    assert!(errs[2].contains("unsupported loop"), "{errs:#?}");
    assert!(errs[3].contains("`unsafe` blocks"), "{errs:#?}");
}

#[test]
fn type_errors_say_how_to_fix_them() {
    assert!(
        errors("fn f(x: f64) -> f64 { x * 2 }")[0]
            .contains("write the literal with a decimal point")
    );
    assert!(
        errors("fn f(x: f64, n: i32) -> f64 { x * n }")[0]
            .contains("convert the integer with `as f64`")
    );
    assert!(errors("fn f(x: f64) -> f64 { x.sin_cos() }")[0].contains("supported float methods"));
    assert!(errors("fn f(x: f64) -> f64 { let a = 1.0; a = x; a }")[0].contains("let mut a"));
    assert!(errors("fn f(x: f64) -> f64 { match x { _ => x } }")[0].contains("`match` on a float"));
}

#[test]
fn gradient_of_lowered_code_is_right() {
    let func = lowered(
        "fn f(x: f64, y: f64) -> f64 { let mut s = x * y; if s > 1.0 { s = s.ln(); } s + y.powi(3) }",
    );
    let (_, g) = reverse_gradient(&func, &[2.0, 3.0], &[]).unwrap_or_else(|e| panic!("{e}"));
    // s = ln(xy): ∂x = 1/x, ∂y = 1/y + 3y²
    assert!(
        close(g[0], 0.5, 1e-15, 0.0) && close(g[1], 1.0 / 3.0 + 27.0, 1e-15, 0.0),
        "{g:?}"
    );
    let (_, g) = reverse_gradient(&func, &[0.5, 1.0], &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g, vec![1.0, 0.5 + 3.0]);
}

#[test]
fn what_a_branch_stores_is_not_forwarded_to_the_other_branch() {
    agrees(
        "fn f(x: f64, y: f64) -> f64 { let mut h = [0.5; 2]; let mut r = 0.0; if x > y { h[0] = x; r = h[0]; } else { r = h[0] * y; } r + h[0] }",
        &[],
        |v| {
            let mut h = [0.5; 2];
            let r;
            if v[0] > v[1] {
                h[0] = v[0];
                r = h[0];
            } else {
                r = h[0] * v[1];
            }
            r + h[0]
        },
    );
}

#[test]
fn repeated_reads_of_a_parameter_element_are_one_value() {
    let func = lowered("fn f(x: &[f64]) -> f64 { x[0] * x[0] + x[1] }");
    let reads = format!("{:?}", func.body).matches("Index(").count();
    assert_eq!(reads, 2, "{:#?}", func.body);
}
