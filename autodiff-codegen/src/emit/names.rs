//! Every identifier the emitted code uses, made unique.

use crate::hash::{HashMap, HashSet};

use proc_macro2::Span;
use syn::Ident;

use crate::ir::{Function, VarId};

/// The emitted name of a temporary: `t` followed by its number, so a temporary and its
/// adjoint read as a pair (`t7`, `d_t7`).
pub fn temporary_name(v: VarId, base: &str) -> String {
    format!("{base}{}", v.0)
}

/// An identifier for `name`, raw (`r#type`) if `name` is a keyword.
pub fn ident(name: &str, span: Span) -> Ident {
    if is_keyword(name) {
        Ident::new_raw(name, span)
    } else {
        Ident::new(name, span)
    }
}

fn derived(f: &Ident, prefix: &str, suffix: &str) -> Ident {
    let base = syn::ext::IdentExt::unraw(f).to_string();
    ident(&format!("{prefix}{base}{suffix}"), f.span())
}

/// The generated gradient function of `f`: `f_grad`.
pub fn grad_fn(f: &Ident) -> Ident {
    derived(f, "", "_grad")
}

/// The generated value-and-gradient function of `f`: `f_value_and_grad`.
pub fn value_and_grad_fn(f: &Ident) -> Ident {
    derived(f, "", "_value_and_grad")
}

/// The generated allocation-free value-and-gradient function of `f`, writing slice
/// gradients into caller buffers: `f_value_and_grad_into`.
pub fn value_and_grad_into_fn(f: &Ident) -> Ident {
    derived(f, "", "_value_and_grad_into")
}

/// The hidden function other `#[differentiable]` functions call to differentiate through
/// `f`: its value and its partial derivative with respect to every float parameter.
pub fn partials_fn(f: &Ident) -> Ident {
    derived(f, "__autodiff_partials_", "")
}

/// Assigns each value a unique identifier, in the order definitions are emitted.
pub struct Names<'f> {
    func: &'f Function,
    assigned: HashMap<VarId, Ident>,
    taken: HashSet<String>,
    /// The next suffix to try for each base name (`d_z` → `d_z_3`).
    next_suffix: HashMap<String, usize>,
}

impl<'f> Names<'f> {
    /// Names for `func`, with the parameters keeping their own names.
    pub fn new(func: &'f Function) -> Self {
        let mut names = Names {
            func,
            assigned: HashMap::default(),
            taken: HashSet::default(),
            next_suffix: HashMap::default(),
        };
        for (k, p) in func.params.iter().enumerate() {
            let name = func.info(p.var).name.trim_start_matches("r#").to_string();
            names.taken.insert(name.clone());
            // The user's own identifier: its span resolves the parameter in the generated
            // code, also when the function comes out of a `macro_rules!`.
            let id = match func.param_idents.get(k) {
                Some(user) => user.clone(),
                None => ident(&name, Span::call_site()),
            };
            names.assigned.insert(p.var, id);
        }
        names
    }

    /// The function being named.
    pub fn func(&self) -> &'f Function {
        self.func
    }

    /// Makes `v` use `id` (a loop's result is its carried variable).
    pub fn alias(&mut self, v: VarId, id: Ident) {
        self.assigned.insert(v, id);
    }

    /// The identifier of `v`, assigning one on first use.
    pub fn of(&mut self, v: VarId) -> Ident {
        if let Some(id) = self.assigned.get(&v) {
            return id.clone();
        }
        let info = self.func.info(v);
        let base = if info.user_named {
            info.name.clone()
        } else {
            temporary_name(v, &info.name)
        };
        let id = self.fresh(&base);
        self.assigned.insert(v, id.clone());
        id
    }

    /// Keeps `name` for something outside the body (a caller's buffer): no value gets it.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// An identifier no value has: `base`, or `base_2`, `base_3`, … if it is taken.
    pub fn fresh(&mut self, base: &str) -> Ident {
        let base = base.trim_start_matches("r#").to_string();
        let mut name = base.clone();
        let k = self.next_suffix.entry(base.clone()).or_insert(1);
        while self.taken.contains(&name) || is_keyword(&name) {
            name = format!("{base}_{k}");
            *k += 1;
        }
        self.taken.insert(name.clone());
        ident(&name, Span::call_site())
    }
}

/// Whether `name` is a Rust keyword (strict, reserved or weak-in-expressions), which an
/// identifier must spell raw: the words syn refuses as identifiers, and `gen`.
fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}
