//! Loop fusion: the adjoint loop of an additive loop runs inside the primal loop.
//!
//! Reverse mode emits `for i in r { primal } … for i in r.rev() { recompute; adjoint }`.
//! When nothing the adjoint loop needs comes out of the primal loop — its seed (`d_s` for
//! `s += …`) is known before it, it reads no carried value, tape or array the primal loop
//! changes, and each iteration only *adds* into gradients — the two loops become one that
//! runs forwards, the adjoint of iteration `i` right after its primal, and the
//! recomputation disappears (it is the primal statement it copies; see [`dedupe`]). That is
//! the loop a person writes by hand: one pass, each value computed once.
//!
//! This is the one stage that changes results in the last bits: the gradient's sums are
//! accumulated in forward instead of reverse iteration order. The value is untouched
//! (the primal loop runs as before), and every generated function (`_grad`,
//! `_value_and_grad`, `_into`, the partials) comes from the same fused code, so they agree
//! bit for bit with each other.

mod dedupe;

use crate::hash::{HashMap, HashSet};

use crate::ir::effects::{
    self, declared_in, has_accumulators, reads, reads_value, write_kinds, writes, written,
};
use crate::ir::visit::{nested_blocks_mut, rename_uses};
use crate::ir::{Block, Function, Loop, Op, Range, Stmt, VarId};

/// Fuses every primal loop with the adjoint loop that can run inside it; returns whether
/// anything changed.
pub fn fuse(func: &mut Function) -> bool {
    let mut cx = Cx::default();
    declared_in(&func.body, &mut cx.containers);
    let mut first = HashMap::default();
    collect_literals(&func.body, &mut first, &mut cx.literals);
    fuse_block(&mut func.body, &cx)
}

/// What fusion knows about the whole function.
#[derive(Default)]
struct Cx {
    /// Accumulators, local arrays and tapes.
    containers: HashSet<VarId>,
    /// Each literal → the first value defined by the same literal (the simplifier does not
    /// share integer literals, whose types may differ; for comparing them, they are one).
    literals: HashMap<VarId, VarId>,
}

impl Cx {
    fn same_value(&self, a: VarId, b: VarId) -> bool {
        let canon = |v: VarId| self.literals.get(&v).copied().unwrap_or(v);
        canon(a) == canon(b)
    }
}

fn collect_literals(
    block: &Block,
    first: &mut HashMap<crate::simplify::OpKey, VarId>,
    out: &mut HashMap<VarId, VarId>,
) {
    for s in &block.stmts {
        if let Stmt::Let(v, op) = s {
            if op.is_constant() {
                let key = crate::simplify::op_key(op);
                let rep = *first.entry(key).or_insert(*v);
                out.insert(*v, rep);
            }
        }
        for b in crate::ir::visit::nested_blocks(s) {
            collect_literals(b, first, out);
        }
    }
}

fn fuse_block(block: &mut Block, cx: &Cx) -> bool {
    let mut changed = false;
    let loops = block
        .stmts
        .iter()
        .filter(|s| matches!(s, Stmt::Loop(_)))
        .count();
    'search: loop {
        if loops < 2 {
            break;
        }
        for j in 0..block.stmts.len() {
            let Stmt::Loop(r) = &block.stmts[j] else {
                continue;
            };
            // Cheap tests first: a primal loop over the same iterations must come before.
            let candidates: Vec<usize> = (0..j)
                .rev()
                .filter(|i| match (&block.stmts[*i], &r.range) {
                    (Stmt::Loop(f), Some(rr)) => f
                        .range
                        .as_ref()
                        .is_some_and(|fr| same_iterations(fr, rr, cx)),
                    _ => false,
                })
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let Some(dropped) = order_independent(r) else {
                continue;
            };
            for i in candidates {
                if let Some(plan) = plan(&block.stmts, i, j, cx) {
                    apply(block, i, j, &plan, &dropped, cx);
                    changed = true;
                    continue 'search;
                }
            }
        }
        break;
    }
    for nested in block.stmts.iter_mut().flat_map(nested_blocks_mut) {
        changed |= fuse_block(nested, cx);
    }
    changed
}

