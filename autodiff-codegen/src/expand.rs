//! The pipeline: parse → check the signature → lower → differentiate → simplify → emit.
//!
//! On any error the user's function is still emitted unchanged, with one spanned
//! `compile_error!` per problem and (when the signature is usable) stubs of the generated
//! functions, so one mistake does not turn into a cascade of "cannot find function" errors.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Attribute, ItemFn};

use crate::attr::Args;
use crate::ctxt::Ctxt;
use crate::diff;
use crate::emit::{FloatSpelling, emit_body, names};
use crate::ir::{ArrayKind, Function, Ty};
use crate::lower::lower_function;
use crate::signature::{self, ParamKind, SignatureInfo, gradient_type};

/// Whether the documentation of `f_value_and_grad` lists the derivative code.
///
/// Formatting the listing (parsing the generated tokens back and pretty-printing them) is
/// a third of the expansion time, and only documentation readers see it: the attribute
/// omits it when the compiler itself runs the macro (every `cargo build`, `cargo test`),
/// and includes it under `rustdoc`, IDEs and any other host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Format the derivative code into the documentation.
    Include,
    /// Leave it out.
    Omit,
}

impl Listing {
    /// [`Listing::Omit`] when the running executable is `rustc` (the macro runs inside the
    /// compiler), [`Listing::Include`] otherwise (`rustdoc`, an IDE's macro server, tests).
    pub fn for_host() -> Listing {
        let host = std::env::current_exe().ok();
        let stem = host
            .as_ref()
            .and_then(|p| p.file_stem())
            .and_then(|s| s.to_str());
        if stem == Some("rustc") {
            Listing::Omit
        } else {
            Listing::Include
        }
    }
}
use crate::simplify::simplify;

/// [`expand`], with a last line of defence: an internal failure of the macro becomes a
/// compile error that keeps the user's function, never a panic.
pub fn expand_guarded(args: TokenStream, item: TokenStream, listing: Listing) -> TokenStream {
    let fallback = item.clone();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| expand(args, item, listing))) {
        Ok(out) => out,
        Err(_) => {
            let mut out = fallback.clone();
            let span = fallback
                .into_iter()
                .next()
                .map_or_else(proc_macro2::Span::call_site, |t| t.span());
            out.extend(syn::Error::new(span, "internal error in #[differentiable]: the macro could not differentiate this function (this is a bug in autodiff; please report it with the function's source)").to_compile_error());
            out
        }
    }
}

/// Expands `#[differentiable(args)] item`.
pub fn expand(args: TokenStream, item: TokenStream, listing: Listing) -> TokenStream {
    let cx = Ctxt::new();
    let args = match syn::parse2::<Args>(args) {
        Ok(a) => a,
        Err(e) => {
            cx.push(e);
            Args::default()
        }
    };
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let err = syn::Error::new(
                e.span(),
                "#[differentiable] applies to functions with a body: `fn name(x: f64, …) -> f64 { … }`",
            );
            let mut out = item;
            out.extend(err.to_compile_error());
            return out;
        }
    };
    if let Some(again) = func.attrs.iter().find(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "differentiable")
    }) {
        cx.error_spanned_by(
            again,
            "#[differentiable] is applied twice to this function; remove one",
        );
    }
    // Using only the generated functions is using the function.
    func.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    let sig = signature::check(&cx, &func.sig, &args);
    let signature_ok = !cx.has_errors();
    let ir = lower_function(&cx, &sig, &func.block);
    if let Err(errors) = cx.check() {
        let mut out = func.to_token_stream();
        out.extend(errors.to_compile_error());
        if signature_ok {
            out.extend(stubs(&func, &sig));
        }
        return out;
    }
    match generate(&func, &sig, &ir, listing) {
        Ok(generated) => {
            let mut out = func.to_token_stream();
            out.extend(generated);
            out
        }
        Err(e) => {
            let mut out = func.to_token_stream();
            out.extend(e.to_compile_error());
            out.extend(stubs(&func, &sig));
            out
        }
    }
}

/// Everything between differentiation and emission, in order: simplification; loop
/// fusion, and the branch joining and simplification it enables; first writes; carried
/// neighbours, and the simplification of their sums.
pub(crate) fn optimize(f: &mut Function, width: crate::simplify::Width) {
    simplify(f, width);
    if crate::fuse::fuse(f) {
        crate::simplify::branches::merge(f);
        simplify(f, width);
    }
    crate::simplify::first_writes(f);
    if crate::simplify::carry(f) {
        // The carried sums `carry + w` are new additions to simplify.
        crate::simplify::simplify_carried(f, width);
    }
}

