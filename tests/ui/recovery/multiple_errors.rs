use autodiff::differentiable;

// Every problem in the attribute, the signature and the body is reported in one build.

#[differentiable(wrt(x, y), order = 2)]
fn messy(x: f64, y: f32, n: u32) -> f64 {
    println!("start");
    let sq = |t: f64| t * t;
    let mut acc = 0.0;
    for _ in (0..n).skip(1) {
        acc += x;
    }
    sq(acc) + x.fract() + y as f64
}

fn main() {}
