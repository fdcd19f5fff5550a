//! Calls to other `#[differentiable]` functions (directly, through module paths, through
//! `Self::` and type paths in `impl` blocks), `wrt(..)`, integer and `bool` arguments, `as`
//! casts, constants (`std::f64::consts`, user `const`s) and `f32` functions.
//!
//! Callers are differentiated through the callees' generated items, so their twins call
//! the callees' twins (`uses [..]` in [`twin!`], or a hand-written twin).

// `x as f64` on an `f64` is a cast the macro must differentiate (as the identity).
#![allow(clippy::unnecessary_cast)]

#[macro_use]
mod common;

use autodiff::differentiable;
use common::D;

const SCALE: f64 = 2.5;
const OFFSET: f64 = -0.75;
const POWER: i32 = 3;

// Leaf functions.

twin! {
    #[differentiable]
    fn square(x: f64) -> f64 {
        x * x
    }
    grad square_grad, square_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn cube_plus(x: f64, y: f64) -> f64 {
        x * x * x + y.sin()
    }
    grad cube_plus_grad, cube_plus_value_and_grad;
    at [(-2.0, 1.0), (-0.3, -0.5), (0.5, 2.0), (3.0, -4.0)]
}

twin! {
    #[differentiable]
    fn powered(x: f64, n: i32, flip: bool) -> f64 {
        let p = x.powi(n);
        if flip { -p } else { p }
    }
    grad powered_grad, powered_value_and_grad;
    at [(-2.0, 3, true), (-0.3, -2, false), (0.5, 0, true), (3.0, 1, false)]
}

