//! Every float method of the supported subset, in both the method form `x.sin()` and the
//! path form `f64::sin(x)`, each inside a small composite expression so that the chain and
//! product rules are exercised too; gradients are compared with num-dual at several points
//! (negative values included, and points on both sides of every kink). The conventions at
//! kinks are checked separately, with exact expected values.

#[macro_use]
mod common;

use autodiff::differentiable;
#[allow(unused_imports)]
use common::D;

// Unary, binary and ternary methods.

twin! {
    #[differentiable]
    fn sin_method(x: f64) -> f64 {
        (0.7 * x + 0.1).sin() * x
    }
    grad sin_method_grad, sin_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn sin_path(x: f64) -> f64 {
        f64::sin(0.7 * x + 0.1) * x
    }
    grad sin_path_grad, sin_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn cos_method(x: f64) -> f64 {
        (x * x).cos() + x
    }
    grad cos_method_grad, cos_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn cos_path(x: f64) -> f64 {
        f64::cos(x * x) + x
    }
    grad cos_path_grad, cos_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn tan_method(x: f64) -> f64 {
        (0.5 * x).tan() * x
    }
    grad tan_method_grad, tan_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (2.5)]
}

twin! {
    #[differentiable]
    fn tan_path(x: f64) -> f64 {
        f64::tan(0.5 * x) * x
    }
    grad tan_path_grad, tan_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (2.5)]
}

twin! {
    #[differentiable]
    fn asin_method(x: f64) -> f64 {
        (0.4 * x).asin() * x
    }
    grad asin_method_grad, asin_method_value_and_grad;
    at [(-2.0), (-0.5), (0.3), (2.2)]
}

twin! {
    #[differentiable]
    fn asin_path(x: f64) -> f64 {
        f64::asin(0.4 * x) * x
    }
    grad asin_path_grad, asin_path_value_and_grad;
    at [(-2.0), (-0.5), (0.3), (2.2)]
}

twin! {
    #[differentiable]
    fn acos_method(x: f64) -> f64 {
        (0.4 * x - 0.1).acos() + x * x
    }
    grad acos_method_grad, acos_method_value_and_grad;
    at [(-2.0), (-0.5), (0.3), (2.5)]
}

twin! {
    #[differentiable]
    fn acos_path(x: f64) -> f64 {
        f64::acos(0.4 * x - 0.1) + x * x
    }
    grad acos_path_grad, acos_path_value_and_grad;
    at [(-2.0), (-0.5), (0.3), (2.5)]
}

twin! {
    #[differentiable]
    fn atan_method(x: f64) -> f64 {
        (x * x - 1.0).atan() * x
    }
    grad atan_method_grad, atan_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn atan_path(x: f64) -> f64 {
        f64::atan(x * x - 1.0) * x
    }
    grad atan_path_grad, atan_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn sinh_method(x: f64) -> f64 {
        (0.5 * x).sinh() - x
    }
    grad sinh_method_grad, sinh_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn sinh_path(x: f64) -> f64 {
        f64::sinh(0.5 * x) - x
    }
    grad sinh_path_grad, sinh_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn cosh_method(x: f64) -> f64 {
        (x - 0.5).cosh() * x
    }
    grad cosh_method_grad, cosh_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn cosh_path(x: f64) -> f64 {
        f64::cosh(x - 0.5) * x
    }
    grad cosh_path_grad, cosh_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn tanh_method(x: f64) -> f64 {
        (1.5 * x).tanh() * x
    }
    grad tanh_method_grad, tanh_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn tanh_path(x: f64) -> f64 {
        f64::tanh(1.5 * x) * x
    }
    grad tanh_path_grad, tanh_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn asinh_method(x: f64) -> f64 {
        (2.0 * x).asinh() + x
    }
    grad asinh_method_grad, asinh_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn asinh_path(x: f64) -> f64 {
        f64::asinh(2.0 * x) + x
    }
    grad asinh_path_grad, asinh_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn acosh_method(x: f64) -> f64 {
        (x * x + 1.5).acosh() * x
    }
    grad acosh_method_grad, acosh_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn acosh_path(x: f64) -> f64 {
        f64::acosh(x * x + 1.5) * x
    }
    grad acosh_path_grad, acosh_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn atanh_method(x: f64) -> f64 {
        (0.3 * x).atanh() * x
    }
    grad atanh_method_grad, atanh_method_value_and_grad;
    at [(-3.0), (-0.5), (0.7), (2.5)]
}

