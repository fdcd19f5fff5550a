//! Statements and control flow: `let`, `let mut`, shadowing, reassignment, compound
//! assignment, blocks, unary minus, `if`/`else` (including comparisons of differentiable
//! values and boolean connectives), `match` on integers and `bool`s (literals, ranges,
//! or-patterns, guards, bindings) and early `return`. Each function is compared with
//! num-dual at points on both sides of every branch.

// The functions under test deliberately use constructs clippy frowns upon (`x - x`,
// `v = v * x`, `!(x < y)`, a block as an `if` condition): they are what the macro must handle.
#![allow(
    clippy::eq_op,
    clippy::assign_op_pattern,
    clippy::neg_cmp_op_on_partial_ord,
    clippy::blocks_in_conditions
)]

#[macro_use]
mod common;

use autodiff::differentiable;
#[allow(unused_imports)]
use common::D;

// let, let mut, shadowing, reassignment, compound assignment, blocks.

twin! {
    #[differentiable]
    fn lets_and_shadowing(x: f64, y: f64) -> f64 {
        let a = x * y;
        let b = a + x;
        let a = b * a - y;
        let b = a.sin();
        a * b + x
    }
    grad lets_and_shadowing_grad, lets_and_shadowing_value_and_grad;
    at [(0.5, 1.5), (-1.2, 0.3), (2.0, -0.7), (-0.4, -2.5)]
}

twin! {
    #[differentiable]
    fn shadowed_parameter(x: f64, y: f64) -> f64 {
        let x = x * y + 1.0;
        let y = x * x - y;
        let x = y / x;
        x * y
    }
    grad shadowed_parameter_grad, shadowed_parameter_value_and_grad;
    at [(0.5, 1.5), (-1.2, 0.3), (2.0, -0.7), (-0.4, -2.5)]
}

twin! {
    #[differentiable]
    fn compound_assignment(x: f64, y: f64) -> f64 {
        let mut acc = x;
        acc += y;
        acc *= x;
        acc -= 2.0 * y;
        acc /= y * y + 1.0;
        acc += acc;
        acc *= acc;
        acc -= x;
        acc
    }
    grad compound_assignment_grad, compound_assignment_value_and_grad;
    at [(0.5, 1.5), (-1.2, 0.3), (2.0, -0.7), (-0.4, -2.5)]
}

twin! {
    #[differentiable]
    fn reassignment(x: f64, y: f64) -> f64 {
        let mut v = x;
        v = v * v + y;
        v = v.sin();
        let w = v;
        v = v * x - w * y;
        let u = v;
        v = x;
        v * w + u
    }
    grad reassignment_grad, reassignment_value_and_grad;
    at [(0.5, 1.5), (-1.2, 0.3), (2.0, -0.7), (-0.4, -2.5)]
}

twin! {
    #[differentiable]
    fn blocks(x: f64, y: f64) -> f64 {
        let s = {
            let t = x.sin();
            t * t
        };
        let z = {
            let s = s + y;
            let inner = {
                let q = s * x;
                q - y
            };
            inner * s
        };
        {
            let x = z * 0.5;
            x + s
        }
    }
    grad blocks_grad, blocks_value_and_grad;
    at [(0.5, 1.5), (-1.2, 0.3), (2.0, -0.7), (-0.4, -2.5)]
}

twin! {
    #[differentiable]
    fn mutation_inside_blocks(x: f64) -> f64 {
        let mut m = x;
        {
            m *= 3.0;
            let m2 = m + 1.0;
            m = m2 * x;
        }
        let r = {
            m -= x;
            m * m
        };
        r + m
    }
    grad mutation_inside_blocks_grad, mutation_inside_blocks_value_and_grad;
    at [(0.5), (-1.2), (2.0), (-0.4)]
}

twin! {
    #[differentiable]
    fn unary_minus_and_parens(x: f64, y: f64) -> f64 {
        -(x - y) * -x + -(-y) - (-(x * (y - (x + -y))))
    }
    grad unary_minus_and_parens_grad, unary_minus_and_parens_value_and_grad;
    at [(0.5, 1.5), (-1.2, 0.3), (2.0, -0.7), (-0.4, -2.5)]
}

