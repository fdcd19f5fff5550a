//! Realistic objectives: test functions from optimisation, statistical losses and
//! log-densities, numerically stable formulations with branches, and physics formulas.

#[macro_use]
mod common;

use autodiff::differentiable;
#[allow(unused_imports)]
use common::D;

// Optimisation test functions.

twin! {
    #[differentiable]
    fn rosenbrock(x: f64, y: f64) -> f64 {
        (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
    }
    grad rosenbrock_grad, rosenbrock_value_and_grad;
    at [(-1.5, 2.0), (1.0, 1.0), (0.3, -0.7), (2.0, 3.5), (-0.5, -0.5)]
}

#[test]
fn rosenbrock_known_values() {
    assert_eq!(
        rosenbrock_value_and_grad(-1.5, 2.0),
        (12.5, (-155.0, -50.0))
    );
    assert_eq!(rosenbrock_grad(1.0, 1.0), (0.0, 0.0));
}

twin! {
    #[differentiable]
    fn beale(x: f64, y: f64) -> f64 {
        (1.5 - x + x * y).powi(2) + (2.25 - x + x * y * y).powi(2) + (2.625 - x + x * y.powi(3)).powi(2)
    }
    grad beale_grad, beale_value_and_grad;
    at [(3.0, 0.5), (-1.0, 1.5), (0.5, -0.8), (2.0, 2.0), (-4.0, -1.0)]
}

twin! {
    #[differentiable]
    fn himmelblau(x: f64, y: f64) -> f64 {
        (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2)
    }
    grad himmelblau_grad, himmelblau_value_and_grad;
    at [(3.0, 2.0), (-2.805118, 3.131312), (-0.270845, -0.923039), (0.0, 0.0), (4.5, -4.5)]
}

twin! {
    #[differentiable]
    fn booth(x: f64, y: f64) -> f64 {
        (x + 2.0 * y - 7.0).powi(2) + (2.0 * x + y - 5.0).powi(2)
    }
    grad booth_grad, booth_value_and_grad;
    at [(1.0, 3.0), (-3.0, 2.0), (0.5, -0.5), (10.0, -10.0)]
}

#[test]
fn booth_gradient_is_exact_and_vanishes_at_the_minimum() {
    assert_eq!(booth_grad(1.0, 3.0), (0.0, 0.0));
    // ∂x = 2(x + 2y - 7) + 4(2x + y - 5), ∂y = 4(x + 2y - 7) + 2(2x + y - 5)
    assert_eq!(booth_grad(0.0, 0.0), (-34.0, -38.0));
}

twin! {
    #[differentiable]
    fn rastrigin(x: f64, y: f64) -> f64 {
        let a = 10.0;
        let tau = 2.0 * std::f64::consts::PI;
        2.0 * a + (x * x - a * (tau * x).cos()) + (y * y - a * (tau * y).cos())
    }
    grad rastrigin_grad, rastrigin_value_and_grad;
    at [(0.3, -0.2), (-1.7, 2.2), (4.1, 0.05), (-3.3, -3.3)]
}

twin! {
    #[differentiable]
    fn ackley(x: f64, y: f64) -> f64 {
        let tau = 2.0 * std::f64::consts::PI;
        let r = (0.5 * (x * x + y * y)).sqrt();
        let c = 0.5 * ((tau * x).cos() + (tau * y).cos());
        -20.0 * (-0.2 * r).exp() - c.exp() + std::f64::consts::E + 20.0
    }
    grad ackley_grad, ackley_value_and_grad;
    at [(0.3, -0.2), (-1.7, 2.2), (4.1, 0.05), (-3.3, -3.3)]
}

twin! {
    #[differentiable]
    fn six_hump_camel(x: f64, y: f64) -> f64 {
        (4.0 - 2.1 * x * x + x.powi(4) / 3.0) * x * x + x * y + (-4.0 + 4.0 * y * y) * y * y
    }
    grad six_hump_camel_grad, six_hump_camel_value_and_grad;
    at [(0.0898, -0.7126), (-0.0898, 0.7126), (1.5, 0.5), (-2.0, -1.0)]
}

// Statistical losses and log-densities.

twin! {
    #[differentiable]
    fn softplus(x: f64) -> f64 {
        // ln(1 + e^x), stable on both sides.
        if x > 0.0 {
            x + (-x).exp().ln_1p()
        } else {
            x.exp().ln_1p()
        }
    }
    grad softplus_grad, softplus_value_and_grad;
    at [(-40.0), (-3.0), (-0.5), (0.5), (3.0), (40.0)]
}

twin! {
    #[differentiable]
    fn stable_sigmoid(x: f64) -> f64 {
        if x >= 0.0 {
            1.0 / (1.0 + (-x).exp())
        } else {
            let e = x.exp();
            e / (1.0 + e)
        }
    }
    grad stable_sigmoid_grad, stable_sigmoid_value_and_grad;
    at [(-30.0), (-2.0), (-0.25), (0.25), (2.0), (30.0)]
}

twin! {
    #[differentiable]
    fn log_sum_exp(a: f64, b: f64) -> f64 {
        let m = a.max(b);
        m + ((a - m).exp() + (b - m).exp()).ln()
    }
    grad log_sum_exp_grad, log_sum_exp_value_and_grad;
    at [(1.0, 2.0), (2.0, 1.0), (1.5, 1.5), (-300.0, -301.0), (800.0, 790.0), (-2.0, 3.0)]
}

#[test]
fn log_sum_exp_gradient_is_the_softmax_even_at_a_tie() {
    assert_eq!(log_sum_exp_grad(1.5, 1.5), (0.5, 0.5));
    let (da, db) = log_sum_exp_grad(800.0, 790.0);
    assert!((da + db - 1.0).abs() < 1e-15);
    assert!((db - 1.0 / (1.0 + 10f64.exp())).abs() < 1e-15);
}

twin! {
    #[differentiable]
    fn logistic_loss(w0: f64, w1: f64, b: f64, x0: f64, x1: f64, label: bool) -> f64 {
        // Binary cross-entropy with logits: softplus(z) - y z.
        let z = w0 * x0 + w1 * x1 + b;
        let y = if label { 1.0 } else { 0.0 };
        let softplus = if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() };
        softplus - y * z
    }
    grad logistic_loss_grad, logistic_loss_value_and_grad;
    at [
        (0.5, -1.0, 0.1, 2.0, 0.5, true),
        (0.5, -1.0, 0.1, 2.0, 0.5, false),
        (-2.0, 0.3, -0.5, -1.0, 3.0, true),
        (1.5, 1.5, 2.0, 4.0, -3.0, false),
        (0.2, 0.1, -0.3, -1.0, -2.0, true),
    ]
}

