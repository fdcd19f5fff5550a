//! # autodiff: compile-time automatic differentiation for Rust
//!
//! `#[differentiable]` reads a plain Rust function at compile time, differentiates it
//! symbolically, and emits the gradient as ordinary Rust next to it. There is no tape, no
//! graph and no allocation at run time, and it works on stable Rust.
//!
//! ```
//! use autodiff::differentiable;
//!
//! #[differentiable]
//! fn rosenbrock(x: f64, y: f64) -> f64 {
//!     (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
//! }
//!
//! let (f, (dx, dy)) = rosenbrock_value_and_grad(-1.5, 2.0);
//! assert_eq!(f, 12.5);
//! assert_eq!((dx, dy), (-155.0, -50.0));
//! assert_eq!(rosenbrock_grad(-1.5, 2.0), (-155.0, -50.0));
//! ```
//!
//! ## Generated items
//!
//! For `#[differentiable] fn f(a: A, b: B, …) -> F` (with `F` = `f64` or `f32`):
//!
//! | item | meaning |
//! | --- | --- |
//! | `f` | unchanged |
//! | `f_grad(a, b, …) -> G` | the gradient with respect to every differentiable argument |
//! | `f_value_and_grad(a, b, …) -> (F, G)` | the value and the gradient in one sweep |
//!
//! `G` mirrors the differentiable arguments: one argument gives its derivative directly,
//! several give a tuple in argument order. Float arguments are differentiable by default;
//! integers and `bool`s never are, and `#[differentiable(wrt(x, y))]` restricts the set.
//! The generated functions show their own source in their documentation.
//!
//! ```
//! use autodiff::differentiable;
//!
//! #[differentiable(wrt(x))]
//! fn scaled_sine(x: f64, scale: f64, harmonic: i32) -> f64 {
//!     scale * (harmonic as f64 * x).sin()
//! }
//!
//! let dx = scaled_sine_grad(0.5, 2.0, 3);
//! assert!((dx - 2.0 * 3.0 * (1.5_f64).cos()).abs() < 1e-15);
//! ```
//!
//! ## The supported subset
//!
//! - `f64`/`f32` arguments and result (one float type per function) or a type parameter
//!   `T: num_traits::Float` (literals as `T::from(2.0).unwrap()`, `T::one()`, `T::zero()`);
//!   integer and `bool` arguments; float, integer and bool literals; `as` casts;
//!   constants such as `std::f64::consts::PI` and user `const`s.
//! - Arrays of floats: `[T; N]`, `&[T; N]`, `&[[T; M]; N]`, `&[T]`, `&Vec<T>` — indexing by
//!   integer expressions (`x[i + 1]`, `w[j][k]`), `.len()`, local arrays
//!   (`let mut h = [0.0; N];`, `let v = [a, b];`) with element assignment.
//! - `let`, `let mut`, shadowing, reassignment, `+= -= *= /=`, blocks, `+ - * / %`, unary
//!   minus, comparisons, `&&`, `||`, `!`.
//! - Float methods, as `x.sin()` or `f64::sin(x)`: `sin cos tan asin acos atan atan2 sinh
//!   cosh tanh asinh acosh atanh exp exp2 exp_m1 ln log log2 log10 ln_1p sqrt cbrt powi powf
//!   recip abs signum hypot mul_add max min clamp floor ceil round trunc to_degrees
//!   to_radians`.
//! - `if`/`else` on any condition, `match` on integers and `bool`s (literals, constants,
//!   ranges, `|`, guards, `k @ …` bindings), early `return` (outside loops).
//! - Loops: `for i in a..b`, `a..=b`, `(a..b).rev()`, `.step_by(k)`; `for v in x.iter()`,
//!   `for &v in &x`, `.iter().enumerate()`, `.iter().zip(y.iter())`; `while`, `loop`,
//!   `break`, `continue`, nested loops.
//! - `&self` methods in `impl` blocks: the fields (`self.data[i]`) are data, never
//!   differentiated.
//! - Calls to other `#[differentiable]` functions (including through module paths and
//!   `Self::`), differentiated through the callee's generated items (with respect to all
//!   of the callee's float parameters, whatever its `wrt(...)`). A call whose arguments do
//!   not depend on the differentiated inputs may call any function.
//!
//! A call is differentiated through the callee's hidden `__autodiff_partials_<name>`
//! function, found next to the callee: call it by a path that reaches its module
//! (`norm(x)` in the same module, `geometry::norm(x)`, or after `use geometry::*;`) —
//! `use geometry::norm;` imports the function alone, not its generated items. Calling a
//! function that is not `#[differentiable]` with a differentiated argument is reported by
//! the compiler as a missing `__autodiff_partials_<name>`: mark the callee
//! `#[differentiable]`.
//!
//! Gradients have the shape of their parameters: a float for a float, an array of the same
//! shape for `[T; N]` and `&[T; N]`, a `Vec<T>` for `&[T]` and `&Vec<T>`. For array and
//! slice parameters there is also `f_value_and_grad_into(args…, grad_x: &mut …, …)`, which
//! writes those gradients into the caller's buffers (`&mut [T; N]` for an array, `&mut [T]`
//! of the same length for a slice) instead of returning them, and returns the value (with
//! the other gradients, if any). For a function of one array reference `&[T; N]` that is
//! the `FnMut(&P, &mut P) -> T` that [`minimize::Minimize::new`] takes.
//!
//! ```
//! use autodiff::differentiable;
//!
//! #[differentiable]
//! fn rosenbrock(x: &[f64]) -> f64 {
//!     let mut s = 0.0;
//!     for i in 0..x.len() - 1 {
//!         s += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
//!     }
//!     s
//! }
//!
//! let x = [-1.2, 1.0, 0.5];
//! let (f, g) = rosenbrock_value_and_grad(&x);
//! let mut buffer = [0.0; 3];
//! assert_eq!(rosenbrock_value_and_grad_into(&x, &mut buffer), f);
//! assert_eq!(buffer.to_vec(), g);
//! ```
//!
//! ```
//! use autodiff::differentiable;
//! use autodiff::minimize::Minimize;
//! use autodiff::optim::Adam;
//!
//! #[differentiable]
//! fn spring(x: &[f64; 2]) -> f64 {
//!     (x[0] - 1.0).powi(2) + 10.0 * (x[1] - x[0]).powi(2)
//! }
//!
//! // `spring_value_and_grad_into(x: &[f64; 2], grad_x: &mut [f64; 2]) -> f64`
//! let run = Minimize::new(spring_value_and_grad_into, [0.0, 3.0], Adam::new(0.05).unwrap())
//!     .max_steps(2000)
//!     .run()
//!     .unwrap();
//! assert!((run.params[0] - 1.0).abs() < 1e-3 && (run.params[1] - 1.0).abs() < 1e-3);
//! ```
//!
//! Loops need no tape. A sum over the data (`s += term`, with `s` used linearly afterwards)
//! is differentiated inside the same loop, in one pass, as a hand-written gradient is;
//! other loops are reversed by recomputing each iteration's values. Only values
//! carried from one iteration to the next and overwritten non-linearly (`p = p * t + c[i]`)
//! are saved, into a fixed-size array when the trip count is a constant and into a `Vec`
//! otherwise (a `while` loop, a range with run-time bounds); sums like `s += …` save
//! nothing. Gradients of slices and `Vec`s are `Vec`s (or caller buffers, with `_into`).
//!
//! Conventions at kinks follow PyTorch: the derivative of `abs` at 0 is 0, `max`/`min` split
//! the gradient evenly at ties, `floor`/`ceil`/`round`/`trunc`/`signum` have derivative 0,
//! `clamp` passes the gradient to `x` on the closed interval `[lo, hi]`.
//!
//! Anything else is a compile error at the offending code that says what to do instead;
//! every error in a function is reported at once, and the function itself still compiles.
//!
//! ## Optimizers
//!
//! The runtime (re-exported here) turns gradients into minimisation: PyTorch-exact
//! optimizers, learning-rate schedules and a `minimize` driver in the spirit of
//! `tfp.math.minimize`.
#![no_std]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub use autodiff_macros::differentiable;
pub use autodiff_runtime::*;

