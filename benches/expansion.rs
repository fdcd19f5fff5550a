//! Compile cost: the time `#[differentiable]` takes to expand one function, measured
//! through the code generator's `proc_macro2` entry point `autodiff_codegen::expand`
//! (parsing, lowering, differentiation, simplification, emission and the rustdoc copy of
//! the generated code; rustc's own work on the output is not included).
//!
//! Inputs, in `benches/expansion_inputs/`: `small.rs` (2-D Rosenbrock, 3 lines),
//! `medium.rs` (the two-layer tanh network, 27 lines, three nested loops) and `large.rs`
//! (a 50-line robust-regression loss: loops, `match`, branches, a loop-carried value
//! that needs a tape, ten float methods).
//!
//! `cargo bench --bench expansion` (see BENCHMARKS.md).

use std::hint::black_box;
use std::time::Duration;

use autodiff_codegen::{Listing, expand_with};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use proc_macro2::TokenStream;

const INPUTS: [(&str, &str, &str); 3] = [
    ("small", "", include_str!("expansion_inputs/small.rs")),
    (
        "medium",
        "wrt(w1, b1, w2, b2)",
        include_str!("expansion_inputs/medium.rs"),
    ),
    (
        "large",
        "wrt(w, scale, shift)",
        include_str!("expansion_inputs/large.rs"),
    ),
];

fn parse(source: &str) -> TokenStream {
    source.parse().expect("the inputs are valid Rust")
}

fn expansion(c: &mut Criterion) {
    with_listing(c, "expand", Listing::Include);
    // What every `cargo build` pays: under rustc the attribute leaves the derivative code
    // out of the documentation (see `Listing`).
    with_listing(c, "expand_without_listing", Listing::Omit);
}

fn with_listing(c: &mut Criterion, group: &str, listing: Listing) {
    let mut g = c.benchmark_group(group);
    for (name, args, source) in INPUTS {
        let (args, item) = (parse(args), parse(source));
        let out = expand_with(args.clone(), item.clone(), listing).to_string();
        assert!(
            !out.contains("compile_error"),
            "{name} must expand cleanly: {out}"
        );
        let lines = source.lines().count();
        eprintln!(
            "{group}/{name}: {lines} lines in, {} tokens out ({} bytes)",
            out.split_whitespace().count(),
            out.len()
        );
        g.bench_function(name, |b| {
            b.iter_batched(
                || (args.clone(), item.clone()),
                |(args, item)| black_box(expand_with(args, item, listing)),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .without_plots()
}

criterion_group! {
    name = expand;
    config = config();
    targets = expansion
}
criterion_main!(expand);
