//! Checks a function's signature and decides which parameters are differentiated.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{FnArg, GenericParam, Ident, Pat, ReturnType, Signature, Type, TypeParamBound};

use crate::attr::Args;
use crate::ctxt::Ctxt;
use crate::ir::{ArrayKind, Passing, Ty};
use crate::simplify::Width;

/// The float type a function computes in.
#[derive(Clone, Debug)]
pub struct FloatType {
    /// `f64`, `f32`, or the name of a type parameter bounded by `Float`.
    pub ident: Ident,
    /// Its width, for constant folding (`f64` for a type parameter: nothing is folded
    /// that depends on it).
    pub width: Width,
    /// Whether it is a type parameter.
    pub generic: bool,
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
    /// An array, slice or `Vec` of floats (nested for arrays of arrays).
    Array(Ty, Passing),
}

/// One checked parameter.
#[derive(Clone)]
pub struct ParamInfo {
    /// Its name (raw identifiers included: `r#type`).
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
    /// Its parameters, in order (`self` excluded).
    pub params: Vec<ParamInfo>,
    /// Whether the function takes `&self` (or `self`): its fields are data.
    pub has_self: bool,
    /// Whether the declared result type is usable (else the body's result is not checked).
    pub result_ok: bool,
    /// Parameters whose type was rejected (already reported): the body may still use them.
    pub rejected: Vec<Ident>,
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

/// The type parameter bounded by `Float` (`T: Float`, `T: num_traits::Float`), if any;
/// reports any other generic parameter.
fn float_type_parameter(cx: &Ctxt, sig: &Signature, rejected: &mut Vec<String>) -> Option<Ident> {
    let mut found = None;
    let bounded_by_float = |bounds: &syn::punctuated::Punctuated<
        TypeParamBound,
        syn::Token![+],
    >| {
        bounds.iter().any(|b| matches!(b, TypeParamBound::Trait(t) if t.path.segments.last().is_some_and(|s| s.ident == "Float")))
    };
    for p in &sig.generics.params {
        match p {
            GenericParam::Type(t) => {
                let in_where = sig.generics.where_clause.iter().flat_map(|w| &w.predicates).any(|pred| match pred {
                    syn::WherePredicate::Type(pt) => simple_type_name(&pt.bounded_ty).is_some_and(|n| t.ident == n) && bounded_by_float(&pt.bounds),
                    _ => false,
                });
                if (bounded_by_float(&t.bounds) || in_where) && found.is_none() {
                    found = Some(t.ident.clone());
                } else {
                    cx.error_spanned_by(t, "#[differentiable] supports one type parameter, bounded by `num_traits::Float` (`T: Float`), as the float type; other type parameters are not supported");
                    rejected.push(t.ident.to_string());
                }
            }
            GenericParam::Const(_) => {}
            GenericParam::Lifetime(l) => cx.error_spanned_by(l, "#[differentiable] functions take arrays and slices by shared reference without named lifetimes; remove the lifetime parameter"),
        }
    }
    found
}

/// Checks `sig` against what the macro supports and resolves `args.wrt`. Reports every
/// problem into `cx` and returns what could be understood, so the body can still be
/// checked without repeating the signature's errors.
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
    // Types that are a rejected type parameter were reported already.
    let mut rejected_types = Vec::new();
    let generic = float_type_parameter(cx, sig, &mut rejected_types);
    let already_reported =
        |ty: &Type| simple_type_name(ty).is_some_and(|n| rejected_types.contains(&n));
    let float = match &sig.output {
        ReturnType::Default => {
            cx.error_spanned_by(&sig.ident, format!("#[differentiable] function `{}` must return its float result (`-> f64`, `-> f32` or `-> T` with `T: Float`): the gradient is of a scalar result", sig.ident));
            None
        }
        ReturnType::Type(_, ty) => match (simple_type_name(ty).as_deref(), &generic) {
            (Some("f64"), _) => Some(FloatType {
                ident: Ident::new("f64", span_of(ty)),
                width: Width::F64,
                generic: false,
            }),
            (Some("f32"), _) => Some(FloatType {
                ident: Ident::new("f32", span_of(ty)),
                width: Width::F32,
                generic: false,
            }),
            (Some(n), Some(t)) if t == n => Some(FloatType {
                ident: t.clone(),
                width: Width::F64,
                generic: true,
            }),
            _ if already_reported(ty) => None,
            _ => {
                cx.error_spanned_by(ty, "#[differentiable] functions must return one float (`f64`, `f32` or `T: Float`): the gradient is of a scalar result; return other values from a separate function");
                None
            }
        },
    };
    let result_ok = float.is_some();
    let float = float.unwrap_or_else(|| FloatType {
        ident: Ident::new("f64", sig.ident.span()),
        width: Width::F64,
        generic: false,
    });
    let mut params = Vec::new();
    let mut has_self = false;
    let mut params_ok = true;
    let mut rejected: Vec<Ident> = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => {
                if r.mutability.is_some()
                    || matches!(
                        r.kind,
                        syn::ReceiverKind::Reference(_, _, Some(_)) | syn::ReceiverKind::Typed(..)
                    )
                {
                    cx.error_spanned_by(r, "#[differentiable] methods take `&self` (fields are data, never differentiated); a differentiable function cannot change `self`");
                    params_ok = false;
                } else {
                    has_self = true;
                }
            }
            FnArg::Typed(pt) => {
                let ident = match &*pt.pat {
                    Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                        pi.ident.clone()
                    }
                    other => {
                        cx.error_spanned_by(other, "#[differentiable] parameters must be plain names (`x: f64`); destructure inside the body");
                        params_ok = false;
                        continue;
                    }
                };
                match param_kind(&pt.ty, &float) {
                    Ok(kind) => params.push(ParamInfo {
                        ident,
                        kind,
                        wrt: false,
                    }),
                    Err(message) => {
                        if !already_reported(&pt.ty) {
                            cx.error_spanned_by(
                                &pt.ty,
                                format!(
                                    "unsupported type for parameter `{}`: {message}",
                                    ident.unraw()
                                ),
                            );
                        }
                        params_ok = false;
                        rejected.push(ident);
                    }
                }
            }
        }
    }
    resolve_wrt(cx, sig, args, &mut params, &rejected, params_ok);
    SignatureInfo {
        ident: sig.ident.clone(),
        float,
        params,
        has_self,
        result_ok,
        rejected,
    }
}