twin! {
    #[differentiable(wrt(mu, sigma))]
    fn gaussian_log_density(x: f64, mu: f64, sigma: f64) -> f64 {
        let z = (x - mu) / sigma;
        -0.5 * z * z - sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
    }
    grad gaussian_log_density_grad, gaussian_log_density_value_and_grad;
    at [(0.5, 0.0, 1.0), (-1.5, 2.0, 0.5), (3.0, 3.5, 2.5), (-10.0, -9.0, 0.1)]
}

twin! {
    #[differentiable]
    fn student_t_log_density(x: f64, nu: f64) -> f64 {
        // Without the normalising constant's lgamma terms.
        -0.5 * (nu + 1.0) * (x * x / nu).ln_1p() - 0.5 * nu.ln()
    }
    grad student_t_log_density_grad, student_t_log_density_value_and_grad;
    at [(0.5, 1.0), (-1.5, 3.0), (3.0, 0.5), (-10.0, 30.0)]
}

twin! {
    cast;
    #[differentiable]
    fn poisson_nll(log_rate: f64, count: u32) -> f64 {
        log_rate.exp() - count as f64 * log_rate
    }
    grad poisson_nll_grad, poisson_nll_value_and_grad;
    at [(0.5, 0), (-1.5, 3), (3.0, 20), (-0.1, 1)]
}

twin! {
    #[differentiable]
    fn cross_entropy_three_classes(z0: f64, z1: f64, z2: f64, class: usize) -> f64 {
        let m = z0.max(z1).max(z2);
        let lse = m + ((z0 - m).exp() + (z1 - m).exp() + (z2 - m).exp()).ln();
        let picked = match class {
            0 => z0,
            1 => z1,
            _ => z2,
        };
        lse - picked
    }
    grad cross_entropy_three_classes_grad, cross_entropy_three_classes_value_and_grad;
    at [(1.0, 2.0, 3.0, 0), (1.0, 2.0, 3.0, 1), (1.0, 2.0, 3.0, 2), (-5.0, 4.0, 0.5, 1), (2.0, 2.0, -1.0, 0)]
}