twin! {
    #[differentiable]
    fn atanh_path(x: f64) -> f64 {
        f64::atanh(0.3 * x) * x
    }
    grad atanh_path_grad, atanh_path_value_and_grad;
    at [(-3.0), (-0.5), (0.7), (2.5)]
}

twin! {
    #[differentiable]
    fn exp_method(x: f64) -> f64 {
        (x * 0.5 - x * x).exp()
    }
    grad exp_method_grad, exp_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn exp_path(x: f64) -> f64 {
        f64::exp(x * 0.5 - x * x)
    }
    grad exp_path_grad, exp_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn exp2_method(x: f64) -> f64 {
        (x - 1.0).exp2() * x
    }
    grad exp2_method_grad, exp2_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn exp2_path(x: f64) -> f64 {
        f64::exp2(x - 1.0) * x
    }
    grad exp2_path_grad, exp2_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn exp_m1_method(x: f64) -> f64 {
        (0.5 * x).exp_m1() / x
    }
    grad exp_m1_method_grad, exp_m1_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn exp_m1_path(x: f64) -> f64 {
        f64::exp_m1(0.5 * x) / x
    }
    grad exp_m1_path_grad, exp_m1_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn ln_method(x: f64) -> f64 {
        (x * x + 0.5).ln() * x
    }
    grad ln_method_grad, ln_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn ln_path(x: f64) -> f64 {
        f64::ln(x * x + 0.5) * x
    }
    grad ln_path_grad, ln_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn ln_direct_method(x: f64) -> f64 {
        x.ln() + 2.0 * x
    }
    grad ln_direct_method_grad, ln_direct_method_value_and_grad;
    at [(0.01), (0.5), (1.0), (7.25)]
}

twin! {
    #[differentiable]
    fn ln_direct_path(x: f64) -> f64 {
        f64::ln(x) + 2.0 * x
    }
    grad ln_direct_path_grad, ln_direct_path_value_and_grad;
    at [(0.01), (0.5), (1.0), (7.25)]
}

twin! {
    #[differentiable]
    fn log2_method(x: f64) -> f64 {
        (x * x + 1.0).log2() - x
    }
    grad log2_method_grad, log2_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn log2_path(x: f64) -> f64 {
        f64::log2(x * x + 1.0) - x
    }
    grad log2_path_grad, log2_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn log10_method(x: f64) -> f64 {
        (x * x + 2.0).log10() * x
    }
    grad log10_method_grad, log10_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn log10_path(x: f64) -> f64 {
        f64::log10(x * x + 2.0) * x
    }
    grad log10_path_grad, log10_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn ln_1p_method(x: f64) -> f64 {
        (x * x).ln_1p() + x
    }
    grad ln_1p_method_grad, ln_1p_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn ln_1p_path(x: f64) -> f64 {
        f64::ln_1p(x * x) + x
    }
    grad ln_1p_path_grad, ln_1p_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn sqrt_method(x: f64) -> f64 {
        (x * x + 1.0).sqrt() * x
    }
    grad sqrt_method_grad, sqrt_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn sqrt_path(x: f64) -> f64 {
        f64::sqrt(x * x + 1.0) * x
    }
    grad sqrt_path_grad, sqrt_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn cbrt_method(x: f64) -> f64 {
        (x - 0.25).cbrt() * x
    }
    grad cbrt_method_grad, cbrt_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn cbrt_path(x: f64) -> f64 {
        f64::cbrt(x - 0.25) * x
    }
    grad cbrt_path_grad, cbrt_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn recip_method(x: f64) -> f64 {
        (x + 3.5).recip() * x
    }
    grad recip_method_grad, recip_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn recip_path(x: f64) -> f64 {
        f64::recip(x + 3.5) * x
    }
    grad recip_path_grad, recip_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn abs_method(x: f64) -> f64 {
        (x - 0.5).abs() * x
    }
    grad abs_method_grad, abs_method_value_and_grad;
    at [(-2.0), (-0.3), (0.25), (0.75), (3.0)]
}

twin! {
    #[differentiable]
    fn abs_path(x: f64) -> f64 {
        f64::abs(x - 0.5) * x
    }
    grad abs_path_grad, abs_path_value_and_grad;
    at [(-2.0), (-0.3), (0.25), (0.75), (3.0)]
}

