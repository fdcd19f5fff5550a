//! Reversing loops without a tape of intermediates.
//!
//! The reverse of `for i in range { body }` is a loop over the same iterations in the
//! opposite order whose body recomputes the primal body (under fresh names) and then runs
//! its adjoint. The only values saved are the carried values the recomputation needs — a
//! carried value updated additively (`s += …`) needs none — into a tape indexed by the
//! iteration: a fixed-size array when the trip count is known at compile time, a `Vec`
//! otherwise. Loops that may stop early (`break`, `while`) count their iterations.
//!
//! Reads of local arrays are recomputed from the arrays' final contents, which is exact
//! unless the array is overwritten after the read; that case is reported.

use crate::hash::{HashMap, HashSet};

use super::Reverse;
use crate::ir::fresh::clone_fresh;
use crate::ir::visit::{defs, free_vars, nested_blocks};
use crate::ir::{ArrayKind, BinOp, Block, Carried, Loop, Op, Range, Save, Stmt, Ty, VarId};

impl Reverse<'_> {
    /// Appends the reverse of loop `l` to `out`; returns the primal statements (counter,
    /// tapes) to insert before the loop.
    pub(super) fn reverse_loop(
        &mut self,
        l: &mut Loop,
        out: &mut Vec<Stmt>,
        stores_after: &HashSet<VarId>,
    ) -> Vec<Stmt> {
        let carried_active: Vec<bool> = l
            .carried
            .iter()
            .map(|c| self.active.contains(&c.inner))
            .collect();
        if !carried_active.iter().any(|a| *a) && !self.block_has_active(&l.body) {
            return vec![];
        }
        // The recomputed body, under fresh names; the inner values and the induction
        // variable are rebound by the reverse loop.
        let mut map = HashMap::default();
        let inner_new: Vec<VarId> = l
            .carried
            .iter()
            .map(|c| self.fresh_like(c.inner, &mut map))
            .collect();
        let ind_new = l.range.as_ref().map(|r| self.fresh_like(r.ind, &mut map));
        let mut clone = clone_fresh(self.func, &l.body, &mut map);
        // The copy's constants are constants too (inner loops keep fixed-size tapes).
        for (orig, new) in &map {
            if let Some(op) = self.known.get(orig).cloned() {
                self.known.insert(*new, op);
            }
            if let Some(len) = self.fixed_lens.get(orig).cloned() {
                self.fixed_lens.insert(*new, len);
            }
        }
        for (orig, new) in &map {
            if self.active.contains(orig) {
                self.active.insert(*new);
            }
        }
        // Carried adjoints: the accumulator of each carried value's `out` holds the
        // adjoint flowing into the current iteration's results.
        let mut seeds = Vec::new();
        let mut carried_adj = Vec::new();
        for (k, c) in l.carried.iter().enumerate() {
            if !carried_active[k] {
                carried_adj.push(None);
                continue;
            }
            let d = self.acc(c.out);
            carried_adj.push(Some(d));
            let r = clone.results[k];
            if self.active.contains(&r) {
                let acc = self.acc(r);
                seeds.push(Stmt::AddAcc(acc, d));
            }
        }
        let mut inside_later = stores_after.clone();
        for s in &l.body.stmts {
            super::stored_arrays(s, &mut inside_later);
        }
        let mut adjoint = self.block(&mut clone, seeds, &inside_later);
        // Hand each carried adjoint to the previous iteration.
        let mut inner_decls = Vec::new();
        for (k, d) in carried_adj.iter().enumerate() {
            let Some(d) = d else { continue };
            let inner = inner_new[k];
            let value = match self.adj.get(&inner).copied() {
                Some(acc) => {
                    inner_decls.push(self.decl_acc(inner, acc));
                    acc
                }
                None => {
                    let z = self.func.new_var(Ty::Float, "t", false);
                    inner_decls.push(Stmt::Let(z, Op::Float(0.0)));
                    z
                }
            };
            adjoint.push(Stmt::SetAcc(*d, value));
        }
        // Keep only the recomputation the adjoint needs: dead code of the reverse body,
        // with everything outside it live.
        let local: HashSet<VarId> = clone.stmts.iter().flat_map(defs).collect();
        let read_back = self.read_back_stores(l, stores_after, &map, ind_new, &mut clone.stmts);
        let (kept, needed) = self.prune_reverse_body(
            std::mem::take(&mut clone.stmts),
            adjoint,
            &inner_new,
            ind_new,
        );
        let mut kept = kept;
        // Reads of arrays the loop (or later code) overwrites are taped where they happen.
        let inverse: HashMap<VarId, VarId> = map.iter().map(|(o, n)| (*n, *o)).collect();
        // A value read back above is the array's final element: not an overwritten read.
        // Other reads of the same array (before its store, or of other elements) still are.
        let mut overwritten = overwritten_reads(&kept, &local, &inside_later, &inverse, l);
        overwritten.retain(|(v, _)| !read_back.contains(v));
        let needs_inner: Vec<bool> = inner_new.iter().map(|v| needed.contains(v)).collect();
        let needs_ind = ind_new.is_some_and(|i| needed.contains(&i));

        let simple = l.range.as_ref().is_some_and(|r| r.step.is_none())
            && !l.exits
            && !needs_inner.iter().any(|n| *n)
            && overwritten.is_empty();
        let mut before = Vec::new();
        let mut restore = Vec::new();
        let reverse_range = if simple {
            let r = l.range.clone().map(|mut r| {
                r.ind = ind_new.unwrap_or(r.ind);
                r.rev = !r.rev;
                r
            });
            // An unused induction variable still makes the loop run as many times.
            r
        } else {
            let (count, counter) = self.add_counter(l, &mut before);
            let it = self.func.new_var(Ty::Int(Some("usize".into())), "it", true);
            let capacity = trip_capacity(self, l);
            let mut saves = Vec::new();
            for (k, c) in l.carried.iter().enumerate().take(needs_inner.len()) {
                if !needs_inner[k] {
                    continue;
                }
                let ty = self.func.ty(c.inner).clone();
                let tape = self.func.new_var(
                    Ty::Array {
                        elem: Box::new(ty),
                        kind: capacity.clone(),
                    },
                    format!("tape_{}", self.func.info(c.inner).name),
                    true,
                );
                before.push(Stmt::DeclAcc(tape, None));
                saves.push(Save {
                    tape,
                    value: c.inner,
                    index: counter,
                });
                restore.push(Stmt::Let(inner_new[k], Op::Index(tape, vec![it])));
            }
            l.saves.extend(saves);
            self.tape_reads(l, &overwritten, &mut kept, counter, it, &mut before);
            if let (Some(r), Some(i)) = (&l.range, ind_new) {
                if needs_ind {
                    restore.extend(self.induction_from_iteration(r, it, i));
                }
            }
            let zero = self.int_lit(0, &mut before);
            Some(Range {
                ind: it,
                start: zero,
                end: count,
                inclusive: false,
                rev: true,
                step: None,
            })
        };
        self.check_array_reads(&kept, &local, &inside_later, &read_back, l);
        let mut body = restore;
        body.extend(inner_decls);
        body.extend(kept);
        out.push(Stmt::Loop(Box::new(Loop {
            range: reverse_range,
            carried: vec![],
            body: Block {
                stmts: body,
                results: vec![],
            },
            exits: false,
            saves: vec![],
            span: l.span,
        })));
        // What flows out of the first iteration flows into the values entering the loop.
        for (k, c) in l.carried.iter().enumerate().take(carried_adj.len()) {
            if let Some(d) = carried_adj.get(k).copied().flatten() {
                if self.active.contains(&c.init) {
                    let acc = self.acc(c.init);
                    out.push(Stmt::AddAcc(acc, d));
                }
            }
        }
        before
    }

    /// Removes what the reverse body (the recomputation followed by the adjoint) does not
    /// need; returns what is left and the values it reads that the reverse loop must
    /// provide.
    /// Drops the recomputation's writes to arrays it did not declare: the primal loop
    /// already left them in their final state, which is what recomputed reads expect.
    fn drop_outer_stores(stmts: &mut Vec<Stmt>, local: &HashSet<VarId>) {
        stmts.retain(|s| !matches!(s, Stmt::Store(a, ..) if !local.contains(a)));
        for s in stmts.iter_mut() {
            match s {
                Stmt::If {
                    then_block,
                    else_block,
                    ..
                } => {
                    Self::drop_outer_stores(&mut then_block.stmts, local);
                    Self::drop_outer_stores(&mut else_block.stmts, local);
                }
                Stmt::Loop(l) => Self::drop_outer_stores(&mut l.body.stmts, local),
                _ => {}
            }
        }
    }

    fn prune_reverse_body(
        &mut self,
        recompute: Vec<Stmt>,
        adjoint: Vec<Stmt>,
        inner: &[VarId],
        ind: Option<VarId>,
    ) -> (Vec<Stmt>, HashSet<VarId>) {
        let mut stmts = recompute;
        let mut local_arrays: HashSet<VarId> = HashSet::default();
        collect_declared_arrays(&stmts, &mut local_arrays);
        Self::drop_outer_stores(&mut stmts, &local_arrays);
        stmts.extend(adjoint);
        let mut defined: HashSet<VarId> = stmts.iter().flat_map(defs).collect();
        defined.extend(inner.iter().copied());
        defined.extend(ind);
        let body = Block {
            stmts,
            results: vec![],
        };
        // Everything the body reads or writes that it does not define is live outside.
        let mut outside: HashSet<VarId> = free_vars(&body)
            .into_iter()
            .filter(|v| !defined.contains(v))
            .collect();
        collect_written(&body.stmts, &defined, &mut outside);
        let mut scratch = crate::ir::Function {
            vars: self.func.vars.clone(),
            body,
            ..Default::default()
        };
        crate::simplify::dead_code::remove_keeping(&mut scratch, &outside);
        let needed: HashSet<VarId> = free_vars(&scratch.body).into_iter().collect();
        (scratch.body.stmts, needed)
    }

    /// Tapes the reads in `reads` (the recomputed read and the primal read it copies): the primal loop stores each into a tape indexed by
    /// the iteration — a fixed-size array when the trip count is a constant, a growable
    /// one otherwise — and the reverse body reads it back. Reads elsewhere stay, and are
    /// reported.
    fn tape_reads(
        &mut self,
        l: &mut Loop,
        reads: &[(VarId, VarId)],
        kept: &mut [Stmt],
        counter: VarId,
        it: VarId,
        before: &mut Vec<Stmt>,
    ) {
        let capacity = match (&l.range, trip_capacity(self, l)) {
            (Some(r), fixed @ ArrayKind::Fixed { value: Some(_), .. }) if r.step.is_none() => fixed,
            _ => ArrayKind::Dynamic,
        };
        for &(recomputed, primal) in reads {
            if !contains_let(&l.body, primal) {
                continue;
            }
            let name = format!("read_{}", self.func.info(primal).name);
            let tape = self.func.new_var(
                Ty::Array {
                    elem: Box::new(Ty::Float),
                    kind: capacity.clone(),
                },
                name,
                true,
            );
            match &capacity {
                ArrayKind::Fixed { value: Some(n), .. } => {
                    let len = self.int_lit(*n as i64, before);
                    let zero = self.func.new_var(Ty::Float, "t", false);
                    before.push(Stmt::Let(zero, Op::Float(0.0)));
                    self.known.insert(zero, Op::Float(0.0));
                    before.push(Stmt::DeclArray {
                        array: tape,
                        fill: zero,
                        len,
                    });
                }
                // Grown by the emitter as iterations store into it.
                _ => before.push(Stmt::DeclAcc(tape, None)),
            }
            insert_after_let(
                &mut l.body,
                primal,
                Stmt::Store(tape, vec![counter], primal),
            );
            redefine(kept, recomputed, &Op::Index(tape, vec![it]));
        }
    }

    /// A value the body stores as `h[i] = v` (with `i` the loop's induction variable, the
    /// only store into the local array `h`, which nothing after the loop writes) is still
    /// in `h[i]` when the reverse sweep gets to that iteration: the recomputation reads it
    /// back instead of computing it again. Returns the recomputed values now read back
    /// (other reads of the same array are not: they may see an element before its store).
    fn read_back_stores(
        &mut self,
        l: &Loop,
        stores_after: &HashSet<VarId>,
        map: &HashMap<VarId, VarId>,
        ind_new: Option<VarId>,
        recompute: &mut [Stmt],
    ) -> HashSet<VarId> {
        let mut safe = HashSet::default();
        let (Some(r), Some(ind_new)) = (&l.range, ind_new) else {
            return safe;
        };
        let mut stores: HashMap<VarId, usize> = HashMap::default();
        count_stores(&l.body.stmts, &mut stores);
        let mut declared_inside = HashSet::default();
        collect_declared_arrays(&l.body.stmts, &mut declared_inside);
        for s in &l.body.stmts {
            let Stmt::Store(h, idx, v) = s else { continue };
            let only_store = stores.get(h) == Some(&1) && !stores_after.contains(h);
            let local_array = matches!(self.func.ty(*h), Ty::Array { elem, .. } if elem.is_float());
            if idx.as_slice() != [r.ind]
                || !only_store
                || !local_array
                || declared_inside.contains(h)
                || self.known.contains_key(v)
            {
                continue;
            }
            if let Some(copy) = map.get(v) {
                redefine(recompute, *copy, &Op::Index(*h, vec![ind_new]));
                safe.insert(*copy);
            }
        }
        safe
    }

    fn fresh_like(&mut self, v: VarId, map: &mut HashMap<VarId, VarId>) -> VarId {
        let info = self.func.info(v).clone();
        let n = self.func.new_var(info.ty, info.name, info.user_named);
        map.insert(v, n);
        if self.active.contains(&v) {
            self.active.insert(n);
        }
        n
    }

    fn block_has_active(&self, b: &Block) -> bool {
        b.stmts.iter().any(|s| {
            defs(s).iter().any(|d| self.active.contains(d))
                || matches!(s, Stmt::Store(a, ..) if self.active.contains(a))
                || nested_blocks(s).any(|n| self.block_has_active(n))
        })
    }

    fn int_lit(&mut self, value: i64, before: &mut Vec<Stmt>) -> VarId {
        let v = self.func.new_var(Ty::Int(Some("usize".into())), "t", false);
        before.push(Stmt::Let(v, Op::Int(value)));
        self.known.insert(v, Op::Int(value));
        v
    }

    /// Adds an iteration counter to the primal loop (as its last carried value); returns
    /// the count after the loop and the counter inside the body.
    fn add_counter(&mut self, l: &mut Loop, before: &mut Vec<Stmt>) -> (VarId, VarId) {
        let usize_ty = Ty::Int(Some("usize".into()));
        let init = self.int_lit(0, before);
        let inner = self.func.new_var(usize_ty.clone(), "iteration", true);
        let one = self.func.new_var(usize_ty.clone(), "t", false);
        self.known.insert(one, Op::Int(1));
        let next = self.func.new_var(usize_ty.clone(), "t", false);
        let count = self.func.new_var(usize_ty, "iterations", true);
        l.body.stmts.insert(0, Stmt::Let(one, Op::Int(1)));
        l.body
            .stmts
            .insert(1, Stmt::Let(next, Op::Bin(BinOp::Add, inner, one)));
        let at = if l.exits {
            l.body.results.len() - 1
        } else {
            l.body.results.len()
        };
        l.body.results.insert(at, next);
        l.carried.push(Carried {
            init,
            inner,
            out: count,
        });
        (count, inner)
    }

    /// `i` for iteration `it` of range `r`.
    fn induction_from_iteration(&mut self, r: &Range, it: VarId, i: VarId) -> Vec<Stmt> {
        let ty = self.func.ty(i).clone();
        let mut stmts = Vec::new();
        let mut new = |this: &mut Self, op: Op| {
            let v = this.func.new_var(ty.clone(), "t", false);
            stmts.push(Stmt::Let(v, op));
            v
        };
        let offset = match r.step {
            Some(s) => new(self, Op::Bin(BinOp::Mul, it, s)),
            None => it,
        };
        let op = if r.rev {
            let last = if r.inclusive {
                r.end
            } else {
                let one = new(self, Op::Int(1));
                new(self, Op::Bin(BinOp::Sub, r.end, one))
            };
            Op::Bin(BinOp::Sub, last, offset)
        } else {
            Op::Bin(BinOp::Add, r.start, offset)
        };
        stmts.push(Stmt::Let(i, op));
        stmts
    }

    /// Reports recomputed reads of local arrays that are overwritten later: the reverse
    /// sweep would read the later value.
    fn check_array_reads(
        &mut self,
        recompute: &[Stmt],
        local: &HashSet<VarId>,
        stored_later: &HashSet<VarId>,
        read_back: &HashSet<VarId>,
        l: &Loop,
    ) {
        let mut reads = HashSet::default();
        collect_reads(recompute, read_back, &mut reads);
        for a in reads {
            if !local.contains(&a) && stored_later.contains(&a) {
                let name = self.func.info(a).name.clone();
                self.errors.push((
                    l.span.0,
                    format!(
                        "the gradient of this loop needs the values it reads from `{name}`, which is written after they are read, and reads inside an inner loop cannot be saved; read the element into a variable before the inner loop, or keep the values in a separate array"
                    ),
                ));
            }
        }
    }
}

