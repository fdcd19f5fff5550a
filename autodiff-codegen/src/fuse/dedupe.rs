//! Dropping the adjoint loop's recomputation once it runs inside the primal loop.
//!
//! The adjoint body starts by recomputing the primal body under fresh names. Placed after
//! the primal body in one iteration, each recomputing statement is *equivalent* to a
//! primal statement: the same operation on corresponding values, loops and branches of the
//! same shape, local arrays filled by the same stores. Such a statement is dropped and its
//! values renamed to the primal ones.
//!
//! Arrays need care: a read sees the array's contents at that point. Each local array
//! carries a version (how many statements have changed it); a statement matches only one
//! that sees its arrays at the same versions, and a kept statement may read a renamed array
//! only once every change the primal body made to it is matched. When that fails, the
//! recomputation is kept as it is (still correct, only slower).

use crate::hash::{HashMap, HashSet};

use crate::ir::effects::written;
use crate::ir::visit::{rename_uses, uses};
use crate::ir::{Block, Loop, Op, Stmt, VarId};

/// The statements of `adjoint` that `primal` does not already compute, renamed to read
/// the primal values. `containers` are the function's accumulators and local arrays.
pub fn dedupe(
    primal: &mut [Stmt],
    adjoint: Vec<Stmt>,
    containers: &HashSet<VarId>,
    literals: &HashMap<VarId, VarId>,
) -> Vec<Stmt> {
    match matched(primal, &adjoint, containers, literals) {
        Some((keep, map, upgrades)) => {
            // A primal call the adjoint repeats with partials now computes them.
            for (k, partials) in upgrades {
                if let Stmt::Call { partials: p, .. } = &mut primal[k] {
                    *p = partials;
                }
            }
            let mut block = Block {
                stmts: adjoint
                    .into_iter()
                    .zip(keep)
                    .filter_map(|(s, k)| k.then_some(s))
                    .collect(),
                results: vec![],
            };
            rename_uses(&mut block, &map);
            block.stmts
        }
        None => adjoint,
    }
}

/// The containers a primal statement sees, with their versions just before it.
struct Seen {
    versions: HashMap<VarId, usize>,
    mutates: bool,
}

/// Which adjoint statements to keep, and the renaming of the dropped ones' values; `None`
/// when a kept statement would see an array at another version than it did.
fn matched(
    primal: &[Stmt],
    adjoint: &[Stmt],
    containers: &HashSet<VarId>,
    literals: &HashMap<VarId, VarId>,
) -> Option<(Vec<bool>, HashMap<VarId, VarId>, Upgrades)> {
    let touched = |s: &Stmt| -> Vec<VarId> {
        uses(s)
            .into_iter()
            .filter(|v| containers.contains(v))
            .collect()
    };
    let changed = |s: &Stmt| -> Vec<VarId> {
        let mut w = HashSet::default();
        written(s, &mut w);
        w.into_iter().filter(|v| containers.contains(v)).collect()
    };
    let mut final_version: HashMap<VarId, usize> = HashMap::default();
    let mut seen = Vec::with_capacity(primal.len());
    for s in primal {
        let versions = touched(s)
            .into_iter()
            .map(|a| (a, final_version.get(&a).copied().unwrap_or(0)))
            .collect();
        let mutated = changed(s);
        for a in &mutated {
            *final_version.entry(*a).or_default() += 1;
        }
        seen.push(Seen {
            versions,
            mutates: !mutated.is_empty(),
        });
    }

    let mut map = Map {
        vars: HashMap::default(),
        literals,
    };
    // Versions of the adjoint's containers as the adjoint sees them, and of the primal's
    // in the fused iteration (after the whole primal body).
    let mut adjoint_version: HashMap<VarId, usize> = HashMap::default();
    let mut fused_version = final_version.clone();
    let mut changed_by_kept: HashSet<VarId> = HashSet::default();
    let mut consumed: HashSet<usize> = HashSet::default();
    let mut upgrades: Upgrades = HashMap::default();
    let mut keep = Vec::with_capacity(adjoint.len());
    for s in adjoint {
        let version_of = |a: VarId, adj: &HashMap<VarId, usize>| {
            adj.get(&a)
                .copied()
                .unwrap_or_else(|| final_version.get(&a).copied().unwrap_or(0))
        };
        let mine = touched(s);
        let mut hit = None;
        for (k, p) in primal.iter().enumerate() {
            if seen[k].mutates && consumed.contains(&k) {
                continue;
            }
            let mut trial = map.clone();
            // A call the adjoint repeats with partials: the primal call is to compute them.
            let upgrade = same_call_with_partials(p, s, upgrades.get(&k), &mut trial);
            if upgrade.is_none() && !equivalent(p, s, &mut trial) {
                continue;
            }
            let same_versions = mine.iter().all(|a| {
                let here = get(&trial, *a);
                !changed_by_kept.contains(a)
                    && seen[k].versions.get(&here).copied().unwrap_or(0)
                        == version_of(*a, &adjoint_version)
            });
            if same_versions {
                hit = Some((k, trial, upgrade));
                break;
            }
        }
        if let Stmt::DeclArray { array, .. } = s {
            adjoint_version.insert(*array, 0);
        }
        let mutated = changed(s);
        match hit {
            Some((k, trial, upgrade)) => {
                map = trial;
                if let Some(partials) = upgrade {
                    upgrades.insert(k, partials);
                }
                consumed.insert(k);
                for a in mutated {
                    let v = version_of(a, &adjoint_version);
                    adjoint_version.insert(a, v + 1);
                }
                keep.push(false);
            }
            None => {
                for a in &mine {
                    let here = get(&map, *a);
                    if here != *a
                        && version_of(*a, &adjoint_version)
                            != fused_version.get(&here).copied().unwrap_or(0)
                    {
                        return None;
                    }
                }
                for a in mutated {
                    let v = version_of(a, &adjoint_version);
                    adjoint_version.insert(a, v + 1);
                    let here = get(&map, a);
                    *fused_version.entry(here).or_default() += 1;
                    changed_by_kept.insert(a);
                }
                keep.push(true);
            }
        }
    }
    Some((keep, map.vars, upgrades))
}

