//! Emitting loops: carried values become `let mut` variables assigned at the end of each
//! iteration; tapes are written at the start of each iteration.

use proc_macro2::TokenStream;
use quote::quote;

use super::Emitter;
use crate::ir::{ArrayKind, BinOp, Loop, Op, Ty, VarId};

impl Emitter<'_> {
    pub(super) fn loop_stmt(&mut self, l: &Loop) -> TokenStream {
        let mut out = TokenStream::new();
        // Carried values: one mutable variable each, named after the value inside.
        for c in &l.carried {
            let id = self.names.of(c.inner);
            self.names.alias(c.out, id.clone());
            let (init, _) = self.operand(c.init);
            // Floats are annotated: a literal start (`let mut t: f64 = 1.0;`) has no type
            // of its own.
            if self.func().ty(c.inner).is_float() {
                let f = &self.float.ty;
                out.extend(quote!(let mut #id: #f = #init;));
            } else {
                out.extend(quote!(let mut #id = #init;));
            }
        }
        let mut body = TokenStream::new();
        for s in &l.saves {
            let tape = self.names.of(s.tape);
            let (value, _) = self.operand(s.value);
            match self.func().ty(s.tape) {
                Ty::Array {
                    kind: ArrayKind::Dynamic,
                    ..
                } => body.extend(quote!(#tape.push(#value);)),
                _ => {
                    let (index, _) = self.operand(s.index);
                    body.extend(quote!(#tape[#index] = #value;));
                }
            }
        }
        body.extend(self.stmts(&l.body.stmts));
        let changed: Vec<(VarId, VarId)> = l
            .carried
            .iter()
            .zip(&l.body.results)
            .filter(|(c, next)| **next != c.inner)
            .map(|(c, next)| (c.inner, *next))
            .collect();
        if changed.len() == 1 {
            let (inner, next) = changed[0];
            let t = self.names.of(inner);
            // `s = s + e` is written `s += e` (and `s - e` as `s -= e`).
            match self.inlined.get(&next).cloned() {
                Some(Op::Bin(BinOp::Add, a, e)) if a == inner && !self.float.generic => {
                    let (e, _) = self.operand(e);
                    body.extend(quote!(#t += #e;));
                }
                Some(Op::Bin(BinOp::Sub, a, e)) if a == inner && !self.float.generic => {
                    let e = self.operand_at(e, super::expr::Prec::Product);
                    body.extend(quote!(#t -= #e;));
                }
                _ => {
                    let (v, _) = self.operand(next);
                    body.extend(quote!(#t = #v;));
                }
            }
        } else if !changed.is_empty() {
            let targets: Vec<_> = changed
                .iter()
                .map(|(inner, _)| self.names.of(*inner))
                .collect();
            let values: Vec<_> = changed
                .iter()
                .map(|(_, next)| self.operand(*next).0)
                .collect();
            body.extend(quote!((#(#targets),*) = (#(#values),*);));
        }
        if l.exits {
            if let Some(flag) = l.body.results.last() {
                match self.inlined.get(flag) {
                    Some(Op::Bool(true)) => {}
                    Some(Op::Bool(false)) => body.extend(quote!(break;)),
                    _ => {
                        let (f, _) = self.operand(*flag);
                        body.extend(quote!(if !(#f) { break; }));
                    }
                }
            }
        }
        match &l.range {
            None => out.extend(quote!(loop { #body })),
            Some(r) => {
                let ind = self.names.of(r.ind);
                let (start, _) = self.operand_at_range(r.start);
                let (end, _) = self.operand_at_range(r.end);
                let plain = if r.inclusive {
                    quote!(#start..=#end)
                } else {
                    quote!(#start..#end)
                };
                let mut range = plain.clone();
                if r.rev {
                    range = quote!((#plain).rev());
                }
                if let Some(s) = r.step {
                    let (step, _) = self.operand(s);
                    range = if r.rev {
                        quote!(#range.step_by(#step))
                    } else {
                        quote!((#plain).step_by(#step))
                    };
                }
                let checks = self.hoisted_bounds(l);
                if checks.is_empty() {
                    out.extend(quote!(for #ind in #range { #body }));
                } else {
                    out.extend(quote!(if #start < #end { #checks for #ind in #range { #body } }));
                }
            }
        }
        out
    }

    /// Bounds checks of the slice elements every iteration reads or writes at `i + c`,
    /// made once before the loop for its last iteration: the compiler then drops the
    /// checks inside the loop (a loop that adds into `d_x[i + 1]` and `d_x[i]` with
    /// per-iteration checks runs several times slower). A loop that would fail panics with
    /// the message of the first index it would fail at; only where the panic happens
    /// changes. Empty when there is nothing to hoist.
    fn hoisted_bounds(&mut self, l: &Loop) -> TokenStream {
        let Some(r) = l.range.as_ref() else {
            return TokenStream::new();
        };
        if r.inclusive || r.step.is_some() || l.exits {
            return TokenStream::new();
        }
        let offsets: crate::hash::HashMap<VarId, u64> = l
            .body
            .stmts
            .iter()
            .filter_map(|s| match s {
                crate::ir::Stmt::Let(v, Op::Bin(BinOp::Add, a, b)) => {
                    let lit = |x: &VarId| match self.inlined.get(x) {
                        Some(Op::Int(c)) if *c >= 0 => Some(*c as u64),
                        _ => None,
                    };
                    match (a, b) {
                        (a, b) if *a == r.ind => lit(b).map(|c| (*v, c)),
                        (a, b) if *b == r.ind => lit(a).map(|c| (*v, c)),
                        _ => None,
                    }
                }
                _ => None,
            })
            .chain([(r.ind, 0)])
            .collect();
        let mut accesses: Vec<(VarId, u64)> = Vec::new();
        for s in &l.body.stmts {
            let (array, idx) = match s {
                crate::ir::Stmt::Let(_, Op::Index(a, idx))
                | crate::ir::Stmt::AddAt(a, idx, _)
                | crate::ir::Stmt::Store(a, idx, _) => (*a, idx),
                _ => continue,
            };
            let dynamic = matches!(
                self.func().ty(array),
                Ty::Array {
                    kind: ArrayKind::Dynamic,
                    ..
                }
            );
            if let ([i], true) = (idx.as_slice(), dynamic) {
                if let Some(c) = offsets.get(i) {
                    if !accesses.contains(&(array, *c)) {
                        accesses.push((array, *c));
                    }
                }
            }
        }
        if accesses.is_empty() {
            return TokenStream::new();
        }
        let (start, _) = self.operand_at_range(r.start);
        let (end, _) = self.operand_at_range(r.end);
        let rev = r.rev;
        let pairs: Vec<TokenStream> = accesses
            .iter()
            .map(|(array, c)| {
                let a = self.names.of(*array);
                let c = proc_macro2::Literal::u64_unsuffixed(*c);
                quote!((#a.len(), #c))
            })
            .collect();
        quote!(::autodiff::__loop_in_bounds!(#start, #end, #rev, [#(#pairs),*]);)
    }

    /// A range bound: wrapped unless it is a name or literal.
    fn operand_at_range(&mut self, v: crate::ir::VarId) -> (TokenStream, super::expr::Prec) {
        let (ts, p) = self.operand(v);
        if p < super::expr::Prec::Atom {
            (quote!((#ts)), super::expr::Prec::Atom)
        } else {
            (ts, p)
        }
    }
}
