use autodiff::differentiable;

struct Config {
    scale: f64,
}

const CONFIG: Config = Config { scale: 2.5 };

#[differentiable]
fn scaled(x: f64) -> f64 {
    CONFIG.scale * x
}

fn main() {}