twin! {
    #[differentiable]
    fn huber(residual: f64, delta: f64) -> f64 {
        let a = residual.abs();
        if a <= delta {
            0.5 * residual * residual
        } else {
            delta * (a - 0.5 * delta)
        }
    }
    grad huber_grad, huber_value_and_grad;
    at [(0.3, 1.0), (-0.3, 1.0), (2.5, 1.0), (-2.5, 1.0), (-0.7, 0.5), (4.0, 2.0)]
}

twin! {
    #[differentiable]
    fn squared_hinge(w: f64, b: f64, x: f64, positive: bool) -> f64 {
        let y = if positive { 1.0 } else { -1.0 };
        let margin = (1.0 - y * (w * x + b)).max(0.0);
        margin * margin + 0.01 * w * w
    }
    grad squared_hinge_grad, squared_hinge_value_and_grad;
    at [(0.5, 0.1, 1.0, true), (0.5, 0.1, 3.0, true), (0.5, 0.1, 1.0, false), (-2.0, 1.0, 2.0, false), (1.0, -0.5, -1.5, true)]
}

twin! {
    #[differentiable]
    fn elastic_net(w0: f64, w1: f64, lambda: f64) -> f64 {
        let data = (w0 * 2.0 - w1 - 0.5).powi(2) + (w0 * 0.5 + w1 * 3.0 + 1.0).powi(2);
        data + lambda * (0.7 * (w0.abs() + w1.abs()) + 0.15 * (w0 * w0 + w1 * w1))
    }
    grad elastic_net_grad, elastic_net_value_and_grad;
    at [(0.5, -0.25, 0.1), (-1.5, 2.0, 1.0), (0.2, 0.3, 0.0), (-0.3, -0.4, 2.5)]
}

twin! {
    #[differentiable]
    fn kl_bernoulli(p: f64, q: f64) -> f64 {
        p * (p / q).ln() + (1.0 - p) * ((1.0 - p) / (1.0 - q)).ln()
    }
    grad kl_bernoulli_grad, kl_bernoulli_value_and_grad;
    at [(0.3, 0.5), (0.9, 0.1), (0.05, 0.6), (0.5, 0.5)]
}

// Physics.

const G: f64 = 9.80665;

twin! {
    #[differentiable]
    fn projectile_range(speed: f64, angle: f64) -> f64 {
        speed * speed * (2.0 * angle).sin() / G
    }
    grad projectile_range_grad, projectile_range_value_and_grad;
    at [(10.0, 0.3), (25.0, std::f64::consts::FRAC_PI_4), (3.0, 1.2), (50.0, 0.05)]
}

twin! {
    #[differentiable]
    fn pendulum_period(length: f64, amplitude: f64) -> f64 {
        // Small-amplitude period with the first two corrections.
        let t0 = 2.0 * std::f64::consts::PI * (length / 9.81).sqrt();
        let s = amplitude * amplitude;
        t0 * (1.0 + s / 16.0 + 11.0 * s * s / 3072.0)
    }
    grad pendulum_period_grad, pendulum_period_value_and_grad;
    at [(1.0, 0.1), (0.25, 0.8), (12.5, -0.5), (3.0, 1.5)]
}

twin! {
    #[differentiable]
    fn lennard_jones(r: f64, epsilon: f64, sigma: f64) -> f64 {
        let s6 = (sigma / r).powi(6);
        4.0 * epsilon * (s6 * s6 - s6)
    }
    grad lennard_jones_grad, lennard_jones_value_and_grad;
    at [(1.0, 1.0, 1.0), (1.122462, 0.5, 1.0), (2.5, 2.0, 1.2), (0.9, 0.1, 1.0)]
}

twin! {
    #[differentiable]
    fn relativistic_kinetic_energy(mass: f64, speed: f64) -> f64 {
        let c = 299_792_458.0;
        let beta = speed / c;
        let gamma = 1.0 / (1.0 - beta * beta).sqrt();
        (gamma - 1.0) * mass * c * c
    }
    grad relativistic_kinetic_energy_grad, relativistic_kinetic_energy_value_and_grad;
    at [(1.0, 1.0e7), (2.5, 1.5e8), (0.001, 2.9e8), (10.0, 3.0e6)]
}