twin! {
    #[differentiable]
    fn self_referential_updates(x: f64) -> f64 {
        let mut y = x;
        y += y;
        y *= y;
        let mut z = x;
        z -= z;
        z += x * x;
        z /= z * 2.0;
        y + z * x
    }
    grad self_referential_updates_grad, self_referential_updates_value_and_grad;
    at [(0.5), (-1.2), (2.0), (-0.4)]
}

twin! {
    #[differentiable]
    fn literal_forms(x: f64) -> f64 {
        let a = 2. * x;
        let b = 1e-1 * x * x;
        let c = 1_000.0 * x - 0.5f64;
        let d = 2.5_f64 * x + 3E2;
        a + b + c * 1.0e-3 + d / x
    }
    grad literal_forms_grad, literal_forms_value_and_grad;
    at [(0.5), (-1.2), (2.0), (-0.4)]
}

twin! {
    #[differentiable]
    fn type_annotated_lets(x: f64, y: f64) -> f64 {
        let a: f64 = x * y;
        let mut b: f64 = a.exp();
        b -= x;
        let n: i32 = 3;
        b.powi(n) + a
    }
    grad type_annotated_lets_grad, type_annotated_lets_value_and_grad;
    at [(0.5, 1.5), (-1.2, 0.3), (2.0, -0.7), (-0.4, -2.5)]
}

// if / else.

twin! {
    #[differentiable]
    fn piecewise(x: f64) -> f64 {
        if x < 0.0 {
            x * x
        } else if x < 1.0 {
            x.sin()
        } else {
            x.ln() + 1.0
        }
    }
    grad piecewise_grad, piecewise_value_and_grad;
    at [(-2.0), (-0.5), (0.25), (0.75), (1.5), (4.0)]
}

twin! {
    #[differentiable]
    fn compare_two_differentiable_values(x: f64, y: f64) -> f64 {
        let mut z = x;
        if x > y {
            z = z * y;
        } else {
            z += y.exp();
        }
        if x * y >= 1.0 {
            z -= x * y;
        }
        if y <= -x {
            z *= 2.0;
        }
        z * x
    }
    grad compare_two_differentiable_values_grad, compare_two_differentiable_values_value_and_grad;
    at [(2.0, 1.0), (1.0, 2.0), (-1.0, -2.0), (-2.0, -1.0), (0.3, -3.0), (3.0, 0.5)]
}

twin! {
    #[differentiable]
    fn if_as_expression(x: f64, y: f64) -> f64 {
        let m = if x * y > 1.0 { x } else { y };
        let n = if m < 0.0 { -m } else if m > 2.0 { m * 0.5 } else { m * m };
        m * n + if x != y { x - y } else { x * y }
    }
    grad if_as_expression_grad, if_as_expression_value_and_grad;
    at [(2.0, 1.0), (1.0, 2.0), (-1.0, -2.0), (-2.0, 1.5), (0.3, -3.0), (3.0, 0.5), (5.0, 0.1)]
}

twin! {
    #[differentiable]
    fn boolean_connectives(x: f64, y: f64) -> f64 {
        if x > 0.0 && y > 0.0 {
            x * y
        } else if !(x < -1.0) || y > 2.0 {
            x + y * y
        } else {
            (x - y).exp()
        }
    }
    grad boolean_connectives_grad, boolean_connectives_value_and_grad;
    at [(1.0, 2.0), (-0.5, 1.0), (1.0, -1.0), (-2.0, 3.0), (-2.0, -1.0), (-1.5, 0.5)]
}

twin! {
    #[differentiable]
    fn bool_argument(x: f64, flag: bool, other: bool) -> f64 {
        let base = if flag { x.exp() } else { -x };
        if flag && !other {
            base * x
        } else if other {
            base + x * x
        } else {
            base
        }
    }
    grad bool_argument_grad, bool_argument_value_and_grad;
    at [(0.5, true, false), (0.5, true, true), (-1.5, false, true), (-1.5, false, false), (2.0, true, false)]
}

