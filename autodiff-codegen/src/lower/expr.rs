//! Expressions: one `let` per operation.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{BinOp as SynBin, Expr, Lit, UnOp};

use super::control::Branch;
use super::stmts::{macro_message, ty_name};
use super::{Lowerer, paths};
use crate::ir::{BinOp, Callee, CmpOp, MathFn, Op, Stmt, Ty, VarId};
use crate::signature::{is_integer_type, simple_type_name};

impl<'c> Lowerer<'c> {
    /// Lowers an expression that must have a value.
    pub(super) fn lower_value(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> VarId {
        match self.lower_expr(e, out) {
            Some(v) => v,
            None => {
                self.cx
                    .error_spanned_by(e, "expected a value here, found an expression of type `()`");
                self.poison(out)
            }
        }
    }

    /// Lowers an expression; `None` for expressions without a value (assignments, `if`
    /// without `else`).
    pub(super) fn lower_expr(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> Option<VarId> {
        match e {
            Expr::Lit(l) => Some(self.lower_lit(&l.lit, out)),
            Expr::Paren(p) => self.lower_expr(&p.expr, out),
            Expr::Group(g) => self.lower_expr(&g.expr, out),
            Expr::Path(p) => Some(self.lower_path(p, out)),
            Expr::Unary(u) => Some(self.lower_unary(u, out)),
            Expr::Binary(b) => self.lower_binary(b, out),
            Expr::Assign(a) => {
                let v = self.lower_value(&a.right, out);
                self.assign(&a.left, v, out);
                None
            }
            Expr::MethodCall(m) => Some(self.lower_method_call(m, out)),
            Expr::Call(c) => Some(self.lower_call(c, out)),
            Expr::Cast(c) => Some(self.lower_cast(c, out)),
            Expr::If(i) => self.lower_if(i, out),
            Expr::Match(m) => self.lower_match(m, out),
            Expr::Block(b) if b.label.is_none() => self.lower_block_value(&b.block, out),
            Expr::ForLoop(f) => {
                self.lower_for(f, out);
                None
            }
            Expr::While(w) => {
                self.lower_while(w, out);
                None
            }
            Expr::Loop(l) => {
                self.lower_plain_loop(l, out);
                None
            }
            Expr::Index(_) => Some(self.lower_index(e, out)),
            Expr::Field(f)
                if self.has_self
                    && matches!(&*f.base, Expr::Path(p) if p.path.is_ident("self")) =>
            {
                let named = crate::ir::Named {
                    tokens: quote::ToTokens::to_token_stream(f),
                    value: None,
                };
                Some(self.push(out, Ty::Opaque, Op::Named(named)))
            }
            other => {
                self.cx.error_spanned_by(other, unsupported_message(other));
                Some(self.poison(out))
            }
        }
    }

    fn lower_lit(&mut self, lit: &Lit, out: &mut Vec<Stmt>) -> VarId {
        match lit {
            Lit::Float(f) => match f.base10_parse::<f64>() {
                Ok(x) => self.push(out, Ty::Float, Op::Float(x)),
                Err(e) => {
                    self.cx.push(e);
                    self.poison(out)
                }
            },
            Lit::Int(i) => {
                let suffix = i.suffix();
                if matches!(suffix, "f64" | "f32") {
                    return match i.base10_parse::<f64>() {
                        Ok(x) => self.push(out, Ty::Float, Op::Float(x)),
                        Err(e) => {
                            self.cx.push(e);
                            self.poison(out)
                        }
                    };
                }
                match i.base10_parse::<i64>() {
                    Ok(x) => {
                        let ty = Ty::Int((!suffix.is_empty()).then(|| suffix.to_string()));
                        let v = self.push(out, ty, Op::Int(x));
                        self.int_literals.insert(v, x);
                        v
                    }
                    Err(e) => {
                        self.cx.push(e);
                        self.poison(out)
                    }
                }
            }
            Lit::Bool(b) => self.push(out, Ty::Bool, Op::Bool(b.value)),
            other => {
                self.cx.error_spanned_by(other, "only float, integer and bool literals are supported in a #[differentiable] function");
                self.poison(out)
            }
        }
    }

    fn lower_path(&mut self, p: &syn::ExprPath, out: &mut Vec<Stmt>) -> VarId {
        if p.qself.is_none() && p.path.segments.len() == 1 && p.path.leading_colon.is_none() {
            let name = p.path.segments[0].ident.unraw().to_string();
            if let Some(b) = self.lookup(&name) {
                return match b.var {
                    Some(v) => v,
                    None => {
                        self.cx.error_spanned_by(
                            p,
                            format!("`{name}` is used before it is assigned a value"),
                        );
                        self.poison(out)
                    }
                };
            }
        }
        let (ty, named) = paths::constant(p);
        self.push(out, ty, Op::Named(named))
    }

    fn lower_unary(&mut self, u: &syn::ExprUnary, out: &mut Vec<Stmt>) -> VarId {
        match u.op {
            UnOp::Neg(_) => {
                let v = self.lower_value(&u.expr, out);
                if self.ty(v) == Ty::Bool {
                    self.cx
                        .error_spanned_by(u, "cannot negate a `bool`; use `!`");
                }
                let ty = self.ty(v);
                self.push(out, ty, Op::Neg(v))
            }
            UnOp::Not(_) => {
                let v = self.lower_value(&u.expr, out);
                if self.ty(v) == Ty::Float {
                    self.cx.error_spanned_by(u, "`!` does not apply to floats");
                }
                let ty = self.ty(v);
                self.push(out, ty, Op::Not(v))
            }
            _ => {
                // `*v` on an element binding (`for v in x.iter()`) is the value itself.
                let v = self.lower_value(&u.expr, out);
                match self.ty(v) {
                    Ty::Float | Ty::Opaque | Ty::Int(_) => v,
                    _ => {
                        self.cx.error_spanned_by(u, "dereferencing (`*x`) is supported only on array elements; pass values, not references");
                        self.poison(out)
                    }
                }
            }
        }
    }

    fn lower_binary(&mut self, b: &syn::ExprBinary, out: &mut Vec<Stmt>) -> Option<VarId> {
        let arith = |op: &SynBin| -> Option<BinOp> {
            Some(match op {
                SynBin::Add(_) | SynBin::AddAssign(_) => BinOp::Add,
                SynBin::Sub(_) | SynBin::SubAssign(_) => BinOp::Sub,
                SynBin::Mul(_) | SynBin::MulAssign(_) => BinOp::Mul,
                SynBin::Div(_) | SynBin::DivAssign(_) => BinOp::Div,
                SynBin::Rem(_) | SynBin::RemAssign(_) => BinOp::Rem,
                _ => return None,
            })
        };
        let compound = matches!(
            b.op,
            SynBin::AddAssign(_)
                | SynBin::SubAssign(_)
                | SynBin::MulAssign(_)
                | SynBin::DivAssign(_)
                | SynBin::RemAssign(_)
        );
        if let (Some(op), true, Expr::Index(_)) = (arith(&b.op), compound, &*b.left) {
            let r = self.lower_value(&b.right, out);
            self.compound_store(&b.left, op, r, out);
            return None;
        }
        if let Some(op) = arith(&b.op) {
            let l = self.lower_value(&b.left, out);
            let r = self.lower_value(&b.right, out);
            let ty = self.arith_type(l, r, b);
            let v = self.push(out, ty, Op::Bin(op, l, r));
            if compound {
                self.assign(&b.left, v, out);
                return None;
            }
            return Some(v);
        }
        let cmp = match b.op {
            SynBin::Lt(_) => Some(CmpOp::Lt),
            SynBin::Le(_) => Some(CmpOp::Le),
            SynBin::Gt(_) => Some(CmpOp::Gt),
            SynBin::Ge(_) => Some(CmpOp::Ge),
            SynBin::Eq(_) => Some(CmpOp::Eq),
            SynBin::Ne(_) => Some(CmpOp::Ne),
            _ => None,
        };
        if let Some(c) = cmp {
            let l = self.lower_value(&b.left, out);
            let r = self.lower_value(&b.right, out);
            self.arith_type(l, r, b);
            return Some(self.push(out, Ty::Bool, Op::Cmp(c, l, r)));
        }
        match b.op {
            SynBin::And(_) | SynBin::Or(_) => {
                let is_and = matches!(b.op, SynBin::And(_));
                let l = self.lower_condition(&b.left, out);
                let right = &b.right;
                let rhs: Branch<'_, 'c> =
                    Box::new(move |lw: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                        Some(lw.lower_condition(right, o))
                    });
                let constant: Branch<'_, 'c> =
                    Box::new(move |lw: &mut Lowerer<'c>, o: &mut Vec<Stmt>| {
                        Some(lw.push(o, Ty::Bool, Op::Bool(!is_and)))
                    });
                let (then_b, else_b) = if is_and {
                    (rhs, constant)
                } else {
                    (constant, rhs)
                };
                self.lower_conditional(l, then_b, else_b, b.span(), out)
            }
            _ => {
                self.cx.error_spanned_by(
                    b,
                    "bitwise and shift operators are not supported in a #[differentiable] function",
                );
                Some(self.poison(out))
            }
        }
    }

