use autodiff::differentiable;

struct Point {
    x: f64,
    y: f64,
}

fn norm(p: Point) -> f64 {
    (p.x * p.x + p.y * p.y).sqrt()
}

#[differentiable]
fn distance(x: f64, y: f64) -> f64 {
    norm(Point { x, y })
}

fn main() {}
