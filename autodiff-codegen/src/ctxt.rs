//! [`Ctxt`]: collects every error found in a function, so all of them are reported at once.

use std::cell::RefCell;

use quote::ToTokens;

/// An error accumulator. Stages report into it and keep going; the expansion turns the
/// collected errors into one `compile_error!` each, spanned at the offending code.
#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// A context with no errors.
    pub fn new() -> Self {
        Ctxt::default()
    }

    /// Reports `message` at the code `tokens` came from.
    pub fn error_spanned_by(&self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// Reports `message` at `span`.
    pub fn error_at(&self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new(span, message));
    }

    /// Adds an error that already carries its span.
    pub fn push(&self, error: syn::Error) {
        self.errors.borrow_mut().push(error);
    }

    /// Whether anything was reported.
    pub fn has_errors(&self) -> bool {
        !self.errors.borrow().is_empty()
    }

    /// All errors reported so far, combined into one, or `Ok` if there were none.
    pub fn check(&self) -> syn::Result<()> {
        let mut errors = self
            .errors
            .borrow_mut()
            .drain(..)
            .collect::<Vec<_>>()
            .into_iter();
        match errors.next() {
            None => Ok(()),
            Some(mut first) => {
                for e in errors {
                    first.combine(e);
                }
                Err(first)
            }
        }
    }
}