/// Whether `block` (or a branch in it, not an inner loop) defines `v` by a `let`.
fn contains_let(block: &Block, v: VarId) -> bool {
    block.stmts.iter().any(|s| match s {
        Stmt::Let(w, _) => *w == v,
        Stmt::If {
            then_block,
            else_block,
            ..
        } => contains_let(then_block, v) || contains_let(else_block, v),
        _ => false,
    })
}

/// Inserts `stmt` right after the `let` of `v` in `block` or its branches.
fn insert_after_let(block: &mut Block, v: VarId, stmt: Stmt) {
    if let Some(at) = block
        .stmts
        .iter()
        .position(|s| matches!(s, Stmt::Let(w, _) if *w == v))
    {
        block.stmts.insert(at + 1, stmt);
        return;
    }
    for s in &mut block.stmts {
        if let Stmt::If {
            then_block,
            else_block,
            ..
        } = s
        {
            if contains_let(then_block, v) {
                return insert_after_let(then_block, v, stmt);
            }
            if contains_let(else_block, v) {
                return insert_after_let(else_block, v, stmt);
            }
        }
    }
}

/// The recomputed reads in `kept` (in branches too, not in inner loops) of arrays that are
/// overwritten after them (by this loop or later code), with the primal read they copy.
fn overwritten_reads(
    kept: &[Stmt],
    local: &HashSet<VarId>,
    stored_later: &HashSet<VarId>,
    inverse: &HashMap<VarId, VarId>,
    l: &Loop,
) -> Vec<(VarId, VarId)> {
    let mut out = Vec::new();
    for s in kept {
        match s {
            Stmt::Let(v, Op::Index(a, _)) if !local.contains(a) && stored_later.contains(a) => {
                if let Some(primal) = inverse.get(v) {
                    if contains_let(&l.body, *primal) {
                        out.push((*v, *primal));
                    }
                }
            }
            Stmt::If {
                then_block,
                else_block,
                ..
            } => {
                out.extend(overwritten_reads(
                    &then_block.stmts,
                    local,
                    stored_later,
                    inverse,
                    l,
                ));
                out.extend(overwritten_reads(
                    &else_block.stmts,
                    local,
                    stored_later,
                    inverse,
                    l,
                ));
            }
            _ => {}
        }
    }
    out
}

