//! Constant folding, exact algebraic identities, copy propagation and common
//! subexpressions, in one forward walk.

use crate::hash::{HashMap, HashSet};

use super::Width;
use crate::ir::eval::float_bin;
use crate::ir::{BinOp, Block, CmpOp, Function, MathFn, Op, Stmt, Ty, VarId, VarInfo};

/// One forward walk over `func`; returns whether anything changed. With `for_vectoriser`,
/// gradient sums in loops over fixed-size arrays are also arranged as the vectoriser
/// compiles them best (see [`Folder::in_fixed_length_loop`]).
pub fn fold(func: &mut Function, width: Width, for_vectoriser: bool) -> bool {
    let mutable = mutable_arrays(&func.body);
    let vectoriser_uses = for_vectoriser.then(|| {
        let mut uses = HashMap::default();
        crate::ir::visit::count_uses(&func.body, &mut uses);
        uses
    });
    let mut f = Folder {
        mutable,
        vectoriser_uses,
        in_fixed_length_loop: false,
        vars: std::mem::take(&mut func.vars),
        pending: Vec::new(),
        width,
        subst: HashMap::default(),
        defs: HashMap::default(),
        scopes: vec![HashMap::default()],
        changed: false,
    };
    let mut body = std::mem::take(&mut func.body);
    f.block(&mut body);
    func.body = body;
    func.vars = f.vars;
    f.changed
}

struct Folder {
    /// Arrays whose elements change (local arrays, accumulators, tapes): reading them is
    /// not a pure operation.
    mutable: HashSet<VarId>,
    /// The function's values (taken out while folding, so new literals can be added).
    vars: Vec<VarInfo>,
    /// Literal definitions a rewrite needs, inserted before the statement being rewritten.
    pending: Vec<Stmt>,
    width: Width,
    /// Values replaced by other values.
    subst: HashMap<VarId, VarId>,
    /// When sums are arranged for the vectoriser: how often each value is read, counted
    /// before the walk (those rewrites trade one operation for another only when the old
    /// one then dies).
    vectoriser_uses: Option<HashMap<VarId, usize>>,
    /// Whether the walk is inside a loop over a fixed-size array's length (with
    /// `vectoriser_uses`): a trip count the compiler knows, so it unrolls a small loop and
    /// SLP-vectorises the straight-line result. There sums of gradient terms are written
    /// for the vectoriser (see [`merged_scales`](Self::merged_scales) and the
    /// `a + (p - q)` rule).
    in_fixed_length_loop: bool,
    /// The defining operation of every pure value seen so far.
    defs: HashMap<VarId, Op>,
    /// Operation keys → the value computing them, one map per enclosing block.
    scopes: Vec<HashMap<OpKey, VarId>>,
    changed: bool,
}

/// Local arrays, accumulators and tapes: everything that is declared rather than bound.
fn mutable_arrays(block: &Block) -> HashSet<VarId> {
    let mut out = HashSet::default();
    for s in &block.stmts {
        match s {
            Stmt::DeclAcc(a, _) | Stmt::DeclArray { array: a, .. } => {
                out.insert(*a);
            }
            _ => {}
        }
        for b in crate::ir::visit::nested_blocks(s) {
            out.extend(mutable_arrays(b));
        }
    }
    out
}

fn is_power_of_two(x: f64) -> bool {
    x != 0.0 && x.is_finite() && {
        let m = x.abs();
        m == 2f64.powi(m.log2().round() as i32)
    }
}

impl Folder {
    fn s(&self, v: VarId) -> VarId {
        let mut v = v;
        while let Some(n) = self.subst.get(&v) {
            v = *n;
        }
        v
    }

    fn lit(&self, v: VarId) -> Option<f64> {
        match self.defs.get(&v) {
            Some(Op::Float(x)) => Some(*x),
            _ => None,
        }
    }