/// What a parameter of type `ty` is, or why it is not supported.
fn param_kind(ty: &Type, float: &FloatType) -> Result<ParamKind, String> {
    let float_name = float.ident.to_string();
    if let Some(name) = simple_type_name(ty) {
        return match name.as_str() {
            n if n == float_name => Ok(ParamKind::Float),
            n @ ("f64" | "f32") => Err(format!(
                "it is `{n}`, but the function computes in `{float_name}`; a #[differentiable] function uses one float type"
            )),
            "bool" => Ok(ParamKind::Bool),
            n if is_integer_type(n) => Ok(ParamKind::Int(n.to_string())),
            _ => Err(supported_types(&float_name)),
        };
    }
    match ty {
        Type::Array(_) => Ok(ParamKind::Array(array_type(ty, &float_name)?, Passing::Value)),
        Type::Reference(r) if r.mutability.is_some() => Err("a #[differentiable] function cannot write through `&mut`; take the values by shared reference and return results".into()),
        Type::Reference(r) => match &*r.elem {
            Type::Array(_) => Ok(ParamKind::Array(array_type(&r.elem, &float_name)?, Passing::Reference)),
            Type::Slice(s) => Ok(ParamKind::Array(Ty::Array { elem: Box::new(element(&s.elem, &float_name)?), kind: ArrayKind::Dynamic }, Passing::Reference)),
            Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Vec") => {
                let inner = match &p.path.segments.last().map(|s| &s.arguments) {
                    Some(syn::PathArguments::AngleBracketed(a)) => a.args.iter().find_map(|g| match g {
                        syn::GenericArgument::Type(t) => Some(t.clone()),
                        _ => None,
                    }),
                    _ => None,
                };
                let inner = inner.ok_or_else(|| supported_types(&float_name))?;
                Ok(ParamKind::Array(Ty::Array { elem: Box::new(element(&inner, &float_name)?), kind: ArrayKind::Dynamic }, Passing::Reference))
            }
            _ => Err(supported_types(&float_name)),
        },
        _ => Err(supported_types(&float_name)),
    }
}