    /// The type of `l ∘ r`, reporting a float mixed with an integer or a `bool`.
    fn arith_type(&mut self, l: VarId, r: VarId, at: &syn::ExprBinary) -> Ty {
        match (self.ty(l), self.ty(r)) {
            (Ty::Float, Ty::Float) => Ty::Float,
            (Ty::Opaque, t) | (t, Ty::Opaque) => t,
            (Ty::Int(a), Ty::Int(b)) => Ty::Int(a.or(b)),
            (Ty::Bool, Ty::Bool) => Ty::Bool,
            (Ty::Float, Ty::Int(_)) | (Ty::Int(_), Ty::Float) => {
                let int_side = if self.ty(l) == Ty::Float {
                    &at.right
                } else {
                    &at.left
                };
                let hint = if matches!(&**int_side, Expr::Lit(_)) {
                    "write the literal with a decimal point (`2.0`)".to_string()
                } else {
                    format!("convert the integer with `as {}`", self.float_name)
                };
                self.cx.error_spanned_by(
                    int_side,
                    format!("this integer is combined with a float; {hint}"),
                );
                Ty::Opaque
            }
            (x, y) => {
                self.cx.error_spanned_by(
                    at,
                    format!("cannot combine {} with {}", ty_name(&x), ty_name(&y)),
                );
                Ty::Opaque
            }
        }
    }

