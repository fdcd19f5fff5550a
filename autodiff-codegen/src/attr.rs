//! The attribute's arguments: `#[differentiable]`, `#[differentiable(wrt(x, y))]`.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Token};

/// The options a user can give, as parsed (validated against the signature later).
#[derive(Default, Debug)]
pub struct Args {
    /// `wrt(a, b)`: the parameters to differentiate with respect to, as written.
    pub wrt: Option<Vec<Ident>>,
}

/// The options the attribute accepts, for error messages.
pub const VALID_OPTIONS: &str = "`wrt(param, ...)`";

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let key: Ident = input.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    format!(
                        "expected an option of #[differentiable]; valid options: {VALID_OPTIONS}"
                    ),
                )
            })?;
            match key.to_string().as_str() {
                "wrt" => {
                    if args.wrt.is_some() {
                        return Err(syn::Error::new(
                            key.span(),
                            "`wrt` is given twice; list every parameter in one `wrt(...)`",
                        ));
                    }
                    let content;
                    syn::parenthesized!(content in input);
                    let names: Punctuated<Ident, Token![,]> =
                        content.parse_terminated(Ident::parse, Token![,])?;
                    if names.is_empty() {
                        return Err(syn::Error::new(
                            key.span(),
                            "`wrt()` is empty; name at least one float parameter, or drop `wrt` to differentiate with respect to every float parameter",
                        ));
                    }
                    args.wrt = Some(names.into_iter().collect());
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{other}` of #[differentiable]; valid options: {VALID_OPTIONS}"
                        ),
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}