    fn round(&self, x: f64) -> f64 {
        match self.width {
            Width::F64 => x,
            Width::F32 => x as f32 as f64,
        }
    }

    /// Whether `v` is read at most once (false when the uses were not counted).
    fn single_use(&self, v: VarId) -> bool {
        self.vectoriser_uses
            .as_ref()
            .is_some_and(|uses| uses.get(&v).copied().unwrap_or(0) <= 1)
    }

    /// Whether `end` is a fixed-size array's length, or that less an integer literal.
    fn fixed_length(&self, end: VarId) -> bool {
        let len = match self.defs.get(&end) {
            Some(Op::Bin(BinOp::Sub, len, c)) if self.int_lit(*c).is_some() => *len,
            _ => end,
        };
        matches!(self.defs.get(&len), Some(Op::Len(a, idx))
            if idx.is_empty() && matches!(&self.vars[a.0 as usize].ty,
                Ty::Array { kind: crate::ir::ArrayKind::Fixed { .. }, .. }))
    }

    fn lookup(&self, key: &OpKey) -> Option<VarId> {
        self.scopes.iter().rev().find_map(|s| s.get(key).copied())
    }

    fn block(&mut self, block: &mut Block) {
        let mut out = Vec::with_capacity(block.stmts.len());
        for mut stmt in std::mem::take(&mut block.stmts) {
            match &mut stmt {
                Stmt::Let(v, op) => {
                    op.map_args(|a| self.s(a));
                    for _ in 0..8 {
                        let Some(new) = self.rewrite(op) else { break };
                        *op = new;
                        self.changed = true;
                        if matches!(op, Op::Copy(_)) {
                            break;
                        }
                    }
                    out.append(&mut self.pending);
                    // Reads of accumulators, local arrays and tapes see their value at this
                    // point: no copy propagation and no sharing.
                    if op.args().iter().any(|a| self.mutable.contains(a)) {
                        self.defs.insert(*v, op.clone());
                        out.push(stmt);
                        continue;
                    }
                    if let Op::Copy(a) = op {
                        self.subst.insert(*v, *a);
                        self.changed = true;
                        continue;
                    }
                    // Integer literals keep their own values: their types may differ (`2usize`,
                    // `2i32`), and they are written inline anyway.
                    if matches!(op, Op::Int(_)) {
                        self.defs.insert(*v, op.clone());
                        out.push(stmt);
                        continue;
                    }
                    let key = op_key(op);
                    if let Some(prev) = self.lookup(&key) {
                        self.subst.insert(*v, prev);
                        self.changed = true;
                        continue;
                    }
                    if let Some(scope) = self.scopes.last_mut() {
                        scope.insert(key, *v);
                    }
                    self.defs.insert(*v, op.clone());
                }
                Stmt::If {
                    cond,
                    then_block,
                    else_block,
                    ..
                } => {
                    *cond = self.s(*cond);
                    for b in [then_block, else_block] {
                        self.scopes.push(HashMap::default());
                        self.block(b);
                        self.scopes.pop();
                    }
                }
                Stmt::Call { args, .. } => args.iter_mut().for_each(|a| *a = self.s(*a)),
                Stmt::DeclAcc(_, like) => *like = like.map(|l| self.s(l)),
                Stmt::AddAcc(acc, v) | Stmt::SetAcc(acc, v) => {
                    *acc = self.s(*acc);
                    *v = self.s(*v);
                }
                Stmt::DeclArray { fill, len, .. } => {
                    *fill = self.s(*fill);
                    *len = self.s(*len);
                }
                Stmt::Store(a, idx, v) | Stmt::AddAt(a, idx, v) => {
                    *a = self.s(*a);
                    idx.iter_mut().for_each(|i| *i = self.s(*i));
                    *v = self.s(*v);
                }
                Stmt::Loop(l) => {
                    for c in &mut l.carried {
                        c.init = self.s(c.init);
                    }
                    if let Some(r) = &mut l.range {
                        r.start = self.s(r.start);
                        r.end = self.s(r.end);
                        r.step = r.step.map(|s| self.s(s));
                    }
                    let outer = self.in_fixed_length_loop;
                    self.in_fixed_length_loop |= self.vectoriser_uses.is_some()
                        && l.range.as_ref().is_some_and(|r| self.fixed_length(r.end));
                    self.scopes.push(HashMap::default());
                    self.block(&mut l.body);
                    self.scopes.pop();
                    self.in_fixed_length_loop = outer;
                    for sv in &mut l.saves {
                        sv.tape = self.s(sv.tape);
                        sv.value = self.s(sv.value);
                        sv.index = self.s(sv.index);
                    }
                }
            }
            out.push(stmt);
        }
        block.stmts = out;
        block.results.iter_mut().for_each(|r| *r = self.s(*r));
    }