/// Items the generated code uses. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "alloc")]
    pub use alloc::vec::Vec;

    /// `vec![value; len]`, for the gradients of slices and `Vec`s.
    #[cfg(feature = "alloc")]
    pub fn filled<T: Clone>(value: T, len: usize) -> Vec<T> {
        alloc::vec![value; len]
    }

    /// The panic of [`__loop_in_bounds!`](crate::__loop_in_bounds): finds the access the
    /// loop fails at first — in iteration order, then in the order of `accesses` (the
    /// body's) — and panics with indexing's message for it.
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub fn out_of_bounds(
        start: usize,
        end: usize,
        reverse: bool,
        accesses: &[(usize, usize)],
    ) -> ! {
        let fails_at = |i: usize, (len, offset): (usize, usize)| {
            i.checked_add(offset).is_none_or(|k| k >= len)
        };
        // The first failing iteration: the first one when descending; otherwise the
        // earliest iteration at which some access leaves its slice.
        let iteration = if reverse {
            end - 1
        } else {
            accesses
                .iter()
                .map(|&(len, offset)| len.saturating_sub(offset).max(start))
                .filter(|i| *i < end)
                .min()
                .unwrap_or(end - 1)
        };
        let (len, offset) = accesses
            .iter()
            .copied()
            .find(|a| fails_at(iteration, *a))
            .unwrap_or((0, 0));
        let index = iteration.wrapping_add(offset);
        panic!("index out of bounds: the len is {len} but the index is {index}");
    }
}

/// Checks, before a loop over `start..end` (non-empty; `rev` for `.rev()`), that every
/// access `slice[i + offset]`, given as `(slice.len(), offset)`, that the body makes in
/// every iteration stays in bounds, so the compiler can drop the checks inside the loop.
/// One `if` per access (the compiler derives each bound from its own comparison); a loop
/// that would fail panics as it would, through `__private::out_of_bounds`. Wrapping
/// arithmetic: an index that wraps around passes here and fails inside the loop, as it
/// would have anyway. Used by generated code only.
#[doc(hidden)]
#[macro_export]
macro_rules! __loop_in_bounds {
    ($start:expr, $end:expr, $rev:expr, [$(($len:expr, $offset:expr)),* $(,)?]) => {{
        let (start, end): (usize, usize) = ($start, $end);
        let accesses: &[(usize, usize)] = &[$(($len, $offset)),*];
        let last = end.wrapping_sub(1);
        $(
            if last.wrapping_add($offset) >= $len {
                $crate::__private::out_of_bounds(start, end, $rev, accesses);
            }
        )*
    }};
}
