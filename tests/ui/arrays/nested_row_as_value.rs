use autodiff::differentiable;

#[differentiable]
fn first_row_sum(w: &[[f64; 2]; 2]) -> f64 {
    let row = w[0];
    row[0] + row[1]
}

fn main() {}