/// How many stores into each array `stmts` make, at any depth.
fn count_stores(stmts: &[Stmt], out: &mut HashMap<VarId, usize>) {
    for s in stmts {
        if let Stmt::Store(a, ..) = s {
            *out.entry(*a).or_default() += 1;
        }
        for b in nested_blocks(s) {
            count_stores(&b.stmts, out);
        }
    }
}

/// Replaces the definition of `v` (in `stmts` or their branches) by `op`.
fn redefine(stmts: &mut [Stmt], v: VarId, op: &Op) {
    for s in stmts {
        match s {
            Stmt::Let(w, old) if *w == v => *old = op.clone(),
            Stmt::If {
                then_block,
                else_block,
                ..
            } => {
                redefine(&mut then_block.stmts, v, op);
                redefine(&mut else_block.stmts, v, op);
            }
            _ => {}
        }
    }
}

/// The local arrays and tapes declared in `stmts`, at any depth.
fn collect_declared_arrays(stmts: &[Stmt], out: &mut HashSet<VarId>) {
    for s in stmts {
        if let Stmt::DeclArray { array: a, .. } | Stmt::DeclAcc(a, _) = s {
            out.insert(*a);
        }
        for b in nested_blocks(s) {
            collect_declared_arrays(&b.stmts, out);
        }
    }
}

