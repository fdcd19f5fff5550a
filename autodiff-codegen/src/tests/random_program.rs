//! Random IR programs: straight-line float code, branches on comparisons of
//! differentiated values, integer arithmetic and casts, selects and kinks — everything
//! the lowering produces for scalar functions.

use crate::ir::{BinOp, Block, CmpOp, Function, MathFn, Op, Param, Stmt, Ty, VarId};

/// A small deterministic generator (xorshift), seeded by proptest.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// The number of float and integer parameters of a generated program, and the length of
/// its array parameter (after the floats) if it has one.
pub struct Shape {
    pub floats: usize,
    pub ints: usize,
    pub array: Option<usize>,
}

struct Gen<'r> {
    rng: &'r mut Rng,
    func: Function,
    /// The array parameter, read inside loops, when generating loops.
    array: Option<VarId>,
}

/// The length of the array parameter of programs with loops.
pub const ARRAY_LEN: usize = 3;

/// A random function of 1–3 float parameters (all differentiated) and one integer.
pub fn random_function(rng: &mut Rng) -> (Function, Shape) {
    random_function_with(rng, false)
}

/// A random function as [`random_function`]; with `loops`, it also takes an array
/// `[f64; 3]` (differentiated) and contains loops (counted, reversed, unbounded), `break`s,
/// array reads and local arrays.
pub fn random_function_with(rng: &mut Rng, loops: bool) -> (Function, Shape) {
    let mut g = Gen {
        rng,
        func: Function::default(),
        array: None,
    };
    let nf = 1 + g.rng.below(3);
    let mut floats = Vec::new();
    for i in 0..nf {
        let v = g.func.new_var(Ty::Float, format!("x{i}"), true);
        g.func.params.push(Param {
            var: v,
            wrt: true,
            passing: crate::ir::Passing::Value,
        });
        floats.push(v);
    }
    if loops {
        let a = g.func.new_var(
            Ty::Array {
                elem: Box::new(Ty::Float),
                kind: crate::ir::ArrayKind::Fixed {
                    len: ARRAY_LEN.to_string(),
                    value: Some(ARRAY_LEN),
                },
            },
            "a",
            true,
        );
        g.func.params.push(Param {
            var: a,
            wrt: true,
            passing: crate::ir::Passing::Value,
        });
        g.array = Some(a);
    }
    let n = g.func.new_var(Ty::Int(Some("i64".into())), "n", true);
    g.func.params.push(Param {
        var: n,
        wrt: false,
        passing: crate::ir::Passing::Value,
    });
    let mut stmts = Vec::new();
    let len = 3 + g.rng.below(8);
    let mut result = g.block_body(&mut stmts, &mut floats, &[n], len, 0);
    if loops && g.rng.chance(50) {
        // A sum over a loop, used linearly: its adjoint loop can run inside it.
        // Used nonlinearly (`sum * sum`, `sin(sum)`, …) it cannot: the seed of the adjoint
        // loop then depends on the loop's result.
        let sum = g.sum_loop(&mut stmts, &floats, &[n]);
        let c = g.rng.float(-2.0, 2.0);
        let c = g.lit(&mut stmts, c);
        let scaled = g.let_(&mut stmts, Ty::Float, Op::Bin(BinOp::Mul, sum, c));
        result = g.let_(&mut stmts, Ty::Float, Op::Bin(BinOp::Add, result, scaled));
        if g.rng.chance(40) {
            floats.push(result);
            let len = 1 + g.rng.below(3);
            result = g.block_body(&mut stmts, &mut floats, &[n], len, 1);
        }
    }
    g.func.body = Block {
        stmts,
        results: vec![result],
    };
    (
        g.func,
        Shape {
            floats: nf,
            ints: 1,
            array: loops.then_some(ARRAY_LEN),
        },
    )
}