    /// An equivalent, simpler operation, if there is one.
    fn rewrite(&mut self, op: &Op) -> Option<Op> {
        match *op {
            Op::Neg(a) => {
                if let Some(x) = self.lit(a) {
                    return Some(Op::Float(-x));
                }
                match self.defs.get(&a) {
                    Some(Op::Neg(inner)) => Some(Op::Copy(*inner)),
                    _ => None,
                }
            }
            Op::Bin(bop, a, b) => self.rewrite_bin(bop, a, b),
            Op::Cmp(c, a, b) => {
                let decide = |o: std::cmp::Ordering| match c {
                    CmpOp::Lt => o.is_lt(),
                    CmpOp::Le => o.is_le(),
                    CmpOp::Gt => o.is_gt(),
                    CmpOp::Ge => o.is_ge(),
                    CmpOp::Eq => o.is_eq(),
                    CmpOp::Ne => o.is_ne(),
                };
                match (self.lit(a), self.lit(b), self.int_lit(a), self.int_lit(b)) {
                    (Some(x), Some(y), _, _) => x
                        .partial_cmp(&y)
                        .map(|o| Op::Bool(decide(o)))
                        .or(Some(Op::Bool(matches!(c, CmpOp::Ne)))),
                    (_, _, Some(x), Some(y)) => Some(Op::Bool(decide(x.cmp(&y)))),
                    _ => None,
                }
            }
            Op::Select(c, a, b) => {
                if a == b {
                    return Some(Op::Copy(a));
                }
                match self.defs.get(&c) {
                    Some(Op::Bool(true)) => Some(Op::Copy(a)),
                    Some(Op::Bool(false)) => Some(Op::Copy(b)),
                    _ => None,
                }
            }
            Op::Cast(a, None) => match self.defs.get(&a) {
                Some(Op::Int(i)) if i.unsigned_abs() < (1 << 24) => Some(Op::Float(*i as f64)),
                _ => None,
            },
            Op::Math(MathFn::Powi, ref args) => match self.defs.get(&args[1]) {
                Some(Op::Int(1)) => Some(Op::Copy(args[0])),
                _ => None,
            },
            _ => None,
        }
    }

    fn int_lit(&self, v: VarId) -> Option<i64> {
        match self.defs.get(&v) {
            Some(Op::Int(i)) => Some(*i),
            _ => None,
        }
    }