/// Primal calls to give partials: statement index → the partials' values.
type Upgrades = HashMap<usize, Vec<VarId>>;

/// When `adjoint` calls what the primal call `primal` calls, with partials the primal one
/// does not compute (or computes as `upgraded`), binds its values and returns the partials
/// the primal call is to define.
fn same_call_with_partials(
    primal: &Stmt,
    adjoint: &Stmt,
    upgraded: Option<&Vec<VarId>>,
    map: &mut Map<'_>,
) -> Option<Vec<VarId>> {
    let (
        Stmt::Call {
            callee: pf,
            args: pa,
            value: pv,
            partials: pp,
        },
        Stmt::Call {
            callee: af,
            args: aa,
            value: av,
            partials: ap,
        },
    ) = (primal, adjoint)
    else {
        return None;
    };
    if pf != af || !pp.is_empty() || ap.is_empty() || !all_same(map, pa, aa) {
        return None;
    }
    map.vars.insert(*av, *pv);
    match upgraded {
        // Already upgraded by an earlier adjoint call: these partials are those.
        Some(earlier) if earlier.len() == ap.len() => {
            bind(map, earlier, ap);
            Some(earlier.clone())
        }
        Some(_) => None,
        None => Some(ap.clone()),
    }
}

/// The correspondence of adjoint values to primal ones.
#[derive(Clone)]
struct Map<'a> {
    /// Adjoint value → primal value.
    vars: HashMap<VarId, VarId>,
    /// Every literal → the first value defined by the same literal.
    literals: &'a HashMap<VarId, VarId>,
}

impl Map<'_> {
    fn canon(&self, v: VarId) -> VarId {
        self.literals.get(&v).copied().unwrap_or(v)
    }
}

fn get(map: &Map<'_>, v: VarId) -> VarId {
    map.vars.get(&v).copied().unwrap_or(v)
}

/// Whether `adjoint` stands for `primal`: renamed to it, or the same literal (integer
/// literals are not shared, as their types may differ).
fn same(map: &Map<'_>, primal: VarId, adjoint: VarId) -> bool {
    map.canon(get(map, adjoint)) == map.canon(primal)
}

fn all_same(map: &Map<'_>, primal: &[VarId], adjoint: &[VarId]) -> bool {
    primal.len() == adjoint.len() && primal.iter().zip(adjoint).all(|(p, a)| same(map, *p, *a))
}

