use autodiff::differentiable;

#[differentiable]
fn until_large(w: &[[f64; 3]; 3]) -> f64 {
    let mut s = 0.0;
    'rows: for j in 0..3 {
        for k in 0..3 {
            if s > 10.0 {
                break 'rows;
            }
            s += w[j][k];
        }
    }
    s
}

fn main() {}
