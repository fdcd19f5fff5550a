//! `&self` methods: the fields of `self` are data, never differentiated.

use autodiff::differentiable;

struct LeastSquares {
    data: Vec<f64>,
    targets: [f64; 3],
    scale: f64,
}

impl LeastSquares {
    #[differentiable]
    fn loss(&self, w: f64, b: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..self.data.len() {
            let e = w * self.data[i] + b - self.targets[i];
            s += e * e;
        }
        self.scale * s
    }

    /// Calls another `&self` method through `Self::`, passing `self`; an array parameter.
    #[differentiable]
    fn regularized(&self, w: f64, b: f64, penalty: &[f64; 2]) -> f64 {
        Self::loss(self, w, b) + penalty[0] * w * w + penalty[1] * b * b
    }
}

fn main() {
    let model = LeastSquares {
        data: vec![1.0, 2.0, 3.0],
        targets: [2.0, 4.0, 6.0],
        scale: 0.5,
    };
    // The exact fit: zero loss, zero gradient.
    assert_eq!(model.loss_value_and_grad(2.0, 0.0), (0.0, (0.0, 0.0)));
    // w = 1, b = 0: errors -1, -2, -3; loss ½·14 = 7; d/dw = Σ e x = -14, d/db = Σ e = -6.
    assert_eq!(model.loss_value_and_grad(1.0, 0.0), (7.0, (-14.0, -6.0)));
    assert_eq!(model.loss_grad(1.0, 0.0), (-14.0, -6.0));
    // b = 0.5: errors -0.5, -1.5, -2.5, loss ½·8.75; the penalty adds 2·1 + 4·0.25,
    // 2 p0 w = 4 to d/dw = Σ e x = -11, 2 p1 b = 4 to d/db = Σ e = -4.5; d/dp = (w², b²).
    assert_eq!(
        model.regularized_value_and_grad(1.0, 0.5, &[2.0, 4.0]),
        (4.375 + 3.0, (-11.0 + 4.0, -4.5 + 4.0, [1.0, 0.25]))
    );
}
