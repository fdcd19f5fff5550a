//! The `#[differentiable]` attribute. The work happens in `autodiff-codegen`; use the
//! attribute through the `autodiff` crate, which documents it.

use proc_macro::TokenStream;

/// Generates the gradient of a float-valued function at compile time.
///
/// See the `autodiff` crate for the full documentation.
#[proc_macro_attribute]
pub fn differentiable(args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff_codegen::expand_with(
        args.into(),
        item.into(),
        autodiff_codegen::Listing::for_host(),
    )
    .into()
}
