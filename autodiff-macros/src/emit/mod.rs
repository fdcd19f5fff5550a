//! Emission: IR to Rust tokens.
//!
//! Each `let` becomes a Rust `let` under the user's variable name (temporaries are `t<n>`,
//! adjoints `d_<name>`); constants and temporaries used once in the same block are written
//! inline, so the derivative reads like one written by hand.

mod expr;
pub mod names;

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use crate::ir::visit::count_uses;
use crate::ir::{Block, Callee, Function, Op, Stmt, Ty, VarId};
use names::Names;

/// Emits `func`'s body: its statements and one expression per result.
pub fn emit_body(func: &Function, float: &Ident) -> (TokenStream, Vec<TokenStream>) {
    let mut counts = HashMap::new();
    count_uses(&func.body, &mut counts);
    let mut adds = HashMap::new();
    count_adds(&func.body, &mut adds);
    let mut e = Emitter {
        names: Names::new(func),
        float: float.clone(),
        inlined: HashMap::new(),
        counts,
        adds,
    };
    e.choose_inlined(&func.body);
    let stmts = e.stmts(&func.body.stmts);
    let results = func.body.results.iter().map(|r| e.operand(*r).0).collect();
    (stmts, results)
}

/// Emits one function's statements and results.
pub struct Emitter<'f> {
    names: Names<'f>,
    float: Ident,
    /// Values written inline at their use instead of bound by a `let`.
    inlined: HashMap<VarId, Op>,
    /// How many times each value is read.
    counts: HashMap<VarId, usize>,
    /// How many `+=` each accumulator receives.
    adds: HashMap<VarId, usize>,
}

fn count_adds(block: &Block, adds: &mut HashMap<VarId, usize>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::AddAcc(a, _) => *adds.entry(*a).or_default() += 1,
            Stmt::If {
                then_block,
                else_block,
                ..
            } => {
                count_adds(then_block, adds);
                count_adds(else_block, adds);
            }
            _ => {}
        }
    }
}