/// Whether the iterations of `r` may run in any order because each only adds into what
/// it shares with the others: every container declared outside the loop and written in it
/// is either only added to and never read, or an adjoint handed unchanged from one
/// iteration to the next (`let d_1 = d; … d = d_1;`). Returns the positions of those
/// hand-overs, which fusion drops.
fn order_independent(r: &Loop) -> Option<Vec<usize>> {
    if r.range.as_ref().is_none_or(|rg| rg.step.is_some())
        || r.exits
        || !r.saves.is_empty()
        || !r.carried.is_empty()
    {
        return None;
    }
    let mut local = HashSet::default();
    declared_in(&r.body, &mut local);
    let mut shared = HashSet::default();
    effects::written_in(&r.body, &mut shared);
    let mut handovers = Vec::new();
    for a in shared.difference(&local) {
        match write_kinds(&r.body, *a) {
            (_, 0, 0) if !reads_value(&r.body, *a) => {}
            (0, 1, 0) => handovers.push(handover(&r.body, *a)?),
            _ => return None,
        }
    }
    handovers.sort_unstable();
    Some(handovers)
}

/// The position of `a = v;` in `body` when `v` is a copy of `a` taken earlier in the same
/// iteration.
fn handover(body: &Block, a: VarId) -> Option<usize> {
    let at = body
        .stmts
        .iter()
        .position(|s| matches!(s, Stmt::SetAcc(x, _) if *x == a))?;
    let Stmt::SetAcc(_, v) = body.stmts[at] else {
        return None;
    };
    let before = &body.stmts[..at];
    let copied = before
        .iter()
        .any(|s| matches!(s, Stmt::Let(x, Op::Copy(y)) if *x == v && *y == a));
    let snapshot = is_snapshot(body, before, v, a);
    (copied || snapshot).then_some(at)
}

/// Whether, after `before` (the statements preceding `d = v;`), `v` holds exactly `d`:
/// `let mut v = 0.0;` and then, on every path, one `v += c` where `c` is `d` or a copy of it
/// made earlier (`let c = d;`, or `let mut c = 0.0; c += d;` with no other write to `c`),
/// in that order, and nothing else writes `v`.
fn is_snapshot(body: &Block, before: &[Stmt], v: VarId, a: VarId) -> bool {
    let mut copies: Vec<VarId> = vec![a];
    let mut zeroed: Vec<VarId> = Vec::new();
    let mut adds = 0;
    for s in before {
        match s {
            Stmt::DeclAcc(x, None) => zeroed.push(*x),
            Stmt::Let(x, Op::Copy(y)) if copies.contains(y) => copies.push(*x),
            Stmt::AddAcc(x, y)
                if *x != v
                    && *y == a
                    && zeroed.contains(x)
                    && write_kinds(body, *x) == (1, 0, 0) =>
            {
                copies.push(*x);
            }
            other => {
                // Additions into `v` must come after its declaration, of copies made so far.
                match adds_on_every_path(std::slice::from_ref(other), v, &copies) {
                    Some(0) => {}
                    Some(n) if zeroed.contains(&v) => adds += n,
                    _ => return false,
                }
            }
        }
    }
    adds == 1 && adds_on_every_path(&body.stmts[before.len()..], v, &copies) == Some(0)
}

/// How many times every path through `stmts` adds one of `a` (a value and its copies) into
/// `v`: `None` when paths differ or when `v` is written any other way (another value added,
/// assigned, written in a loop).
fn adds_on_every_path(stmts: &[Stmt], v: VarId, a: &[VarId]) -> Option<usize> {
    let mut n = 0;
    for s in stmts {
        match s {
            Stmt::AddAcc(x, y) if *x == v => {
                if !a.contains(y) {
                    return None;
                }
                n += 1;
            }
            Stmt::SetAcc(x, _) | Stmt::AddAt(x, ..) | Stmt::Store(x, ..) if *x == v => {
                return None;
            }
            Stmt::If {
                then_block,
                else_block,
                ..
            } => {
                let then_adds = adds_on_every_path(&then_block.stmts, v, a)?;
                let else_adds = adds_on_every_path(&else_block.stmts, v, a)?;
                if then_adds != else_adds {
                    return None;
                }
                n += then_adds;
            }
            Stmt::Loop(l) if write_kinds(&l.body, v) != (0, 0, 0) => return None,
            _ => {}
        }
    }
    Some(n)
}

