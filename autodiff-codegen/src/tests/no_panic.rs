//! The macro never panics: many malformed and random function bodies go through the
//! `proc_macro2` entry point, and each comes out as tokens (code or `compile_error!`).

use proc_macro2::TokenStream;

use super::random_program::Rng;
use crate::expand::expand;

const SEEDS: &[&str] = &[
    "fn f(x: f64) -> f64 { x }",
    "fn f(x: f64, y: f64) -> f64 { let mut a = x * y; if a > 1.0 { a = a.ln(); } else { return y; } a }",
    "fn f(x: f64, n: i32) -> f64 { match n { 0 => x, 1 | 2 => x.sin(), k if k > 3 => x * k as f64, _ => 0.0 } }",
    "fn f(x: f32) -> f32 { let y; if x > 0.0 { y = x; } else { y = -x; } y.powi(3) + std::f32::consts::PI }",
    "fn f(a: f64, b: f64, c: bool) -> f64 { if c && a < b || !c { a.max(b).clamp(-1.0, 1.0) } else { util::g(a, b) } }",
];

/// Fragments spliced into bodies: valid, unsupported and broken syntax.
const FRAGMENTS: &[&str] = &[
    "x",
    "1.0",
    "2",
    "-",
    "+",
    "*",
    "/",
    "(",
    ")",
    "{",
    "}",
    ";",
    "let",
    "mut",
    "=",
    "if",
    "else",
    "return",
    "match",
    "=>",
    "_",
    ",",
    "for i in 0..3 {}",
    "|a| a",
    "vec![x]",
    "&x",
    "*x",
    "x[0]",
    "x.0",
    "(x, x)",
    "[x; 2]",
    "loop {}",
    "while true {}",
    "unsafe { x }",
    "x?",
    "async {}",
    "x.sin()",
    "f64::cos(x)",
    "g(x)",
    "Self::h(x)",
    "x as i32",
    "true",
    "&&",
    "||",
    "!",
    "<",
    ">=",
    "==",
    "x.powi(2)",
    "x.powf(x)",
    "break",
    "continue",
    "PI",
    "'a:",
    "r#type",
    "impl",
    "struct S;",
    "println!(\"{}\", x)",
    "x.unknown()",
    "1u8",
    "0.5f32",
    "\"s\"",
    "'c'",
    "..",
    "..=",
    "@",
];

fn expand_str(attr: &str, item: &str) -> Option<String> {
    let attr: TokenStream = attr.parse().ok()?;
    let item: TokenStream = item.parse().ok()?;
    Some(expand(attr, item, crate::Listing::Include).to_string())
}

#[test]
fn malformed_attributes_and_items_never_panic() {
    let attrs = [
        "",
        "wrt(x)",
        "wrt()",
        "wrt(x, x)",
        "wrt(q)",
        "wrt(n)",
        "foo",
        "wrt = 3",
        "wrt(x) wrt(y)",
        "wrt(x),",
        "(",
        "wrt(1.0)",
    ];
    let items = [
        "fn f(x: f64, n: i32) -> f64 { x }",
        "struct S;",
        "fn f() {}",
        "fn f(x: f64) -> (f64, f64) { (x, x) }",
        "fn f<T>(x: T) -> T { x }",
        "fn f(&self, x: f64) -> f64 { x }",
        "async fn f(x: f64) -> f64 { x }",
        "fn f((a, b): (f64, f64)) -> f64 { a }",
        "fn f(x: &[f64]) -> f64 { x[0] }",
        "fn f(x: f64, y: f32) -> f64 { x }",
        "fn f(x: f64) -> f64",
        "",
    ];
    for a in attrs {
        for i in items {
            let out = expand_str(a, i);
            assert!(out.is_some() || i.is_empty() || a == "(");
        }
    }
}

#[test]
fn random_bodies_never_panic() {
    let mut rng = Rng::new(7);
    let mut errors = 0;
    for _ in 0..3000 {
        let seed = SEEDS[rng.below(SEEDS.len())];
        let mut tokens: Vec<String> = seed.split(' ').map(str::to_string).collect();
        for _ in 0..1 + rng.below(4) {
            let at = 8 + rng.below(tokens.len().saturating_sub(8).max(1));
            let at = at.min(tokens.len());
            match rng.below(3) {
                0 => tokens.insert(at, FRAGMENTS[rng.below(FRAGMENTS.len())].to_string()),
                1 if at < tokens.len() => {
                    tokens.remove(at);
                }
                _ => {
                    if at < tokens.len() {
                        tokens[at] = FRAGMENTS[rng.below(FRAGMENTS.len())].to_string();
                    }
                }
            }
        }
        let source = tokens.join(" ");
        if let Some(out) = expand_str("", &source) {
            if out.contains("compile_error") {
                errors += 1;
            }
        }
    }
    // Most mutations break something; the test is that none of them panicked, and that
    // errors were really produced rather than swallowed.
    assert!(errors > 500, "only {errors} expansions reported errors");
}