twin! {
    #[differentiable]
    fn if_without_else(x: f64, y: f64) -> f64 {
        let mut s = x;
        if x > 0.5 {
            s *= 2.0;
        }
        if y < x {
            s += y * y;
            s = s.sqrt();
        }
        s * y
    }
    grad if_without_else_grad, if_without_else_value_and_grad;
    at [(1.0, 0.25), (0.25, 1.0), (2.0, 3.0), (0.25, -1.0), (-1.0, -2.0)]
}

twin! {
    #[differentiable]
    fn equality_comparisons(x: f64, y: f64) -> f64 {
        if x == y {
            x * y * 3.0
        } else if x != 0.0 {
            x / y
        } else {
            y
        }
    }
    grad equality_comparisons_grad, equality_comparisons_value_and_grad;
    at [(1.5, 1.5), (-2.0, -2.0), (1.5, 2.0), (-0.5, 3.0), (0.0, 2.0)]
}

twin! {
    #[differentiable]
    fn untaken_branches_with_invalid_operations(x: f64) -> f64 {
        let a = if x > 0.0 { x.sqrt() } else { -x };
        let b = if x > 1.0 { (x - 1.0).ln() } else { x * 0.5 };
        let c = if x.abs() < 1.0 { x.acos() } else { 1.0 / x };
        let d = if x != 0.0 { 1.0 / x } else { x };
        a + b + c + d
    }
    grad untaken_branches_with_invalid_operations_grad, untaken_branches_with_invalid_operations_value_and_grad;
    at [(-4.0), (-0.5), (0.25), (0.75), (2.0), (9.0)]
}

twin! {
    #[differentiable]
    fn branches_on_intermediate_values(x: f64, y: f64) -> f64 {
        let r = x * x + y * y;
        let t = if r > 4.0 {
            let s = r.sqrt();
            s - 2.0
        } else {
            let mut u = r;
            u *= 0.25;
            u - 1.0
        };
        if t > 0.0 { t * x } else { t * y }
    }
    grad branches_on_intermediate_values_grad, branches_on_intermediate_values_value_and_grad;
    at [(1.0, 0.5), (3.0, 1.0), (-2.5, 0.1), (0.5, -1.5), (-1.0, -2.0)]
}

twin! {
    #[differentiable]
    fn same_variable_mutated_in_both_branches(x: f64, y: f64) -> f64 {
        let mut a = x;
        let mut b = y;
        if a * b > 0.0 {
            a *= b;
            b = a + x;
        } else {
            b *= a;
            a = b - y;
        }
        a * b + a
    }
    grad same_variable_mutated_in_both_branches_grad, same_variable_mutated_in_both_branches_value_and_grad;
    at [(1.0, 0.5), (3.0, -1.0), (-2.5, 0.1), (-0.5, -1.5)]
}

// match on integers and bools.

twin! {
    cast;
    #[differentiable]
    fn match_on_integer(x: f64, n: i32) -> f64 {
        match n {
            0 => x,
            1 => x * x,
            2 | 3 => x.sin() * n as f64,
            4..=6 => x.powi(n),
            k if k < 0 => x / k as f64,
            _ => x.exp(),
        }
    }
    grad match_on_integer_grad, match_on_integer_value_and_grad;
    at [(1.5, 0), (-0.5, 1), (0.7, 2), (-0.7, 3), (1.2, 4), (-1.1, 5), (0.9, 6), (2.0, -3), (-0.3, 7), (0.4, 100)]
}

twin! {
    #[differentiable]
    fn match_on_bool(x: f64, b: bool) -> f64 {
        let y = match b {
            true => x.exp(),
            false => x.cos(),
        };
        y * x
    }
    grad match_on_bool_grad, match_on_bool_value_and_grad;
    at [(0.5, true), (0.5, false), (-1.5, true), (-1.5, false)]
}