/// The accumulators and arrays `stmts` write that are not in `defined`.
fn collect_written(stmts: &[Stmt], defined: &HashSet<VarId>, out: &mut HashSet<VarId>) {
    for s in stmts {
        match s {
            Stmt::AddAcc(a, _) | Stmt::SetAcc(a, _) | Stmt::Store(a, ..) | Stmt::AddAt(a, ..)
                if !defined.contains(a) =>
            {
                out.insert(*a);
            }
            Stmt::Loop(l) => {
                out.extend(
                    l.saves
                        .iter()
                        .map(|sv| sv.tape)
                        .filter(|t| !defined.contains(t)),
                );
                collect_written(&l.body.stmts, defined, out);
            }
            other => {
                for b in nested_blocks(other) {
                    collect_written(&b.stmts, defined, out);
                }
            }
        }
    }
}

/// The arrays `stmts` read (at any depth), except through the values in `read_back`.
fn collect_reads(stmts: &[Stmt], read_back: &HashSet<VarId>, out: &mut HashSet<VarId>) {
    for s in stmts {
        if let Stmt::Let(v, Op::Index(a, _)) = s {
            if !read_back.contains(v) {
                out.insert(*a);
            }
        }
        for b in nested_blocks(s) {
            collect_reads(&b.stmts, read_back, out);
        }
    }
}

/// The tape length: the trip count when the range's bounds are constants, otherwise a
/// growable tape.
fn trip_capacity(rev: &Reverse<'_>, l: &Loop) -> ArrayKind {
    let Some(r) = &l.range else {
        return ArrayKind::Dynamic;
    };
    let constant = |v: VarId| -> Option<String> {
        match rev.known.get(&v) {
            Some(Op::Int(i)) => Some(i.to_string()),
            Some(Op::Named(n)) => Some(n.tokens.to_string()),
            _ => rev.fixed_lens.get(&v).cloned(),
        }
    };
    match (constant(r.start), constant(r.end)) {
        (Some(a), Some(b)) => {
            let extra = if r.inclusive { " + 1" } else { "" };
            let len = format!("({b}) - ({a}){extra}");
            let value = match (a.parse::<i64>(), b.parse::<i64>()) {
                (Ok(a), Ok(b)) => usize::try_from(b - a + i64::from(r.inclusive)).ok(),
                _ => None,
            };
            ArrayKind::Fixed {
                len: value.map_or(len, |v| v.to_string()),
                value,
            }
        }
        _ => ArrayKind::Dynamic,
    }
}
