//! Unit and property tests of the pipeline's stages, run without compiling any Rust.

mod check;
mod fusion;
mod fusion_review;
mod golden;
mod lowering;
mod no_panic;
mod properties;
mod random_program;
mod rules_table;
mod simplification;