twin! {
    #[differentiable]
    fn planck_spectral_radiance(wavelength: f64, temperature: f64) -> f64 {
        let h = 6.626_070_15e-34;
        let c = 299_792_458.0;
        let k = 1.380_649e-23;
        2.0 * h * c * c / wavelength.powi(5) / (h * c / (wavelength * k * temperature)).exp_m1()
    }
    grad planck_spectral_radiance_grad, planck_spectral_radiance_value_and_grad;
    at [(5.0e-7, 5800.0), (1.0e-5, 300.0), (2.0e-6, 1500.0), (3.0e-3, 2.725)]
}

twin! {
    #[differentiable]
    fn damped_oscillator(t: f64, amplitude: f64, damping: f64, omega: f64, phase: f64) -> f64 {
        amplitude * (-damping * t).exp() * (omega * t + phase).cos()
    }
    grad damped_oscillator_grad, damped_oscillator_value_and_grad;
    at [(0.5, 1.0, 0.1, 6.0, 0.0), (2.0, -0.5, 1.5, 1.0, 1.0), (10.0, 3.0, 0.05, 0.3, -2.0)]
}

twin! {
    #[differentiable]
    fn arrhenius_rate(prefactor: f64, activation_energy: f64, temperature: f64) -> f64 {
        let r = 8.314_462_618;
        prefactor * (-activation_energy / (r * temperature)).exp()
    }
    grad arrhenius_rate_grad, arrhenius_rate_value_and_grad;
    at [(1.0e13, 5.0e4, 300.0), (2.0e10, 8.0e4, 800.0), (5.0, 1.0e3, 50.0)]
}

twin! {
    #[differentiable]
    fn spherical_distance(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
        // Haversine, with atan2 for stability near antipodes.
        let dlat = (lat2 - lat1) * 0.5;
        let dlon = (lon2 - lon1) * 0.5;
        let a = dlat.sin().powi(2) + lat1.cos() * lat2.cos() * dlon.sin().powi(2);
        2.0 * a.sqrt().atan2((1.0 - a).sqrt())
    }
    grad spherical_distance_grad, spherical_distance_value_and_grad;
    at [(0.1, 0.2, 0.5, -0.3), (-0.8, 2.0, 0.9, -2.5), (1.2, -0.1, -1.0, 3.0)]
}

twin! {
    #[differentiable]
    fn orbital_velocity(r: f64, a: f64, mu: f64) -> f64 {
        // Vis-viva equation.
        (mu * (2.0 / r - 1.0 / a)).sqrt()
    }
    grad orbital_velocity_grad, orbital_velocity_value_and_grad;
    at [(7.0e6, 7.5e6, 3.986e14), (1.5e11, 1.5e11, 1.327e20), (2.0, 3.0, 1.0)]
}

twin! {
    cast;
    #[differentiable]
    fn compound_interest(principal: f64, rate: f64, years: f64, periods: i32) -> f64 {
        let n = periods as f64;
        principal * (1.0 + rate / n).powf(n * years)
    }
    grad compound_interest_grad, compound_interest_value_and_grad;
    at [(1000.0, 0.05, 10.0, 12), (250.0, 0.2, 2.5, 1), (1.0, -0.03, 30.0, 4)]
}

twin! {
    cast;
    #[differentiable]
    fn thin_lens_image_height(object_height: f64, distance: f64, focal: f64, mirrors: i32) -> f64 {
        let image_distance = 1.0 / (1.0 / focal - 1.0 / distance);
        let magnification = -image_distance / distance;
        let sign = if mirrors % 2 == 0 { 1.0 } else { -1.0 };
        let count = if mirrors > 1 { mirrors } else { 1 };
        sign * magnification * object_height * count as f64
    }
    grad thin_lens_image_height_grad, thin_lens_image_height_value_and_grad;
    at [(2.0, 10.0, 4.0, 0), (-1.5, 3.0, 5.0, 1), (0.5, 50.0, -10.0, 3)]
}

twin! {
    #[differentiable]
    fn van_der_waals_pressure(volume: f64, temperature: f64, a: f64, b: f64) -> f64 {
        let r = 8.314;
        r * temperature / (volume - b) - a / (volume * volume)
    }
    grad van_der_waals_pressure_grad, van_der_waals_pressure_value_and_grad;
    at [(0.0224, 273.15, 0.1382, 3.19e-5), (0.001, 500.0, 0.364, 4.27e-5), (1.0, 50.0, 1.0, 0.1)]
}