twin! {
    cast;
    #[differentiable]
    fn match_with_binding_and_exclusive_range(x: f64, n: u32) -> f64 {
        match n {
            0..3 => x * (n + 1) as f64,
            k if k <= 9 => x.powi(k as i32) / k as f64,
            10 | 20 => x * x * n as f64,
            _ => -x,
        }
    }
    grad match_with_binding_and_exclusive_range_grad, match_with_binding_and_exclusive_range_value_and_grad;
    at [(1.5, 0), (-0.5, 2), (0.7, 3), (-0.7, 9), (1.2, 10), (-1.1, 20), (0.9, 15)]
}

twin! {
    #[differentiable]
    fn match_guards_on_floats(x: f64, y: f64, n: i64) -> f64 {
        match n {
            0 if x > y => x - y,
            0 => (y - x).sqrt(),
            1 | 2 if x * y < 0.0 => x * y,
            1 | 2 => (x * y).ln(),
            _ if x < 0.0 => y,
            _ => x,
        }
    }
    grad match_guards_on_floats_grad, match_guards_on_floats_value_and_grad;
    at [(2.0, 1.0, 0), (1.0, 2.0, 0), (1.0, -2.0, 1), (1.0, 2.0, 2), (-1.0, -2.0, 1), (-1.0, 3.0, 9), (1.0, 3.0, -4)]
}

twin! {
    #[differentiable]
    fn match_as_statement(x: f64, n: usize) -> f64 {
        let mut y = x;
        match n {
            0 => y += 1.0,
            1 => {
                y *= x;
            }
            2 | 3 => {
                let t = y.tanh();
                y = t * x;
            }
            _ => {}
        }
        y * y
    }
    grad match_as_statement_grad, match_as_statement_value_and_grad;
    at [(0.5, 0), (-1.5, 0), (0.5, 1), (-1.5, 1), (0.5, 2), (-1.5, 3), (0.5, 4), (-1.5, 17)]
}

twin! {
    #[differentiable]
    fn match_on_comparison(x: f64, y: f64) -> f64 {
        match x > y {
            true => x * 2.0 - y,
            false => y * y,
        }
    }
    grad match_on_comparison_grad, match_on_comparison_value_and_grad;
    at [(2.0, 1.0), (1.0, 2.0), (-1.0, -2.0), (-2.0, -1.0)]
}

twin! {
    #[differentiable]
    fn match_on_integer_arithmetic(x: f64, n: i32) -> f64 {
        let k = n * 2 + 1;
        match k % 3 {
            0 => x.powi(k),
            1 | -1 => x * x.powi(n),
            _ => x.powi(k - n),
        }
    }
    grad match_on_integer_arithmetic_grad, match_on_integer_arithmetic_value_and_grad;
    at [(1.5, 0), (-0.5, 1), (0.7, 2), (-0.7, 3), (1.2, -1), (-1.1, -2), (0.9, 4)]
}

twin! {
    #[differentiable]
    fn nested_match_and_if(x: f64, a: i32, b: bool) -> f64 {
        match a {
            0 => match b {
                true => x,
                false => -x,
            },
            1..=3 => {
                if b {
                    match a {
                        1 => x * x,
                        _ => x.sin(),
                    }
                } else {
                    x.cos()
                }
            }
            _ => {
                if x > 0.0 { x.ln() } else { x }
            }
        }
    }
    grad nested_match_and_if_grad, nested_match_and_if_value_and_grad;
    at [(0.5, 0, true), (0.5, 0, false), (-0.5, 1, true), (-0.5, 2, true), (1.5, 3, false), (2.0, 9, true), (-2.0, 9, false)]
}

// Early return.

twin! {
    #[differentiable]
    fn early_return(x: f64) -> f64 {
        if x < 0.0 {
            return -x * 2.0;
        }
        let y = x.sqrt();
        if y > 2.0 {
            return y * x;
        }
        y + 1.0
    }
    grad early_return_grad, early_return_value_and_grad;
    at [(-3.0), (-0.5), (0.5), (3.0), (4.5), (10.0)]
}

twin! {
    #[differentiable]
    fn early_return_guards_invalid_code(x: f64) -> f64 {
        if x <= 0.0 {
            return 0.5 * x;
        }
        let l = x.ln();
        if l > 1.0 {
            return l * l;
        }
        l.exp() * l
    }
    grad early_return_guards_invalid_code_grad, early_return_guards_invalid_code_value_and_grad;
    at [(-3.0), (-0.5), (0.5), (2.0), (3.0), (10.0)]
}

