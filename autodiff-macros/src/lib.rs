//! The `#[differentiable]` attribute.
use proc_macro::TokenStream;

/// Placeholder.
#[proc_macro_attribute]
pub fn differentiable(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
