fn robust_model_loss(
    w: &[f64; 6],
    scale: f64,
    shift: f64,
    xs: &[[f64; 6]; 16],
    ys: &[f64; 16],
) -> f64 {
    let mut total = 0.0;
    let mut penalty = 0.0;
    for j in 0..w.len() {
        penalty += w[j] * w[j];
        if w[j].abs() > 2.0 {
            penalty += (w[j].abs() - 2.0).powi(3);
        }
    }
    for n in 0..xs.len() {
        let mut z = shift;
        for j in 0..w.len() {
            z += w[j] * xs[n][j];
        }
        let r = z - ys[n];
        let loss = match n % 4 {
            0 => 0.5 * r * r,
            1 => {
                // Huber
                let a = r.abs();
                if a <= 1.0 { 0.5 * a * a } else { a - 0.5 }
            }
            2 => (1.0 + r * r).ln(),
            _ => {
                let s = if z > 0.0 {
                    z + (-z).exp().ln_1p()
                } else {
                    z.exp().ln_1p()
                };
                s - ys[n] * z
            }
        };
        let weight = 1.0 / (1.0 + (scale * xs[n][0]).tanh().powi(2));
        total += weight * loss;
    }
    let mut smooth = 0.0;
    let mut prev = w[0];
    for j in 1..w.len() {
        let d = w[j] - prev;
        smooth += (d * d + 1e-6).sqrt();
        prev = w[j];
    }
    let reg = 0.01 * penalty + 0.1 * smooth + (scale - 1.0).powi(2);
    let data = total / xs.len() as f64;
    (data + reg).max(0.0) + scale.exp().recip() * 1e-3 + shift.sin().powi(2) * 1e-3
}
