use autodiff::differentiable;

#[differentiable]
fn repeated(x: &[f64; 3]) -> f64 {
    let mut h = [1.0; 1];
    for i in 0..3 {
        let mut s = 0.0;
        for _ in 0..2 {
            s += (h[0] * x[i]).sin();
        }
        h[0] = s;
    }
    h[0]
}

fn main() {}