twin! {
    #[differentiable]
    fn signum_method(x: f64) -> f64 {
        (x - 0.5).signum() * x * x
    }
    grad signum_method_grad, signum_method_value_and_grad;
    at [(-2.0), (-0.3), (0.25), (0.75), (3.0)]
}

twin! {
    #[differentiable]
    fn signum_path(x: f64) -> f64 {
        f64::signum(x - 0.5) * x * x
    }
    grad signum_path_grad, signum_path_value_and_grad;
    at [(-2.0), (-0.3), (0.25), (0.75), (3.0)]
}

twin! {
    #[differentiable]
    fn floor_method(x: f64) -> f64 {
        (2.0 * x).floor() * x + x
    }
    grad floor_method_grad, floor_method_value_and_grad;
    at [(-2.3), (-0.3), (0.7), (3.1)]
}

twin! {
    #[differentiable]
    fn floor_path(x: f64) -> f64 {
        f64::floor(2.0 * x) * x + x
    }
    grad floor_path_grad, floor_path_value_and_grad;
    at [(-2.3), (-0.3), (0.7), (3.1)]
}

twin! {
    #[differentiable]
    fn ceil_method(x: f64) -> f64 {
        (2.0 * x).ceil() * x + x
    }
    grad ceil_method_grad, ceil_method_value_and_grad;
    at [(-2.3), (-0.3), (0.7), (3.1)]
}

twin! {
    #[differentiable]
    fn ceil_path(x: f64) -> f64 {
        f64::ceil(2.0 * x) * x + x
    }
    grad ceil_path_grad, ceil_path_value_and_grad;
    at [(-2.3), (-0.3), (0.7), (3.1)]
}

twin! {
    #[differentiable]
    fn round_method(x: f64) -> f64 {
        (3.0 * x).round() * x + x
    }
    grad round_method_grad, round_method_value_and_grad;
    at [(-2.3), (-0.3), (0.7), (3.1)]
}

twin! {
    #[differentiable]
    fn round_path(x: f64) -> f64 {
        f64::round(3.0 * x) * x + x
    }
    grad round_path_grad, round_path_value_and_grad;
    at [(-2.3), (-0.3), (0.7), (3.1)]
}

twin! {
    #[differentiable]
    fn trunc_method(x: f64) -> f64 {
        (2.5 * x).trunc() * x + x
    }
    grad trunc_method_grad, trunc_method_value_and_grad;
    at [(-2.3), (-0.3), (0.7), (3.1)]
}

twin! {
    #[differentiable]
    fn trunc_path(x: f64) -> f64 {
        f64::trunc(2.5 * x) * x + x
    }
    grad trunc_path_grad, trunc_path_value_and_grad;
    at [(-2.3), (-0.3), (0.7), (3.1)]
}

twin! {
    #[differentiable]
    fn to_degrees_method(x: f64) -> f64 {
        (x * x).to_degrees() + x
    }
    grad to_degrees_method_grad, to_degrees_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn to_degrees_path(x: f64) -> f64 {
        f64::to_degrees(x * x) + x
    }
    grad to_degrees_path_grad, to_degrees_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn to_radians_method(x: f64) -> f64 {
        (x * 30.0).to_radians().sin()
    }
    grad to_radians_method_grad, to_radians_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn to_radians_path(x: f64) -> f64 {
        f64::sin(f64::to_radians(x * 30.0))
    }
    grad to_radians_path_grad, to_radians_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn powi_method(x: f64) -> f64 {
        x.powi(3) - 2.0 * x.powi(-2) + x.powi(2) + x.powi(1) + x.powi(0)
    }
    grad powi_method_grad, powi_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn powi_path(x: f64) -> f64 {
        f64::powi(x, 3) - 2.0 * f64::powi(x, -2) + f64::powi(x, 2) + f64::powi(x, 1) + f64::powi(x, 0)
    }
    grad powi_path_grad, powi_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn powi_int_arg_method(x: f64, n: i32) -> f64 {
        (x * 0.5 + 1.0).powi(n) * x
    }
    grad powi_int_arg_method_grad, powi_int_arg_method_value_and_grad;
    at [(2.0, 3), (-1.0, -2), (-3.0, 5), (0.5, 0), (1.5, 1), (-2.5, 2), (3.0, -3)]
}

