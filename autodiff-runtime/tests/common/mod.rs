//! Shared test helpers: a dependency-free parser for the PyTorch fixtures in
//! `tests/fixtures/torch/` and the two test functions they were recorded on.
#![allow(dead_code)]

use std::path::PathBuf;

/// One recorded trajectory: `# key: value` header lines, a `# columns:` line, and rows of
/// whitespace-separated numbers.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub name: String,
    pub header: Vec<(String, String)>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

/// The directory holding the PyTorch fixtures.
pub fn torch_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/torch")
}

/// Names (without `.txt`) of every PyTorch fixture, sorted.
pub fn torch_cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(torch_dir())
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter_map(|n| n.strip_suffix(".txt").map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

impl Fixture {
    /// Loads `tests/fixtures/torch/<name>.txt`, panicking with the problem if it is malformed.
    pub fn load(name: &str) -> Fixture {
        let path = torch_dir().join(format!("{name}.txt"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Fixture::parse(name, &text)
    }

    /// Parses fixture text.
    pub fn parse(name: &str, text: &str) -> Fixture {
        let mut header = Vec::new();
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix('#') {
                if let Some((key, value)) = comment.split_once(':') {
                    let (key, value) = (key.trim(), value.trim());
                    if key == "columns" {
                        columns = value.split_whitespace().map(str::to_owned).collect();
                    }
                    header.push((key.to_owned(), value.to_owned()));
                }
                continue;
            }
            let row: Vec<f64> = line
                .split_whitespace()
                .map(|t| {
                    t.parse::<f64>()
                        .unwrap_or_else(|e| panic!("{name}:{}: bad number {t:?}: {e}", number + 1))
                })
                .collect();
            assert_eq!(
                row.len(),
                columns.len(),
                "{name}:{}: wrong column count",
                number + 1
            );
            rows.push(row);
        }
        assert!(!columns.is_empty(), "{name}: no `# columns:` line");
        Fixture {
            name: name.to_owned(),
            header,
            columns,
            rows,
        }
    }

    /// The value of header line `key`.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The `key=value` pairs of a header line such as `options`.
    pub fn pairs(&self, key: &str) -> Vec<(String, String)> {
        self.header(key)
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    /// Option `key` of header line `line`, as text.
    pub fn opt(&self, line: &str, key: &str) -> Option<String> {
        self.pairs(line)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Option `key` of the `options` line as a float (panics if absent).
    pub fn f(&self, key: &str) -> f64 {
        let v = self
            .opt("options", key)
            .unwrap_or_else(|| panic!("{}: no option {key}", self.name));
        v.parse()
            .unwrap_or_else(|_| panic!("{}: option {key}={v} is not a number", self.name))
    }

    /// Option `key` of the `options` line as a pair of floats (`a,b`).
    pub fn pair(&self, key: &str) -> (f64, f64) {
        let v = self
            .opt("options", key)
            .unwrap_or_else(|| panic!("{}: no option {key}", self.name));
        let (a, b) = v
            .split_once(',')
            .unwrap_or_else(|| panic!("{}: {key}={v} is not a pair", self.name));
        (a.parse().expect("number"), b.parse().expect("number"))
    }

    /// Option `key` of the `options` line as a bool (`false` if absent).
    pub fn b(&self, key: &str) -> bool {
        self.opt("options", key).as_deref() == Some("true")
    }

    /// The index of column `name`.
    pub fn col(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", self.name))
    }

    /// Column `name` of every row.
    pub fn column(&self, name: &str) -> Vec<f64> {
        let i = self.col(name);
        self.rows.iter().map(|r| r[i]).collect()
    }

    /// Columns `prefix0`, `prefix1`, ... of row `row`.
    pub fn vector(&self, row: usize, prefix: &str) -> Vec<f64> {
        (0..)
            .map(|i| format!("{prefix}{i}"))
            .take_while(|c| self.columns.contains(c))
            .map(|c| self.rows[row][self.col(&c)])
            .collect()
    }

    /// The start point.
    pub fn start(&self) -> Vec<f64> {
        self.header("start")
            .expect("start")
            .split_whitespace()
            .map(|t| t.parse().expect("number"))
            .collect()
    }

    /// The objective the fixture was recorded on.
    pub fn function(&self) -> fn(&Vec<f64>, &mut Vec<f64>) -> f64 {
        let f = self.header("function").expect("function");
        if f.starts_with("rosenbrock2d") {
            rosenbrock_vec
        } else if f.starts_with("wavy") {
            wavy_vec
        } else {
            panic!("{}: unknown function {f}", self.name)
        }
    }
}

/// `(1 - x)^2 + 100 (y - x^2)^2` and its gradient, with the operation order of torch's
/// forward pass and autograd backward pass (`pow(a, 2)` is `a * a`; its backward is
/// `grad * (2 * a)`), so evaluations round exactly as the recorded ones.
pub fn rosenbrock(p: &[f64; 2], g: &mut [f64; 2]) -> f64 {
    let (x, y) = (p[0], p[1]);
    let a = 1.0 - x;
    let c = y - x * x;
    let grad_c = 100.0 * (2.0 * c);
    g[0] = -(2.0 * a) + (-grad_c) * (2.0 * x);
    g[1] = grad_c;
    a * a + 100.0 * (c * c)
}

/// `x^2/20 + tanh(sin(x))` and its derivative, in torch's operation order.
pub fn wavy(x: f64) -> (f64, f64) {
    let th = x.sin().tanh();
    let d = (1.0 / 20.0) * (2.0 * x) + (1.0 - th * th) * x.cos();
    (x * x / 20.0 + th, d)
}

// `Objective<Vec<f64>>` is `FnMut(&Vec<f64>, &mut Vec<f64>)`, so these take `&Vec`.
#[allow(clippy::ptr_arg)]
pub fn rosenbrock_vec(p: &Vec<f64>, g: &mut Vec<f64>) -> f64 {
    let mut a = [0.0; 2];
    let f = rosenbrock(&[p[0], p[1]], &mut a);
    g.clear();
    g.extend_from_slice(&a);
    f
}

#[allow(clippy::ptr_arg)]
pub fn wavy_vec(p: &Vec<f64>, g: &mut Vec<f64>) -> f64 {
    let (f, d) = wavy(p[0]);
    g.clear();
    g.push(d);
    f
}

/// `|a - b| / max(|a|, |b|)` (zero when equal).
pub fn rel_err(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs()).max(1e-300)
    }
}
