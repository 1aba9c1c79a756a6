//! Inference of the line model (`cleaner.models.line_model`, `cleaner.models.trees`): a first
//! stage (boosted trees or a linear stage with hashed words) scores each row, a linear
//! revision stage re-decides each row from the first-stage scores around it.
//!
//! The weights come from the model's npz file, read by Python and handed over once. The
//! arithmetic follows numpy's dtypes and order (float32 features and revision, float64
//! first-stage logits, pairwise sums), so a tree split sees the value training saw.
//! Any dense matrix works (row-major float32 plus a width): the DOM block model's rows
//! start with the text features and add their own columns.

pub mod revision;

use std::fmt;

use crate::features::numeric::{pairwise_f32, pairwise_f64};
use crate::features::PageFeatures;
pub use revision::{main_region, revision_columns, REVISION_WIDTH};

/// Quantile bins per column of a linear stage (`BINS` in Python).
pub const BINS: usize = 8;

/// Why a model or a page cannot be scored: arrays of the wrong shape, indices out of range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

fn fail<T>(message: impl Into<String>) -> Result<T, ModelError> {
    Err(ModelError(message.into()))
}

/// First-stage logits: float64, or float32 values when numpy would have kept float32 (a
/// linear stage without hashed words), which then go through float32 arithmetic.
#[derive(Debug, Clone, PartialEq)]
pub struct Logits {
    pub values: Vec<f64>,
    pub wide: bool,
}

/// Logistic function in float64, clipped as Python's `sigmoid`.
pub fn sigmoid_f64(z: f64) -> f64 {
    1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp())
}

/// Logistic function on float32 values, in float32 (numpy keeps the dtype).
pub fn sigmoid_f32(z: f32) -> f32 {
    1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp())
}

/// Hashed rows of a page: row `rows[j]` switches on bucket `buckets[j]`.
#[derive(Debug, Clone, Copy)]
pub struct Hashes<'a> {
    pub rows: &'a [i64],
    pub buckets: &'a [i64],
}

/// One logistic stage: raw-column weights, per-column quantile edges (`BINS - 1` each) and
/// bin weights (`BINS` each), hashed-word weights (may be empty) and the bias.
#[derive(Debug, Clone)]
pub struct LinearStage {
    weights: Vec<f32>,
    edges: Vec<f32>,
    bin_weights: Vec<f32>,
    hash_weights: Vec<f32>,
    bias: f64,
}

impl LinearStage {
    pub fn new(
        weights: Vec<f32>,
        edges: Vec<f32>,
        bin_weights: Vec<f32>,
        hash_weights: Vec<f32>,
        bias: f64,
    ) -> Result<Self, ModelError> {
        let columns = weights.len();
        if edges.len() != columns * (BINS - 1) || bin_weights.len() != columns * BINS {
            return fail(format!(
                "linear stage: {columns} weights need {} edges and {} bin weights, got {} and {}",
                columns * (BINS - 1),
                columns * BINS,
                edges.len(),
                bin_weights.len()
            ));
        }
        Ok(LinearStage {
            weights,
            edges,
            bin_weights,
            hash_weights,
            bias,
        })
    }

    /// Columns the stage reads.
    pub fn width(&self) -> usize {
        self.weights.len()
    }

    /// Whether the stage has hashed-word weights.
    pub fn uses_words(&self) -> bool {
        !self.hash_weights.is_empty()
    }

    /// Logit of each row of `dense` (row-major, `width` columns, of which the first
    /// `self.width()` are read); with `hashes`, plus the hashed words' weights.
    pub fn logits(
        &self,
        dense: &[f32],
        width: usize,
        hashes: Option<Hashes<'_>>,
    ) -> Result<Logits, ModelError> {
        let rows = check_dense(dense, width, self.width())?;
        let bias = self.bias as f32;
        let mut binned = vec![0.0f32; self.width()];
        let mut values = Vec::with_capacity(rows);
        for row in dense.chunks_exact(width.max(1)).take(rows) {
            // numpy's float32 matrix product (BLAS); summed in float64 here and rounded
            // once, within an ulp of BLAS's own order.
            let dot: f64 = row
                .iter()
                .zip(&self.weights)
                .map(|(&x, &w)| f64::from(x) * f64::from(w))
                .sum();
            for (column, (&x, slot)) in row.iter().zip(binned.iter_mut()).enumerate() {
                let edges = self
                    .edges
                    .get(column * (BINS - 1)..(column + 1) * (BINS - 1))
                    .unwrap_or(&[]);
                let bin = edges.iter().filter(|&&edge| x > edge).count();
                *slot = self
                    .bin_weights
                    .get(column * BINS + bin)
                    .copied()
                    .unwrap_or(0.0);
            }
            values.push(f64::from((dot as f32 + bias) + pairwise_f32(&binned)));
        }
        let Some(hashes) = hashes.filter(|_| self.uses_words()) else {
            return Ok(Logits {
                values,
                wide: false,
            });
        };
        if hashes.rows.len() != hashes.buckets.len() {
            return fail("hashed rows and buckets differ in length");
        }
        let mut words = vec![0.0f64; rows];
        for (&row, &bucket) in hashes.rows.iter().zip(hashes.buckets) {
            let weight = usize::try_from(bucket)
                .ok()
                .and_then(|b| self.hash_weights.get(b));
            let slot = usize::try_from(row).ok().and_then(|r| words.get_mut(r));
            match (weight, slot) {
                (Some(&weight), Some(slot)) => *slot += f64::from(weight),
                _ => return fail(format!("hashed feature ({row}, {bucket}) is out of range")),
            }
        }
        let values = values.iter().zip(&words).map(|(v, w)| v + w).collect();
        Ok(Logits { values, wide: true })
    }
}

