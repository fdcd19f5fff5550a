//! [`StepSeed`]: the per-step seed handed to stochastic losses.
//!
//! Counter-based seeds, derived with SplitMix64; the scheme is documented on [`StepSeed`].

/// SplitMix64's increment, `⌊2⁶⁴/φ⌋` (odd).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (a bijection on `u64`).
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of one step of a stochastic minimization.
///
/// tfp's `minimize(seed=…)` splits a stateless seed once per step and passes the piece to
/// `loss_fn(seed=…)`. Rust has no framework PRNG to share, so the driver derives a `u64`
/// per step with a documented, counter-based scheme the loss can feed to any generator
/// (`rand::SeedableRng::seed_from_u64`, a hand-rolled xorshift, …):
///
/// * step `t` of a run seeded with `s` gets output number `t` of SplitMix64 started at `s`:
///   `mix(s + (t + 1)·γ)` with `γ = 0x9E37_79B9_7F4A_7C15` and `mix` SplitMix64's
///   finalizer (Steele, Lea & Flood 2014, as in `java.util.SplittableRandom`);
/// * batch member `k` gets `seed.fold_in(k)`, the same construction started at the step
///   seed, so members draw independent noise;
/// * every evaluation within a step (including line-search trial points) sees the same
///   seed, so a stochastic loss is a fixed function during one step.
///
/// The scheme is counter-based: any step's seed is computed directly, runs are
/// reproducible, and nothing is stored. It does not reproduce TensorFlow's Threefry
/// `split_seed` bit for bit (no Rust loss could consume those bits anyway).
///
/// ```
/// use autodiff_runtime::minimize::StepSeed;
///
/// let s3 = StepSeed::for_step(42, 3);
/// assert_eq!(s3, StepSeed::for_step(42, 3)); // deterministic
/// assert_ne!(s3, StepSeed::for_step(42, 4)); // fresh every step
/// assert_ne!(s3.fold_in(0), s3.fold_in(1)); // and for every batch member
/// let _bits: u64 = s3.value();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StepSeed(u64);

impl StepSeed {
    /// The seed of step `step` in a run seeded with `seed`: SplitMix64's output number
    /// `step` (counting from 0) for the initial state `seed`.
    ///
    /// ```
    /// use autodiff_runtime::minimize::StepSeed;
    ///
    /// // SplitMix64 seeded with 0 first outputs 0xE220A8397B1DCDAF.
    /// assert_eq!(StepSeed::for_step(0, 0).value(), 0xE220_A839_7B1D_CDAF);
    /// ```
    pub const fn for_step(seed: u64, step: usize) -> Self {
        StepSeed(mix(
            seed.wrapping_add((step as u64).wrapping_add(1).wrapping_mul(GAMMA))
        ))
    }

    /// An independent seed for sub-stream `index` (a batch member), derived from this one
    /// the same way steps are derived from the run seed.
    ///
    /// ```
    /// use autodiff_runtime::minimize::StepSeed;
    ///
    /// let s = StepSeed::for_step(7, 0);
    /// assert_eq!(s.fold_in(2), StepSeed::for_step(s.value(), 2));
    /// ```
    pub const fn fold_in(self, index: usize) -> Self {
        StepSeed::for_step(self.0, index)
    }

    /// The raw 64 bits, to seed a generator.
    ///
    /// ```
    /// use autodiff_runtime::minimize::StepSeed;
    ///
    /// let mut state = StepSeed::for_step(1, 0).value() | 1; // e.g. an xorshift state
    /// state ^= state << 13;
    /// assert_ne!(state, 0);
    /// ```
    pub const fn value(self) -> u64 {
        self.0
    }
}