twin! {
    #[differentiable]
    fn powi_int_arg_path(x: f64, n: i32) -> f64 {
        f64::powi(x * 0.5 + 1.0, n) * x
    }
    grad powi_int_arg_path_grad, powi_int_arg_path_value_and_grad;
    at [(2.0, 3), (-1.0, -2), (-3.0, 5), (0.5, 0), (1.5, 1), (-2.5, 2), (3.0, -3)]
}

twin! {
    #[differentiable]
    fn powf_literal_method(x: f64) -> f64 {
        (x * x + 1.0).powf(1.5) + (x * x + 0.5).powf(-0.5)
    }
    grad powf_literal_method_grad, powf_literal_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn powf_literal_path(x: f64) -> f64 {
        f64::powf(x * x + 1.0, 1.5) + f64::powf(x * x + 0.5, -0.5)
    }
    grad powf_literal_path_grad, powf_literal_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn powf_method(x: f64, y: f64) -> f64 {
        x.powf(y) * y
    }
    grad powf_method_grad, powf_method_value_and_grad;
    at [(2.0, 3.0), (0.5, -1.5), (3.5, 0.25), (1.2, 2.0), (0.7, -2.0)]
}

twin! {
    #[differentiable]
    fn powf_path(x: f64, y: f64) -> f64 {
        f64::powf(x, y) * y
    }
    grad powf_path_grad, powf_path_value_and_grad;
    at [(2.0, 3.0), (0.5, -1.5), (3.5, 0.25), (1.2, 2.0), (0.7, -2.0)]
}

twin! {
    #[differentiable]
    fn atan2_method(y: f64, x: f64) -> f64 {
        y.atan2(x) * 2.0 + x * y
    }
    grad atan2_method_grad, atan2_method_value_and_grad;
    at [(1.0, 2.0), (1.0, -2.0), (-1.0, -2.0), (-1.0, 2.0), (0.5, -0.1), (0.0, 1.5)]
}

twin! {
    #[differentiable]
    fn atan2_path(y: f64, x: f64) -> f64 {
        f64::atan2(y, x) * 2.0 + x * y
    }
    grad atan2_path_grad, atan2_path_value_and_grad;
    at [(1.0, 2.0), (1.0, -2.0), (-1.0, -2.0), (-1.0, 2.0), (0.5, -0.1), (0.0, 1.5)]
}

twin! {
    #[differentiable]
    fn log_method(x: f64, b: f64) -> f64 {
        x.log(b) * x
    }
    grad log_method_grad, log_method_value_and_grad;
    at [(2.0, 3.0), (0.5, 10.0), (5.0, 0.5), (0.1, 2.5)]
}

twin! {
    #[differentiable]
    fn log_path(x: f64, b: f64) -> f64 {
        f64::log(x, b) * x
    }
    grad log_path_grad, log_path_value_and_grad;
    at [(2.0, 3.0), (0.5, 10.0), (5.0, 0.5), (0.1, 2.5)]
}

twin! {
    #[differentiable]
    fn log_literal_base_method(x: f64) -> f64 {
        (x * x + 1.0).log(3.0) * x
    }
    grad log_literal_base_method_grad, log_literal_base_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn log_literal_base_path(x: f64) -> f64 {
        f64::log(x * x + 1.0, 3.0) * x
    }
    grad log_literal_base_path_grad, log_literal_base_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn hypot_method(x: f64, y: f64) -> f64 {
        x.hypot(y) * x
    }
    grad hypot_method_grad, hypot_method_value_and_grad;
    at [(3.0, 4.0), (-1.0, 2.0), (0.5, -0.2), (-3.0, -3.0), (0.0, 2.0)]
}

twin! {
    #[differentiable]
    fn hypot_path(x: f64, y: f64) -> f64 {
        f64::hypot(x, y) * x
    }
    grad hypot_path_grad, hypot_path_value_and_grad;
    at [(3.0, 4.0), (-1.0, 2.0), (0.5, -0.2), (-3.0, -3.0), (0.0, 2.0)]
}

twin! {
    #[differentiable]
    fn mul_add_method(x: f64, y: f64, z: f64) -> f64 {
        x.mul_add(y, z) * z
    }
    grad mul_add_method_grad, mul_add_method_value_and_grad;
    at [(1.5, -2.0, 0.5), (-0.3, 0.7, -1.2), (2.0, 2.0, 2.0), (-4.0, -0.25, 3.0)]
}