/// Rows of `dense`, checking that it is whole rows of `width` columns and that `width`
/// covers the `needed` columns.
fn check_dense(dense: &[f32], width: usize, needed: usize) -> Result<usize, ModelError> {
    if width == 0 {
        return if dense.is_empty() {
            Ok(0)
        } else {
            fail("dense matrix of width 0")
        };
    }
    if dense.len() % width != 0 {
        return fail(format!(
            "dense matrix of {} values is not rows of {width}",
            dense.len()
        ));
    }
    if width < needed {
        return fail(format!(
            "the model reads {needed} columns; the rows have {width}"
        ));
    }
    Ok(dense.len() / width)
}

/// Rows that walk a tree together (`TreeStage::logits`).
const LANES: usize = 8;

/// One node of a tree, 16 bytes: a split sends a row to `children[1]` when its value is
/// above `threshold`, else to `children[0]`. A leaf is its own child both ways, so a walk of
/// `depth` steps needs no test for leaves (its threshold is +inf: no value is above it).
/// The threshold is float32: the largest float32 not above training's float64 threshold,
/// which sends every float32 value the way the float64 comparison numpy made would.
#[derive(Debug, Clone, Copy)]
struct Node {
    threshold: f32,
    feature: u32,
    children: [u32; 2],
}

/// The largest float32 that is not above `t` (`x > t` and `x > below(t)` agree for every
/// float32 `x`: no float32 lies between the two).
fn below(t: f64) -> f32 {
    let near = t as f32;
    if f64::from(near) <= t || near.is_nan() {
        return near;
    }
    // One step down: `near` is above `t`, so it is not -inf and not the smallest value.
    let bits = near.to_bits();
    let step = if near > 0.0 {
        bits - 1
    } else if near == 0.0 {
        0x8000_0001 // -0.0 and 0.0 are above t < 0: the negative value nearest zero
    } else {
        bits + 1
    };
    f32::from_bits(step)
}

/// Boosted trees as flat arrays (`cleaner.models.trees.TreeStage`): the logit is the bias
/// plus one leaf value per tree.
#[derive(Debug, Clone)]
pub struct TreeStage {
    nodes: Vec<Node>,
    values: Vec<f32>,
    roots: Vec<u32>,
    depth: usize,
    bias: f64,
    width: usize,
}

