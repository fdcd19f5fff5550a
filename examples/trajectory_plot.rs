//! The optimisation path of each optimizer drawn over the function, as an SVG: the picture
//! the `torch-opt-simplest` notebook (seed 004) animates with matplotlib, for every
//! optimizer of `autodiff::optim` on `x²/20 + tanh(sin(x))` from 8 with the notebook's
//! learning rate 2. One panel per optimizer shows its iterates `(x_t, f(x_t))` on the curve;
//! the chart below compares `f(x_t)` step by step.
//!
//! Run with `cargo run --example trajectory_plot [-- OUTPUT.svg]`; the default output is
//! `target/trajectories.svg` in the repository.

use std::error::Error;
use std::path::PathBuf;

use autodiff::differentiable;
use autodiff::minimize::Minimize;
use autodiff::optim::{
    Adadelta, Adagrad, Adam, AdamW, Adamax, Lbfgs, LineSearch, NAdam, RAdam, RmsProp, Sgd,
};
use autodiff::{ConfigError, Optimizer};
use plotters::prelude::*;

/// The notebook's function: a parabola with ripples, a local minimum near 3.98 and the
/// global one near -1.28.
#[differentiable]
fn wavy(x: f64) -> f64 {
    x.powi(2) / 20.0 + x.sin().tanh()
}

const START: f64 = 8.0;
const STEPS: usize = 40;
const WIDTH: u32 = 1440;
const HEIGHT: u32 = 1120;

/// Matplotlib's `tab10` colours and two more, one per optimizer.
const COLOURS: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(57, 59, 121),
    RGBColor(99, 121, 57),
];

/// One optimizer's iterates `x_0 = 8, x_1, …`.
struct Path {
    name: &'static str,
    settings: &'static str,
    xs: Vec<f64>,
}

/// Runs `optimizer` for `STEPS` steps from `START` and collects its iterates. For L-BFGS a
/// step is one PyTorch `step(closure)` call, whose inner iterations are not drawn.
fn path<O: Optimizer<f64>>(
    name: &'static str,
    settings: &'static str,
    optimizer: Result<O, ConfigError>,
) -> Path {
    let optimizer = optimizer.expect("valid optimizer settings");
    let result = Minimize::with_value_and_grad(|x: &f64| wavy_value_and_grad(*x), START, optimizer)
        .max_steps(STEPS)
        .trace(|q| *q.parameters) // x_{t+1}, after step t's update
        .run()
        .expect("valid driver settings");
    let mut xs = Vec::with_capacity(STEPS + 1);
    xs.push(START);
    xs.extend(result.trace);
    Path { name, settings, xs }
}

/// `(lo, hi)` of `values`, widened by `margin` on both sides.
fn extent(values: impl Iterator<Item = f64>, margin: f64) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    (lo - margin, hi + margin)
}

