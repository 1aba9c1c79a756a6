//! Stage-two inputs (`revision_columns` in Python): the stage-one scores around each row,
//! where the content words lie, and where the page's main region of content runs.

use super::{fail, sigmoid_f32, sigmoid_f64, Logits, ModelError};
use crate::features::numeric::{pairwise_f64, window_mean};
use crate::features::{shift, LOG_WORDS, POSITION, PROSE, RULE_CUT};

/// Stage-one logits beyond this are as sure as it gets (`LOGIT_CLIP`).
pub const LOGIT_CLIP: f64 = 16.0;
/// Radii of the score averages (`REVISION_WINDOWS`).
pub const REVISION_WINDOWS: [usize; 4] = [1, 3, 8, 20];
/// Neighbour scores copied (`REVISION_OFFSETS`).
pub const REVISION_OFFSETS: [isize; 4] = [-2, -1, 1, 2];
/// Offsets of the main-region search (`MAIN_REGION_OFFSETS`).
pub const MAIN_REGION_OFFSETS: [f64; 2] = [0.5, 0.8];
/// Columns of the revision stage (`REVISION_FEATURES`).
pub const REVISION_WIDTH: usize = 1 + 4 + 4 + 1 + 3 + 4 + 3 * MAIN_REGION_OFFSETS.len();

/// numpy's `argmax`/`argmin` on float64: the first extreme value, or the first NaN.
fn first_extreme(values: &[f64], better: impl Fn(f64, f64) -> bool) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            return i;
        }
        if values.get(best).is_some_and(|&b| better(v, b)) {
            best = i;
        }
    }
    best
}

/// Rows [start, end) of the contiguous run with the largest total `gain` (maximum subarray,
/// from cumulative sums as Python computes it, ties to the first).
pub fn main_region(gain: &[f64]) -> (usize, usize) {
    let mut totals = Vec::with_capacity(gain.len() + 1);
    totals.push(0.0f64);
    let mut total = 0.0;
    for &g in gain {
        total += g;
        totals.push(total);
    }
    let mut lowest = f64::INFINITY;
    let rise: Vec<f64> = totals
        .iter()
        .map(|&t| {
            // np.minimum.accumulate propagates NaN.
            lowest = if t.is_nan() || lowest.is_nan() {
                f64::NAN
            } else {
                lowest.min(t)
            };
            t - lowest
        })
        .collect();
    let end = first_extreme(&rise, |v, b| v > b);
    let start = first_extreme(totals.get(..=end).unwrap_or(&totals), |v, b| v < b);
    (start, end)
}

/// The columns of `_region_columns`: inside the region, log rows before it, log rows after.
fn region_columns(gain: &[f64]) -> [Vec<f64>; 3] {
    let (start, end) = main_region(gain);
    let n = gain.len();
    let inside = (0..n)
        .map(|i| if i >= start && i < end { 1.0 } else { 0.0 })
        .collect();
    let before = (0..n)
        .map(|i| (start.saturating_sub(i) as f64).ln_1p())
        .collect();
    let after = (0..n)
        .map(|i| ((i + 1).saturating_sub(end) as f64).ln_1p())
        .collect();
    [inside, before, after]
}

fn window_max(column: &[f64], radius: isize) -> Vec<f64> {
    let mut best = column.to_vec();
    for offset in (-radius..=radius).filter(|&o| o != 0) {
        for (b, v) in best.iter_mut().zip(shift(column, offset, -30.0)) {
            // np.max over the stacked shifts: NaN wins.
            *b = if b.is_nan() || v.is_nan() {
                f64::NAN
            } else {
                b.max(v)
            };
        }
    }
    best
}

/// Stage-two inputs from stage-one logits and the page's dense rows (row-major, `width`
/// columns starting with the text features), row-major with `REVISION_WIDTH` columns.
pub fn revision_columns(
    score: &Logits,
    dense: &[f32],
    width: usize,
) -> Result<Vec<f32>, ModelError> {
    let n = score.values.len();
    if width <= POSITION || dense.len() != n * width {
        return fail(format!(
            "revision needs {n} rows of at least {} columns",
            POSITION + 1
        ));
    }
    let column =
        |index: usize| -> Vec<f32> { dense.chunks_exact(width).map(|row| row[index]).collect() };
    let score_wide = score.wide;
    let score: Vec<f64> = score
        .values
        .iter()
        .map(|v| v.clamp(-LOGIT_CLIP, LOGIT_CLIP))
        .collect();
    let log_words = column(LOG_WORDS);
    let words: Vec<f64> = log_words.iter().map(|&v| f64::from(v).exp_m1()).collect();
    // Float32 logits stay float32 through numpy's sigmoid (and the region gains below).
    let wide = score_wide;
    let probability: Vec<f64> = score
        .iter()
        .map(|&z| {
            if wide {
                sigmoid_f64(z)
            } else {
                f64::from(sigmoid_f32(z as f32))
            }
        })
        .collect();
    let content: Vec<f64> = probability.iter().zip(&words).map(|(p, w)| p * w).collect();
    let total = match pairwise_f64(&content) {
        0.0 => 1.0,
        total => total,
    };
    let mut columns: Vec<Vec<f64>> = vec![score.clone()];
    columns.extend(REVISION_OFFSETS.iter().map(|&o| shift(&score, o, -5.0)));
    columns.extend(REVISION_WINDOWS.iter().map(|&r| window_mean(&score, r)));
    columns.push(window_max(&score, 2));
    let mut before = Vec::with_capacity(n);
    let mut after = Vec::with_capacity(n);
    let mut cumulative = 0.0f64;
    for &c in &content {
        cumulative += c;
        let earlier = cumulative - c;
        before.push(earlier);
        after.push(total - earlier - c);
    }
    columns.push(before.iter().map(|b| b / total).collect());
    columns.push(after.iter().map(|a| a / total).collect());
    columns.push(after.iter().map(|a| a.ln_1p()).collect());
    for index in [RULE_CUT, PROSE, LOG_WORDS, POSITION] {
        columns.push(column(index).into_iter().map(f64::from).collect());
    }
    for offset in MAIN_REGION_OFFSETS {
        let gain: Vec<f64> = probability
            .iter()
            .zip(&words)
            .map(|(&p, w)| {
                let above = if wide {
                    p - offset
                } else {
                    f64::from(p as f32 - offset as f32)
                };
                above * w
            })
            .collect();
        columns.extend(region_columns(&gain));
    }
    let mut rows = Vec::with_capacity(n * REVISION_WIDTH);
    for i in 0..n {
        rows.extend(
            columns
                .iter()
                .map(|c| c.get(i).copied().unwrap_or(0.0) as f32),
        );
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_is_the_best_run() {
        assert_eq!(main_region(&[-1.0, 2.0, 3.0, -1.0]), (1, 3));
        assert_eq!(main_region(&[]), (0, 0));
        assert_eq!(main_region(&[-1.0, -2.0]), (0, 0));
    }

    #[test]
    fn columns_have_the_revision_width() {
        let dense = vec![0.5f32; 2 * (POSITION + 1)];
        let score = Logits {
            values: vec![1.0, -1.0],
            wide: true,
        };
        let rows = revision_columns(&score, &dense, POSITION + 1).expect("columns");
        assert_eq!(rows.len(), 2 * REVISION_WIDTH);
        assert!(revision_columns(&score, &dense[1..], POSITION + 1).is_err());
    }
}
