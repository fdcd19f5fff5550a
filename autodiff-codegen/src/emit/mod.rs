//! Emission: IR to Rust tokens.
//!
//! Each `let` becomes a Rust `let` under the user's variable name (temporaries are `t<n>`,
//! adjoints `d_<name>`); constants and temporaries used once in the same block are written
//! inline, so the derivative reads like one written by hand. Loops become `for`/`loop`
//! with `let mut` carried variables.

mod expr;
mod loops;
pub mod names;

use crate::hash::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use crate::ir::visit::{count_uses, direct_uses, nested_blocks};
use crate::ir::{ArrayKind, Block, Callee, Function, Op, Stmt, Ty, VarId};
use names::Names;

/// How the emitted code spells things that depend on the function's float type.
#[derive(Clone)]
pub struct FloatSpelling {
    /// The float type (`f64`, `f32`, or a type parameter `T`).
    pub ty: Ident,
    /// Whether it is a type parameter (literals then go through `num_traits`).
    pub generic: bool,
}

/// Emits `func`'s body: its statements and one expression per result. The accumulators in
/// `buffers` are the caller's slices of those names instead of new arrays.
pub fn emit_body(
    func: &Function,
    float: &FloatSpelling,
    buffers: &[(VarId, Ident)],
) -> (TokenStream, Vec<TokenStream>) {
    let mut counts = HashMap::default();
    count_uses(&func.body, &mut counts);
    let mut writes = HashMap::default();
    count_writes(&func.body, &mut writes);
    let mut mutable = HashSet::default();
    collect_mutable(&func.body, &mut mutable);
    let mut growable = HashSet::default();
    collect_growable(func, &func.body, &mut growable);
    let mut names = Names::new(func);
    for (_, buffer) in buffers {
        names.reserve(&buffer.to_string());
    }
    let mut e = Emitter {
        names,
        float: float.clone(),
        inlined: HashMap::default(),
        counts,
        writes,
        mutable,
        buffers: buffers.iter().cloned().collect(),
        growable,
        returned_vecs: Vec::new(),
    };
    e.choose_inlined(&func.body, false);
    let stmts = e.stmts(&func.body.stmts);
    // The results name the `Vec`s, not the slices the body wrote through.
    for (acc, vec) in std::mem::take(&mut e.returned_vecs) {
        e.names.alias(acc, vec);
    }
    let results = func.body.results.iter().map(|r| e.operand(*r).0).collect();
    (stmts, results)
}

/// Emits one function's statements and results.
pub struct Emitter<'f> {
    names: Names<'f>,
    float: FloatSpelling,
    /// Values written inline at their use instead of bound by a `let`.
    inlined: HashMap<VarId, Op>,
    /// How many times each value is read.
    counts: HashMap<VarId, usize>,
    /// How many writes each accumulator receives.
    writes: HashMap<VarId, usize>,
    /// Local arrays, accumulators and tapes.
    mutable: HashSet<VarId>,
    /// Accumulators that are caller buffers.
    buffers: HashMap<VarId, Ident>,
    /// Gradient `Vec`s the function returns, each written through a slice of it (indexing a
    /// slice compiles to tighter loops than indexing a `Vec`): the accumulator and the
    /// `Vec`'s name.
    returned_vecs: Vec<(VarId, Ident)>,
    /// Tapes grown by appending.
    growable: HashSet<VarId>,
}

fn count_writes(block: &Block, writes: &mut HashMap<VarId, usize>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::AddAcc(a, _) | Stmt::SetAcc(a, _) | Stmt::Store(a, ..) | Stmt::AddAt(a, ..) => {
                *writes.entry(*a).or_default() += 1
            }
            other => {
                if let Stmt::Loop(l) = other {
                    for s in &l.saves {
                        *writes.entry(s.tape).or_default() += 2;
                    }
                }
                for b in nested_blocks(other) {
                    count_writes(b, writes);
                }
            }
        }
    }
}

/// Tapes declared empty and grown by appending (`DeclAcc` of a dynamic array).
fn collect_growable(func: &Function, block: &Block, out: &mut HashSet<VarId>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::DeclAcc(a, None)
                if matches!(
                    func.ty(*a),
                    Ty::Array {
                        kind: ArrayKind::Dynamic,
                        ..
                    }
                ) =>
            {
                out.insert(*a);
            }
            other => {
                for b in nested_blocks(other) {
                    collect_growable(func, b, out);
                }
            }
        }
    }
}

fn collect_mutable(block: &Block, out: &mut HashSet<VarId>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::DeclAcc(a, _) | Stmt::DeclArray { array: a, .. } => {
                out.insert(*a);
            }
            other => {
                for b in nested_blocks(other) {
                    collect_mutable(b, out);
                }
            }
        }
    }
}

