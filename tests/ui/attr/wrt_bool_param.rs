use autodiff::differentiable;

#[differentiable(wrt(flag))]
fn choose(x: f64, flag: bool) -> f64 {
    if flag { x } else { -x }
}

fn main() {}