/// Reverse mode, simplified; unsupported constructs become spanned errors.
fn gradient_ir(ir: &Function, sig: &SignatureInfo, every_parameter: bool) -> syn::Result<Function> {
    let result = if every_parameter {
        diff::reverse_all(ir)
    } else {
        diff::reverse(ir)
    };
    match result {
        Ok(mut f) => {
            optimize(&mut f, sig.float.width);
            Ok(f)
        }
        Err(errors) => {
            let mut all = errors
                .into_iter()
                .map(|(span, msg)| syn::Error::new(span, msg));
            let mut first = all.next().unwrap_or_else(|| {
                syn::Error::new(sig.ident.span(), "cannot differentiate this function")
            });
            for e in all {
                first.combine(e);
            }
            Err(first)
        }
    }
}

/// The generated items for a function that lowered without errors.
fn generate(
    func: &ItemFn,
    sig: &SignatureInfo,
    ir: &Function,
    listing: Listing,
) -> syn::Result<TokenStream> {
    let float = &sig.float.ident;
    let spelling = FloatSpelling {
        ty: float.clone(),
        generic: sig.float.generic,
    };
    // The partials other functions call through, with respect to every float parameter; not
    // generated when that would differentiate a call on a parameter outside `wrt` (its
    // callee may not be differentiable): callers then get a clear "cannot find" error.
    let every_float_is_wrt = ir
        .params
        .iter()
        .all(|p| p.wrt || !ir.ty(p.var).is_differentiable());
    let all = if every_float_is_wrt || diff::calls_depend_on_excluded(ir) {
        None
    } else {
        Some(gradient_ir(ir, sig, true)?)
    };
    // The gradient with respect to `wrt` is the partials without the others, when they
    // exist: one differentiation instead of two.
    let rev = match &all {
        Some(all) => restrict_to_wrt(all, ir, sig),
        None => gradient_ir(ir, sig, false)?,
    };

    let wrt: Vec<&signature::ParamInfo> = sig.wrt_params().collect();
    let wrt_names: Vec<String> = wrt.iter().map(|p| format!("`{}`", p.ident)).collect();
    let fname = &sig.ident;
    let grad_tys: Vec<TokenStream> = wrt.iter().map(|p| gradient_type(&p.kind, float)).collect();
    let grad_ty = tuple_or_single(&grad_tys);
    let shape = gradient_shape(wrt.len());

    // One emission serves `_grad` (whose unused value the compiler drops), `_value_and_grad`
    // and, when every float parameter is differentiated, the partials.
    let (stmts, results) = emit_body(&rev, &spelling, &[]);
    let value = &results[0];
    let grads = tuple_or_single(&results[1..]);
    let mut out = item(
        func,
        &names::grad_fn(fname),
        &[],
        quote!(#grad_ty),
        quote!({ #stmts #grads }),
        &format!(
            "The gradient of `{fname}` with respect to {}: {shape}.\n\nGenerated by `#[differentiable]`: the code of `{}`, returning the gradient only (the compiler drops the work only the value needed); its documentation shows the derivative code.",
            wrt_names.join(", "),
            names::value_and_grad_fn(fname)
        ),
        false,
    );

    out.extend(item(
        func,
        &names::value_and_grad_fn(fname),
        &[],
        quote!((#float, #grad_ty)),
        quote!({ #stmts (#value, #grads) }),
        &format!(
            "The value of `{fname}` and its gradient with respect to {}, in one sweep: `(value, gradient)`, the gradient being {shape}.\n\nGenerated by `#[differentiable]`; {}",
            wrt_names.join(", "),
            match listing {
                Listing::Include => "the derivative code is shown below.",
                Listing::Omit => "`cargo doc` shows the derivative code here.",
            }
        ),
        listing == Listing::Include,
    ));

    out.extend(value_and_grad_into(func, &rev, &spelling, &wrt, &grad_tys));

    let (stmts, results) = match (&all, every_float_is_wrt) {
        (_, true) => (stmts, results),
        (Some(all), false) => emit_body(all, &spelling, &[]),
        (None, false) => return Ok(out),
    };
    let value = &results[0];
    let parts = &results[1..];
    let part_tys: Vec<TokenStream> = sig
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Float | ParamKind::Array(..)))
        .map(|p| gradient_type(&p.kind, float))
        .collect();
    out.extend(hidden_item(
        func,
        &names::partials_fn(fname),
        quote!((#float, (#(#part_tys,)*))),
        quote!({ #stmts (#value, (#(#parts,)*)) }),
    ));
    Ok(out)
}

/// `f_value_and_grad_into`, the allocation-free form, when some differentiated parameter is
/// an array or a slice: those gradients go into caller buffers (`grad_x: &mut [T]` for a
/// slice, `&mut [T; N]` for an array), the others are returned with the value. With one
/// `&[T; N]` parameter its signature is the driver's `FnMut(&P, &mut P) -> T`.
fn value_and_grad_into(
    func: &ItemFn,
    rev: &Function,
    spelling: &FloatSpelling,
    wrt: &[&signature::ParamInfo],
    grad_tys: &[TokenStream],
) -> TokenStream {
    let float = &spelling.ty;
    let buffered: Vec<usize> = (0..wrt.len())
        .filter(|k| matches!(wrt[*k].kind, ParamKind::Array(..)))
        .collect();
    if buffered.is_empty() {
        return TokenStream::new();
    }
    // `grad_x` for parameter `x`, unless a parameter already has that name (the body's
    // own names give way: `emit_body` reserves the buffers').
    let mut taken: Vec<String> = func
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(p) => Some(syn::ext::IdentExt::unraw(&p.ident).to_string()),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let buffers: Vec<syn::Ident> = buffered
        .iter()
        .map(|k| {
            let base = format!("grad_{}", syn::ext::IdentExt::unraw(&wrt[*k].ident));
            let name = (1..)
                .map(|n| {
                    if n == 1 {
                        base.clone()
                    } else {
                        format!("{base}_{n}")
                    }
                })
                .find(|name| !taken.contains(name))
                .unwrap_or(base);
            taken.push(name.clone());
            syn::Ident::new(&name, proc_macro2::Span::call_site())
        })
        .collect();
    let overrides: Vec<(crate::ir::VarId, syn::Ident)> = buffered
        .iter()
        .zip(&buffers)
        .map(|(k, b)| (rev.body.results[k + 1], b.clone()))
        .collect();
    let (stmts, results) = emit_body(rev, spelling, &overrides);
    let value = &results[0];
    let rest: Vec<usize> = (0..wrt.len()).filter(|k| !buffered.contains(k)).collect();
    let (ret, tail) = if rest.is_empty() {
        (quote!(#float), quote!(#value))
    } else {
        let rt = tuple_or_single(
            &rest
                .iter()
                .map(|k| grad_tys[*k].clone())
                .collect::<Vec<_>>(),
        );
        let rv = tuple_or_single(
            &rest
                .iter()
                .map(|k| results[k + 1].clone())
                .collect::<Vec<_>>(),
        );
        (quote!((#float, #rt)), quote!((#value, #rv)))
    };
    let extra: Vec<TokenStream> = buffered
        .iter()
        .zip(&buffers)
        .map(|(k, b)| match is_dynamic(&wrt[*k].kind) {
            true => quote!(#b: &mut [#float]),
            false => {
                let ty = &grad_tys[*k];
                quote!(#b: &mut #ty)
            }
        })
        .collect();
    let names_list: Vec<String> = buffers.iter().map(|b| format!("`{b}`")).collect();
    let fname = &func.sig.ident;
    item(
        func,
        &names::value_and_grad_into_fn(fname),
        &extra,
        ret,
        quote!({ #stmts #tail }),
        &format!(
            "The value of `{fname}`, writing the gradient with respect to its array and slice parameters into {}{} instead of returning it; returns the value{}. Allocates nothing for slice gradients.\n\nGenerated by `#[differentiable]`: the code of `{}`, writing into the buffers.",
            names_list.join(", "),
            if buffered.iter().any(|k| is_dynamic(&wrt[*k].kind)) {
                " (a slice's buffer must have its length)"
            } else {
                ""
            },
            if rest.is_empty() {
                ""
            } else {
                " and the gradient with respect to the other parameters"
            },
            names::value_and_grad_fn(fname)
        ),
        false,
    )
}

/// The gradient with respect to the `wrt` parameters out of the partials with respect to
/// every float parameter: the other partials, and the code only they needed, dropped.
fn restrict_to_wrt(all: &Function, ir: &Function, sig: &SignatureInfo) -> Function {
    let mut rev = all.clone();
    let wrt = sig
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Float | ParamKind::Array(..)))
        .map(|p| p.wrt);
    let partials = rev.body.results[1..]
        .iter()
        .zip(wrt)
        .filter(|(_, wrt)| *wrt)
        .map(|(r, _)| *r);
    rev.body.results = std::iter::once(rev.body.results[0])
        .chain(partials)
        .collect();
    for (p, info) in rev.params.iter_mut().zip(&ir.params) {
        p.wrt = info.wrt;
    }
    crate::simplify::dead_code::remove(&mut rev);
    rev
}

fn is_dynamic(kind: &ParamKind) -> bool {
    matches!(
        kind,
        ParamKind::Array(
            Ty::Array {
                kind: ArrayKind::Dynamic,
                ..
            },
            _
        )
    )
}

fn gradient_shape(n: usize) -> &'static str {
    if n == 1 {
        "shaped like the parameter"
    } else {
        "a tuple with one gradient per parameter, in signature order, each shaped like its parameter"
    }
}

fn tuple_or_single(items: &[TokenStream]) -> TokenStream {
    if items.len() == 1 {
        items[0].clone()
    } else {
        quote!((#(#items),*))
    }
}

/// The attributes a generated item copies from the user's function.
fn copied_attrs(func: &ItemFn) -> Vec<&Attribute> {
    func.attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .collect()
}

fn params(func: &ItemFn) -> Vec<TokenStream> {
    func.sig
        .inputs
        .iter()
        .map(|arg| match arg {
            syn::FnArg::Typed(pt) => {
                let ty = &pt.ty;
                match &*pt.pat {
                    syn::Pat::Ident(pi) => {
                        let id = &pi.ident;
                        quote!(#id: #ty)
                    }
                    other => quote!(#other: #ty),
                }
            }
            syn::FnArg::Receiver(r) => r.to_token_stream(),
        })
        .collect()
}

/// A public generated function, its derivative code shown in its documentation.
fn item(
    func: &ItemFn,
    name: &syn::Ident,
    extra: &[TokenStream],
    ret: TokenStream,
    body: TokenStream,
    doc: &str,
    show_source: bool,
) -> TokenStream {
    let vis = &func.vis;
    let attrs = copied_attrs(func);
    let mut params = params(func);
    params.extend(extra.iter().cloned());
    let generics = &func.sig.generics;
    let where_clause = &generics.where_clause;
    let bare = quote!(fn #name #generics (#(#params),*) -> #ret #where_clause #body);
    // Formatting is the slowest part of the expansion: the source is shown once.
    let doc = if show_source {
        let source = pretty(&bare);
        format!("{doc}\n\n```text\n{source}```")
    } else {
        doc.to_string()
    };
    quote! {
        #(#attrs)*
        #[doc = #doc]
        #[inline]
        #[allow(clippy::all, clippy::pedantic, unused_parens, unused_variables, unused_mut, unused_assignments, dead_code)]
        #vis #bare
    }
}

/// The hidden function other `#[differentiable]` functions call.
fn hidden_item(
    func: &ItemFn,
    name: &syn::Ident,
    ret: TokenStream,
    body: TokenStream,
) -> TokenStream {
    let vis = &func.vis;
    let attrs = copied_attrs(func);
    let params = params(func);
    let generics = &func.sig.generics;
    let where_clause = &generics.where_clause;
    quote! {
        #(#attrs)*
        #[doc(hidden)]
        #[inline]
        #[allow(clippy::all, clippy::pedantic, unused_parens, unused_variables, unused_mut, unused_assignments, non_snake_case, dead_code)]
        #vis fn #name #generics (#(#params),*) -> #ret #where_clause #body
    }
}

/// Formats generated code for documentation.
pub fn pretty(tokens: &TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

/// Stand-ins for the generated functions when the body could not be differentiated, so
/// the only errors are the real ones.
fn stubs(func: &ItemFn, sig: &SignatureInfo) -> TokenStream {
    let float = &sig.float.ident;
    let grad_tys: Vec<TokenStream> = sig
        .wrt_params()
        .map(|p| gradient_type(&p.kind, float))
        .collect();
    let grad_ty = if grad_tys.is_empty() {
        quote!(#float)
    } else {
        tuple_or_single(&grad_tys)
    };
    let part_tys: Vec<TokenStream> = sig
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Float | ParamKind::Array(..)))
        .map(|p| gradient_type(&p.kind, float))
        .collect();
    let vis = &func.vis;
    let params = params(func);
    let generics = &func.sig.generics;
    let where_clause = &generics.where_clause;
    let fname = &sig.ident;
    let (g, vg, p) = (
        names::grad_fn(fname),
        names::value_and_grad_fn(fname),
        names::partials_fn(fname),
    );
    let attrs = quote!(#[allow(unused_variables, dead_code, clippy::all)] #[doc(hidden)]);
    quote! {
        #attrs #vis fn #g #generics (#(#params),*) -> #grad_ty #where_clause { ::core::unimplemented!() }
        #attrs #vis fn #vg #generics (#(#params),*) -> (#float, #grad_ty) #where_clause { ::core::unimplemented!() }
        #attrs #vis fn #p #generics (#(#params),*) -> (#float, (#(#part_tys,)*)) #where_clause { ::core::unimplemented!() }
    }
}