twin! {
    #[differentiable]
    fn return_from_match_arm(x: f64, n: i32) -> f64 {
        let mut y = x * 3.0;
        match n {
            0 => return x,
            1 => y = y.sin(),
            _ => {
                if x > 1.0 {
                    return y * y;
                }
                y -= 1.0;
            }
        }
        y * x
    }
    grad return_from_match_arm_grad, return_from_match_arm_value_and_grad;
    at [(0.5, 0), (-0.5, 1), (2.0, 2), (0.5, 2), (-2.0, 5)]
}

twin! {
    #[differentiable]
    fn return_after_mutation_in_nested_block(x: f64, y: f64) -> f64 {
        let mut acc = x * y;
        {
            acc += x;
            if acc > 1.0 {
                acc *= 2.0;
                return acc * y;
            }
        }
        acc -= y;
        {
            let t = acc * acc;
            if t > 0.5 {
                return t;
            }
        }
        acc
    }
    grad return_after_mutation_in_nested_block_grad, return_after_mutation_in_nested_block_value_and_grad;
    at [(1.0, 1.0), (0.1, 0.2), (-2.0, 0.5), (0.2, -0.3), (-0.3, 0.1)]
}

#[allow(clippy::needless_return)]
mod explicit_final_return {
    use super::*;

    twin! {
        #[differentiable]
        fn final_return(x: f64, y: f64) -> f64 {
            let z = x * y;
            return z.sin() + x;
        }
        grad final_return_grad, final_return_value_and_grad;
        at [(0.5, 1.5), (-1.2, 0.3), (2.0, -0.7), (-0.4, -2.5)]
    }
}

// Integer and bool locals, `%` and `%=`, conditions that are blocks, deferred `let`.

twin! {
    cast;
    #[differentiable]
    fn integer_locals(x: f64, n: i32) -> f64 {
        let mut k = n;
        k += 2;
        k *= 3;
        k -= n / 2;
        k %= 7;
        let m = -k;
        let parity = if n % 2 == 0 { 1 } else { -1 };
        x.powi(k) + x.powi(m) * parity as f64 * 0.5
    }
    grad integer_locals_grad, integer_locals_value_and_grad;
    at [(1.5, 4), (-0.5, 1), (0.7, 0), (-2.0, -3), (1.25, 11)]
}

twin! {
    #[differentiable]
    fn bool_locals(x: f64, flag: bool) -> f64 {
        let positive = x > 0.0;
        let mut big = false;
        if x > 1.0 {
            big = true;
        }
        let both = positive && flag;
        if both || !big { x * x } else { x.sin() }
    }
    grad bool_locals_grad, bool_locals_value_and_grad;
    at [(2.0, true), (2.0, false), (0.5, false), (-0.5, true), (-3.0, false)]
}

twin! {
    #[differentiable]
    fn float_remainder_assignment(x: f64, y: f64) -> f64 {
        let mut z = x * 3.0;
        z %= y;
        let w = (z + x) % 1.25;
        z * x + w * y
    }
    grad float_remainder_assignment_grad, float_remainder_assignment_value_and_grad;
    at [(2.5, 2.0), (-2.5, 2.0), (2.5, -0.7), (0.3, 0.7), (-1.9, -0.45)]
}

twin! {
    #[differentiable]
    fn block_as_condition(x: f64, y: f64) -> f64 {
        if {
            let t = x * 2.0;
            t > y
        } {
            x * y
        } else {
            let u = { x - y };
            u * u
        }
    }
    grad block_as_condition_grad, block_as_condition_value_and_grad;
    at [(2.0, 1.0), (0.2, 1.0), (-1.0, -3.0), (-1.0, 0.5)]
}

twin! {
    #[differentiable]
    fn deferred_initialisation(x: f64, y: f64) -> f64 {
        let z;
        let w: f64;
        if x > y {
            z = x * y;
            w = x;
        } else {
            z = x - y;
            w = y.exp();
        }
        z * w
    }
    grad deferred_initialisation_grad, deferred_initialisation_value_and_grad;
    at [(2.0, 1.0), (0.2, 1.0), (-1.0, -3.0), (-1.0, 0.5)]
}