    fn rewrite_bin(&mut self, bop: BinOp, a: VarId, b: VarId) -> Option<Op> {
        // Integer literal arithmetic (when it cannot overflow), and exact identities:
        // `0 + i`, `i + 0`, `i - 0`, `1 * i`, `i * 1`.
        if let (Some(x), Some(y)) = (self.int_lit(a), self.int_lit(b)) {
            let r = match bop {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y).filter(|r| *r >= 0),
                BinOp::Mul => x.checked_mul(y),
                BinOp::Div => x.checked_div(y),
                BinOp::Rem => x.checked_rem(y),
            };
            if let Some(r) = r {
                return Some(Op::Int(r));
            }
        }
        match (bop, self.int_lit(a), self.int_lit(b)) {
            (BinOp::Add, Some(0), None) | (BinOp::Mul, Some(1), None) => return Some(Op::Copy(b)),
            (BinOp::Add | BinOp::Sub, None, Some(0)) | (BinOp::Mul | BinOp::Div, None, Some(1)) => {
                return Some(Op::Copy(a));
            }
            _ => {}
        }
        let (la, lb) = (self.lit(a), self.lit(b));
        if let (Some(x), Some(y)) = (la, lb) {
            let r = match self.width {
                Width::F64 => float_bin(bop, x, y),
                Width::F32 => float_bin(bop, x as f32 as f64, y as f32 as f64),
            };
            return Some(Op::Float(self.round(r)));
        }
        let def = |v: VarId| self.defs.get(&v).cloned();
        let def = &def;
        match bop {
            BinOp::Add => {
                // `x + (-0.0)` is `x` exactly; `x + 0.0` is not (for `x = -0.0`).
                let neg_zero = |l: Option<f64>| l.is_some_and(|v| v == 0.0 && v.is_sign_negative());
                if neg_zero(la) {
                    return Some(Op::Copy(b));
                }
                if neg_zero(lb) {
                    return Some(Op::Copy(a));
                }
                if let Some(Op::Neg(nb)) = def(b) {
                    return Some(Op::Bin(BinOp::Sub, a, nb));
                }
                if let Some(Op::Neg(na)) = def(a) {
                    return Some(Op::Bin(BinOp::Sub, b, na));
                }
                // a + a = 2a, exactly.
                if a == b {
                    return Some(Op::Bin(BinOp::Mul, self.new_lit(2.0), a));
                }
                // a + (p - q) = a - (q + (-p)) exactly, when `p` is a product with a negative
                // literal factor, so `-p` is the same product with a positive one. In a loop
                // over a fixed-size array's length, unrolled, the vectoriser pairs the lanes
                // of `carry - (2a + x (400 b))` better than those of
                // `carry + (x (-400 b) - 2a)`: the n = 10 Rosenbrock on an array 1.19 → 1.03
                // of the hand-written gradient. In rolled loops the reverse held (slices
                // 1.07 → 1.12), so elsewhere the sum is left as it is.
                if self.in_fixed_length_loop {
                    for (base, diff) in [(a, b), (b, a)] {
                        if let Some(Op::Bin(BinOp::Sub, p, q)) = def(diff) {
                            if self.single_use(diff)
                                && self.single_use(p)
                                && self.product_literal(p, 3).is_some_and(|c| c < 0.0)
                            {
                                let positive = self.negated_product(p, 3)?;
                                let sum = self.new_op(Op::Bin(BinOp::Add, q, positive));
                                return Some(Op::Bin(BinOp::Sub, base, sum));
                            }
                        }
                    }
                }
                None
            }
            BinOp::Sub => {
                // `x - 0.0` is `x` exactly, and so is `-0.0 - x` for `-x`; `0.0 - x` is not.
                let pos_zero = |l: Option<f64>| l.is_some_and(|v| v == 0.0 && v.is_sign_positive());
                if pos_zero(lb) {
                    return Some(Op::Copy(a));
                }
                if la.is_some_and(|v| v == 0.0 && v.is_sign_negative()) {
                    return Some(Op::Neg(b));
                }
                if let Some(Op::Neg(nb)) = def(b) {
                    return Some(Op::Bin(BinOp::Add, a, nb));
                }
                // -(c x y) - b = ((-c) x) y - b, exactly: a negation that cannot become a
                // subtraction goes into the product's literal factor instead of costing an
                // instruction.
                if let Some(Op::Neg(na)) = def(a) {
                    if let Some(m) = self.negated_product(na, 3) {
                        return Some(Op::Bin(BinOp::Sub, m, b));
                    }
                }
                None
            }
            BinOp::Mul => {
                if la == Some(1.0) {
                    return Some(Op::Copy(b));
                }
                if lb == Some(1.0) {
                    return Some(Op::Copy(a));
                }
                if la == Some(-1.0) {
                    return Some(Op::Neg(b));
                }
                if lb == Some(-1.0) {
                    return Some(Op::Neg(a));
                }
                // Literals go on the left: `2.0 * x` (multiplication commutes exactly).
                if lb.is_some() {
                    return Some(Op::Bin(BinOp::Mul, b, a));
                }
                if let (Some(Op::Neg(na)), Some(Op::Neg(nb))) = (def(a), def(b)) {
                    return Some(Op::Bin(BinOp::Mul, na, nb));
                }
                // c * (-x) = (-c) * x
                if let (Some(c), Some(Op::Neg(x))) = (la, def(b)) {
                    return Some(Op::Bin(BinOp::Mul, self.new_lit(-c), x));
                }
                // a * (-b) = -(a * b) and (-a) * b = -(a * b): negations move outwards,
                // where they become subtractions, and products stay shareable.
                if la.is_none() {
                    if let Some(Op::Neg(nb)) = def(b) {
                        let m = self.new_op(Op::Bin(BinOp::Mul, a, nb));
                        return Some(Op::Neg(m));
                    }
                    if let Some(Op::Neg(na)) = def(a) {
                        let m = self.new_op(Op::Bin(BinOp::Mul, na, b));
                        return Some(Op::Neg(m));
                    }
                }
                // c1 * (c2 * x) = (c1 c2) * x when one factor is a power of two.
                if let (Some(c1), Some(Op::Bin(BinOp::Mul, c, x))) = (la, def(b)) {
                    if let Some(c2) = self.lit(c) {
                        let prod = self.round(c1 * c2);
                        let exact = is_power_of_two(c1) || is_power_of_two(c2);
                        if exact && prod.is_finite() && prod != 0.0 && prod.abs() > 1e-300 {
                            return Some(Op::Bin(BinOp::Mul, self.new_lit(prod), x));
                        }
                    }
                }
                // In the same loops (see above), (c x)(d y) = x ((c d) y) for a power of two
                // `c`: with the rule above, `(-2 x)(200 b)` becomes `x (400 b)`.
                if self.in_fixed_length_loop {
                    for (p, q) in [(a, b), (b, a)] {
                        if let Some(m) = self.merged_scales(p, q) {
                            return Some(m);
                        }
                    }
                }
                // (c * x) * y = c * (x * y) is not exact; leave it.
                None
            }
            BinOp::Div => {
                if lb == Some(1.0) {
                    return Some(Op::Copy(a));
                }
                None
            }
            BinOp::Rem => None,
        }
    }

    /// `-v` without a negation, when `v` is a product with a literal factor (see
    /// [`product_literal`](Self::product_literal)): the same product with that literal
    /// negated, which is exactly `-v` (negation commutes with rounding).
    fn negated_product(&mut self, v: VarId, depth: usize) -> Option<VarId> {
        let Some(Op::Bin(BinOp::Mul, p, q)) = self.defs.get(&v).cloned() else {
            return None;
        };
        let (p, q) = match self.lit(p) {
            Some(c) => (self.new_lit(-c), q),
            None if depth <= 1 => return None,
            None if self.product_literal(p, depth - 1).is_some() => {
                (self.negated_product(p, depth - 1)?, q)
            }
            None => (p, self.negated_product(q, depth - 1)?),
        };
        Some(self.new_op(Op::Bin(BinOp::Mul, p, q)))
    }

    /// The literal factor of product `v` that [`negated_product`](Self::negated_product)
    /// negates: the left factor if it is one, otherwise searched for in the left, then the
    /// right factor, at most `depth` products down.
    fn product_literal(&self, v: VarId, depth: usize) -> Option<f64> {
        let Some(Op::Bin(BinOp::Mul, p, q)) = self.defs.get(&v) else {
            return None;
        };
        if let Some(c) = self.lit(*p) {
            return Some(c);
        }
        if depth <= 1 {
            return None;
        }
        self.product_literal(*p, depth - 1)
            .or_else(|| self.product_literal(*q, depth - 1))
    }

    /// `p q` as `x ((c d) y)`, when `p = c x` with `c` a power of two and read only here,
    /// and `q = d y` with `d` a literal. The same value as every power-of-two rewrite here
    /// (away from overflow and the subnormal range): both round `c x d y` once, `c x` and
    /// `(c d) y` being `c` times `x` and `d y` rounded.
    fn merged_scales(&mut self, p: VarId, q: VarId) -> Option<Op> {
        let Some(Op::Bin(BinOp::Mul, c, x)) = self.defs.get(&p).cloned() else {
            return None;
        };
        let Some(Op::Bin(BinOp::Mul, d, y)) = self.defs.get(&q).cloned() else {
            return None;
        };
        let (c, d) = (self.lit(c)?, self.lit(d)?);
        if !is_power_of_two(c) || !self.single_use(p) || self.lit(x).is_some() {
            return None;
        }
        let cd = self.round(c * d);
        if !cd.is_finite() || cd.abs() < 1e-300 {
            return None;
        }
        let cd = self.new_lit(cd);
        let scaled = self.new_op(Op::Bin(BinOp::Mul, cd, y));
        Some(Op::Bin(BinOp::Mul, x, scaled))
    }

    /// A value holding the literal `x`: one in scope, or a new one defined just before the
    /// statement being rewritten.
    fn new_lit(&mut self, x: f64) -> VarId {
        self.new_op(Op::Float(x))
    }

    /// A float value computing `op`: one in scope, or a new one defined just before the
    /// statement being rewritten.
    fn new_op(&mut self, op: Op) -> VarId {
        let key = op_key(&op);
        if let Some(v) = self.lookup(&key) {
            return v;
        }
        let v = VarId(self.vars.len() as u32);
        self.vars.push(VarInfo {
            ty: Ty::Float,
            name: "t".into(),
            user_named: false,
        });
        self.pending.push(Stmt::Let(v, op.clone()));
        self.defs.insert(v, op);
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(key, v);
        }
        v
    }
}