twin! {
    #[differentiable]
    fn mul_add_path(x: f64, y: f64, z: f64) -> f64 {
        f64::mul_add(x, y, z) * z
    }
    grad mul_add_path_grad, mul_add_path_value_and_grad;
    at [(1.5, -2.0, 0.5), (-0.3, 0.7, -1.2), (2.0, 2.0, 2.0), (-4.0, -0.25, 3.0)]
}

twin! {
    #[differentiable]
    fn max_method(x: f64, y: f64) -> f64 {
        x.max(y) * x
    }
    grad max_method_grad, max_method_value_and_grad;
    at [(2.0, 1.0), (1.0, 2.0), (-0.5, -1.5), (-1.5, -0.5)]
}

twin! {
    #[differentiable]
    fn max_path(x: f64, y: f64) -> f64 {
        f64::max(x, y) * x
    }
    grad max_path_grad, max_path_value_and_grad;
    at [(2.0, 1.0), (1.0, 2.0), (-0.5, -1.5), (-1.5, -0.5)]
}

twin! {
    #[differentiable]
    fn min_method(x: f64, y: f64) -> f64 {
        x.min(y) + y * y
    }
    grad min_method_grad, min_method_value_and_grad;
    at [(2.0, 1.0), (1.0, 2.0), (-0.5, -1.5), (-1.5, -0.5)]
}

twin! {
    #[differentiable]
    fn min_path(x: f64, y: f64) -> f64 {
        f64::min(x, y) + y * y
    }
    grad min_path_grad, min_path_value_and_grad;
    at [(2.0, 1.0), (1.0, 2.0), (-0.5, -1.5), (-1.5, -0.5)]
}

twin! {
    #[differentiable]
    fn clamp_method(x: f64, lo: f64, hi: f64) -> f64 {
        x.clamp(lo, hi) * (x + lo * hi)
    }
    grad clamp_method_grad, clamp_method_value_and_grad;
    at [(-2.0, -1.0, 1.0), (0.5, -1.0, 1.0), (3.0, -1.0, 1.0), (-0.2, -0.5, 0.5), (0.7, 0.1, 0.4)]
}

twin! {
    #[differentiable]
    fn clamp_path(x: f64, lo: f64, hi: f64) -> f64 {
        f64::clamp(x, lo, hi) * (x + lo * hi)
    }
    grad clamp_path_grad, clamp_path_value_and_grad;
    at [(-2.0, -1.0, 1.0), (0.5, -1.0, 1.0), (3.0, -1.0, 1.0), (-0.2, -0.5, 0.5), (0.7, 0.1, 0.4)]
}

twin! {
    #[differentiable]
    fn clamp_literal_method(x: f64) -> f64 {
        (2.0 * x).clamp(-1.0, 1.0) * x
    }
    grad clamp_literal_method_grad, clamp_literal_method_value_and_grad;
    at [(-2.0), (-0.3), (0.25), (3.0)]
}

twin! {
    #[differentiable]
    fn clamp_literal_path(x: f64) -> f64 {
        f64::clamp(2.0 * x, -1.0, 1.0) * x
    }
    grad clamp_literal_path_grad, clamp_literal_path_value_and_grad;
    at [(-2.0), (-0.3), (0.25), (3.0)]
}

// One variable in several argument positions (adjoints of one value accumulate).

twin! {
    #[differentiable]
    fn powf_self_method(x: f64) -> f64 {
        x.powf(x)
    }
    grad powf_self_method_grad, powf_self_method_value_and_grad;
    at [(0.5), (1.0), (2.0), (3.5)]
}

twin! {
    #[differentiable]
    fn powf_self_path(x: f64) -> f64 {
        f64::powf(x, x)
    }
    grad powf_self_path_grad, powf_self_path_value_and_grad;
    at [(0.5), (1.0), (2.0), (3.5)]
}