fn bind(map: &mut Map<'_>, primal: &[VarId], adjoint: &[VarId]) -> bool {
    if primal.len() != adjoint.len() {
        return false;
    }
    for (p, a) in primal.iter().zip(adjoint) {
        map.vars.insert(*a, *p);
    }
    true
}

/// Whether two operations are the same once the adjoint's are renamed (float literals by
/// their bits, so `0.0` and `-0.0` differ).
fn same_op(map: &Map<'_>, primal: &Op, adjoint: &Op) -> bool {
    let mut renamed = adjoint.clone();
    renamed.map_args(|a| map.canon(get(map, a)));
    let mut primal = primal.clone();
    primal.map_args(|p| map.canon(p));
    match (&primal, &renamed) {
        (Op::Float(x), Op::Float(y)) => x.to_bits() == y.to_bits(),
        (x, y) => x == y,
    }
}

/// Whether `adjoint` computes what `primal` computes, extending `map` with the
/// correspondence of the values they define.
fn equivalent(primal: &Stmt, adjoint: &Stmt, map: &mut Map<'_>) -> bool {
    match (primal, adjoint) {
        (Stmt::Let(pv, pop), Stmt::Let(av, aop)) => {
            same_op(map, pop, aop) && bind(map, &[*pv], &[*av])
        }
        (
            Stmt::If {
                cond: pc,
                then_block: pt,
                else_block: pe,
                outs: po,
            },
            Stmt::If {
                cond: ac,
                then_block: at,
                else_block: ae,
                outs: ao,
            },
        ) => {
            same(map, *pc, *ac)
                && same_block(pt, at, map)
                && same_block(pe, ae, map)
                && bind(map, po, ao)
        }
        (
            Stmt::Call {
                callee: pf,
                args: pa,
                value: pv,
                partials: pp,
            },
            Stmt::Call {
                callee: af,
                args: aa,
                value: av,
                partials: ap,
            },
        ) => pf == af && all_same(map, pa, aa) && bind(map, &[*pv], &[*av]) && bind(map, pp, ap),
        (
            Stmt::DeclArray {
                array: pa,
                fill: pf,
                len: pl,
            },
            Stmt::DeclArray {
                array: aa,
                fill: af,
                len: al,
            },
        ) => same(map, *pf, *af) && same(map, *pl, *al) && bind(map, &[*pa], &[*aa]),
        (Stmt::Store(pa, pi, pv), Stmt::Store(aa, ai, av)) => {
            same(map, *pa, *aa) && all_same(map, pi, ai) && same(map, *pv, *av)
        }
        (Stmt::Loop(p), Stmt::Loop(a)) => same_loop(p, a, map),
        _ => false,
    }
}

fn same_loop(p: &Loop, a: &Loop, map: &mut Map<'_>) -> bool {
    if p.exits != a.exits || !p.saves.is_empty() || !a.saves.is_empty() {
        return false;
    }
    match (&p.range, &a.range) {
        (None, None) => {}
        (Some(pr), Some(ar)) => {
            let same_range = same(map, pr.start, ar.start)
                && same(map, pr.end, ar.end)
                && pr.inclusive == ar.inclusive
                && pr.rev == ar.rev
                && match (pr.step, ar.step) {
                    (None, None) => true,
                    (Some(x), Some(y)) => same(map, x, y),
                    _ => false,
                };
            if !same_range {
                return false;
            }
            map.vars.insert(ar.ind, pr.ind);
        }
        _ => return false,
    }
    let inits = |l: &Loop| l.carried.iter().map(|c| c.init).collect::<Vec<_>>();
    let inners = |l: &Loop| l.carried.iter().map(|c| c.inner).collect::<Vec<_>>();
    let outs = |l: &Loop| l.carried.iter().map(|c| c.out).collect::<Vec<_>>();
    all_same(map, &inits(p), &inits(a))
        && bind(map, &inners(p), &inners(a))
        && same_block(&p.body, &a.body, map)
        && bind(map, &outs(p), &outs(a))
}

fn same_block(p: &Block, a: &Block, map: &mut Map<'_>) -> bool {
    p.stmts.len() == a.stmts.len()
        && p.stmts
            .iter()
            .zip(&a.stmts)
            .all(|(ps, as_)| equivalent(ps, as_, map))
        && all_same(map, &p.results, &a.results)
}