    /// `place = value` for a local variable.
    fn assign(&mut self, place: &Expr, v: VarId, out: &mut Vec<Stmt>) {
        let name = match place {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                p.path.segments[0].ident.to_string()
            }
            Expr::Paren(p) => return self.assign(&p.expr, v, out),
            Expr::Index(_) => return self.store(place, v, out),
            other => {
                self.cx.error_spanned_by(other, "only local variables can be assigned in a #[differentiable] function (no fields, no `*r = …`)");
                return;
            }
        };
        let name = name.trim_start_matches("r#").to_string();
        let Some(binding) = self.lookup(&name) else {
            self.cx.error_spanned_by(place, format!("`{name}` is not a local variable of this function; a #[differentiable] function cannot change outside state"));
            return;
        };
        if !binding.mutable && binding.var.is_some() {
            self.cx.error_spanned_by(place, format!("cannot assign twice to immutable variable `{name}`; declare it with `let mut {name}`"));
        }
        let named = self.name_value(v, &name, out);
        if let Some(b) = self.lookup_mut(&name) {
            b.var = Some(named);
        }
    }

    fn lower_method_call(&mut self, m: &syn::ExprMethodCall, out: &mut Vec<Stmt>) -> VarId {
        let name = m.method.to_string();
        if name == "len" && m.args.is_empty() {
            if let Some(v) = self.lower_len(&m.receiver, out) {
                return v;
            }
        }
        if name == "unwrap" && m.args.is_empty() {
            if let Some(v) = self.lower_float_conversion(&m.receiver, out) {
                return v;
            }
        }
        if ITERATOR_METHODS.contains(&name.as_str()) {
            self.cx.error_spanned_by(&m.method, format!("iterator chains (`.{name}()`) are not supported in a #[differentiable] function body; write a `for` loop (`for v in x.iter() {{ … }}`)"));
            return self.poison(out);
        }
        if matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self")) {
            self.cx.error_spanned_by(&m.method, format!("method calls on `self` are not supported; call the method as an associated function, `Self::{name}(self, …)`, which is differentiated through"));
            return self.poison(out);
        }
        let receiver = self.lower_value(&m.receiver, out);
        if name == "clone" && m.args.is_empty() {
            return receiver;
        }
        let Some(f) = MathFn::from_name(&name) else {
            self.cx.error_spanned_by(&m.method, format!("`.{name}()` is not supported in a #[differentiable] function; supported float methods: {}", supported_methods()));
            return self.poison(out);
        };
        if let Ty::Int(_) | Ty::Bool = self.ty(receiver) {
            self.cx.error_spanned_by(
                &m.receiver,
                format!(
                    "`.{name}()` is differentiated as a float method, but its receiver is {}",
                    ty_name(&self.ty(receiver))
                ),
            );
        }
        let mut args = vec![receiver];
        for a in &m.args {
            args.push(self.lower_value(a, out));
        }
        if let Ty::Int(_) | Ty::Bool = self.ty(receiver) {
            // Reported above; the arguments would only repeat it.
            return self.poison(out);
        }
        let arg_spans: Vec<Span> = m.args.iter().map(|a| a.span()).collect();
        self.math_call_at(f, args, m.span(), &arg_spans, out)
    }

    /// A float method call, checking its arguments; `arg_spans` are the spans of the
    /// arguments after the receiver, for pointing at a wrong one.
    fn math_call_at(
        &mut self,
        f: MathFn,
        args: Vec<VarId>,
        span: Span,
        arg_spans: &[Span],
        out: &mut Vec<Stmt>,
    ) -> VarId {
        if args.len() != f.arity() {
            self.cx.error_at(
                span,
                format!(
                    "`{}` takes {} argument(s) besides the receiver, found {}",
                    f.name(),
                    f.arity() - 1,
                    args.len().saturating_sub(1)
                ),
            );
            return self.poison(out);
        }
        for (i, a) in args.iter().enumerate().skip(1) {
            let want_int = f == MathFn::Powi;
            let at = arg_spans.get(i - 1).copied().unwrap_or(span);
            match (self.ty(*a), want_int) {
                (Ty::Opaque, _) | (Ty::Float, false) | (Ty::Int(_), true) => {}
                (t, true) => self.cx.error_at(
                    at,
                    format!(
                        "the exponent of `powi` must be an integer, found {}; use `powf` for a float exponent",
                        ty_name(&t)
                    ),
                ),
                (t, false) => self.cx.error_at(
                    at,
                    format!(
                        "argument {i} of `{}` must be a float, found {}",
                        f.name(),
                        ty_name(&t)
                    ),
                ),
            }
        }
        self.push(out, Ty::Float, Op::Math(f, args))
    }

    fn lower_call(&mut self, c: &syn::ExprCall, out: &mut Vec<Stmt>) -> VarId {
        let Expr::Path(p) = &*c.func else {
            self.cx.error_spanned_by(&c.func, "only calls to named functions are supported in a #[differentiable] function (no closures or function values)");
            return self.poison(out);
        };
        if p.qself.is_some() {
            self.cx.error_spanned_by(p, "qualified paths (`<T as Trait>::f`) are not supported; call the function by its path");
            return self.poison(out);
        }
        let segs = &p.path.segments;
        if segs.len() == 2
            && self.generic_float
            && segs[0].ident == self.float_name
            && c.args.is_empty()
        {
            match segs[1].ident.to_string().as_str() {
                "zero" => return self.push(out, Ty::Float, Op::Float(0.0)),
                "one" => return self.push(out, Ty::Float, Op::Float(1.0)),
                _ => {}
            }
        }
        let args: Vec<VarId> = c.args.iter().map(|a| self.lower_value(a, out)).collect();
        if segs.len() == 2 {
            let ty_name = segs[0].ident.to_string();
            let method = segs[1].ident.to_string();
            if matches!(ty_name.as_str(), "f64" | "f32")
                || (self.generic_float && ty_name == self.float_name)
                || ty_name == "Float"
            {
                if let Some(f) = MathFn::from_name(&method) {
                    let arg_spans: Vec<Span> = c.args.iter().skip(1).map(|a| a.span()).collect();
                    return self.math_call_at(f, args, c.span(), &arg_spans, out);
                }
                let hint = if method == "from" {
                    format!("; convert integers with `as {}`", self.float_name)
                } else {
                    format!("; supported float methods: {}", supported_methods())
                };
                self.cx.error_spanned_by(&segs[1].ident, format!("`{ty_name}::{method}` is not supported in a #[differentiable] function{hint}"));
                return self.poison(out);
            }
        }
        let value = self.func.new_var(Ty::Float, "t", false);
        out.push(Stmt::Call {
            callee: Callee {
                path: p.path.clone(),
                span: p.span(),
            },
            args,
            value,
            partials: vec![],
        });
        value
    }

    /// `T::from(x).unwrap()` in a function generic over `T: Float`: a literal, a cast from
    /// an integer, or the float itself.
    fn lower_float_conversion(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> Option<VarId> {
        let Expr::Call(c) = e else { return None };
        let Expr::Path(p) = &*c.func else { return None };
        let segs = &p.path.segments;
        let is_from = self.generic_float
            && segs.len() == 2
            && segs[0].ident == self.float_name
            && segs[1].ident == "from"
            && c.args.len() == 1;
        if !is_from {
            return None;
        }
        let v = self.lower_value(&c.args[0], out);
        Some(match self.ty(v) {
            Ty::Float => v,
            _ => self.push(out, Ty::Float, Op::Cast(v, None)),
        })
    }

    fn lower_cast(&mut self, c: &syn::ExprCast, out: &mut Vec<Stmt>) -> VarId {
        let v = self.lower_value(&c.expr, out);
        let Some(target) = simple_type_name(&c.ty) else {
            self.cx.error_spanned_by(
                &c.ty,
                "unsupported cast target: cast to the function's float type or an integer type",
            );
            return self.poison(out);
        };
        if target == self.float_name {
            return match self.ty(v) {
                Ty::Float => v,
                Ty::Bool => {
                    self.cx
                        .error_spanned_by(c, "cannot cast a `bool` to a float");
                    self.poison(out)
                }
                _ => self.push(out, Ty::Float, Op::Cast(v, None)),
            };
        }
        if matches!(target.as_str(), "f64" | "f32") {
            self.cx.error_spanned_by(&c.ty, format!("this function computes in `{}`; casting to `{target}` mixes float types, which is not supported", self.float_name));
            return self.poison(out);
        }
        if is_integer_type(&target) {
            return self.push(
                out,
                Ty::Int(Some(target.clone())),
                Op::Cast(v, Some(target)),
            );
        }
        self.cx.error_spanned_by(
            &c.ty,
            format!(
                "unsupported cast to `{target}`: cast to `{}` or an integer type",
                self.float_name
            ),
        );
        self.poison(out)
    }
}