impl Emitter<'_> {
    /// Constants are always inlined; a temporary read once, by a later statement of the
    /// same block (not inside a branch or loop), is inlined into that statement.
    fn choose_inlined(&mut self, block: &Block, loop_body: bool) {
        let mut direct: HashSet<VarId> = HashSet::default();
        for stmt in &block.stmts {
            direct.extend(direct_uses(stmt));
            let is_loop = matches!(stmt, Stmt::Loop(_));
            for b in nested_blocks(stmt) {
                self.choose_inlined(b, is_loop);
            }
        }
        direct.extend(block.results.iter().copied());
        let results: HashSet<VarId> = if loop_body {
            block.results.iter().copied().collect()
        } else {
            HashSet::default()
        };
        for stmt in &block.stmts {
            if let Stmt::Let(v, op) = stmt {
                let once = self.counts.get(v).copied().unwrap_or(0) == 1;
                // A named value whose only use is to be the block's result (a loop's next
                // value, `s = s + …`) is written at that use: `s += …`.
                let temp = !self.func().info(*v).user_named || (once && results.contains(v));
                let constant = op.is_constant();
                let select = matches!(op, Op::Select(..));
                let reads_mutable = op.args().iter().any(|a| self.mutable.contains(a));
                if constant || (once && temp && !select && !reads_mutable && direct.contains(v)) {
                    self.inlined.insert(*v, op.clone());
                }
            }
        }
    }

    fn func(&self) -> &Function {
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
                        if literal_only && self.func().ty(*v) == &Ty::Float {
                            let f = &self.float.ty;
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
                Stmt::DeclAcc(acc, like) if self.buffers.contains_key(acc) => {
                    out.extend(self.buffer_acc(*acc, *like));
                }
                Stmt::DeclAcc(acc, Some(like)) if self.is_returned_vec(*acc) => {
                    out.extend(self.returned_vec(*acc, *like));
                }
                Stmt::DeclAcc(acc, like) => {
                    let id = self.names.of(*acc);
                    let writes = self.writes.get(acc).copied().unwrap_or(0);
                    if like.is_none() && self.func().ty(*acc).is_float() {
                        if let Some(Stmt::AddAcc(a, v)) = stmts.get(i + 1) {
                            if a == acc {
                                let (init, _) = self.operand(*v);
                                out.extend(if writes > 1 {
                                    quote!(let mut #id = #init;)
                                } else {
                                    quote!(let #id = #init;)
                                });
                                i += 2;
                                continue;
                            }
                        }
                    }
                    let zero = self.zeros(*acc, *like);
                    out.extend(quote!(let mut #id = #zero;));
                }
                Stmt::AddAcc(acc, v) => {
                    let id = self.names.of(*acc);
                    out.extend(self.add_into(quote!(#id), *v));
                }
                Stmt::SetAcc(acc, v) => {
                    let id = self.names.of(*acc);
                    let (val, _) = self.operand(*v);
                    out.extend(quote!(#id = #val;));
                }
                Stmt::DeclArray { array, fill, len } => {
                    let id = self.names.of(*array);
                    let (fill, _) = self.operand(*fill);
                    let (len, _) = self.operand(*len);
                    if let Ty::Array {
                        kind: ArrayKind::Dynamic,
                        ..
                    } = self.func().ty(*array)
                    {
                        out.extend(
                            quote!(let mut #id = ::autodiff::__private::filled(#fill, #len);),
                        );
                    } else {
                        out.extend(quote!(let mut #id = [#fill; #len];));
                    }
                }
                // A growable tape grows to the iteration it is written at.
                Stmt::Store(a, idx, v) if self.growable.contains(a) && idx.len() == 1 => {
                    let tape = self.names.of(*a);
                    let (i, _) = self.operand(idx[0]);
                    let (val, _) = self.operand(*v);
                    let zero = self.zero();
                    out.extend(quote! {
                        if #tape.len() <= #i {
                            #tape.resize(#i + 1, #zero);
                        }
                        #tape[#i] = #val;
                    });
                }
                Stmt::Store(a, idx, v) => {
                    let place = self.place(*a, idx);
                    let (val, _) = self.operand(*v);
                    out.extend(quote!(#place = #val;));
                }
                Stmt::AddAt(a, idx, v) => {
                    let place = self.place(*a, idx);
                    out.extend(self.add_into(place, *v));
                }
                Stmt::Loop(l) => out.extend(self.loop_stmt(l)),
            }
            i += 1;
        }
        out
    }

    /// Whether `acc` is a slice or `Vec` gradient the function returns.
    fn is_returned_vec(&self, acc: VarId) -> bool {
        let dynamic = matches!(
            self.func().ty(acc),
            Ty::Array {
                kind: ArrayKind::Dynamic,
                ..
            }
        );
        dynamic && self.func().body.results.contains(&acc)
    }

    /// `let mut grad_x = filled(0.0, x.len()); let d_x: &mut [_] = &mut grad_x;`
    fn returned_vec(&mut self, acc: VarId, like: VarId) -> TokenStream {
        let id = self.names.of(acc);
        let like_id = self.names.of(like);
        let vec = self.names.fresh(&format!(
            "grad_{}",
            like_id.to_string().trim_start_matches("r#")
        ));
        let zero = self.zero();
        self.returned_vecs.push((acc, vec.clone()));
        quote! {
            let mut #vec = ::autodiff::__private::filled(#zero, #like_id.len());
            let #id: &mut [_] = &mut #vec;
        }
    }

    /// A gradient accumulator that is the caller's buffer: a slice (its length checked
    /// against the parameter's, then zeroed) or a fixed-size array (zeroed); not zeroed when
    /// the code overwrites every element anyway.
    fn buffer_acc(&mut self, acc: VarId, like: Option<VarId>) -> TokenStream {
        let id = self.names.of(acc);
        let buffer = self.buffers[&acc].clone();
        let dynamic = matches!(
            self.func().ty(acc),
            Ty::Array {
                kind: ArrayKind::Dynamic,
                ..
            }
        );
        // Not zeroed when the code stores every element before reading any.
        let zeroed = !self.func().overwritten.contains(&acc);
        match like {
            Some(like) if dynamic => {
                let like_id = self.names.of(like);
                let zero = self.zero();
                let message = format!("`{buffer}` must have the length of `{like_id}`");
                let fill = zeroed.then(|| quote!(#id.fill(#zero);));
                quote! {
                    let #id: &mut [_] = #buffer;
                    ::core::assert_eq!(#id.len(), #like_id.len(), #message);
                    #fill
                }
            }
            _ if !zeroed => quote!(let #id = #buffer;),
            _ => {
                let zeros = self.zeros(acc, like);
                quote! {
                    let #id = #buffer;
                    *#id = #zeros;
                }
            }
        }
    }

    /// `place += v;`, or `place -= w;` when `v` is `-w` (spelled `place = place + v;` for a
    /// type parameter, as `num_traits::Float` does not imply `AddAssign`).
    fn add_into(&mut self, place: TokenStream, v: VarId) -> TokenStream {
        let generic = self.float.generic;
        match self.inlined.get(&v).cloned() {
            Some(Op::Neg(inner)) => {
                let val = self.operand_at(inner, expr::Prec::Product);
                if generic {
                    quote!(#place = #place - #val;)
                } else {
                    quote!(#place -= #val;)
                }
            }
            _ => {
                let (val, _) = self.operand(v);
                if generic {
                    quote!(#place = #place + #val;)
                } else {
                    quote!(#place += #val;)
                }
            }
        }
    }

    /// `a[i][j]`
    fn place(&mut self, a: VarId, idx: &[VarId]) -> TokenStream {
        let base = self.names.of(a);
        let idx: Vec<TokenStream> = idx.iter().map(|i| self.operand(*i).0).collect();
        quote!(#base #([#idx])*)
    }

    /// The zero of the float type.
    pub(crate) fn zero(&self) -> TokenStream {
        if self.float.generic {
            let t = &self.float.ty;
            quote!(<#t as ::num_traits::Zero>::zero())
        } else {
            quote!(0.0)
        }
    }

    /// Zeros for a new accumulator or tape `acc`: a float, an array shaped like `like`, or
    /// an empty or zero-filled tape.
    fn zeros(&mut self, acc: VarId, like: Option<VarId>) -> TokenStream {
        let ty = self.func().ty(acc).clone();
        match (&ty, like) {
            (Ty::Array { .. }, Some(like)) => self.zeros_shaped(&ty, like, &[]),
            (
                Ty::Array {
                    elem,
                    kind: ArrayKind::Fixed { len, .. },
                },
                None,
            ) => {
                let zero = self.scalar_zero(elem);
                let len: TokenStream = len.parse().unwrap_or_default();
                quote!([#zero; #len])
            }
            (
                Ty::Array {
                    kind: ArrayKind::Dynamic,
                    ..
                },
                None,
            ) => quote!(::autodiff::__private::Vec::new()),
            (other, _) => self.scalar_zero(other),
        }
    }

    fn scalar_zero(&self, ty: &Ty) -> TokenStream {
        match ty {
            Ty::Int(_) => quote!(0),
            Ty::Bool => quote!(false),
            _ => self.zero(),
        }
    }

    /// Zeros shaped like `like[idx…]`, which has type `ty`.
    fn zeros_shaped(&mut self, ty: &Ty, like: VarId, idx: &[usize]) -> TokenStream {
        match ty {
            Ty::Array {
                elem,
                kind: ArrayKind::Fixed { len, .. },
            } => {
                let mut deeper = idx.to_vec();
                deeper.push(0);
                let inner = self.zeros_shaped(elem, like, &deeper);
                let len: TokenStream = len.parse().unwrap_or_default();
                quote!([#inner; #len])
            }
            Ty::Array {
                elem,
                kind: ArrayKind::Dynamic,
            } => {
                let mut deeper = idx.to_vec();
                deeper.push(0);
                let inner = self.zeros_shaped(elem, like, &deeper);
                let base = self.names.of(like);
                let at: Vec<proc_macro2::Literal> = idx
                    .iter()
                    .map(|i| proc_macro2::Literal::usize_unsuffixed(*i))
                    .collect();
                quote!(::autodiff::__private::filled(#inner, #base #([#at])*.len()))
            }
            other => self.scalar_zero(other),
        }
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