twin! {
    #[differentiable]
    fn hypot_self_method(x: f64) -> f64 {
        x.hypot(x) + x.hypot(2.0)
    }
    grad hypot_self_method_grad, hypot_self_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn hypot_self_path(x: f64) -> f64 {
        f64::hypot(x, x) + f64::hypot(x, 2.0)
    }
    grad hypot_self_path_grad, hypot_self_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn mul_add_self_method(x: f64) -> f64 {
        x.mul_add(x, x)
    }
    grad mul_add_self_method_grad, mul_add_self_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn mul_add_self_path(x: f64) -> f64 {
        f64::mul_add(x, x, x)
    }
    grad mul_add_self_path_grad, mul_add_self_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn max_min_self_method(x: f64) -> f64 {
        x.max(x) * 2.0 + x.min(x) * x
    }
    grad max_min_self_method_grad, max_min_self_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn max_min_self_path(x: f64) -> f64 {
        f64::max(x, x) * 2.0 + f64::min(x, x) * x
    }
    grad max_min_self_path_grad, max_min_self_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn atan2_self_method(x: f64) -> f64 {
        x.atan2(x) + x.atan2(1.0)
    }
    grad atan2_self_method_grad, atan2_self_method_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn atan2_self_path(x: f64) -> f64 {
        f64::atan2(x, x) + f64::atan2(x, 1.0)
    }
    grad atan2_self_path_grad, atan2_self_path_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn log_self_method(x: f64) -> f64 {
        x.log(x) * x + x.log(x + 1.0)
    }
    grad log_self_method_grad, log_self_method_value_and_grad;
    at [(0.5), (2.0), (3.5), (10.0)]
}

twin! {
    #[differentiable]
    fn log_self_path(x: f64) -> f64 {
        f64::log(x, x) * x + f64::log(x, x + 1.0)
    }
    grad log_self_path_grad, log_self_path_value_and_grad;
    at [(0.5), (2.0), (3.5), (10.0)]
}
// `%` on floats: `x % y = x - trunc(x / y) * y`.

twin! {
    #[differentiable]
    fn rem_floats(x: f64, y: f64) -> f64 {
        (x * x) % y + x % 1.5
    }
    grad rem_floats_grad, rem_floats_value_and_grad;
    at [(2.75, 2.0), (-2.75, 2.0), (2.75, -2.0), (0.3, 0.7), (-1.9, -0.45)]
}

// Conventions at kinks, checked against exact values.

#[differentiable]
fn kink_abs(x: f64) -> f64 {
    x.abs()
}

#[test]
fn abs_at_zero_has_derivative_zero() {
    for x in [0.0, -0.0, 2.5, -2.5] {
        assert_eq!(kink_abs_value_and_grad(x), (kink_abs(x), kink_abs_grad(x)));
    }
    assert_eq!(kink_abs_grad(0.0), 0.0);
    assert_eq!(kink_abs_grad(-0.0), 0.0);
    assert_eq!(kink_abs_value_and_grad(0.0), (0.0, 0.0));
    assert_eq!(kink_abs_grad(2.5), 1.0);
    assert_eq!(kink_abs_grad(-2.5), -1.0);
    assert_eq!(kink_abs_grad(1e-300), 1.0);
    assert_eq!(kink_abs_grad(-1e-300), -1.0);
}

#[differentiable]
fn kink_max(x: f64, y: f64) -> f64 {
    x.max(y)
}

#[differentiable]
fn kink_min(x: f64, y: f64) -> f64 {
    x.min(y)
}

#[test]
fn max_and_min_split_ties_evenly() {
    for (x, y) in [(1.5, 1.5), (2.0, 1.0), (1.0, 2.0), (-0.0, 0.0)] {
        assert_eq!(
            kink_max_value_and_grad(x, y),
            (kink_max(x, y), kink_max_grad(x, y))
        );
        assert_eq!(
            kink_min_value_and_grad(x, y),
            (kink_min(x, y), kink_min_grad(x, y))
        );
    }
    assert_eq!(kink_max_grad(1.5, 1.5), (0.5, 0.5));
    assert_eq!(kink_max_grad(-3.0, -3.0), (0.5, 0.5));
    assert_eq!(kink_max_grad(2.0, 1.0), (1.0, 0.0));
    assert_eq!(kink_max_grad(1.0, 2.0), (0.0, 1.0));
    assert_eq!(kink_min_grad(1.5, 1.5), (0.5, 0.5));
    assert_eq!(kink_min_grad(0.0, 0.0), (0.5, 0.5));
    assert_eq!(kink_min_grad(2.0, 1.0), (0.0, 1.0));
    assert_eq!(kink_min_grad(1.0, 2.0), (1.0, 0.0));
    assert_eq!(kink_max_value_and_grad(1.5, 1.5), (1.5, (0.5, 0.5)));
}

