use autodiff::differentiable;

// rustc does not report unresolved names once a macro has emitted `compile_error!`, so
// `original_still_usable.rs` alone cannot tell whether the function and its generated
// items exist. Here each is used at a deliberately wrong type: the three E0308 errors
// show that `logged_square` is still emitted and that `logged_square_grad` and
// `logged_square_value_and_grad` exist with the signatures of the real generated items.

#[differentiable]
fn logged_square(x: f64) -> f64 {
    println!("x = {x}");
    x * x
}

fn main() {
    let _: () = logged_square(3.0);
    let _: () = logged_square_grad(3.0);
    let _: () = logged_square_value_and_grad(3.0);
}
