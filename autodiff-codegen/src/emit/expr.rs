//! Rendering operations as Rust expressions, with only the parentheses precedence needs.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::Emitter;
use crate::ir::{BinOp, Op, VarId};

/// Binding strength of a rendered expression, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prec {
    /// `if c { a } else { b }`
    Lowest,
    /// `a < b`
    Compare,
    /// `a + b`
    Sum,
    /// `a * b`
    Product,
    /// `a as T`
    Cast,
    /// `-a`, `!a`, negative literals
    Unary,
    /// names, literals, calls, method calls
    Atom,
}

impl Emitter<'_> {
    /// `v` as an operand: its name, or its inlined expression.
    pub(super) fn operand(&mut self, v: VarId) -> (TokenStream, Prec) {
        if let Some(op) = self.inlined.get(&v).cloned() {
            // An integer literal of a known type keeps it (`0usize`), for inference.
            if let (Op::Int(i), crate::ir::Ty::Int(Some(t))) = (&op, self.func().ty(v)) {
                if *i >= 0 {
                    let text = format!("{i}{t}");
                    if let Ok(ts) = text.parse::<TokenStream>() {
                        return (ts, Prec::Atom);
                    }
                }
            }
            return self.op_expr(&op);
        }
        let id = self.names.of(v);
        (quote!(#id), Prec::Atom)
    }

    /// `v` as an operand that must bind at least as tightly as `min`.
    pub(super) fn operand_at(&mut self, v: VarId, min: Prec) -> TokenStream {
        let (ts, p) = self.operand(v);
        if p < min { quote!((#ts)) } else { ts }
    }

    /// `v` as a method receiver: literals get the float suffix (`2.0_f64.ln()`).
    fn receiver(&mut self, v: VarId) -> TokenStream {
        if let Some(Op::Float(x)) = self.inlined.get(&v) {
            if x.is_finite() && *x >= 0.0 && !self.float.generic {
                let text = format!("{}_{}", Literal::f64_unsuffixed(*x), self.float.ty);
                if let Ok(ts) = text.parse::<TokenStream>() {
                    return ts;
                }
            }
        }
        self.operand_at(v, Prec::Atom)
    }

    /// Renders an operation.
    pub(super) fn op_expr(&mut self, op: &Op) -> (TokenStream, Prec) {
        let spelling = self.float.clone();
        let float = spelling.ty.clone();
        match op {
            Op::Float(x) if spelling.generic => generic_literal(*x, &float),
            Op::Float(x) => float_literal(*x, &float),
            Op::Int(i) => {
                let lit = Literal::i64_unsuffixed(*i);
                (quote!(#lit), if *i < 0 { Prec::Unary } else { Prec::Atom })
            }
            Op::Bool(b) => (quote!(#b), Prec::Atom),
            Op::Named(n) => (n.tokens.clone(), Prec::Atom),
            Op::Copy(a) => self.operand(*a),
            Op::Neg(a) => {
                let a = self.operand_at(*a, Prec::Unary);
                (quote!(-#a), Prec::Unary)
            }
            Op::Not(a) => {
                let a = self.operand_at(*a, Prec::Unary);
                (quote!(!#a), Prec::Unary)
            }
            Op::Bin(bop, a, b) => {
                let p = match bop {
                    BinOp::Add | BinOp::Sub => Prec::Sum,
                    _ => Prec::Product,
                };
                let l = self.operand_at(*a, p);
                let (r, rp) = self.operand(*b);
                let r = if rp <= p { quote!((#r)) } else { r };
                let ts = match bop {
                    BinOp::Add => quote!(#l + #r),
                    BinOp::Sub => quote!(#l - #r),
                    BinOp::Mul => quote!(#l * #r),
                    BinOp::Div => quote!(#l / #r),
                    BinOp::Rem => quote!(#l % #r),
                };
                (ts, p)
            }
            Op::Cmp(c, a, b) => {
                // Casts are wrapped too: `x as f64 < y` does not parse.
                let side = |e: &mut Self, v: VarId| {
                    let (ts, p) = e.operand(v);
                    if p <= Prec::Cast { quote!((#ts)) } else { ts }
                };
                let l = side(self, *a);
                let r = side(self, *b);
                let sym: TokenStream = c.symbol().parse().unwrap_or_default();
                (quote!(#l #sym #r), Prec::Compare)
            }
            Op::Math(f, args) => {
                let recv = self.receiver(args[0]);
                let method = format_ident!("{}", f.name());
                let rest: Vec<TokenStream> = args[1..].iter().map(|a| self.operand(*a).0).collect();
                (quote!(#recv.#method(#(#rest),*)), Prec::Atom)
            }
            Op::Cast(a, None) if spelling.generic => {
                let a = self.operand(*a).0;
                (
                    quote!(<#float as ::num_traits::NumCast>::from(#a).unwrap()),
                    Prec::Atom,
                )
            }
            Op::Cast(a, target) => {
                let a = self.operand_at(*a, Prec::Unary);
                let ty: TokenStream = match target {
                    None => quote!(#float),
                    Some(t) => t.parse().unwrap_or_default(),
                };
                (quote!(#a as #ty), Prec::Cast)
            }
            Op::Index(a, idx) => {
                let base = self.operand_at(*a, Prec::Atom);
                let idx: Vec<TokenStream> = idx.iter().map(|i| self.operand(*i).0).collect();
                (quote!(#base #([#idx])*), Prec::Atom)
            }
            Op::Len(a, idx) => {
                let base = self.operand_at(*a, Prec::Atom);
                let idx: Vec<TokenStream> = idx.iter().map(|i| self.operand(*i).0).collect();
                (quote!(#base #([#idx])*.len()), Prec::Atom)
            }
            Op::Select(c, a, b) => {
                let c = self.operand(*c).0;
                let a = self.operand(*a).0;
                let b = self.operand(*b).0;
                (quote!(if #c { #a } else { #b }), Prec::Lowest)
            }
        }
    }
}

/// A literal of a generic float type `T: num_traits::Float`.
fn generic_literal(x: f64, float: &syn::Ident) -> (TokenStream, Prec) {
    if x.is_nan() {
        return (quote!(<#float as ::num_traits::Float>::nan()), Prec::Atom);
    }
    if x.is_infinite() {
        let f = if x > 0.0 {
            quote!(infinity)
        } else {
            quote!(neg_infinity)
        };
        return (quote!(<#float as ::num_traits::Float>::#f()), Prec::Atom);
    }
    if x == 0.0 && !x.is_sign_negative() {
        return (quote!(<#float as ::num_traits::Zero>::zero()), Prec::Atom);
    }
    if x == 1.0 {
        return (quote!(<#float as ::num_traits::One>::one()), Prec::Atom);
    }
    let lit = Literal::f64_suffixed(x);
    (
        quote!(<#float as ::num_traits::NumCast>::from(#lit).unwrap()),
        Prec::Atom,
    )
}

/// A float literal, or the float type's constant for infinities and NaN.
fn float_literal(x: f64, float: &syn::Ident) -> (TokenStream, Prec) {
    if x.is_nan() {
        return (quote!(#float::NAN), Prec::Atom);
    }
    if x.is_infinite() {
        return if x > 0.0 {
            (quote!(#float::INFINITY), Prec::Atom)
        } else {
            (quote!(#float::NEG_INFINITY), Prec::Atom)
        };
    }
    if x < 0.0 || (x == 0.0 && x.is_sign_negative()) {
        let lit = Literal::f64_unsuffixed(-x);
        return (quote!(-#lit), Prec::Unary);
    }
    let lit = Literal::f64_unsuffixed(x);
    (quote!(#lit), Prec::Atom)
}