#[differentiable]
fn kink_max_of_one_value(x: f64) -> f64 {
    x.max(x) + x.min(x)
}

#[test]
fn max_and_min_of_a_value_with_itself_pass_the_whole_gradient() {
    assert_eq!(
        kink_max_of_one_value_value_and_grad(0.75),
        (kink_max_of_one_value(0.75), 2.0)
    );
    assert_eq!(kink_max_of_one_value_grad(0.75), 2.0);
    assert_eq!(kink_max_of_one_value_grad(-4.0), 2.0);
}

#[differentiable]
fn kink_clamp(x: f64, lo: f64, hi: f64) -> f64 {
    x.clamp(lo, hi)
}

#[test]
fn clamp_passes_the_gradient_on_the_closed_interval() {
    for (x, lo, hi) in [
        (-1.0, -1.0, 1.0),
        (1.0, -1.0, 1.0),
        (-1.5, -1.0, 1.0),
        (1.5, -1.0, 1.0),
    ] {
        assert_eq!(
            kink_clamp_value_and_grad(x, lo, hi),
            (kink_clamp(x, lo, hi), kink_clamp_grad(x, lo, hi))
        );
    }
    // On the bounds and inside: to x.
    assert_eq!(kink_clamp_grad(-1.0, -1.0, 1.0), (1.0, 0.0, 0.0));
    assert_eq!(kink_clamp_grad(1.0, -1.0, 1.0), (1.0, 0.0, 0.0));
    assert_eq!(kink_clamp_grad(0.25, -1.0, 1.0), (1.0, 0.0, 0.0));
    assert_eq!(kink_clamp_grad(0.5, 0.5, 0.5), (1.0, 0.0, 0.0));
    // Outside: to the active bound.
    assert_eq!(kink_clamp_grad(-1.5, -1.0, 1.0), (0.0, 1.0, 0.0));
    assert_eq!(kink_clamp_grad(1.5, -1.0, 1.0), (0.0, 0.0, 1.0));
    assert_eq!(
        kink_clamp_value_and_grad(1.5, -1.0, 1.0),
        (1.0, (0.0, 0.0, 1.0))
    );
}

#[differentiable]
fn kink_floor(x: f64) -> f64 {
    x.floor()
}

#[differentiable]
fn kink_ceil(x: f64) -> f64 {
    f64::ceil(x)
}

#[differentiable]
fn kink_round(x: f64) -> f64 {
    x.round()
}

#[differentiable]
fn kink_trunc(x: f64) -> f64 {
    f64::trunc(x)
}

#[differentiable]
fn kink_signum(x: f64) -> f64 {
    x.signum()
}

#[test]
fn step_functions_have_derivative_zero_everywhere() {
    for x in [-2.0, -1.5, -0.5, -0.0, 0.0, 0.3, 0.5, 1.0, 2.5, 1e10] {
        assert_eq!(kink_floor_grad(x), 0.0, "floor at {x}");
        assert_eq!(kink_ceil_grad(x), 0.0, "ceil at {x}");
        assert_eq!(kink_round_grad(x), 0.0, "round at {x}");
        assert_eq!(kink_trunc_grad(x), 0.0, "trunc at {x}");
        assert_eq!(kink_signum_grad(x), 0.0, "signum at {x}");
        assert_eq!(kink_floor_value_and_grad(x), (kink_floor(x), 0.0));
        assert_eq!(kink_ceil_value_and_grad(x), (kink_ceil(x), 0.0));
        assert_eq!(kink_round_value_and_grad(x), (kink_round(x), 0.0));
        assert_eq!(kink_trunc_value_and_grad(x), (kink_trunc(x), 0.0));
        assert_eq!(kink_signum_value_and_grad(x), (kink_signum(x), 0.0));
        assert_eq!(kink_floor(x), x.floor());
        assert_eq!(kink_signum(x), x.signum());
    }
}

#[differentiable]
fn kink_hypot(x: f64, y: f64) -> f64 {
    x.hypot(y)
}

