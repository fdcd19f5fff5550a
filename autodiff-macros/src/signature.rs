//! Checks a function's signature and decides which parameters are differentiated.

use syn::{FnArg, Ident, Pat, ReturnType, Signature, Type};

use crate::attr::Args;
use crate::ctxt::Ctxt;
use crate::simplify::Width;

/// The float type a function computes in.
#[derive(Clone, Debug)]
pub struct FloatType {
    /// `f64` or `f32`, spanned at the return type.
    pub ident: Ident,
    /// Its width, for constant folding.
    pub width: Width,
}

/// What kind of value a parameter holds.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamKind {
    /// The function's float type: differentiable.
    Float,
    /// An integer type (named).
    Int(String),
    /// `bool`.
    Bool,
}

/// One checked parameter.
#[derive(Clone)]
pub struct ParamInfo {
    /// Its name.
    pub ident: Ident,
    /// Its kind.
    pub kind: ParamKind,
    /// Whether the gradient is taken with respect to it.
    pub wrt: bool,
}

/// A checked signature.
#[derive(Clone)]
pub struct SignatureInfo {
    /// The function's name.
    pub ident: Ident,
    /// The float type of its result.
    pub float: FloatType,
    /// Its parameters, in order.
    pub params: Vec<ParamInfo>,
}

impl SignatureInfo {
    /// The differentiated parameters, in order.
    pub fn wrt_params(&self) -> impl Iterator<Item = &ParamInfo> {
        self.params.iter().filter(|p| p.wrt)
    }
}

const INTEGER_TYPES: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];

/// The name of a plain single-segment type path (`f64`, `usize`), if `ty` is one.
pub fn simple_type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            let seg = &p.path.segments[0];
            seg.arguments.is_empty().then(|| seg.ident.to_string())
        }
        Type::Paren(p) => simple_type_name(&p.elem),
        Type::Group(g) => simple_type_name(&g.elem),
        _ => None,
    }
}

/// Whether `name` is a primitive integer type.
pub fn is_integer_type(name: &str) -> bool {
    INTEGER_TYPES.contains(&name)
}

/// Checks `sig` against what the macro supports and resolves `args.wrt`. Reports every
/// problem into `cx` and returns what could be understood (unsupported parameters are left
/// out, an unsupported return type is taken as `f64`), so the body can still be checked.
pub fn check(cx: &Ctxt, sig: &Signature, args: &Args) -> SignatureInfo {
    if let Some(c) = &sig.constness {
        cx.error_spanned_by(
            c,
            "#[differentiable] does not support `const fn`; remove `const`",
        );
    }
    if let Some(a) = &sig.asyncness {
        cx.error_spanned_by(
            a,
            "#[differentiable] does not support `async fn`; remove `async`",
        );
    }
    if let syn::Safety::Unsafe(u) = &sig.safety {
        cx.error_spanned_by(
            u,
            "#[differentiable] does not support `unsafe fn`; differentiate a safe function",
        );
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(
            abi,
            "#[differentiable] does not support `extern` functions; remove the ABI",
        );
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned_by(v, "#[differentiable] does not support variadic functions");
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_by(&sig.generics, "#[differentiable] does not support generic functions yet; write the function for `f64` or `f32`");
    }
    let float = match &sig.output {
        ReturnType::Default => {
            cx.error_spanned_by(&sig.ident, format!("#[differentiable] function `{}` must return `f64` or `f32`: the gradient is of a scalar result; add `-> f64`", sig.ident));
            None
        }
        ReturnType::Type(_, ty) => match simple_type_name(ty).as_deref() {
            Some("f64") => Some(FloatType {
                ident: Ident::new("f64", span_of(ty)),
                width: Width::F64,
            }),
            Some("f32") => Some(FloatType {
                ident: Ident::new("f32", span_of(ty)),
                width: Width::F32,
            }),
            _ => {
                cx.error_spanned_by(ty, "#[differentiable] functions must return `f64` or `f32`: the gradient is of a scalar result");
                None
            }
        },
    };
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => cx.error_spanned_by(r, "#[differentiable] does not support methods taking `self` yet; make it an associated function with the data as parameters"),
            FnArg::Typed(pt) => {
                let ident = match &*pt.pat {
                    Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => pi.ident.clone(),
                    other => {
                        cx.error_spanned_by(other, "#[differentiable] parameters must be plain names (`x: f64`); destructure inside the body");
                        continue;
                    }
                };
                let name = simple_type_name(&pt.ty);
                let kind = match name.as_deref() {
                    Some(n @ ("f64" | "f32")) => {
                        if let Some(f) = &float {
                            if f.ident != n {
                                cx.error_spanned_by(&pt.ty, format!("parameter `{ident}` is `{n}` but the function returns `{}`; a #[differentiable] function computes in one float type", f.ident));
                            }
                        }
                        ParamKind::Float
                    }
                    Some("bool") => ParamKind::Bool,
                    Some(n) if is_integer_type(n) => ParamKind::Int(n.to_string()),
                    _ => {
                        cx.error_spanned_by(&pt.ty, format!("unsupported type for parameter `{ident}`: #[differentiable] functions take `f64`/`f32`, integers and `bool`"));
                        continue;
                    }
                };
                params.push(ParamInfo { ident, kind, wrt: false });
            }
        }
    }
    resolve_wrt(cx, sig, args, &mut params);
    let float = float.unwrap_or_else(|| FloatType {
        ident: Ident::new("f64", sig.ident.span()),
        width: Width::F64,
    });
    SignatureInfo {
        ident: sig.ident.clone(),
        float,
        params,
    }
}

fn resolve_wrt(cx: &Ctxt, sig: &Signature, args: &Args, params: &mut [ParamInfo]) {
    match &args.wrt {
        None => {
            for p in params.iter_mut() {
                p.wrt = p.kind == ParamKind::Float;
            }
            if !params.iter().any(|p| p.wrt) {
                cx.error_spanned_by(
                    &sig.ident,
                    format!(
                        "`{}` has no float parameter to differentiate with respect to",
                        sig.ident
                    ),
                );
            }
        }
        Some(names) => {
            for name in names {
                match params.iter_mut().find(|p| p.ident == *name) {
                    None => cx.error_spanned_by(name, format!("`wrt({name})` names no parameter of `{}`", sig.ident)),
                    Some(p) if p.wrt => cx.error_spanned_by(name, format!("`{name}` is listed twice in `wrt`")),
                    Some(p) => match &p.kind {
                        ParamKind::Float => p.wrt = true,
                        ParamKind::Int(t) => cx.error_spanned_by(name, format!("cannot differentiate with respect to `{name}`: it is an integer (`{t}`); only float parameters can be in `wrt`")),
                        ParamKind::Bool => cx.error_spanned_by(name, format!("cannot differentiate with respect to `{name}`: it is a `bool`; only float parameters can be in `wrt`")),
                    },
                }
            }
        }
    }
}

fn span_of(ty: &Type) -> proc_macro2::Span {
    syn::spanned::Spanned::span(ty)
}
