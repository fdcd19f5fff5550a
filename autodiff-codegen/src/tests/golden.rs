//! Golden tests of emitted code (formatted with prettyplease, like the documentation shows
//! it): the derivative reads like one written by hand.

use quote::quote;

use crate::expand::{expand, pretty};

/// The formatted expansion, without the documentation attributes.
fn expanded(args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
    let out = expand(args, item, crate::Listing::Include);
    let file: syn::File =
        syn::parse2(out).unwrap_or_else(|e| panic!("expansion does not parse: {e}"));
    let mut file = file;
    for item in &mut file.items {
        if let syn::Item::Fn(f) = item {
            f.attrs.clear();
        }
    }
    pretty(&quote!(#file))
}

/// The generated function named `name`, formatted.
fn generated(src: proc_macro2::TokenStream, name: &str) -> String {
    let text = expanded(quote!(), src);
    let start = text
        .find(&format!("fn {name}("))
        .or_else(|| text.find(&format!("fn {name}<")))
        .unwrap_or_else(|| panic!("no `{name}` in\n{text}"));
    let rest = &text[start..];
    let end = rest.find("\n}\n").map(|i| i + 3).unwrap_or(rest.len());
    rest[..end].to_string()
}

#[test]
fn rosenbrock_gradient_reads_like_hand_written_code() {
    let src = quote! {
        fn rosenbrock(x: f64, y: f64) -> f64 {
            (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
        }
    };
    let got = generated(src, "rosenbrock_value_and_grad");
    let want = r#"fn rosenbrock_value_and_grad(x: f64, y: f64) -> (f64, (f64, f64)) {
    let t3 = 1.0 - x;
    let t8 = y - x * x;
    let d_t8 = 200.0 * t8;
    let d_x = -2.0 * x * d_t8 - 2.0 * t3;
    (t3.powi(2) + 100.0 * t8.powi(2), (d_x, d_t8))
}
"#;
    assert_eq!(got, want, "\n{got}");
}

#[test]
fn the_n_d_rosenbrock_carries_its_neighbour_and_sums_like_hand_written_code() {
    let body = quote! {
        let mut s = 0.0;
        for i in 0..x.len() - 1 {
            let a = 1.0 - x[i];
            let b = x[i + 1] - x[i] * x[i];
            s += a * a + 100.0 * b * b;
        }
        s
    };
    // Over a fixed-size array (a trip count the compiler knows): positive literals, the
    // power of two merged into the other literal.
    let array = generated(
        quote! { fn rosenbrock<const N: usize>(x: &[f64; N]) -> f64 { #body } },
        "rosenbrock_value_and_grad_into",
    );
    let want = r#"fn rosenbrock_value_and_grad_into<const N: usize>(
    x: &[f64; N],
    grad_x: &mut [f64; N],
) -> f64 {
    let t5 = x.len() - 1;
    let d_x = grad_x;
    let mut s: f64 = 0.0;
    let mut carry82: f64 = 0.0;
    for i in 0..t5 {
        let t9 = x[i];
        let a = 1.0 - t9;
        let b = x[i + 1] - t9 * t9;
        d_x[i] = carry82 - (2.0 * a + t9 * (400.0 * b));
        (s, carry82) = (s + (a * a + 100.0 * b * b), 200.0 * b);
    }
    d_x[t5] = carry82;
    s
}
"#;
    assert_eq!(array, want, "\n{array}");
    // Over a slice: the sum as reverse mode forms it (measured faster in rolled loops).
    let slice = generated(
        quote! { fn rosenbrock(x: &[f64]) -> f64 { #body } },
        "rosenbrock_value_and_grad_into",
    );
    assert!(
        slice.contains("let d_t29 = -2.0 * t9 * d_b - 2.0 * a;")
            && slice.contains("d_x[i] = carry82 + d_t29;"),
        "\n{slice}"
    );
}

#[test]
fn user_names_survive_and_adjoints_are_named_after_them() {
    let src = quote! {
        fn loss(w: f64, b: f64, x: f64) -> f64 {
            let z = w * x + b;
            let p = z.tanh();
            (p - 1.0) * (p - 1.0)
        }
    };
    let got = generated(src, "loss_grad");
    assert!(got.contains("let z = w * x + b;"), "{got}");
    assert!(got.contains("let p = z.tanh();"), "{got}");
    assert!(got.contains("d_z"), "{got}");
    assert!(!got.contains("* 1.0") && !got.contains("+ 0.0"), "{got}");
}

#[test]
fn branches_export_what_the_adjoint_needs() {
    let src = quote! {
        fn softplus(x: f64) -> f64 {
            if x > 20.0 { x } else { x.exp().ln_1p() }
        }
    };
    let got = generated(src, "softplus_grad");
    // The exponential is computed once, in the primal branch, and reused by the adjoint.
    assert_eq!(got.matches(".exp()").count(), 1, "{got}");
    assert!(got.contains("if t"), "{got}");
}

#[test]
fn calls_go_through_the_callees_partials() {
    let src = quote! {
        fn outer(a: f64) -> f64 {
            geometry::inner(a, 2) * a
        }
    };
    let got = generated(src, "outer_grad");
    assert!(
        got.contains("geometry::__autodiff_partials_inner(a, 2)"),
        "{got}"
    );
}

#[test]
#[ignore]
fn show_expansion() {
    let src = std::env::var("SHOW").unwrap_or_default();
    let args = std::env::var("ARGS").unwrap_or_default();
    let item: proc_macro2::TokenStream = src.parse().unwrap();
    println!("{}", expanded(args.parse().unwrap(), item));
}

#[test]
#[ignore]
fn show_ir() {
    let src = std::env::var("SHOW").unwrap_or_default();
    let func = super::lowering::lower_source(&src).unwrap_or_else(|e| panic!("{e:?}"));
    let mut rev = crate::diff::reverse(&func).unwrap_or_else(|e| panic!("{e:?}"));
    crate::simplify::simplify(&mut rev, crate::simplify::Width::F64);
    println!("{:#?}", rev.body);
}

#[test]
fn the_listing_is_left_out_only_when_asked() {
    let item = quote! { fn cube(x: f64) -> f64 { x * x * x } };
    let with = crate::expand_with(quote!(), item.clone(), crate::Listing::Include).to_string();
    let without = crate::expand_with(quote!(), item, crate::Listing::Omit).to_string();
    assert!(with.contains("```text"), "{with}");
    assert!(!without.contains("```text"), "{without}");
    assert!(without.contains("cargo doc"), "{without}");
    // The code itself is the same.
    let code = |s: &str| s.split("# [doc").count();
    assert_eq!(code(&with), code(&without));
    // A test binary is not the compiler: the listing is included.
    assert_eq!(crate::Listing::for_host(), crate::Listing::Include);
}