#[test]
fn hypot_at_the_origin_has_gradient_zero() {
    for (x, y) in [(0.0, 0.0), (0.0, 2.0), (3.0, 4.0)] {
        assert_eq!(
            kink_hypot_value_and_grad(x, y),
            (kink_hypot(x, y), kink_hypot_grad(x, y))
        );
    }
    assert_eq!(kink_hypot_grad(0.0, 0.0), (0.0, 0.0));
    assert_eq!(kink_hypot_grad(-0.0, 0.0), (0.0, 0.0));
    assert_eq!(kink_hypot_value_and_grad(0.0, 0.0), (0.0, (0.0, 0.0)));
    assert_eq!(kink_hypot_grad(0.0, 2.0), (0.0, 1.0));
    assert_eq!(kink_hypot_grad(-2.0, 0.0), (-1.0, 0.0));
    assert_eq!(kink_hypot_grad(3.0, 4.0), (0.6, 0.8));
}

#[differentiable]
fn kink_powf(x: f64, y: f64) -> f64 {
    x.powf(y)
}

#[test]
fn powf_conventions_at_zero() {
    for (x, y) in [(0.0, 2.0), (0.0, 0.0), (3.0, 0.0)] {
        assert_eq!(
            kink_powf_value_and_grad(x, y),
            (kink_powf(x, y), kink_powf_grad(x, y))
        );
    }
    // ∂/∂y is 0 where x == 0 and y >= 0 (instead of 0 · ln 0 = NaN).
    assert_eq!(kink_powf_grad(0.0, 2.0), (0.0, 0.0));
    assert_eq!(kink_powf_grad(0.0, 1.0), (1.0, 0.0));
    // ∂/∂x is 0 where y == 0 (instead of 0 · x^-1).
    assert_eq!(kink_powf_grad(0.0, 0.0), (0.0, 0.0));
    assert_eq!(kink_powf_value_and_grad(0.0, 0.0), (1.0, (0.0, 0.0)));
    let (dx, dy) = kink_powf_grad(3.0, 0.0);
    assert_eq!(dx, 0.0);
    assert_eq!(dy, 3.0_f64.ln());
}

#[differentiable]
fn kink_rem(x: f64, y: f64) -> f64 {
    x % y
}

#[test]
fn rem_gradient_is_one_and_minus_the_truncated_quotient() {
    for (x, y) in [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0)] {
        assert_eq!(
            kink_rem_value_and_grad(x, y),
            (kink_rem(x, y), kink_rem_grad(x, y))
        );
    }
    assert_eq!(kink_rem_grad(7.5, 2.0), (1.0, -3.0));
    assert_eq!(kink_rem_grad(-7.5, 2.0), (1.0, 3.0));
    assert_eq!(kink_rem_grad(7.5, -2.0), (1.0, 3.0));
    assert_eq!(kink_rem_grad(0.5, 2.0), (1.0, -0.0));
    assert_eq!(kink_rem_value_and_grad(7.5, 2.0), (1.5, (1.0, -3.0)));
}

#[differentiable]
fn kink_powi(x: f64, n: i32) -> f64 {
    x.powi(n)
}

#[test]
fn powi_with_a_runtime_exponent() {
    for (x, n) in [(2.0, 3), (2.0, 0), (-2.0, -1), (0.0, 1), (0.0, 2)] {
        assert_eq!(
            kink_powi_value_and_grad(x, n),
            (kink_powi(x, n), kink_powi_grad(x, n))
        );
    }
    assert_eq!(kink_powi_grad(2.0, 3), 12.0);
    assert_eq!(kink_powi_grad(2.0, 0), 0.0);
    assert_eq!(kink_powi_grad(-2.0, -1), -0.25);
    assert_eq!(kink_powi_grad(0.0, 1), 1.0);
    assert_eq!(kink_powi_grad(0.0, 2), 0.0);
    assert_eq!(kink_powi_grad(0.0, 3), 0.0);
}

#[differentiable]
fn kink_powi_literal_zero(x: f64) -> f64 {
    x.powi(0) + x.powf(0.0)
}

#[test]
fn powi_and_powf_with_a_literal_zero_exponent_have_derivative_zero() {
    assert_eq!(kink_powi_literal_zero(0.0), 2.0);
    assert_eq!(kink_powi_literal_zero_grad(0.0), 0.0);
    assert_eq!(kink_powi_literal_zero_grad(-3.0), 0.0);
    assert_eq!(kink_powi_literal_zero_value_and_grad(0.0), (2.0, 0.0));
}
