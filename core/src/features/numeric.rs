//! numpy's arithmetic where the result depends on it: pairwise summation (`ndarray.sum`),
//! float32 `log1p`, NaN-propagating `minimum`, windowed means in float64, and zlib's crc32.
//!
//! The trees compare features against thresholds, so a feature off by one float32 ulp can
//! send a line down another branch; the features follow numpy's order of operations.

/// Values numpy sums with pairwise summation.
pub trait Summable: Copy + std::ops::Add<Output = Self> {
    const ZERO: Self;
}

impl Summable for f32 {
    const ZERO: f32 = 0.0;
}

impl Summable for f64 {
    const ZERO: f64 = 0.0;
}

/// numpy's `pairwise_sum`: eight running sums over blocks of up to 128 values, halves
/// beyond that (so results equal `ndarray.sum` bit for bit).
pub fn pairwise<T: Summable>(values: &[T]) -> T {
    let n = values.len();
    if n < 8 {
        return values.iter().fold(T::ZERO, |sum, &v| sum + v);
    }
    if n <= 128 {
        let mut sums = [T::ZERO; 8];
        sums.copy_from_slice(&values[..8]);
        let whole = n - n % 8;
        for block in values[8..whole].chunks_exact(8) {
            for (sum, &v) in sums.iter_mut().zip(block) {
                *sum = *sum + v;
            }
        }
        let [a, b, c, d, e, f, g, h] = sums;
        let mut total = ((a + b) + (c + d)) + ((e + f) + (g + h));
        for &v in &values[whole..] {
            total = total + v;
        }
        return total;
    }
    let half = n / 2;
    let half = half - half % 8;
    pairwise(&values[..half]) + pairwise(&values[half..])
}

/// `pairwise` on float32 values.
pub fn pairwise_f32(values: &[f32]) -> f32 {
    pairwise(values)
}

/// `pairwise` on float64 values.
pub fn pairwise_f64(values: &[f64]) -> f64 {
    pairwise(values)
}

/// `np.log1p` on a float32 value (the C library's `log1pf`, as numpy calls).
pub fn log1p_f32(value: f32) -> f32 {
    value.ln_1p()
}

/// `np.minimum`: NaN wins (Rust's `min` would drop it).
pub fn minimum_f32(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else {
        a.min(b)
    }
}

/// Mean of `column` over rows i-radius..i+radius, clipped to the page, from float64
/// cumulative sums (`window_mean` in Python).
pub fn window_mean<T: Copy + Into<f64>>(column: &[T], radius: usize) -> Vec<f64> {
    let n = column.len();
    let mut padded = Vec::with_capacity(n + 1);
    padded.push(0.0f64);
    let mut total = 0.0f64;
    for &v in column {
        total += v.into();
        padded.push(total);
    }
    (0..n)
        .map(|i| {
            let low = i.saturating_sub(radius);
            let high = (i + radius + 1).min(n);
            let sum =
                padded.get(high).copied().unwrap_or(0.0) - padded.get(low).copied().unwrap_or(0.0);
            sum / (high - low) as f64
        })
        .collect()
}

/// The CRC-32 table of zlib's polynomial (reflected 0xEDB88320).
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// `zlib.crc32`: the same in every process, unlike Python's `hash`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc = CRC_TABLE[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_zlib() {
        // zlib.crc32(b"first:hello") and zlib.crc32(b"")
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn pairwise_sums_in_numpy_order() {
        let values: Vec<f32> = (0..300).map(|i| 1.0 / (i as f32 + 1.0)).collect();
        let naive: f32 = values.iter().sum();
        assert!((pairwise_f32(&values) - naive).abs() < 1e-4);
        assert_eq!(pairwise_f32(&[]), 0.0);
    }

    #[test]
    fn windows_clip_to_the_page() {
        assert_eq!(
            window_mean(&[1.0f32, 0.0, 0.0, 1.0], 1),
            [0.5, 1.0 / 3.0, 1.0 / 3.0, 0.5]
        );
        assert!(window_mean::<f32>(&[], 3).is_empty());
    }
}
