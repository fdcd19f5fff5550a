//! The code generator behind `#[differentiable]`: compile-time, source-to-source automatic
//! differentiation of Rust functions.
//!
//! This is an ordinary library (the `autodiff-macros` proc-macro crate is a one-line
//! wrapper around [`expand`]), so the pipeline can be tested and benchmarked directly.
//! Use `#[differentiable]` through the `autodiff` crate.
//!
//! ```text
//! syn::ItemFn ─lower─▶ IR ─reverse/forward─▶ IR ─simplify─▶ IR ─emit─▶ TokenStream
//! ```
//!
//! ```
//! let item = quote::quote! { fn square(x: f64) -> f64 { x * x } };
//! let out = autodiff_codegen::expand(proc_macro2::TokenStream::new(), item).to_string();
//! assert!(out.contains("fn square_grad"));
//! assert!(out.contains("fn square_value_and_grad"));
//! ```

mod attr;
mod ctxt;
mod diff;
mod emit;
mod expand;
mod fuse;
mod hash;
mod ir;
mod lower;
mod signature;
mod simplify;

pub use expand::Listing;
use proc_macro2::TokenStream;

/// Expands `#[differentiable(args)] item`: the item unchanged, followed by its generated
/// gradient functions — or, when the item is outside the supported subset, the item and
/// one spanned `compile_error!` per problem. Never panics.
///
/// ```
/// let out = autodiff_codegen::expand(quote::quote!(wrt(q)), quote::quote! { fn f(x: f64) -> f64 { x } });
/// assert!(out.to_string().contains("compile_error"));
/// ```
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand_guarded(args, item, Listing::Include)
}

/// [`expand`], choosing whether the documentation of `f_value_and_grad` lists the
/// derivative code (the attribute passes [`Listing::for_host`]: omitted under `rustc`,
/// included under `rustdoc`).
///
/// ```
/// use autodiff_codegen::{Listing, expand_with};
///
/// let item = quote::quote! { fn square(x: f64) -> f64 { x * x } };
/// let full = expand_with(Default::default(), item.clone(), Listing::Include).to_string();
/// let lean = expand_with(Default::default(), item, Listing::Omit).to_string();
/// assert!(full.contains("```text"));
/// assert!(!lean.contains("```text"));
/// ```
pub fn expand_with(args: TokenStream, item: TokenStream, listing: Listing) -> TokenStream {
    expand::expand_guarded(args, item, listing)
}

#[cfg(test)]
mod tests;
