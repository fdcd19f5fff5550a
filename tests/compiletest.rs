//! Compile-fail and compile-pass tests of `#[differentiable]`, in the layout of
//! pin-project's `tests/compiletest.rs`.
//!
//! Each file under `tests/ui/<topic>/` shows one diagnostic (the files in `recovery/` show
//! how several errors, or an error and the code around it, are reported together), pinned
//! in the `.stderr` file next to it. After a deliberate change to a message, regenerate with
//! `TRYBUILD=overwrite cargo test --test compiletest` and read every changed `.stderr`.
//!
//! The files under `tests/ui/pass/` must compile, and run: they assert their gradients.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/attr/*.rs");
    t.compile_fail("tests/ui/signature/*.rs");
    t.compile_fail("tests/ui/body/*.rs");
    t.compile_fail("tests/ui/loops/*.rs");
    t.compile_fail("tests/ui/arrays/*.rs");
    t.compile_fail("tests/ui/calls/*.rs");
    t.compile_fail("tests/ui/recovery/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