twin! {
    #[differentiable]
    fn branchy_callee(x: f64) -> f64 {
        if x < 0.0 {
            return x * x * 0.5;
        }
        x.sqrt() * 2.0
    }
    grad branchy_callee_grad, branchy_callee_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

// Calls.

twin! {
    #[differentiable]
    fn calls_leaf_functions(x: f64, y: f64) -> f64 {
        square(x * y) + square(x) * y - cube_plus(y, x)
    }
    grad calls_leaf_functions_grad, calls_leaf_functions_value_and_grad;
    uses [square = crate::square::dual::eval, cube_plus = crate::cube_plus::dual::eval];
    at [(-2.0, 1.0), (-0.3, -0.5), (0.5, 2.0), (3.0, -4.0)]
}

twin! {
    #[differentiable]
    fn nested_calls_and_repeated_arguments(x: f64, y: f64) -> f64 {
        square(square(x) + cube_plus(x, y)) + cube_plus(x, x) * cube_plus(y, y)
    }
    grad nested_calls_and_repeated_arguments_grad, nested_calls_and_repeated_arguments_value_and_grad;
    uses [square = crate::square::dual::eval, cube_plus = crate::cube_plus::dual::eval];
    at [(-1.0, 1.0), (-0.3, -0.5), (0.5, 2.0), (1.5, -4.0)]
}

twin! {
    #[differentiable]
    fn callee_result_in_conditions(x: f64, y: f64) -> f64 {
        let v = square(x);
        let w = branchy_callee(y);
        if v > 1.0 {
            v * w
        } else if w > 1.0 {
            w - v
        } else {
            y + v
        }
    }
    grad callee_result_in_conditions_grad, callee_result_in_conditions_value_and_grad;
    uses [square = crate::square::dual::eval, branchy_callee = crate::branchy_callee::dual::eval];
    at [(-2.0, 1.0), (-0.3, 0.5), (0.5, -2.0), (1.5, -0.1), (0.2, 0.1), (0.2, 4.0)]
}

twin! {
    #[differentiable]
    fn calls_with_constant_arguments(x: f64) -> f64 {
        square(2.0) * x + cube_plus(1.5, -0.5) * square(x)
    }
    grad calls_with_constant_arguments_grad, calls_with_constant_arguments_value_and_grad;
    uses [square = crate::square::dual::eval, cube_plus = crate::cube_plus::dual::eval];
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn calls_with_integer_and_bool_arguments(x: f64, n: i32, b: bool) -> f64 {
        powered(x, n + 1, !b) + powered(x * 2.0, 2, b) * powered(x, n, true) + powered(x, POWER, false)
    }
    grad calls_with_integer_and_bool_arguments_grad, calls_with_integer_and_bool_arguments_value_and_grad;
    uses [powered = crate::powered::dual::eval];
    at [(-2.0, 3, true), (-0.3, -2, false), (0.5, 0, true), (3.0, 1, false), (1.5, -1, true)]
}

// A chain of three levels.

twin! {
    #[differentiable]
    fn level1(x: f64) -> f64 {
        square(x).sin() + x
    }
    grad level1_grad, level1_value_and_grad;
    uses [square = crate::square::dual::eval];
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

twin! {
    #[differentiable]
    fn level2(x: f64, y: f64) -> f64 {
        level1(x * y) * level1(y)
    }
    grad level2_grad, level2_value_and_grad;
    uses [level1 = crate::level1::dual::eval];
    at [(-2.0, 1.0), (-0.3, -0.5), (0.5, 2.0), (3.0, -4.0)]
}

twin! {
    #[differentiable]
    fn level3(x: f64, y: f64) -> f64 {
        let a = level2(x, y);
        let b = level2(a, x);
        a + b * y
    }
    grad level3_grad, level3_value_and_grad;
    uses [level2 = crate::level2::dual::eval];
    at [(-1.0, 1.0), (-0.3, -0.5), (0.5, 0.7), (1.1, -0.4)]
}

// Module paths.

mod geometry {
    use super::*;

    twin! {
        #[differentiable]
        pub fn norm(x: f64, y: f64) -> f64 {
            (x * x + y * y).sqrt()
        }
        grad norm_grad, norm_value_and_grad;
        at [(3.0, 4.0), (-1.0, 0.5), (0.2, -2.0), (-1.5, -1.5)]
    }

    pub mod inner {
        use super::*;

        twin! {
            cast;
            #[differentiable]
            pub fn scale(x: f64, k: i32) -> f64 {
                x * k as f64 + x.sin()
            }
            grad scale_grad, scale_value_and_grad;
            at [(3.0, 4), (-1.0, -2), (0.2, 0), (-1.5, 7)]
        }

        // `super::` paths, with a hand-written twin.
        #[differentiable]
        pub fn via_super(x: f64, y: f64) -> f64 {
            super::norm(x, y) * scale(x, 2)
        }

        pub fn via_super_dual(x: D, y: D) -> D {
            super::norm::dual::eval(x, y) * scale::dual::eval(x, 2)
        }

        check_fn! {
            test via_super_matches;
            fn via_super[x: f64, y: f64];
            grad via_super_grad, via_super_value_and_grad;
            dual via_super_dual;
            at [(3.0, 4.0), (-1.0, 0.5), (0.2, -2.0), (-1.5, -1.5)]
        }
    }
}

/// The twins of `geometry`, standing in for the module in callers' twins.
mod geometry_dual {
    pub(crate) use crate::geometry::norm::dual::eval as norm;

    pub mod inner {
        pub(crate) use crate::geometry::inner::scale::dual::eval as scale;
        pub(crate) use crate::geometry::inner::via_super_dual as via_super;
    }
}

twin! {
    #[differentiable]
    fn calls_through_module_paths(x: f64, y: f64) -> f64 {
        geometry::norm(x, y) * geometry::inner::scale(y, 3) + self::geometry::norm(y, 1.0)
            - geometry::inner::via_super(y, x)
    }
    grad calls_through_module_paths_grad, calls_through_module_paths_value_and_grad;
    uses [geometry = crate::geometry_dual];
    at [(3.0, 4.0), (-1.0, 0.5), (0.2, -2.0), (-1.5, -1.5)]
}

#[differentiable]
fn calls_through_crate_paths(x: f64, y: f64) -> f64 {
    crate::geometry::norm(x, y) + crate::geometry::inner::scale(x * y, -2)
}

fn calls_through_crate_paths_dual(x: D, y: D) -> D {
    geometry_dual::norm(x, y) + geometry_dual::inner::scale(x * y, -2)
}

check_fn! {
    test calls_through_crate_paths_matches;
    fn calls_through_crate_paths[x: f64, y: f64];
    grad calls_through_crate_paths_grad, calls_through_crate_paths_value_and_grad;
    dual calls_through_crate_paths_dual;
    at [(3.0, 4.0), (-1.0, 0.5), (0.2, -2.0), (-1.5, -1.5)]
}

// wrt(..).

twin! {
    cast;
    #[differentiable(wrt(x))]
    fn scaled_sine(x: f64, scale: f64, harmonic: i32) -> f64 {
        scale * (harmonic as f64 * x).sin()
    }
    grad scaled_sine_grad, scaled_sine_value_and_grad;
    at [(0.5, 2.0, 3), (-1.5, -0.5, 1), (2.0, 1.5, -2)]
}

twin! {
    #[differentiable(wrt(z, x))]
    fn wrt_in_any_order(x: f64, y: f64, z: f64) -> f64 {
        x * y * y + z.exp() * x
    }
    grad wrt_in_any_order_grad, wrt_in_any_order_value_and_grad;
    at [(0.5, 2.0, 3.0), (-1.5, -0.5, 1.0), (2.0, 1.5, -2.0)]
}

#[test]
fn wrt_gradients_are_in_signature_order() {
    let (x, y, z) = (0.5, 2.0, -1.0);
    let (dx, dz) = wrt_in_any_order_grad(x, y, z);
    assert_eq!(dx, y * y + z.exp());
    assert_eq!(dz, z.exp() * x);
    let dx = scaled_sine_grad(0.5, 2.0, 3);
    assert!((dx - 2.0 * 3.0 * 1.5_f64.cos()).abs() < 1e-15);
}

twin! {
    #[differentiable]
    fn calls_a_wrt_restricted_callee(x: f64, y: f64) -> f64 {
        scaled_sine(x, y, 2) + scaled_sine(y, x * y, -1) * wrt_in_any_order(y, x, x)
    }
    grad calls_a_wrt_restricted_callee_grad, calls_a_wrt_restricted_callee_value_and_grad;
    uses [
        scaled_sine = crate::scaled_sine::dual::eval,
        wrt_in_any_order = crate::wrt_in_any_order::dual::eval,
    ];
    at [(0.5, 2.0), (-1.5, -0.5), (2.0, 1.5), (0.1, -0.2)]
}

twin! {
    #[differentiable(wrt(y))]
    fn caller_with_wrt(x: f64, y: f64) -> f64 {
        square(x * y) + cube_plus(x, y)
    }
    grad caller_with_wrt_grad, caller_with_wrt_value_and_grad;
    uses [square = crate::square::dual::eval, cube_plus = crate::cube_plus::dual::eval];
    at [(0.5, 2.0), (-1.5, -0.5), (2.0, 1.5), (0.1, -0.2)]
}

// Calls to ordinary functions whose arguments do not depend on the differentiated inputs.

fn plain_coefficient(n: i32) -> f64 {
    f64::from(n).abs().sqrt() + 1.0
}

fn plain_weight(s: f64) -> f64 {
    s * s + 1.0
}

twin! {
    #[differentiable]
    fn calls_plain_functions(x: f64, n: i32) -> f64 {
        plain_coefficient(n) * x.sin() + plain_weight(2.0) * x + plain_weight(SCALE)
    }
    grad calls_plain_functions_grad, calls_plain_functions_value_and_grad;
    at [(-2.0, 3), (-0.3, -2), (0.5, 0), (3.0, 1)]
}

// Casts.

twin! {
    cast;
    #[differentiable]
    fn integer_casts(x: f64, n: i32, k: u8, m: usize, big: i64, b: bool) -> f64 {
        let a = n as f64 * x;
        let c = (k as f64 + m as f64) * x * x;
        let d = (big * 2 - 1) as f64 / (x * x + 1.0);
        let e = (b as i32) as f64 * x.exp();
        let f = (n * n) as u32 as f64;
        a + c + d + e + f * x
    }
    grad integer_casts_grad, integer_casts_value_and_grad;
    at [(0.5, 3, 7, 2, -5, true), (-1.5, -2, 0, 10, 4, false), (2.0, 0, 255, 0, 1_000_000, true)]
}

#[differentiable]
fn float_casts(x: f64, y: f64) -> f64 {
    let same = x as f64;
    let truncated = (x * 3.0) as i32 as f64;
    let rounded_down = (y as i64) as f64;
    same * y + truncated * x + rounded_down * y * y
}

fn float_casts_dual(x: D, y: D) -> D {
    let same = x;
    let truncated = D::cst((x.re() * 3.0) as i32 as f64);
    let rounded_down = D::cst((y.re() as i64) as f64);
    same * y + truncated * x + rounded_down * y * y
}

check_fn! {
    test float_casts_matches;
    fn float_casts[x: f64, y: f64];
    grad float_casts_grad, float_casts_value_and_grad;
    dual float_casts_dual;
    at [(0.5, 2.5), (-1.5, -0.5), (2.0, 1.5), (0.1, -3.2)]
}

// Constants.

twin! {
    #[differentiable]
    fn constants(x: f64) -> f64 {
        std::f64::consts::PI * x * x + core::f64::consts::E.ln() * x + SCALE * (x + OFFSET).sin()
            + x.powi(POWER)
            + std::f64::consts::FRAC_PI_2.sin() * x
            - std::f64::consts::LN_2 * std::f64::consts::SQRT_2
    }
    grad constants_grad, constants_value_and_grad;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

mod imported_constants {
    use super::*;
    use std::f64::consts::{PI, TAU};

    twin! {
        #[differentiable]
        fn imported(x: f64) -> f64 {
            (PI * x).sin() + TAU / (x * x + 1.0)
        }
        grad imported_grad, imported_value_and_grad;
        at [(-2.0), (-0.3), (0.5), (3.0)]
    }
}

// Associated functions: `Self::`, type paths, associated constants.

struct Model;

impl Model {
    const GAIN: f64 = 1.5;

    #[differentiable]
    fn energy(x: f64, y: f64) -> f64 {
        x * x * y + y.sin()
    }

    fn energy_dual(x: D, y: D) -> D {
        x * x * y + y.sin()
    }

    #[differentiable]
    fn total(x: f64, y: f64) -> f64 {
        Self::energy(x, y) * 2.0 + Self::energy(y, x) * x
    }

    fn total_dual(x: D, y: D) -> D {
        Self::energy_dual(x, y) * 2.0 + Self::energy_dual(y, x) * x
    }

    #[differentiable]
    pub fn via_type_name(x: f64) -> f64 {
        Model::energy(x, 1.0) + Self::GAIN * x + Self::total(x, x)
    }

    pub fn via_type_name_dual(x: D) -> D {
        Model::energy_dual(x, D::cst(1.0)) + Self::GAIN * x + Self::total_dual(x, x)
    }
}

check_fn! {
    test model_energy_matches;
    fn Model::energy[x: f64, y: f64];
    grad Model::energy_grad, Model::energy_value_and_grad;
    dual Model::energy_dual;
    at [(-2.0, 1.0), (-0.3, -0.5), (0.5, 2.0), (3.0, -4.0)]
}

check_fn! {
    test model_total_matches;
    fn Model::total[x: f64, y: f64];
    grad Model::total_grad, Model::total_value_and_grad;
    dual Model::total_dual;
    at [(-2.0, 1.0), (-0.3, -0.5), (0.5, 2.0), (3.0, -4.0)]
}

check_fn! {
    test model_via_type_name_matches;
    fn Model::via_type_name[x: f64];
    grad Model::via_type_name_grad, Model::via_type_name_value_and_grad;
    dual Model::via_type_name_dual;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}

#[differentiable]
fn calls_associated_functions(x: f64, y: f64) -> f64 {
    Model::total(x, y) - Model::energy(y, y) * Model::via_type_name(x)
}

fn calls_associated_functions_dual(x: D, y: D) -> D {
    Model::total_dual(x, y) - Model::energy_dual(y, y) * Model::via_type_name_dual(x)
}

check_fn! {
    test calls_associated_functions_matches;
    fn calls_associated_functions[x: f64, y: f64];
    grad calls_associated_functions_grad, calls_associated_functions_value_and_grad;
    dual calls_associated_functions_dual;
    at [(-2.0, 1.0), (-0.3, -0.5), (0.5, 2.0), (3.0, -4.0)]
}

// f32 functions (compared with f64 dual numbers at 1e-5).

twin! {
    #[differentiable]
    fn f32_rosenbrock(x: f32, y: f32) -> f32 {
        (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
    }
    grad f32_rosenbrock_grad, f32_rosenbrock_value_and_grad;
    at [(-1.5, 2.0), (1.0, 1.0), (0.25, -0.75), (2.0, 3.5)]
}

twin! {
    #[differentiable]
    fn f32_methods(x: f32, y: f32) -> f32 {
        let a = x.sin() * f32::exp(x * 0.5) + x.abs().sqrt();
        let b = x.max(y) * f32::hypot(x, y) + y.tanh().powf(2.0);
        if a > b { a - b.ln_1p() } else { a * b }
    }
    grad f32_methods_grad, f32_methods_value_and_grad;
    at [(-1.5, 2.0), (1.0, 0.5), (0.25, -0.75), (2.0, 3.5), (3.0, -2.0)]
}

twin! {
    #[differentiable]
    fn f32_calls(x: f32, y: f32) -> f32 {
        f32_rosenbrock(x, y) * 0.01 + f32_methods(y, x)
    }
    grad f32_calls_grad, f32_calls_value_and_grad;
    uses [
        f32_rosenbrock = crate::f32_rosenbrock::dual::eval,
        f32_methods = crate::f32_methods::dual::eval,
    ];
    at [(-1.5, 2.0), (1.0, 0.5), (0.25, -0.75), (2.0, 3.5)]
}

#[differentiable]
fn f32_constants_and_casts(x: f32, n: i32) -> f32 {
    std::f32::consts::PI * x * n as f32 + (x * 2.0_f32).powi(n) - x as f32
}

fn f32_constants_and_casts_dual(x: D, n: i32) -> D {
    f64::from(std::f32::consts::PI) * x * f64::from(n) + (x * 2.0).powi(n) - x
}

check_fn! {
    test f32_constants_and_casts_matches;
    fn f32_constants_and_casts[x: f32, n: i32];
    grad f32_constants_and_casts_grad, f32_constants_and_casts_value_and_grad;
    dual f32_constants_and_casts_dual;
    at [(-1.5, 2), (1.0, 0), (0.25, -3), (2.0, 3)]
}

// Calls in branches, as arguments, and on literal receivers.

twin! {
    #[differentiable]
    fn calls_in_branches_and_arguments(x: f64, y: f64) -> f64 {
        let a = if x > 0.0 { branchy_callee(x) } else { square(x) };
        let b = square(if y > x { y - x } else { x * y });
        if a > b {
            return cube_plus(a, b);
        }
        branchy_callee(b) * a
    }
    grad calls_in_branches_and_arguments_grad, calls_in_branches_and_arguments_value_and_grad;
    uses [
        square = crate::square::dual::eval,
        cube_plus = crate::cube_plus::dual::eval,
        branchy_callee = crate::branchy_callee::dual::eval,
    ];
    at [(2.0, 1.0), (0.2, 1.0), (-1.0, -3.0), (-1.0, 0.5), (0.3, -0.1), (4.0, 4.5)]
}

#[differentiable]
fn literal_receivers_and_arguments(x: f64) -> f64 {
    2.0_f64.powf(x)
        + 10.0_f64.ln() * x
        + f64::max(0.0, x) * f64::powi(2.0, 3)
        + f64::min(1.0, x * x)
}

fn literal_receivers_and_arguments_dual(x: D) -> D {
    D::cst(2.0).powf(x)
        + 10.0_f64.ln() * x
        + D::cst(0.0).max(x) * 2.0_f64.powi(3)
        + D::cst(1.0).min(x * x)
}

check_fn! {
    test literal_receivers_and_arguments_matches;
    fn literal_receivers_and_arguments[x: f64];
    grad literal_receivers_and_arguments_grad, literal_receivers_and_arguments_value_and_grad;
    dual literal_receivers_and_arguments_dual;
    at [(-2.0), (-0.3), (0.5), (3.0)]
}