fn supported_types(float: &str) -> String {
    format!(
        "#[differentiable] functions take `{float}`, integers, `bool`, and arrays or slices of `{float}` (`[{float}; N]`, `&[{float}; N]`, `&[[{float}; M]; N]`, `&[{float}]`, `&Vec<{float}>`)"
    )
}

/// The IR type of `[E; N]` (nested arrays allowed).
fn array_type(ty: &Type, float: &str) -> Result<Ty, String> {
    match ty {
        Type::Array(a) => {
            let len_expr = &a.len;
            let len_text = quote!(#len_expr).to_string();
            let value = match len_expr {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                }) => i.base10_parse::<usize>().ok(),
                _ => None,
            };
            let elem = match &*a.elem {
                inner @ Type::Array(_) => array_type(inner, float)?,
                other => element(other, float)?,
            };
            Ok(Ty::Array {
                elem: Box::new(elem),
                kind: ArrayKind::Fixed {
                    len: len_text,
                    value,
                },
            })
        }
        _ => Err(supported_types(float)),
    }
}

fn element(ty: &Type, float: &str) -> Result<Ty, String> {
    match simple_type_name(ty) {
        Some(n) if n == float => Ok(Ty::Float),
        _ => Err(format!(
            "the elements must be `{float}`, the function's float type"
        )),
    }
}

/// The Rust type of the gradient of a parameter of kind `kind`.
pub fn gradient_type(kind: &ParamKind, float: &Ident) -> TokenStream {
    match kind {
        ParamKind::Array(ty, _) => gradient_of(ty, float),
        _ => quote!(#float),
    }
}

fn gradient_of(ty: &Ty, float: &Ident) -> TokenStream {
    match ty {
        Ty::Array {
            elem,
            kind: ArrayKind::Fixed { len, .. },
        } => {
            let inner = gradient_of(elem, float);
            let len: TokenStream = len.parse().unwrap_or_default();
            quote!([#inner; #len])
        }
        Ty::Array {
            elem,
            kind: ArrayKind::Dynamic,
        } => {
            let inner = gradient_of(elem, float);
            quote!(::autodiff::__private::Vec<#inner>)
        }
        _ => quote!(#float),
    }
}

fn resolve_wrt(
    cx: &Ctxt,
    sig: &Signature,
    args: &Args,
    params: &mut [ParamInfo],
    rejected: &[Ident],
    params_ok: bool,
) {
    let differentiable = |k: &ParamKind| matches!(k, ParamKind::Float | ParamKind::Array(..));
    match &args.wrt {
        None => {
            for p in params.iter_mut() {
                p.wrt = differentiable(&p.kind);
            }
            if params_ok && !params.iter().any(|p| p.wrt) {
                cx.error_spanned_by(&sig.ident, format!("`{}` has no float parameter to differentiate with respect to; add one (`x: f64`), or call this function from a #[differentiable] one without differentiating it", sig.ident.unraw()));
            }
        }
        Some(names) => {
            let floats: Vec<String> = params
                .iter()
                .filter(|p| differentiable(&p.kind))
                .map(|p| format!("`{}`", p.ident.unraw()))
                .collect();
            for name in names {
                match params.iter_mut().find(|p| p.ident.unraw() == name.unraw()) {
                    None if rejected.iter().any(|r| r.unraw() == name.unraw()) => {}
                    None => cx.error_spanned_by(name, format!("`wrt({name})` names no parameter of `{}`; its float parameters are {}", sig.ident.unraw(), floats.join(", "))),
                    Some(p) if p.wrt => cx.error_spanned_by(name, format!("`{name}` is listed twice in `wrt`")),
                    Some(p) => match &p.kind {
                        ParamKind::Float | ParamKind::Array(..) => p.wrt = true,
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