impl Gen<'_> {
    fn let_(&mut self, out: &mut Vec<Stmt>, ty: Ty, op: Op) -> VarId {
        let v = self.func.new_var(ty, "t", false);
        out.push(Stmt::Let(v, op));
        v
    }

    fn lit(&mut self, out: &mut Vec<Stmt>, x: f64) -> VarId {
        self.let_(out, Ty::Float, Op::Float(x))
    }

    fn pick(&mut self, vars: &[VarId]) -> VarId {
        // Prefer recent values so programs are deep, not wide.
        let n = vars.len();
        if self.rng.chance(60) {
            vars[n - 1 - self.rng.below(n.min(3))]
        } else {
            vars[self.rng.below(n)]
        }
    }

    /// Appends `len` statements; returns a float value to yield.
    fn block_body(
        &mut self,
        out: &mut Vec<Stmt>,
        floats: &mut Vec<VarId>,
        ints: &[VarId],
        len: usize,
        depth: usize,
    ) -> VarId {
        for _ in 0..len {
            let choice = self.rng.below(100);
            if self.array.is_some() && choice >= 90 && depth < 2 {
                self.loop_stmt(out, floats, ints, depth);
            } else if self.array.is_some() && (84..90).contains(&choice) {
                let a = self.array.unwrap_or(VarId(0));
                let k = self.rng.below(ARRAY_LEN) as i64;
                let k = self.let_(out, Ty::Int(Some("usize".into())), Op::Int(k));
                let v = self.let_(out, Ty::Float, Op::Index(a, vec![k]));
                floats.push(v);
            } else if choice < 12 && depth < 2 {
                self.branch(out, floats, ints, depth);
            } else if choice < 18 {
                // integer arithmetic, cast into the float world (a constant there)
                let n = ints[self.rng.below(ints.len())];
                let k = 1 + self.rng.below(3) as i64;
                let k = self.let_(out, Ty::Int(None), Op::Int(k));
                let s = self.let_(out, Ty::Int(None), Op::Bin(BinOp::Add, n, k));
                let c = self.let_(out, Ty::Float, Op::Cast(s, None));
                let a = self.pick(floats);
                let v = self.let_(out, Ty::Float, Op::Bin(BinOp::Mul, a, c));
                floats.push(v);
            } else if choice < 24 {
                let a = self.pick(floats);
                let b = self.pick(floats);
                let cmp = [CmpOp::Lt, CmpOp::Gt, CmpOp::Le, CmpOp::Ge][self.rng.below(4)];
                let c = self.let_(out, Ty::Bool, Op::Cmp(cmp, a, b));
                let v = self.let_(out, Ty::Float, Op::Select(c, a, b));
                floats.push(v);
            } else {
                let v = self.float_op(out, floats);
                floats.push(v);
            }
        }
        *floats.last().unwrap_or(&floats[0])
    }

    fn branch(
        &mut self,
        out: &mut Vec<Stmt>,
        floats: &mut Vec<VarId>,
        ints: &[VarId],
        depth: usize,
    ) {
        let a = self.pick(floats);
        let b = self.pick(floats);
        let cond = if self.rng.chance(75) {
            let cmp = [CmpOp::Lt, CmpOp::Gt, CmpOp::Le, CmpOp::Ge][self.rng.below(4)];
            self.let_(out, Ty::Bool, Op::Cmp(cmp, a, b))
        } else {
            let n = ints[0];
            let k = self.rng.below(3) as i64;
            let zero = self.let_(out, Ty::Int(None), Op::Int(k));
            self.let_(out, Ty::Bool, Op::Cmp(CmpOp::Gt, n, zero))
        };
        let n_outs = 1 + self.rng.below(2);
        let mut blocks = Vec::new();
        for _ in 0..2 {
            let mut stmts = Vec::new();
            let mut visible = floats.clone();
            let len = self.rng.below(4);
            self.block_body(&mut stmts, &mut visible, ints, len, depth + 1);
            let results: Vec<VarId> = (0..n_outs).map(|_| self.pick(&visible)).collect();
            blocks.push(Block { stmts, results });
        }
        let outs: Vec<VarId> = (0..n_outs)
            .map(|_| self.func.new_var(Ty::Float, "t", false))
            .collect();
        floats.extend(outs.iter().copied());
        let else_block = blocks.pop().unwrap_or_default();
        let then_block = blocks.pop().unwrap_or_default();
        out.push(Stmt::If {
            cond,
            then_block,
            else_block,
            outs,
        });
    }

    /// `s = init; for i in 0..k { s += term(i) }` (maybe reversed), the term computed from
    /// values before the loop, the iteration and the array: an additive loop.
    fn sum_loop(&mut self, out: &mut Vec<Stmt>, floats: &[VarId], ints: &[VarId]) -> VarId {
        use crate::ir::{Carried, Loop, Range, Site};
        let usize_ty = Ty::Int(Some("usize".into()));
        let trip = 1 + self.rng.below(4) as i64;
        let zero = self.let_(out, usize_ty.clone(), Op::Int(0));
        let end = self.let_(out, usize_ty.clone(), Op::Int(trip));
        let ind = self.func.new_var(usize_ty.clone(), "i", true);
        let inner = self.func.new_var(Ty::Float, "s", true);
        let mut body = Vec::new();
        let mut visible = floats.to_vec();
        let fpos = self.let_(&mut body, Ty::Float, Op::Cast(ind, None));
        visible.push(fpos);
        if let Some(a) = self.array {
            let three = self.let_(&mut body, usize_ty.clone(), Op::Int(ARRAY_LEN as i64));
            let r = self.let_(&mut body, usize_ty, Op::Bin(BinOp::Rem, ind, three));
            let v = self.let_(&mut body, Ty::Float, Op::Index(a, vec![r]));
            visible.push(v);
        }
        let len = 1 + self.rng.below(4);
        let term = self.block_body(&mut body, &mut visible, ints, len, 1);
        let next = self.let_(&mut body, Ty::Float, Op::Bin(BinOp::Add, inner, term));
        let init = if self.rng.chance(50) {
            self.lit(out, 0.0)
        } else {
            self.pick(floats)
        };
        let sum = self.func.new_var(Ty::Float, "s", true);
        let rev = self.rng.chance(20);
        out.push(Stmt::Loop(Box::new(Loop {
            range: Some(Range {
                ind,
                start: zero,
                end,
                inclusive: false,
                rev,
                step: None,
            }),
            carried: vec![Carried {
                init,
                inner,
                out: sum,
            }],
            body: Block {
                stmts: body,
                results: vec![next],
            },
            exits: false,
            saves: vec![],
            span: Site(proc_macro2::Span::call_site()),
        })));
        sum
    }

    /// A loop carrying one or two floats: counted (`for i in 0..k`, maybe reversed) or
    /// unbounded with a counter, with array reads, a local array, and maybe a `break`.
    fn loop_stmt(
        &mut self,
        out: &mut Vec<Stmt>,
        floats: &mut Vec<VarId>,
        ints: &[VarId],
        depth: usize,
    ) {
        use crate::ir::{Carried, Loop, Range, Site};
        let usize_ty = Ty::Int(Some("usize".into()));
        let trip = 1 + self.rng.below(4) as i64;
        let kind = self.rng.below(3);
        let n_carried = 1 + self.rng.below(2);
        let mut carried = Vec::new();
        for _ in 0..n_carried {
            let init = self.pick(floats);
            let inner = self.func.new_var(Ty::Float, "c", true);
            carried.push((init, inner));
        }
        let mut body = Vec::new();
        let mut visible: Vec<VarId> = floats.clone();
        visible.extend(carried.iter().map(|c| c.1));
        let ind = self.func.new_var(usize_ty.clone(), "i", true);
        let zero = self.let_(out, usize_ty.clone(), Op::Int(0));
        let trip_v = self.let_(out, usize_ty.clone(), Op::Int(trip));
        let counter = (kind == 2).then(|| {
            (
                self.let_(out, usize_ty.clone(), Op::Int(0)),
                self.func.new_var(usize_ty.clone(), "k", true),
            )
        });
        let position = match counter {
            Some((_, k)) => k,
            None => ind,
        };
        let fpos = self.let_(&mut body, Ty::Float, Op::Cast(position, None));
        visible.push(fpos);
        if let Some(a) = self.array {
            let three = self.let_(&mut body, usize_ty.clone(), Op::Int(ARRAY_LEN as i64));
            let r = self.let_(
                &mut body,
                usize_ty.clone(),
                Op::Bin(BinOp::Rem, position, three),
            );
            let v = self.let_(&mut body, Ty::Float, Op::Index(a, vec![r]));
            visible.push(v);
            if self.rng.chance(30) {
                // A local array written and read back in the same iteration.
                let h = self.func.new_var(
                    Ty::Array {
                        elem: Box::new(Ty::Float),
                        kind: crate::ir::ArrayKind::Fixed {
                            len: "2".into(),
                            value: Some(2),
                        },
                    },
                    "h",
                    true,
                );
                let fill = self.let_(&mut body, Ty::Float, Op::Float(0.0));
                let two = self.let_(&mut body, usize_ty.clone(), Op::Int(2));
                body.push(Stmt::DeclArray {
                    array: h,
                    fill,
                    len: two,
                });
                let one = self.let_(&mut body, usize_ty.clone(), Op::Int(1));
                let w = self.pick(&visible);
                body.push(Stmt::Store(h, vec![one], w));
                let back = self.let_(&mut body, Ty::Float, Op::Index(h, vec![one]));
                let sq = self.let_(&mut body, Ty::Float, Op::Bin(BinOp::Mul, back, back));
                visible.push(sq);
            }
        }
        // A recurrence through an array declared before the loop: each iteration reads the
        // element the previous one wrote (`r[p + 1] = f(r[p])`), and the array is read after.
        let recurrence = if self.rng.chance(30) {
            let r = self.func.new_var(
                Ty::Array {
                    elem: Box::new(Ty::Float),
                    kind: crate::ir::ArrayKind::Fixed {
                        len: "6".into(),
                        value: Some(6),
                    },
                },
                "r",
                true,
            );
            let fill = self.let_(out, Ty::Float, Op::Float(0.0));
            let six = self.let_(out, usize_ty.clone(), Op::Int(6));
            out.push(Stmt::DeclArray {
                array: r,
                fill,
                len: six,
            });
            let prev = self.let_(&mut body, Ty::Float, Op::Index(r, vec![position]));
            let w = self.pick(&visible);
            let t = self.let_(
                &mut body,
                Ty::Float,
                Op::Math(crate::ir::MathFn::Tanh, vec![w]),
            );
            let v = self.let_(&mut body, Ty::Float, Op::Bin(BinOp::Add, prev, t));
            let mixed = self.let_(&mut body, Ty::Float, Op::Bin(BinOp::Mul, v, prev));
            let one = self.let_(&mut body, usize_ty.clone(), Op::Int(1));
            let next = self.let_(
                &mut body,
                usize_ty.clone(),
                Op::Bin(BinOp::Add, position, one),
            );
            body.push(Stmt::Store(r, vec![next], mixed));
            visible.push(mixed);
            Some(r)
        } else {
            None
        };
        let len = 1 + self.rng.below(3);
        self.block_body(&mut body, &mut visible, ints, len, depth + 1);
        // A value kept per iteration (`keep[p] = v`), read after the loop: the reverse sweep
        // reads it back instead of recomputing it.
        let kept = if self.rng.chance(30) {
            let keep = self.func.new_var(
                Ty::Array {
                    elem: Box::new(Ty::Float),
                    kind: crate::ir::ArrayKind::Fixed {
                        len: "6".into(),
                        value: Some(6),
                    },
                },
                "keep",
                true,
            );
            let fill = self.let_(out, Ty::Float, Op::Float(1.5));
            let six = self.let_(out, usize_ty.clone(), Op::Int(6));
            out.push(Stmt::DeclArray {
                array: keep,
                fill,
                len: six,
            });
            let w = self.pick(&visible);
            let mut v = self.let_(
                &mut body,
                Ty::Float,
                Op::Math(crate::ir::MathFn::Sin, vec![w]),
            );
            if self.rng.chance(50) {
                // Updated in place (`keep[p] = keep[p] * v`): the read sees the element
                // before this iteration's store.
                let old = self.let_(&mut body, Ty::Float, Op::Index(keep, vec![position]));
                v = self.let_(&mut body, Ty::Float, Op::Bin(BinOp::Mul, old, v));
            }
            body.push(Stmt::Store(keep, vec![position], v));
            visible.push(v);
            Some(keep)
        } else {
            None
        };
        let nexts: Vec<VarId> = (0..n_carried).map(|_| self.pick(&visible)).collect();
        let mut results = nexts.clone();
        let mut loop_carried: Vec<Carried> = carried
            .iter()
            .map(|(init, inner)| Carried {
                init: *init,
                inner: *inner,
                out: self.func.new_var(Ty::Float, "c", true),
            })
            .collect();
        let mut exits = false;
        if let Some((init, k)) = counter {
            let one = self.let_(&mut body, usize_ty.clone(), Op::Int(1));
            let next_k = self.let_(&mut body, usize_ty.clone(), Op::Bin(BinOp::Add, k, one));
            let flag = self.let_(&mut body, Ty::Bool, Op::Cmp(CmpOp::Lt, next_k, trip_v));
            results.push(next_k);
            loop_carried.push(Carried {
                init,
                inner: k,
                out: self.func.new_var(usize_ty.clone(), "k", true),
            });
            results.push(flag);
            exits = true;
        } else if self.rng.chance(40) {
            // `if cond { break; }` after the updates.
            let v = self.pick(&visible);
            let c = self.rng.float(-1.0, 1.0);
            let c = self.let_(&mut body, Ty::Float, Op::Float(c));
            let brk = self.let_(&mut body, Ty::Bool, Op::Cmp(CmpOp::Gt, v, c));
            let go_on = self.let_(&mut body, Ty::Bool, Op::Not(brk));
            results.push(go_on);
            exits = true;
        }
        let range = (kind != 2).then_some(Range {
            ind,
            start: zero,
            end: trip_v,
            inclusive: false,
            rev: kind == 1,
            step: None,
        });
        floats.extend(loop_carried.iter().take(n_carried).map(|c| c.out));
        let after = recurrence.map(|r| {
            let k = self.rng.below(3) as i64 + 1;
            (r, k)
        });
        out.push(Stmt::Loop(Box::new(Loop {
            range,
            carried: loop_carried,
            body: Block {
                stmts: body,
                results,
            },
            exits,
            saves: vec![],
            span: Site(proc_macro2::Span::call_site()),
        })));
        if let Some(keep) = kept {
            let k = self.rng.below(2) as i64;
            let k = self.let_(out, usize_ty.clone(), Op::Int(k));
            let v = self.let_(out, Ty::Float, Op::Index(keep, vec![k]));
            floats.push(v);
        }
        if let Some((r, k)) = after {
            let k = self.let_(out, usize_ty, Op::Int(k));
            let v = self.let_(out, Ty::Float, Op::Index(r, vec![k]));
            floats.push(v);
        }
    }

    /// One float operation, defined and smooth (except at documented kinks) on all reals.
    fn float_op(&mut self, out: &mut Vec<Stmt>, floats: &[VarId]) -> VarId {
        let a = self.pick(floats);
        let b = self.pick(floats);
        let math = |g: &mut Self, out: &mut Vec<Stmt>, f: MathFn, args: Vec<VarId>| {
            g.let_(out, Ty::Float, Op::Math(f, args))
        };
        match self.rng.below(24) {
            0 => self.let_(out, Ty::Float, Op::Bin(BinOp::Add, a, b)),
            1 => self.let_(out, Ty::Float, Op::Bin(BinOp::Sub, a, b)),
            2 | 3 => self.let_(out, Ty::Float, Op::Bin(BinOp::Mul, a, b)),
            4 => {
                // a / (1 + b²)
                let sq = self.let_(out, Ty::Float, Op::Bin(BinOp::Mul, b, b));
                let one = self.lit(out, 1.0);
                let den = self.let_(out, Ty::Float, Op::Bin(BinOp::Add, one, sq));
                self.let_(out, Ty::Float, Op::Bin(BinOp::Div, a, den))
            }
            5 => math(self, out, MathFn::Sin, vec![a]),
            6 => math(self, out, MathFn::Cos, vec![a]),
            7 => math(self, out, MathFn::Tanh, vec![a]),
            8 => math(self, out, MathFn::Atan, vec![a]),
            9 => {
                let s = math(self, out, MathFn::Sin, vec![a]);
                math(self, out, MathFn::Exp, vec![s])
            }
            10 => {
                let sq = self.let_(out, Ty::Float, Op::Bin(BinOp::Mul, a, a));
                math(self, out, MathFn::Ln1p, vec![sq])
            }
            11 => {
                let one = self.lit(out, 1.0);
                math(self, out, MathFn::Hypot, vec![a, one])
            }
            12 => {
                let k = 2 + self.rng.below(2) as i64;
                let k = self.let_(out, Ty::Int(Some("i32".into())), Op::Int(k));
                let t = math(self, out, MathFn::Tanh, vec![a]);
                math(self, out, MathFn::Powi, vec![t, k])
            }
            13 => {
                let c = self.rng.float(-2.0, 2.0);
                let c = self.lit(out, c);
                math(self, out, MathFn::MulAdd, vec![a, c, b])
            }
            14 => math(self, out, MathFn::Max, vec![a, b]),
            15 => math(self, out, MathFn::Min, vec![a, b]),
            16 => math(self, out, MathFn::Abs, vec![a]),
            17 => {
                let sq = self.let_(out, Ty::Float, Op::Bin(BinOp::Mul, b, b));
                let one = self.lit(out, 1.0);
                let den = self.let_(out, Ty::Float, Op::Bin(BinOp::Add, one, sq));
                math(self, out, MathFn::Atan2, vec![a, den])
            }
            18 => {
                let sq = self.let_(out, Ty::Float, Op::Bin(BinOp::Mul, a, a));
                let one = self.lit(out, 1.0);
                let s = self.let_(out, Ty::Float, Op::Bin(BinOp::Add, one, sq));
                let r = math(self, out, MathFn::Sqrt, vec![s]);
                math(self, out, MathFn::Ln, vec![r])
            }
            19 => math(self, out, MathFn::Asinh, vec![a]),
            20 => {
                let t = math(self, out, MathFn::Tanh, vec![a]);
                math(self, out, MathFn::Sinh, vec![t])
            }
            21 => {
                let lo = self.lit(out, -0.5);
                let hi = self.lit(out, 0.75);
                math(self, out, MathFn::Clamp, vec![a, lo, hi])
            }
            22 => {
                let c = self.rng.float(-3.0, 3.0);
                let c = self.lit(out, c);
                self.let_(out, Ty::Float, Op::Bin(BinOp::Mul, c, a))
            }
            _ => self.let_(out, Ty::Float, Op::Neg(a)),
        }
    }
}
