//! Arrays: indexing (`x[i]`, `w[j][k]`, `self.data[i]`), `.len()`, local arrays
//! (`let mut h = [0.0; 4];`, `let v = [a, b];`) and element assignment.

use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Expr, UnOp};

use super::Lowerer;
use super::stmts::ty_name;
use crate::ir::{ArrayKind, BinOp, Op, Stmt, Ty, VarId};

/// An array (or opaque data) with the indices applied so far: `w[j]` is `w` with `[j]`.
#[derive(Clone, Debug)]
pub(super) struct Place {
    /// The array, slice, local array or data.
    pub base: VarId,
    /// The indices applied.
    pub idx: Vec<VarId>,
    /// The type after indexing.
    pub ty: Ty,
}

impl Lowerer<'_> {
    /// The array place `e` denotes, if it denotes one.
    pub(super) fn lower_place(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> Option<Place> {
        match e {
            Expr::Paren(p) => self.lower_place(&p.expr, out),
            Expr::Group(g) => self.lower_place(&g.expr, out),
            Expr::Reference(r) => self.lower_place(&r.expr, out),
            Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => self.lower_place(&u.expr, out),
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.unraw().to_string();
                let b = self.lookup(&name)?;
                if let Some(place) = &b.place {
                    return Some(place.clone());
                }
                let v = b.var?;
                match self.ty(v) {
                    ty @ (Ty::Array { .. } | Ty::Opaque) => Some(Place {
                        base: v,
                        idx: vec![],
                        ty,
                    }),
                    _ => None,
                }
            }
            Expr::Field(f)
                if self.has_self
                    && matches!(&*f.base, Expr::Path(p) if p.path.is_ident("self")) =>
            {
                let named = crate::ir::Named {
                    tokens: quote::ToTokens::to_token_stream(f),
                    value: None,
                };
                let v = self.push(out, Ty::Opaque, Op::Named(named));
                Some(Place {
                    base: v,
                    idx: vec![],
                    ty: Ty::Opaque,
                })
            }
            Expr::Index(ix) => {
                let mut place = self.lower_place(&ix.expr, out)?;
                let i = self.lower_index_value(&ix.index, out);
                place.idx.push(i);
                place.ty = place.ty.indexed(1);
                Some(place)
            }
            _ => None,
        }
    }

    /// An index: an integer.
    fn lower_index_value(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> VarId {
        let v = self.lower_value(e, out);
        match self.ty(v) {
            Ty::Int(_) | Ty::Opaque => v,
            other => {
                self.cx.error_spanned_by(
                    e,
                    format!(
                        "an index must be an integer (`usize`), found {}; convert with `as usize`",
                        ty_name(&other)
                    ),
                );
                v
            }
        }
    }

    /// `x[i]…` read as a value.
    pub(super) fn lower_index(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> VarId {
        let Some(place) = self.lower_place(e, out) else {
            self.cx.error_spanned_by(e, "only arrays, slices and `Vec`s of floats (parameters, local arrays and fields of `self`) can be indexed");
            return self.poison(out);
        };
        if let Ty::Array { .. } = place.ty {
            self.cx.error_spanned_by(e, "a row of a nested array cannot be used as a value; index its elements (`w[j][k]`) or iterate over it");
            return self.poison(out);
        }
        if let Some((idx, v)) = self.last_store.get(&place.base) {
            if *idx == place.idx {
                return *v;
            }
        }
        let ty = place.ty.clone();
        let immutable = !self.local_arrays.contains(&place.base)
            && matches!(self.ty(place.base), Ty::Array { .. });
        let key = (
            place.base,
            place
                .idx
                .iter()
                .map(|i| match self.int_literals.get(i) {
                    Some(k) => super::IndexKey::Literal(*k),
                    None => super::IndexKey::Value(*i),
                })
                .collect::<Vec<_>>(),
        );
        if immutable {
            if let Some(v) = self.read_cache.get(&key) {
                return *v;
            }
        }
        let v = self.push(out, ty, Op::Index(place.base, place.idx));
        if immutable {
            self.read_cache.insert(key, v);
        }
        v
    }

    /// `place.len()`.
    pub(super) fn lower_len(&mut self, receiver: &Expr, out: &mut Vec<Stmt>) -> Option<VarId> {
        let place = self.lower_place(receiver, out)?;
        Some(self.push(
            out,
            Ty::Int(Some("usize".into())),
            Op::Len(place.base, place.idx),
        ))
    }

    /// `let name = [fill; len];` or `let name = [a, b, …];`: a local array. Returns whether
    /// `init` was an array expression (handled here, errors included).
    pub(super) fn lower_array_init(
        &mut self,
        name: &str,
        init: &Expr,
        out: &mut Vec<Stmt>,
    ) -> bool {
        let float = Ty::Float;
        match init {
            Expr::Repeat(r) if matches!(&*r.expr, Expr::Repeat(_) | Expr::Array(_)) => {
                self.cx.error_spanned_by(init, "local arrays must be one-dimensional; use one array per row (or a flat array indexed `i * cols + j`)");
                // Keep the name usable so its uses are not reported too.
                let v = self.poison(out);
                self.local_arrays.insert(v);
                self.bind(name, Some(v), true);
                true
            }
            Expr::Repeat(r) => {
                if !is_constant_expr(&r.expr) {
                    self.cx.error_spanned_by(&r.expr, "the initial value of a local array must be a constant (`[0.0; N]`); assign the elements afterwards");
                }
                let fill = self.lower_value(&r.expr, out);
                if let Ty::Array { .. } = self.ty(fill) {
                    self.cx.error_spanned_by(
                        init,
                        "local arrays must be one-dimensional; use one array per row",
                    );
                }
                let len = self.lower_value(&r.len, out);
                let len_expr = &r.len;
                let text = quote::quote!(#len_expr).to_string();
                let value = match &*r.len {
                    Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Int(i),
                        ..
                    }) => i.base10_parse::<usize>().ok(),
                    _ => None,
                };
                self.declare_array(
                    name,
                    float,
                    ArrayKind::Fixed { len: text, value },
                    fill,
                    len,
                    out,
                );
                true
            }
            Expr::Array(a) => {
                let n = a.elems.len();
                let zero = self.push(out, Ty::Float, Op::Float(0.0));
                let len = self.push(out, Ty::Int(Some("usize".into())), Op::Int(n as i64));
                let values: Vec<VarId> = a.elems.iter().map(|e| self.lower_value(e, out)).collect();
                let array = self.declare_array(
                    name,
                    float,
                    ArrayKind::Fixed {
                        len: n.to_string(),
                        value: Some(n),
                    },
                    zero,
                    len,
                    out,
                );
                for (k, v) in values.into_iter().enumerate() {
                    let i = self.push(out, Ty::Int(Some("usize".into())), Op::Int(k as i64));
                    out.push(Stmt::Store(array, vec![i], v));
                }
                true
            }
            _ => false,
        }
    }

    fn declare_array(
        &mut self,
        name: &str,
        elem: Ty,
        kind: ArrayKind,
        fill: VarId,
        len: VarId,
        out: &mut Vec<Stmt>,
    ) -> VarId {
        let array = self.func.new_var(
            Ty::Array {
                elem: Box::new(elem),
                kind,
            },
            name,
            true,
        );
        out.push(Stmt::DeclArray { array, fill, len });
        self.local_arrays.insert(array);
        self.bind(name, Some(array), true);
        array
    }

    /// `place = value` where `place` is an element of a local array.
    pub(super) fn store(&mut self, place_expr: &Expr, value: VarId, out: &mut Vec<Stmt>) {
        let Some(place) = self.lower_place(place_expr, out) else {
            self.cx
                .error_spanned_by(place_expr, "only elements of local arrays can be assigned");
            return;
        };
        if !self.local_arrays.contains(&place.base) {
            self.cx.error_spanned_by(place_expr, "parameters and data are read-only in a #[differentiable] function; copy the values into a local array (`let mut h = [0.0; N];`) to change them");
            return;
        }
        if let Ty::Array { .. } = place.ty {
            self.cx
                .error_spanned_by(place_expr, "assign elements, not rows");
            return;
        }
        out.push(Stmt::Store(place.base, place.idx.clone(), value));
        self.last_store.insert(place.base, (place.idx, value));
    }

    /// `place ∘= value` on an element of a local array.
    pub(super) fn compound_store(
        &mut self,
        place_expr: &Expr,
        op: BinOp,
        rhs: VarId,
        out: &mut Vec<Stmt>,
    ) {
        let current = self.lower_index(place_expr, out);
        let v = self.push(out, Ty::Float, Op::Bin(op, current, rhs));
        self.store(place_expr, v, out);
        let _ = place_expr.span();
    }
}

/// Whether `e` is a literal or a named constant (possibly negated or in parentheses).
fn is_constant_expr(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) => true,
        Expr::Path(p) => {
            p.path.segments.last().is_some_and(|s| {
                s.ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_uppercase())
            }) || p.path.segments.len() > 1
        }
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => is_constant_expr(&u.expr),
        Expr::Paren(p) => is_constant_expr(&p.expr),
        Expr::Call(c) => c.args.iter().all(is_constant_expr) && matches!(&*c.func, Expr::Path(_)),
        Expr::MethodCall(m) => is_constant_expr(&m.receiver) && m.args.iter().all(is_constant_expr),
        _ => false,
    }
}
