//! Copies of blocks under fresh names: the reverse sweep recomputes a loop body in its own
//! loop, and every value keeps exactly one definition.

use crate::hash::HashMap;

use super::{Block, Function, Loop, Stmt, VarId};

/// A copy of `block` in which every value it defines gets a fresh id (recorded in `map`,
/// which may be pre-seeded to rebind values the block reads).
pub fn clone_fresh(func: &mut Function, block: &Block, map: &mut HashMap<VarId, VarId>) -> Block {
    let stmts = block.stmts.iter().map(|s| stmt(func, s, map)).collect();
    let results = block.results.iter().map(|r| get(map, *r)).collect();
    Block { stmts, results }
}

fn get(map: &HashMap<VarId, VarId>, v: VarId) -> VarId {
    *map.get(&v).unwrap_or(&v)
}

fn fresh(func: &mut Function, map: &mut HashMap<VarId, VarId>, v: VarId) -> VarId {
    let info = func.info(v).clone();
    let n = func.new_var(info.ty, info.name, info.user_named);
    map.insert(v, n);
    n
}

fn stmt(func: &mut Function, s: &Stmt, map: &mut HashMap<VarId, VarId>) -> Stmt {
    match s {
        Stmt::Let(v, op) => {
            let mut op = op.clone();
            op.map_args(|a| get(map, a));
            Stmt::Let(fresh(func, map, *v), op)
        }
        Stmt::If {
            cond,
            then_block,
            else_block,
            outs,
        } => {
            let cond = get(map, *cond);
            let then_block = clone_fresh(func, then_block, map);
            let else_block = clone_fresh(func, else_block, map);
            let outs = outs.iter().map(|o| fresh(func, map, *o)).collect();
            Stmt::If {
                cond,
                then_block,
                else_block,
                outs,
            }
        }
        Stmt::Call {
            callee,
            args,
            value,
            partials,
        } => Stmt::Call {
            callee: callee.clone(),
            args: args.iter().map(|a| get(map, *a)).collect(),
            value: fresh(func, map, *value),
            partials: partials.iter().map(|p| fresh(func, map, *p)).collect(),
        },
        Stmt::DeclAcc(a, like) => {
            let like = like.map(|l| get(map, l));
            Stmt::DeclAcc(fresh(func, map, *a), like)
        }
        Stmt::AddAcc(a, v) => Stmt::AddAcc(get(map, *a), get(map, *v)),
        Stmt::SetAcc(a, v) => Stmt::SetAcc(get(map, *a), get(map, *v)),
        Stmt::DeclArray { array, fill, len } => {
            let (fill, len) = (get(map, *fill), get(map, *len));
            Stmt::DeclArray {
                array: fresh(func, map, *array),
                fill,
                len,
            }
        }
        Stmt::Store(a, idx, v) => Stmt::Store(
            get(map, *a),
            idx.iter().map(|i| get(map, *i)).collect(),
            get(map, *v),
        ),
        Stmt::AddAt(a, idx, v) => Stmt::AddAt(
            get(map, *a),
            idx.iter().map(|i| get(map, *i)).collect(),
            get(map, *v),
        ),
        Stmt::Loop(l) => Stmt::Loop(Box::new(clone_loop(func, l, map))),
    }
}

fn clone_loop(func: &mut Function, l: &Loop, map: &mut HashMap<VarId, VarId>) -> Loop {
    let mut carried = l.carried.clone();
    for c in &mut carried {
        c.init = get(map, c.init);
        c.inner = fresh(func, map, c.inner);
    }
    let range = l.range.clone().map(|mut r| {
        r.start = get(map, r.start);
        r.end = get(map, r.end);
        r.step = r.step.map(|s| get(map, s));
        r.ind = fresh(func, map, r.ind);
        r
    });
    let body = clone_fresh(func, &l.body, map);
    for c in &mut carried {
        c.out = fresh(func, map, c.out);
    }
    let saves = l
        .saves
        .iter()
        .map(|s| super::Save {
            tape: get(map, s.tape),
            value: get(map, s.value),
            index: get(map, s.index),
        })
        .collect();
    Loop {
        range,
        carried,
        body,
        exits: l.exits,
        saves,
        span: l.span,
    }
}
