// KNOWN BUG (pinned so that a fix shows up here): raw identifiers are valid parameter
// names, but the macro panics on them instead of supporting them or reporting an error.
// Once fixed, move this file to `tests/ui/pass/` with an assertion on the gradient.

use autodiff::differentiable;

#[differentiable]
fn scaled(r#type: f64) -> f64 {
    r#type * 2.0
}

fn main() {}
