fn mlp_loss(
    w1: &[[f64; 8]; 16],
    b1: &[f64; 16],
    w2: &[f64; 16],
    b2: f64,
    xs: &[[f64; 8]; 32],
    ys: &[f64; 32],
) -> f64 {
    let mut loss = 0.0;
    for n in 0..xs.len() {
        let mut h = [0.0; 16];
        for j in 0..16 {
            let mut a = b1[j];
            for k in 0..8 {
                a += w1[j][k] * xs[n][k];
            }
            h[j] = a.tanh();
        }
        let mut out = b2;
        for j in 0..16 {
            out += w2[j] * h[j];
        }
        let e = out - ys[n];
        loss += 0.5 * e * e;
    }
    loss / xs.len() as f64
}