twin! {
    #[differentiable]
    fn names_like_generated_ones(x: f64, y: f64) -> f64 {
        let d_x = x * 2.0;
        let t0 = d_x * y;
        let t1 = t0.sin();
        let d_t1 = t1 * x;
        let d_y = d_t1 + y;
        let dx = d_y * d_x;
        let grad = dx + t0;
        let value = grad * 0.5;
        let t = value - d_y;
        t + t1
    }
    grad names_like_generated_ones_grad, names_like_generated_ones_value_and_grad;
    at [(0.7, -0.3), (-1.2, 0.3), (2.0, -0.7), (-0.4, -2.5)]
}

twin! {
    #[differentiable]
    fn unused_and_pass_through_parameters(x: f64, y: f64, z: f64) -> f64 {
        let _ = y * 2.0;
        let _unused = x.ln();
        z
    }
    grad unused_and_pass_through_parameters_grad, unused_and_pass_through_parameters_value_and_grad;
    at [(0.7, -0.3, 1.0), (-1.2, 0.3, -2.0), (2.0, -0.7, 0.0)]
}

#[test]
fn unused_parameters_have_gradient_zero_even_beside_nan() {
    // `x.ln()` is NaN at x < 0, but the value is dead: the gradient must not see it.
    assert_eq!(
        unused_and_pass_through_parameters_value_and_grad(-1.2, 0.3, -2.0),
        (-2.0, (0.0, 0.0, 1.0))
    );
}

// Functions whose body yields plain literals on some paths (hand-written twins: a literal
// is an `f64`, not a dual number).

#[differentiable]
fn constant_function(x: f64) -> f64 {
    let _ = x;
    3.5
}

#[test]
fn constant_function_has_gradient_zero() {
    for x in [-2.0, 0.0, 1.5] {
        assert_eq!(constant_function(x), 3.5);
        assert_eq!(constant_function_value_and_grad(x), (3.5, 0.0));
        assert_eq!(constant_function_grad(x), 0.0);
    }
}

#[differentiable]
fn literal_branches_and_returns(x: f64, y: f64) -> f64 {
    if x < -1.0 {
        return 0.0;
    }
    let d = if x != 0.0 { 1.0 / x } else { 0.0 };
    let s = if y > 1.0 { 2.0 } else { y * y };
    d * s + if x > 2.0 { 1.0 } else { x }
}

fn literal_branches_and_returns_dual(x: D, y: D) -> D {
    if x < -1.0 {
        return D::cst(0.0);
    }
    let d = if x != 0.0 { 1.0 / x } else { D::cst(0.0) };
    let s = if y > 1.0 { D::cst(2.0) } else { y * y };
    d * s + if x > 2.0 { D::cst(1.0) } else { x }
}

check_fn! {
    test literal_branches_and_returns_matches;
    fn literal_branches_and_returns[x: f64, y: f64];
    grad literal_branches_and_returns_grad, literal_branches_and_returns_value_and_grad;
    dual literal_branches_and_returns_dual;
    at [(-2.0, 0.5), (-0.5, 0.5), (0.0, 3.0), (1.5, 3.0), (2.5, -0.5), (3.0, 2.0)]
}

#[test]
fn literal_paths_have_exact_gradients() {
    assert_eq!(
        literal_branches_and_returns_value_and_grad(-2.0, 0.5),
        (0.0, (0.0, 0.0))
    );
    assert_eq!(literal_branches_and_returns_grad(0.0, 3.0), (1.0, 0.0));
}

#[differentiable]
fn mutable_parameter(mut x: f64, y: f64) -> f64 {
    x *= 2.0;
    x += y;
    x * x
}

fn mutable_parameter_dual(x: D, y: D) -> D {
    let mut x = x;
    x *= 2.0;
    x += y;
    x * x
}

