//! Names that are not local variables: float constants (`PI`, `f64::EPSILON`), user
//! constants (`SCALE`), and the types `as` casts to.

use quote::ToTokens;

use crate::ir::{Named, Ty};

/// The float constants of `core::f64::consts` (and `f32::consts`), by name.
const CONSTS: &[(&str, f64)] = &[
    ("PI", core::f64::consts::PI),
    ("TAU", core::f64::consts::TAU),
    ("E", core::f64::consts::E),
    ("SQRT_2", core::f64::consts::SQRT_2),
    ("FRAC_1_SQRT_2", core::f64::consts::FRAC_1_SQRT_2),
    ("LN_2", core::f64::consts::LN_2),
    ("LN_10", core::f64::consts::LN_10),
    ("LOG2_E", core::f64::consts::LOG2_E),
    ("LOG10_E", core::f64::consts::LOG10_E),
    ("LOG2_10", core::f64::consts::LOG2_10),
    ("LOG10_2", core::f64::consts::LOG10_2),
    ("FRAC_PI_2", core::f64::consts::FRAC_PI_2),
    ("FRAC_PI_3", core::f64::consts::FRAC_PI_3),
    ("FRAC_PI_4", core::f64::consts::FRAC_PI_4),
    ("FRAC_PI_6", core::f64::consts::FRAC_PI_6),
    ("FRAC_PI_8", core::f64::consts::FRAC_PI_8),
    ("FRAC_1_PI", core::f64::consts::FRAC_1_PI),
    ("FRAC_2_PI", core::f64::consts::FRAC_2_PI),
    ("FRAC_2_SQRT_PI", core::f64::consts::FRAC_2_SQRT_PI),
];

/// Associated constants of the float types, by name.
const ASSOCIATED: &[(&str, f64)] = &[
    ("EPSILON", f64::EPSILON),
    ("MAX", f64::MAX),
    ("MIN", f64::MIN),
    ("MIN_POSITIVE", f64::MIN_POSITIVE),
    ("INFINITY", f64::INFINITY),
    ("NEG_INFINITY", f64::NEG_INFINITY),
    ("NAN", f64::NAN),
];

/// What a path that is not a local variable denotes: a float constant the macro knows
/// (typed `Float`, with its value in `f64`), or a constant it does not (typed `Opaque`).
pub fn constant(path: &syn::ExprPath) -> (Ty, Named) {
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let tokens = path.to_token_stream();
    let last = segments.last().map(String::as_str).unwrap_or("");
    let in_consts = segments.iter().any(|s| s == "consts") || segments.len() == 1;
    let float_assoc =
        segments.len() >= 2 && matches!(segments[segments.len() - 2].as_str(), "f64" | "f32");
    let known = if float_assoc {
        ASSOCIATED.iter().find(|(n, _)| *n == last).map(|(_, v)| *v)
    } else if in_consts {
        CONSTS.iter().find(|(n, _)| *n == last).map(|(_, v)| *v)
    } else {
        None
    };
    // A bare `PI` may be an import of the std constant or a user constant of any type:
    // keep its value for the interpreter but let the context decide its type.
    let ty = if known.is_some() && segments.len() > 1 {
        Ty::Float
    } else {
        Ty::Opaque
    };
    (
        ty,
        Named {
            tokens,
            value: known,
        },
    )
}
