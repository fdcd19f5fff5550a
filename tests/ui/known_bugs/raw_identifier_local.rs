// KNOWN BUG (pinned so that a fix shows up here): a raw identifier as a local variable (or
// a loop variable) is valid Rust, and raw identifiers as parameters work
// (`tests/ui/pass/raw_identifier.rs`), but the generated code cannot find the local.
// Once fixed, move this case to `tests/ui/pass/raw_identifier.rs` with a gradient check.

use autodiff::differentiable;

#[differentiable]
fn doubled_square(x: f64) -> f64 {
    let r#let = x * 2.0;
    r#let * x
}

fn main() {}