/// How the statements between the two loops are split: those that do not depend on the
/// primal loop move before it (`before`), the rest stay after the fused loop.
struct Plan {
    before: Vec<usize>,
    after: Vec<usize>,
}

/// Whether the loop at `j` can run inside the loop at `i`, and how.
fn plan(stmts: &[Stmt], i: usize, j: usize, cx: &Cx) -> Option<Plan> {
    let (Stmt::Loop(f), Stmt::Loop(r)) = (&stmts[i], &stmts[j]) else {
        return None;
    };
    let (fr, rr) = (f.range.as_ref()?, r.range.as_ref()?);
    if !same_iterations(fr, rr, cx) || f.exits || !f.saves.is_empty() || has_accumulators(&f.body) {
        return None;
    }
    // What depends on the primal loop, or must stay after it.
    let mut post_writes = writes(&stmts[i]);
    let mut post_reads = reads(&stmts[i]);
    let mut plan = Plan {
        before: vec![],
        after: vec![],
    };
    for (k, s) in stmts.iter().enumerate().take(j).skip(i + 1) {
        let (r, w) = (reads(s), writes(s));
        let depends = !r.is_disjoint(&post_writes)
            || !w.is_disjoint(&post_reads)
            || !w.is_disjoint(&post_writes);
        if depends {
            post_writes.extend(w);
            post_reads.extend(r);
            plan.after.push(k);
        } else {
            plan.before.push(k);
        }
    }
    let (r_reads, mut r_writes) = (reads(&stmts[j]), HashSet::default());
    written(&stmts[j], &mut r_writes);
    let independent = r_reads.is_disjoint(&post_writes)
        && r_writes.is_disjoint(&post_reads)
        && r_writes.is_disjoint(&post_writes);
    independent.then_some(plan)
}

/// Whether `r` visits the iterations of `f`, in the opposite order.
fn same_iterations(f: &Range, r: &Range, cx: &Cx) -> bool {
    cx.same_value(f.start, r.start)
        && cx.same_value(f.end, r.end)
        && f.inclusive == r.inclusive
        && f.rev != r.rev
        && f.step.is_none()
        && r.step.is_none()
}

/// Rewrites `block`: the statements the plan moves, then the fused loop, then the rest.
fn apply(block: &mut Block, i: usize, j: usize, plan: &Plan, handovers: &[usize], cx: &Cx) {
    let mut old: Vec<Option<Stmt>> = std::mem::take(&mut block.stmts)
        .into_iter()
        .map(Some)
        .collect();
    let take = |old: &mut Vec<Option<Stmt>>, k: usize| {
        old[k].take().expect("each statement is moved once")
    };
    let Stmt::Loop(mut f) = take(&mut old, i) else {
        unreachable!("plan checked a loop")
    };
    let Stmt::Loop(r) = take(&mut old, j) else {
        unreachable!("plan checked a loop")
    };
    let (f_ind, r_ind) = match (&f.range, &r.range) {
        (Some(fr), Some(rr)) => (fr.ind, rr.ind),
        _ => unreachable!("plan checked both ranges"),
    };
    let mut adjoint = r.body;
    for at in handovers.iter().rev() {
        adjoint.stmts.remove(*at);
    }
    rename_uses(&mut adjoint, &[(r_ind, f_ind)].into_iter().collect());
    let kept = dedupe::dedupe(
        &mut f.body.stmts,
        adjoint.stmts,
        &cx.containers,
        &cx.literals,
    );
    f.body.stmts.extend(kept);

    let n = old.len();
    let mut out = Vec::with_capacity(n);
    let order = (0..i)
        .chain(plan.before.iter().copied())
        .chain([i])
        .chain(plan.after.iter().copied())
        .chain(j + 1..n);
    let mut fused = Some(Stmt::Loop(f));
    for k in order {
        let next = if k == i { fused.take() } else { old[k].take() };
        out.extend(next);
    }
    block.stmts = out;
}