check_fn! {
    test mutable_parameter_matches;
    fn mutable_parameter[x: f64, y: f64];
    grad mutable_parameter_grad, mutable_parameter_value_and_grad;
    dual mutable_parameter_dual;
    at [(-2.0, 0.5), (-0.5, 0.5), (1.5, 3.0), (2.5, -0.5)]
}

// `f_value_and_grad` computes the same value as `f`, bit for bit, also at infinities,
// NaN and signed zeros (the simplifier may only apply rewrites exact in IEEE arithmetic).

#[differentiable]
fn ieee_sensitive(x: f64, y: f64) -> f64 {
    let a = x * 0.0 + y;
    let b = x - x;
    let c = x / x;
    let d = x * 1.0 / 1.0 - 0.0;
    let e = -(-x) * y;
    let f = 3.0 * 5.0 * x + 0.1 + 0.2;
    let g = x * 3.0 * 5.0;
    let h = (x + 1e16) - 1e16;
    a + b * c + d * e + f - g + h
}

#[differentiable]
fn ieee_special_forms(x: f64, y: f64) -> f64 {
    x.powf(1.0) * y.powi(1) + x.max(x) - (x * y).sqrt() * (y * x).sqrt() + x.hypot(0.0)
}

#[test]
fn value_and_grad_values_are_bit_identical_at_special_points() {
    let specials = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        -2.5,
        1e-310,
        -1e-310,
        1e308,
        -1e308,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    for x in specials {
        for y in specials {
            for (name, f, vg) in [
                (
                    "ieee_sensitive",
                    ieee_sensitive(x, y),
                    ieee_sensitive_value_and_grad(x, y).0,
                ),
                (
                    "ieee_special_forms",
                    ieee_special_forms(x, y),
                    ieee_special_forms_value_and_grad(x, y).0,
                ),
            ] {
                assert!(
                    common::same(f, vg),
                    "{name}({x:?}, {y:?}): f = {f:?}, value_and_grad = {vg:?}"
                );
            }
        }
    }
}

// Every path returning explicitly, `return` in a block, bindings shadowing parameters.

#[allow(clippy::needless_return, clippy::single_match)]
mod explicit_returns_everywhere {
    use super::*;

    twin! {
        #[differentiable]
        fn returns_in_both_branches(x: f64) -> f64 {
            if x > 0.0 {
                return x * 2.0;
            } else {
                return -x * x;
            }
        }
        grad returns_in_both_branches_grad, returns_in_both_branches_value_and_grad;
        at [(1.5), (-1.5), (0.25), (-0.25)]
    }

    twin! {
        #[differentiable]
        fn return_in_trailing_block(x: f64, y: f64) -> f64 {
            let z = x * 3.0;
            {
                let w = z * y;
                return w * x;
            }
        }
        grad return_in_trailing_block_grad, return_in_trailing_block_value_and_grad;
        at [(1.5, 0.5), (-1.5, 2.0), (0.25, -3.0)]
    }

    twin! {
        #[differentiable]
        fn returns_in_every_arm(x: f64, n: i32) -> f64 {
            match n {
                0 => return x,
                1 | 2 => return x * x,
                _ => return x.sin(),
            }
        }
        grad returns_in_every_arm_grad, returns_in_every_arm_value_and_grad;
        at [(1.5, 0), (-1.5, 1), (0.25, 2), (-0.75, 3)]
    }

    twin! {
        #[differentiable]
        fn return_in_arm_block_then_more(x: f64, n: i32) -> f64 {
            match n {
                0 => {
                    return x;
                }
                _ => {}
            };
            x * 5.0
        }
        grad return_in_arm_block_then_more_grad, return_in_arm_block_then_more_value_and_grad;
        at [(1.5, 0), (-1.5, 1), (0.25, 7)]
    }
}

twin! {
    #[differentiable]
    fn match_binding_shadows_a_parameter(x: f64, n: i32) -> f64 {
        let r = match n {
            x if x > 2 => 1.0,
            _ => 0.5,
        };
        r * x
    }
    grad match_binding_shadows_a_parameter_grad, match_binding_shadows_a_parameter_value_and_grad;
    at [(1.5, 3), (1.5, 1), (-0.5, 7), (-0.5, -7)]
}
