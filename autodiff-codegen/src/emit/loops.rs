//! Emitting loops: carried values become `let mut` variables assigned at the end of each
//! iteration; tapes are written at the start of each iteration.

use proc_macro2::TokenStream;
use quote::quote;

use super::Emitter;
use crate::ir::{ArrayKind, Loop, Op, Ty};

impl Emitter<'_> {
    pub(super) fn loop_stmt(&mut self, l: &Loop) -> TokenStream {
        let mut out = TokenStream::new();
        // Carried values: one mutable variable each, named after the value inside.
        for c in &l.carried {
            let id = self.names.of(c.inner);
            self.names.alias(c.out, id.clone());
            let (init, _) = self.operand(c.init);
            out.extend(quote!(let mut #id = #init;));
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
        let mut targets = Vec::new();
        let mut values = Vec::new();
        for (c, next) in l.carried.iter().zip(&l.body.results) {
            if *next == c.inner {
                continue;
            }
            targets.push(self.names.of(c.inner));
            values.push(self.operand(*next).0);
        }
        match targets.len() {
            0 => {}
            1 => {
                let (t, v) = (&targets[0], &values[0]);
                body.extend(quote!(#t = #v;));
            }
            _ => body.extend(quote!((#(#targets),*) = (#(#values),*);)),
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
                out.extend(quote!(for #ind in #range { #body }));
            }
        }
        out
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