/// Draws the figure into `output`.
fn draw(paths: &[Path], output: &PathBuf) -> Result<(), Box<dyn Error>> {
    let root = SVGBackend::new(output, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(
        &format!(
            "Optimizer paths on f(x) = x²/20 + tanh(sin x), from x = {START}, lr = 2, {STEPS} steps"
        ),
        ("sans-serif", 26),
    )?;
    let (left, legend) = root.split_horizontally(WIDTH - 260);
    let (grid, bottom) = left.split_vertically(720);

    // A common x range covering every iterate and the notebook's [-10, 10].
    let (x_lo, x_hi) = extent(
        paths
            .iter()
            .flat_map(|p| p.xs.iter().copied())
            .chain([-10.0, 10.0]),
        0.5,
    );
    let curve: Vec<(f64, f64)> = (0..=600)
        .map(|i| x_lo + (x_hi - x_lo) * f64::from(i) / 600.0)
        .map(|x| (x, wavy(x)))
        .collect();
    let (y_lo, y_hi) = extent(curve.iter().map(|&(_, y)| y), 0.6);

    for ((panel, path), &colour) in grid.split_evenly((3, 4)).iter().zip(paths).zip(&COLOURS) {
        let end = path.xs[path.xs.len() - 1];
        let mut chart = ChartBuilder::on(panel)
            .caption(
                format!("{} ({}): x = {end:.2}", path.name, path.settings),
                ("sans-serif", 15),
            )
            .margin(6)
            .x_label_area_size(30)
            .y_label_area_size(34)
            .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("x")
            .y_desc("f(x)")
            .label_style(("sans-serif", 11))
            .axis_desc_style(("sans-serif", 13))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(230, 230, 230))
            .draw()?;
        chart.draw_series(LineSeries::new(
            curve.iter().copied(),
            BLACK.stroke_width(1),
        ))?;
        let points: Vec<(f64, f64)> = path.xs.iter().map(|&x| (x, wavy(x))).collect();
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            colour.mix(0.55).stroke_width(1),
        ))?;
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))?;
        chart.draw_series([
            Circle::new(points[0], 7, BLACK.stroke_width(2)),
            Circle::new(points[points.len() - 1], 6, colour.filled()),
            Circle::new(points[points.len() - 1], 6, BLACK.stroke_width(2)),
        ])?;
    }

    // f(x_t) against the step, all optimizers together.
    let (loss_lo, loss_hi) = extent(
        paths.iter().flat_map(|p| p.xs.iter().map(|&x| wavy(x))),
        0.3,
    );
    let mut chart = ChartBuilder::on(&bottom)
        .caption("f(x_t) along each path", ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..STEPS as f64, loss_lo..loss_hi)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("step t")
        .y_desc("f(x_t)")
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 14))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(230, 230, 230))
        .draw()?;
    for (path, &colour) in paths.iter().zip(&COLOURS) {
        chart.draw_series(LineSeries::new(
            path.xs
                .iter()
                .enumerate()
                .map(|(t, &x)| (t as f64, wavy(x))),
            colour.stroke_width(2),
        ))?;
    }

    // The legend, for the panels and the chart alike.
    let text =
        |s: &str, x: i32, y: i32, size: u32| Text::new(s.to_owned(), (x, y), ("sans-serif", size));
    let mut y = 70;
    legend.draw(&text("Optimizers", 20, y - 30, 18))?;
    for (path, &colour) in paths.iter().zip(&COLOURS) {
        legend.draw(&PathElement::new(
            [(20, y), (50, y)],
            colour.stroke_width(3),
        ))?;
        legend.draw(&Circle::new((35, y), 3, colour.filled()))?;
        legend.draw(&text(
            &format!("{} ({})", path.name, path.settings),
            60,
            y - 8,
            14,
        ))?;
        y += 26;
    }
    y += 14;
    legend.draw(&PathElement::new([(20, y), (50, y)], BLACK.stroke_width(1)))?;
    legend.draw(&text("f(x)", 60, y - 8, 14))?;
    y += 26;
    legend.draw(&Circle::new((35, y), 7, BLACK.stroke_width(2)))?;
    legend.draw(&text(&format!("start, x = {START}"), 60, y - 8, 14))?;
    y += 26;
    legend.draw(&Circle::new((35, y), 6, RGBColor(200, 200, 200).filled()))?;
    legend.draw(&Circle::new((35, y), 6, BLACK.stroke_width(2)))?;
    legend.draw(&text(&format!("x after {STEPS} steps"), 60, y - 8, 14))?;
    y += 26;
    legend.draw(&text("L-BFGS: one step = one", 20, y, 13))?;
    legend.draw(&text("step(closure) call", 20, y + 17, 13))?;

    root.present()?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let output = std::env::args_os().nth(1).map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/target/trajectories.svg"
            ))
        },
        PathBuf::from,
    );
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }

    let paths = [
        path("SGD", "lr=2", Sgd::new(2.0)),
        path(
            "SGD",
            "lr=2, momentum=0.9",
            Sgd::builder().lr(2.0).momentum(0.9).build(),
        ),
        path("Adam", "lr=2", Adam::new(2.0)),
        path("AdamW", "lr=2, wd=0.01", AdamW::new(2.0)),
        path("Adagrad", "lr=2", Adagrad::new(2.0)),
        path("RMSprop", "lr=2", RmsProp::new(2.0)),
        path("Adadelta", "lr=2", Adadelta::new(2.0)),
        path("Adamax", "lr=2", Adamax::new(2.0)),
        path("NAdam", "lr=2", NAdam::new(2.0)),
        path("RAdam", "lr=2", RAdam::new(2.0)),
        path("L-BFGS", "lr=2", Lbfgs::new(2.0)),
        path(
            "L-BFGS",
            "lr=2, strong Wolfe",
            Lbfgs::builder()
                .lr(2.0)
                .line_search(LineSearch::StrongWolfe)
                .build(),
        ),
    ];
    println!(
        "{:<9} {:<18} {:>9} {:>9}  path (every 5th x)",
        "optimizer", "settings", "final x", "final f"
    );
    for path in &paths {
        let end = path.xs[path.xs.len() - 1];
        let sampled: Vec<String> = path
            .xs
            .iter()
            .step_by(5)
            .map(|x| format!("{x:.2}"))
            .collect();
        println!(
            "{:<9} {:<18} {end:>9.4} {:>9.4}  {}",
            path.name,
            path.settings,
            wavy(end),
            sampled.join(" ")
        );
    }

    draw(&paths, &output)?;
    let svg = std::fs::read_to_string(&output)?;
    println!("wrote {} ({} bytes)", output.display(), svg.len());

    assert!(
        paths
            .iter()
            .all(|p| p.xs.len() == STEPS + 1 && p.xs.iter().all(|x| x.is_finite()))
    );
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(
        paths.iter().all(|p| svg.contains(p.name)),
        "every optimizer is in the legend"
    );
    // SGD settles in the local minimum near 3.98; L-BFGS with a line search jumps to the
    // global one near -1.28 in its first call.
    assert!((paths[0].xs[STEPS] - 3.9847).abs() < 1e-3);
    assert!((paths[11].xs[1] + 1.2805).abs() < 1e-3);
    Ok(())
}