impl TreeStage {
    /// Checks every index once, so scoring never leaves the arrays.
    pub fn new(
        feature: Vec<i64>,
        threshold: Vec<f64>,
        children: Vec<i64>,
        value: Vec<f32>,
        roots: Vec<i64>,
        depth: usize,
        bias: f64,
    ) -> Result<Self, ModelError> {
        let count = feature.len();
        if threshold.len() != count || value.len() != count || children.len() != 2 * count {
            return fail("tree arrays disagree on the number of nodes");
        }
        if u32::try_from(count).is_err() {
            return fail(format!("{count} tree nodes are more than a model may have"));
        }
        let index = |v: i64, bound: usize, what: &str| -> Result<u32, ModelError> {
            match usize::try_from(v) {
                Ok(at) if at < bound => {
                    u32::try_from(at).or_else(|_| fail(format!("tree {what} {v} is out of range")))
                }
                _ => fail(format!("tree {what} {v} is out of range")),
            }
        };
        let mut nodes = Vec::with_capacity(count);
        let mut width = 0;
        for (at, ((&f, &t), pair)) in feature
            .iter()
            .zip(&threshold)
            .zip(children.chunks_exact(2))
            .enumerate()
        {
            let (left, right) = (
                index(pair[0], count, "child")?,
                index(pair[1], count, "child")?,
            );
            let leaf = left as usize == at && right as usize == at;
            let node = if leaf {
                Node {
                    threshold: f32::INFINITY,
                    feature: 0,
                    children: [left, right],
                }
            } else {
                let feature = index(f, u32::MAX as usize, "feature")?;
                // Leaves need no column: only splits say how wide a row must be.
                width = width.max(feature as usize + 1);
                Node {
                    threshold: below(t),
                    feature,
                    children: [left, right],
                }
            };
            nodes.push(node);
        }
        let roots = roots
            .into_iter()
            .map(|r| index(r, count, "root"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TreeStage {
            nodes,
            values: value,
            roots,
            depth,
            bias,
            width,
        })
    }

    /// The node each of `LANES` rows reaches in `depth` steps from `root`, one step of every
    /// row per round (a leaf stays put, so walking past one changes nothing). Lanes without
    /// a row walk the first row again and are ignored.
    fn walk_lanes(&self, rows: &[&[f32]; LANES], root: u32) -> [u32; LANES] {
        let mut reached = [root; LANES];
        for _ in 0..self.depth {
            for (slot, row) in reached.iter_mut().zip(rows) {
                let node = self.nodes[*slot as usize];
                let x = row.get(node.feature as usize).copied().unwrap_or(0.0);
                *slot = node.children[usize::from(x > node.threshold)];
            }
        }
        reached
    }

    /// Logit of each row of `dense` (float64, as numpy sums the leaves). Tree by tree over
    /// all rows, so one tree's nodes stay in cache while the rows walk it; `LANES` rows walk
    /// the tree together, so their chains of dependent loads overlap instead of each waiting
    /// on the last (the same nodes are reached, so the same leaves are summed).
    pub fn logits(&self, dense: &[f32], width: usize) -> Result<Logits, ModelError> {
        let rows = check_dense(dense, width, self.width)?;
        let trees = self.roots.len();
        if trees == 0 {
            // No trees: every row scores the bias.
            return Ok(Logits {
                values: vec![self.bias; rows],
                wide: true,
            });
        }
        let mut leaves = vec![0.0f64; rows * trees];
        let all_rows: Vec<&[f32]> = dense.chunks_exact(width.max(1)).take(rows).collect();
        for (tree, &root) in self.roots.iter().enumerate() {
            for (chunk, lanes) in all_rows.chunks(LANES).enumerate() {
                let mut group = [lanes[0]; LANES];
                group[..lanes.len()].copy_from_slice(lanes);
                let reached = self.walk_lanes(&group, root);
                for (lane, &node) in reached.iter().take(lanes.len()).enumerate() {
                    let row = chunk * LANES + lane;
                    leaves[row * trees + tree] = f64::from(self.values[node as usize]);
                }
            }
        }
        let values = leaves
            .chunks_exact(trees)
            .map(|row| pairwise_f64(row) + self.bias)
            .collect::<Vec<_>>();
        Ok(Logits { values, wide: true })
    }
}

/// The first stage: trees (reading dense columns only) or linear (with hashed words).
#[derive(Debug, Clone)]
pub enum FirstStage {
    Trees(TreeStage),
    Linear(LinearStage),
}

/// Both stages (`cleaner.models.line_model.LineModel` without its thresholds and header).
#[derive(Debug, Clone)]
pub struct LineModel {
    pub first: FirstStage,
    pub revision: LinearStage,
}

impl LineModel {
    pub fn new(first: FirstStage, revision: LinearStage) -> Result<Self, ModelError> {
        if revision.width() != REVISION_WIDTH {
            return fail(format!(
                "the revision stage has {} weights; it reads {REVISION_WIDTH} columns",
                revision.width()
            ));
        }
        Ok(LineModel { first, revision })
    }

    /// Whether stage one reads hashed words (pages for trees need not hash any).
    pub fn uses_words(&self) -> bool {
        matches!(&self.first, FirstStage::Linear(stage) if stage.uses_words())
    }

    /// Stage-one logits of the rows.
    pub fn first_stage(
        &self,
        dense: &[f32],
        width: usize,
        hashes: Hashes<'_>,
    ) -> Result<Logits, ModelError> {
        match &self.first {
            FirstStage::Trees(trees) => trees.logits(dense, width),
            FirstStage::Linear(linear) => linear.logits(dense, width, Some(hashes)),
        }
    }

