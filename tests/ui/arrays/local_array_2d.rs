use autodiff::differentiable;

#[differentiable]
fn outer(a: [f64; 2], b: [f64; 2]) -> f64 {
    let mut m = [[0.0; 2]; 2];
    for j in 0..2 {
        for k in 0..2 {
            m[j][k] = a[j] * b[k];
        }
    }
    m[0][1] + m[1][0]
}

fn main() {}
