use autodiff::differentiable;

#[differentiable]
fn total(rows: &[[f64; 2]]) -> f64 {
    let mut s = 0.0;
    for i in 0..rows.len() {
        s += rows[i][0] * rows[i][1];
    }
    s
}

fn main() {}