    /// Probability that each row is article content (float32, as numpy's sigmoid of the
    /// float32 revision logits).
    pub fn content_probability(
        &self,
        dense: &[f32],
        width: usize,
        hashes: Hashes<'_>,
    ) -> Result<Vec<f32>, ModelError> {
        if dense.is_empty() {
            return Ok(Vec::new());
        }
        let score = self.first_stage(dense, width, hashes)?;
        let columns = revision_columns(&score, dense, width)?;
        let logits = self.revision.logits(&columns, REVISION_WIDTH, None)?;
        Ok(logits
            .values
            .iter()
            .map(|&z| sigmoid_f32(z as f32))
            .collect())
    }

    /// A page's verdict, as the learned filter asks it: the rows' lines, the words in them,
    /// and each row's content probability, or no probabilities when the page has fewer than
    /// `min_words` words (too little shape to judge).
    pub fn judge(&self, page: PageFeatures, min_words: i64) -> Result<Judged, ModelError> {
        let words = page.word_count();
        if page.lines.is_empty() || words < min_words {
            return Ok((page.lines, words, Vec::new()));
        }
        let hashes = Hashes {
            rows: &page.hash_rows,
            buckets: &page.hash_buckets,
        };
        let probability = self.content_probability(&page.dense, page.width, hashes)?;
        Ok((page.lines, words, probability))
    }
}

/// What `LineModel::judge` answers: rows' lines, their words, probabilities (maybe none).
pub type Judged = (Vec<usize>, i64, Vec<f32>);

#[cfg(test)]
mod tests {
    use super::*;

    fn stump() -> TreeStage {
        // One tree: node 0 splits column 1 at 0.5; node 1 (left) = -1, node 2 (right) = +2.
        TreeStage::new(
            vec![1, 0, 0],
            vec![0.5, f64::INFINITY, f64::INFINITY],
            vec![1, 2, 1, 1, 2, 2],
            vec![0.0, -1.0, 2.0],
            vec![0],
            1,
            0.25,
        )
        .expect("valid tree")
    }

    #[test]
    fn trees_follow_splits() {
        let logits = stump().logits(&[0.0, 0.4, 0.0, 0.6], 2).expect("scores");
        assert_eq!(logits.values, [-0.75, 2.25]);
        assert!(stump().logits(&[0.0], 1).is_err());
        assert!(
            TreeStage::new(vec![0], vec![0.0], vec![0, 5], vec![0.0], vec![0], 1, 0.0).is_err()
        );
    }

    #[test]
    fn linear_stage_adds_bins_and_words() {
        let stage = LinearStage::new(
            vec![1.0],
            vec![0.0; 7],
            (0..8).map(|b| b as f32).collect(),
            vec![0.5; 4],
            0.0,
        )
        .expect("valid stage");
        let hashes = Hashes {
            rows: &[0, 0, 1],
            buckets: &[1, 2, 3],
        };
        let logits = stage.logits(&[1.0, -1.0], 1, Some(hashes)).expect("scores");
        assert_eq!(logits.values, [1.0 + 7.0 + 1.0, -1.0 + 0.5]);
        assert!(stage
            .logits(
                &[1.0],
                1,
                Some(Hashes {
                    rows: &[3],
                    buckets: &[0]
                })
            )
            .is_err());
    }

    #[test]
    fn sigmoid_is_clipped() {
        assert_eq!(sigmoid_f32(0.0), 0.5);
        assert!(sigmoid_f64(1e9) > 0.999_999 && sigmoid_f64(-1e9) > 0.0);
    }
}

#[cfg(test)]
mod threshold_tests {
    use super::below;

    /// `x > t` (float32 value, float64 threshold, as numpy compared) and `x > below(t)`
    /// agree on the float32 values around every kind of threshold.
    #[test]
    fn float32_thresholds_split_as_float64_ones() {
        let thresholds = [
            0.1,
            -0.1,
            0.5,
            1e-40,
            -1e-40,
            0.0,
            -0.0,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            3.4028235677973366e38,
            f64::from(0.3f32),
        ];
        for t in thresholds {
            let cut = below(t);
            assert!(f64::from(cut) <= t || t.is_nan(), "{t}: {cut}");
            let near = if t.is_finite() { t as f32 } else { 0.0 };
            let mut values = vec![f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 0.0, -0.0, cut];
            for step in -3i32..=3 {
                let bits = near.to_bits() as i64 + i64::from(step);
                values.push(f32::from_bits(bits.clamp(0, i64::from(u32::MAX)) as u32));
            }
            for x in values {
                assert_eq!(f64::from(x) > t, x > cut, "x {x} against {t} (cut {cut})");
            }
        }
    }
}