/// An operation as common-subexpression elimination compares it: floats by their bits (so
/// `0.0` and `-0.0` differ and a NaN equals itself), named constants by their tokens.
#[derive(Clone, Debug)]
pub struct OpKey(Op);

impl PartialEq for OpKey {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Op::Float(a), Op::Float(b)) => a.to_bits() == b.to_bits(),
            (a, b) => a == b,
        }
    }
}

impl Eq for OpKey {}

impl std::hash::Hash for OpKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        std::mem::discriminant(&self.0).hash(h);
        match &self.0 {
            Op::Float(x) => x.to_bits().hash(h),
            Op::Int(i) => i.hash(h),
            Op::Bool(b) => b.hash(h),
            Op::Named(n) => n.tokens.to_string().hash(h),
            Op::Copy(a) | Op::Neg(a) | Op::Not(a) => a.hash(h),
            Op::Bin(op, a, b) => (op, a, b).hash(h),
            Op::Cmp(op, a, b) => (op, a, b).hash(h),
            Op::Math(f, args) => (f, args).hash(h),
            Op::Cast(a, ty) => (a, ty).hash(h),
            Op::Select(c, a, b) => (c, a, b).hash(h),
            Op::Index(a, idx) | Op::Len(a, idx) => (a, idx).hash(h),
        }
    }
}

/// The key identifying an operation and its arguments, for common-subexpression
/// elimination.
pub fn op_key(op: &Op) -> OpKey {
    OpKey(op.clone())
}
