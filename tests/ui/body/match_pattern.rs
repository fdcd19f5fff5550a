use autodiff::differentiable;

#[differentiable]
fn stepped(x: f64, n: i32) -> f64 {
    match n {
        ref k if *k > 0 => x * *k as f64,
        _ => x,
    }
}

fn main() {}
