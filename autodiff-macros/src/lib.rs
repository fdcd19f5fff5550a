//! `#[differentiable]`: compile-time, source-to-source automatic differentiation.
//!
//! Use it through the `autodiff` crate, which re-exports it with documentation and
//! examples. The pipeline, one module per stage:
//!
//! ```text
//! syn::ItemFn ─lower─▶ IR ─reverse/forward─▶ IR ─simplify─▶ IR ─emit─▶ TokenStream
//! ```

mod attr;
mod ctxt;
mod diff;
mod emit;
mod expand;
mod ir;
mod lower;
mod signature;
mod simplify;

use proc_macro::TokenStream;

/// Generates the gradient of a float-valued function at compile time.
///
/// See the `autodiff` crate for the full documentation.
#[proc_macro_attribute]
pub fn differentiable(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand_guarded(args.into(), item.into()).into()
}

#[cfg(test)]
mod tests;
