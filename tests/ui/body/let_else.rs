use autodiff::differentiable;

const LIMIT: Option<f64> = Some(3.0);

#[differentiable]
fn capped(x: f64) -> f64 {
    let Some(limit) = LIMIT else {
        return x;
    };
    x.min(limit)
}

fn main() {}