impl Emitter<'_> {
    /// Constants are always inlined; a temporary read once, by a later statement of the
    /// same block (not inside a branch), is inlined into that statement.
    fn choose_inlined(&mut self, block: &Block) {
        let mut direct: HashSet<VarId> = HashSet::new();
        for stmt in &block.stmts {
            match stmt {
                Stmt::Let(_, op) => direct.extend(op.args()),
                Stmt::Call { args, .. } => direct.extend(args.iter().copied()),
                Stmt::AddAcc(_, v) => {
                    direct.insert(*v);
                }
                Stmt::If {
                    cond,
                    then_block,
                    else_block,
                    ..
                } => {
                    direct.insert(*cond);
                    self.choose_inlined(then_block);
                    self.choose_inlined(else_block);
                }
                Stmt::DeclAcc(_) => {}
            }
        }
        direct.extend(block.results.iter().copied());
        for stmt in &block.stmts {
            if let Stmt::Let(v, op) = stmt {
                let once = self.counts.get(v).copied().unwrap_or(0) == 1;
                let temp = !self.names_info_user_named(*v);
                let cheap_constant = op.is_constant();
                let select = matches!(op, Op::Select(..));
                if cheap_constant || (once && temp && !select && direct.contains(v)) {
                    self.inlined.insert(*v, op.clone());
                }
            }
        }
    }

    fn names_info_user_named(&self, v: VarId) -> bool {
        self.names_func().info(v).user_named
    }

    fn names_func(&self) -> &Function {
        self.names.func()
    }

    fn stmts(&mut self, stmts: &[Stmt]) -> TokenStream {
        let mut out = TokenStream::new();
        let mut i = 0;
        while i < stmts.len() {
            match &stmts[i] {
                Stmt::Let(v, op) => {
                    if !self.inlined.contains_key(v) {
                        let (ts, _) = self.op_expr(op);
                        let id = self.names.of(*v);
                        let literal_only = op
                            .args()
                            .iter()
                            .all(|a| self.inlined.get(a).is_some_and(Op::is_constant));
                        if literal_only && self.names_func().ty(*v) == &Ty::Float {
                            let f = &self.float;
                            out.extend(quote!(let #id: #f = #ts;));
                        } else {
                            out.extend(quote!(let #id = #ts;));
                        }
                    }
                }
                Stmt::If {
                    cond,
                    then_block,
                    else_block,
                    outs,
                } => out.extend(self.if_stmt(*cond, then_block, else_block, outs)),
                Stmt::Call {
                    callee,
                    args,
                    value,
                    partials,
                } => out.extend(self.call(callee, args, *value, partials)),
                Stmt::DeclAcc(acc) => {
                    let id = self.names.of(*acc);
                    let adds = self.adds.get(acc).copied().unwrap_or(0);
                    if let Some(Stmt::AddAcc(a, v)) = stmts.get(i + 1) {
                        if a == acc {
                            let (init, _) = self.operand(*v);
                            out.extend(if adds > 1 {
                                quote!(let mut #id = #init;)
                            } else {
                                quote!(let #id = #init;)
                            });
                            i += 2;
                            continue;
                        }
                    }
                    let f = &self.float;
                    out.extend(quote!(let mut #id: #f = 0.0;));
                }
                Stmt::AddAcc(acc, v) => {
                    let id = self.names.of(*acc);
                    match self.inlined.get(v).cloned() {
                        Some(Op::Neg(inner)) => {
                            let (val, _) = self.operand(inner);
                            out.extend(quote!(#id -= #val;));
                        }
                        _ => {
                            let (val, _) = self.operand(*v);
                            out.extend(quote!(#id += #val;));
                        }
                    }
                }
            }
            i += 1;
        }
        out
    }

    fn if_stmt(
        &mut self,
        cond: VarId,
        then_block: &Block,
        else_block: &Block,
        outs: &[VarId],
    ) -> TokenStream {
        let c = self.operand(cond).0;
        let then_ts = self.branch(then_block);
        let else_ts = self.branch(else_block);
        let else_part = if else_block.stmts.is_empty() && outs.is_empty() {
            quote!()
        } else {
            quote!(else { #else_ts })
        };
        let ids: Vec<Ident> = outs.iter().map(|o| self.names.of(*o)).collect();
        match ids.len() {
            0 => quote!(if #c { #then_ts } #else_part),
            1 => {
                let o = &ids[0];
                quote!(let #o = if #c { #then_ts } #else_part;)
            }
            _ => quote!(let (#(#ids),*) = if #c { #then_ts } #else_part;),
        }
    }

    fn branch(&mut self, block: &Block) -> TokenStream {
        let stmts = self.stmts(&block.stmts);
        let results: Vec<TokenStream> = block.results.iter().map(|r| self.operand(*r).0).collect();
        match results.len() {
            0 => stmts,
            1 => {
                let r = &results[0];
                quote!(#stmts #r)
            }
            _ => quote!(#stmts (#(#results),*)),
        }
    }

    fn call(
        &mut self,
        callee: &Callee,
        args: &[VarId],
        value: VarId,
        partials: &[VarId],
    ) -> TokenStream {
        let args: Vec<TokenStream> = args.iter().map(|a| self.operand(*a).0).collect();
        let v = self.names.of(value);
        if partials.is_empty() {
            let path = &callee.path;
            return quote!(let #v = #path(#(#args),*););
        }
        let mut path = callee.path.clone();
        if let Some(last) = path.segments.last_mut() {
            last.ident = names::partials_fn(&last.ident);
            last.ident.set_span(callee.span);
        }
        let ps: Vec<Ident> = partials.iter().map(|p| self.names.of(*p)).collect();
        quote!(let (#v, (#(#ps,)*)) = #path(#(#args),*);)
    }
}