/// Iterator methods, which get one message pointing to `for` loops.
const ITERATOR_METHODS: &[&str] = &[
    "iter",
    "into_iter",
    "iter_mut",
    "map",
    "sum",
    "product",
    "fold",
    "filter",
    "zip",
    "enumerate",
    "rev",
    "skip",
    "take",
    "collect",
    "any",
    "all",
    "count",
    "copied",
    "cloned",
    "for_each",
    "reduce",
    "max_by",
    "min_by",
    "chain",
    "windows",
];

fn supported_methods() -> String {
    MathFn::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What to tell the user about an expression outside the supported subset.
fn unsupported_message(e: &Expr) -> String {
    let what = match e {
        Expr::Closure(_) => {
            "closures are not supported in a #[differentiable] function; write the computation inline or move it into another #[differentiable] function"
        }
        Expr::Break(_) | Expr::Continue(_) => {
            "`break` and `continue` are supported as statements inside loops (`if c { break; }`), not as values"
        }
        Expr::Macro(m) => return macro_message(&m.mac),
        Expr::Unsafe(_) => {
            "`unsafe` blocks are not supported in a #[differentiable] function; move the unsafe code into a function called with values that are not differentiated"
        }
        Expr::Reference(_) | Expr::RawAddr(_) => {
            "references are supported only where arrays are iterated (`for v in &x`); use the values themselves"
        }
        Expr::Field(_) => {
            "field access is supported only on `self` in a `&self` method (`self.data`: data that is not differentiated); pass other values as parameters"
        }
        Expr::Tuple(_) => {
            "tuples are not supported in a #[differentiable] function; use separate variables"
        }
        Expr::Array(_) | Expr::Repeat(_) => {
            "array expressions are supported only as the initial value of a local array (`let mut h = [0.0; 4];`)"
        }
        Expr::Range(_) => "ranges are supported only as what a `for` loop iterates over",
        Expr::Struct(_) => {
            "struct literals are not supported in a #[differentiable] function; pass the fields as parameters"
        }
        Expr::Async(_) | Expr::Await(_) => {
            "`async`/`.await` is not supported in a #[differentiable] function"
        }
        Expr::Try(_) | Expr::TryBlock(_) => {
            "the `?` operator is not supported in a #[differentiable] function: it returns a float, not a `Result`; handle the error before calling it"
        }
        Expr::Return(_) => {
            "`return` is supported only as a statement (`if c { return x; }`) or at the end of the function"
        }
        Expr::Let(_) => {
            "`let` expressions (`if let`) are not supported; use `match` on an integer or `bool`, or `if`"
        }
        Expr::Block(_) => {
            "labeled blocks are not supported in a #[differentiable] function; use `if`/`else` or a loop with `break`"
        }
        _ => "this expression is not supported in a #[differentiable] function",
    };
    what.to_string()
}
