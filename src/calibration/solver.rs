//! A small logistic-regression solver: Newton's method with an L2 penalty and a backtracking
//! line search, on sparse rows (most rules do not fire for most leads). A scorecard has tens of
//! rules, so the Hessian is small and dense; the cost is one pass over the non-zero units per
//! iteration, and Newton converges in a handful of them.

use rustc_hash::FxHashMap as HashMap;

/// Rows of non-zero `(column, value)` entries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SparseRows {
    offsets: Vec<usize>,
    entries: Vec<(u32, f64)>,
}

impl SparseRows {
    pub fn push_row(&mut self, entries: &[(u32, f64)]) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.entries.extend_from_slice(entries);
        self.offsets.push(self.entries.len());
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`'s non-zero entries (none beyond the last row).
    pub fn row(&self, i: usize) -> &[(u32, f64)] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&start), Some(&end)) => self.entries.get(start..end).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Per column: the rows among `include` with a non-zero value.
    pub fn column_support(&self, columns: usize, include: &[bool]) -> Vec<usize> {
        let mut support = vec![0; columns];
        for i in (0..self.len()).filter(|&i| include.get(i).copied().unwrap_or(false)) {
            for &(j, _) in self.row(i) {
                if let Some(count) = support.get_mut(j as usize) {
                    *count += 1;
                }
            }
        }
        support
    }
}

/// A fitted logistic regression: `log-odds = intercept + Σ coefficients[j] · x[j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticFit {
    pub intercept: f64,
    pub coefficients: Vec<f64>,
    pub iterations: usize,
    /// The Newton steps became negligible (below 1e-9) before the iteration limit.
    pub converged: bool,
    /// The penalised objective at the solution.
    pub objective: f64,
}

impl LogisticFit {
    /// The fitted log-odds of row `i`.
    pub fn linear(&self, rows: &SparseRows, i: usize) -> f64 {
        self.intercept
            + rows
                .row(i)
                .iter()
                .map(|&(j, v)| self.coefficients.get(j as usize).copied().unwrap_or(0.0) * v)
                .sum::<f64>()
    }
}

const MAX_ITERATIONS: usize = 100;
const STEP_TOLERANCE: f64 = 1e-9;

/// `ln(1 + e^x)` without overflow.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Minimises `Σ (softplus(η) − y·η) + penalty/2 · ‖β‖²` over the rows with `include[i]`, where
/// `η = intercept + β·x` and the intercept is not penalised: scikit-learn's
/// `LogisticRegression(C = 1 / penalty)`. Columns that are 0 on every included row get 0.
///
/// Rows that are alike (the same units and outcome) are fitted once, weighted by how many they
/// are: the same objective, far less work (a million leads have a few thousand patterns).
pub fn fit_logistic(
    rows: &SparseRows,
    outcomes: &[bool],
    include: &[bool],
    penalty: f64,
) -> LogisticFit {
    let columns = column_count(rows);
    let (rows, outcomes, weights) = aggregate(rows, outcomes, include);
    let mut fit = fit_logistic_weighted(&rows, &outcomes, &weights, penalty);
    // One coefficient per column of all the rows, included or not.
    if fit.coefficients.len() < columns {
        fit.coefficients.resize(columns, 0.0);
    }
    fit
}

/// One more than the highest column any row has an entry in.
fn column_count(rows: &SparseRows) -> usize {
    (0..rows.len())
        .flat_map(|i| rows.row(i).iter().map(|&(j, _)| j as usize + 1))
        .max()
        .unwrap_or(0)
}

/// The distinct (units, outcome) patterns of the included rows, with how many rows have each.
pub fn aggregate(
    rows: &SparseRows,
    outcomes: &[bool],
    include: &[bool],
) -> (SparseRows, Vec<bool>, Vec<f64>) {
    let mut index: HashMap<(Vec<(u32, u64)>, bool), usize> = HashMap::default();
    let (mut unique, mut unique_outcomes, mut weights) =
        (SparseRows::default(), Vec::new(), Vec::new());
    for i in (0..rows.len()).filter(|&i| include.get(i).copied().unwrap_or(false)) {
        let row = rows.row(i);
        let outcome = outcomes.get(i).copied().unwrap_or(false);
        let key = (
            row.iter().map(|&(j, v)| (j, v.to_bits())).collect(),
            outcome,
        );
        match index.get(&key) {
            Some(&at) => {
                if let Some(weight) = weights.get_mut(at) {
                    *weight += 1.0;
                }
            }
            None => {
                index.insert(key, weights.len());
                unique.push_row(row);
                unique_outcomes.push(outcome);
                weights.push(1.0);
            }
        }
    }
    (unique, unique_outcomes, weights)
}

/// [`fit_logistic`] with a weight per row (0 leaves a row out): row `i` counts `weights[i]`
/// times in the log-loss.
pub fn fit_logistic_weighted(
    rows: &SparseRows,
    outcomes: &[bool],
    weights: &[f64],
    penalty: f64,
) -> LogisticFit {
    let columns = column_count(rows);
    let penalty = if penalty.is_finite() && penalty > 0.0 {
        penalty
    } else {
        0.0
    };
    let weight = |i: usize| {
        weights
            .get(i)
            .copied()
            .filter(|w| w.is_finite() && *w > 0.0)
    };
    let used: Vec<(usize, f64)> = (0..rows.len())
        .filter_map(|i| weight(i).map(|w| (i, w)))
        .collect();
    let y = |i: usize| f64::from(u8::from(outcomes.get(i).copied().unwrap_or(false)));
    // Start from the base rate: the intercept alone.
    let positives: f64 = used.iter().map(|&(i, n)| n * y(i)).sum();
    let total: f64 = used.iter().map(|&(_, n)| n).sum();
    let base = ((positives + 0.5) / (total + 1.0)).clamp(1e-6, 1.0 - 1e-6);
    let mut theta = vec![0.0; columns + 1];
    theta[0] = (base / (1.0 - base)).ln();

    let objective = |theta: &[f64]| -> f64 {
        let mut total = 0.0;
        for &(i, n) in &used {
            let eta = eta_of(theta, rows.row(i));
            total += n * (softplus(eta) - y(i) * eta);
        }
        total + penalty / 2.0 * theta.iter().skip(1).map(|b| b * b).sum::<f64>()
    };
    let mut current = objective(&theta);
    let mut iterations = 0;
    let mut converged = false;
    let size = columns + 1;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let mut gradient = vec![0.0; size];
        let mut hessian = vec![0.0; size * size];
        for &(i, n) in &used {
            let row = rows.row(i);
            let p = sigmoid(eta_of(&theta, row));
            let residual = n * (p - y(i));
            let w = n * p * (1.0 - p);
            gradient[0] += residual;
            hessian[0] += w;
            for (a, &(j, xj)) in row.iter().enumerate() {
                let j = j as usize + 1;
                gradient[j] += residual * xj;
                hessian[j] += w * xj; // row 0, column j
                hessian[j * size + j] += w * xj * xj;
                // Each pair of entries once, into the lower triangle: a row need not be sorted
                // by column, and a column given twice counts as the sum of its values.
                for &(k, xk) in row.iter().take(a) {
                    let k = k as usize + 1;
                    let (high, low) = (j.max(k), j.min(k));
                    let product = w * xj * xk;
                    hessian[high * size + low] += if high == low { 2.0 * product } else { product };
                }
            }
        }
        // Symmetrise (only the lower triangle and row 0 were summed) and add the penalty.
        for j in 1..size {
            hessian[j * size] = hessian[j];
            hessian[j * size + j] += penalty;
            gradient[j] += penalty * theta[j];
            for k in 0..j {
                let (lower, upper) = (j * size + k, k * size + j);
                if k > 0 {
                    hessian[upper] = hessian[lower];
                }
            }
        }
        let Some(step) = solve_positive_definite(&hessian, &gradient, size) else {
            break;
        };
        // Backtracking: halve the step until the objective does not rise.
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..40 {
            let candidate: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a - t * s).collect();
            let value = objective(&candidate);
            if value <= current {
                accepted = Some((candidate, value));
                break;
            }
            t /= 2.0;
        }
        let Some((candidate, value)) = accepted else {
            converged = true; // no descent left: at the minimum up to rounding
            break;
        };
        let moved = step.iter().map(|s| (t * s).abs()).fold(0.0, f64::max);
        theta = candidate;
        current = value;
        if moved < STEP_TOLERANCE {
            converged = true;
            break;
        }
    }
    LogisticFit {
        intercept: theta[0],
        coefficients: theta[1..].to_vec(),
        iterations,
        converged,
        objective: current,
    }
}

fn eta_of(theta: &[f64], row: &[(u32, f64)]) -> f64 {
    theta.first().copied().unwrap_or(0.0)
        + row
            .iter()
            .map(|&(j, v)| theta.get(j as usize + 1).copied().unwrap_or(0.0) * v)
            .sum::<f64>()
}

/// Solves `A x = b` for a symmetric positive (semi-)definite `A` (row-major, `n × n`) by
/// Cholesky, with a tiny ridge added when a pivot is not positive (a column that never varies).
/// `None` when it cannot be solved even so.
fn solve_positive_definite(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let scale = (0..n)
        .map(|i| a[i * n + i].abs())
        .fold(0.0, f64::max)
        .max(1.0);
    for ridge in [0.0, 1e-12, 1e-9, 1e-6] {
        if let Some(x) = cholesky_solve(a, b, n, ridge * scale) {
            return Some(x);
        }
    }
    None
}

fn cholesky_solve(a: &[f64], b: &[f64], n: usize, ridge: f64) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = a[i * n + j] + if i == j { ridge } else { 0.0 };
            for k in 0..j {
                sum -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if sum.is_nan() || sum <= 0.0 || !sum.is_finite() {
                    return None;
                }
                l[i * n + i] = sum.sqrt();
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    }
    // L y = b, then Lᵀ x = y.
    let mut y = vec![0.0; n];
    for i in 0..n {
        let sum: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - sum) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let sum: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - sum) / l[i * n + i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(values: &[&[f64]]) -> SparseRows {
        let mut rows = SparseRows::default();
        for row in values {
            let entries: Vec<(u32, f64)> = row
                .iter()
                .enumerate()
                .filter(|(_, v)| **v != 0.0)
                .map(|(j, v)| (j as u32, *v))
                .collect();
            rows.push_row(&entries);
        }
        rows
    }

    #[test]
    fn one_binary_column_without_penalty_gives_the_log_odds_ratio() {
        // Fired: 30 of 40 reached SQL; not fired: 10 of 60. Unpenalised, the coefficient is the
        // log odds ratio ln((30/10)/(10/50)) = ln 15 and the intercept ln(10/50).
        let mut values: Vec<&[f64]> = Vec::new();
        let mut outcomes = Vec::new();
        for i in 0..100 {
            values.push(if i < 40 { &[1.0] } else { &[0.0] });
            outcomes.push(if i < 40 { i < 30 } else { i < 50 });
        }
        let rows = rows(&values);
        let fit = fit_logistic(&rows, &outcomes, &[true; 100], 0.0);
        assert!(fit.converged);
        assert!((fit.coefficients[0] - 15f64.ln()).abs() < 1e-6, "{fit:?}");
        assert!((fit.intercept - 0.2f64.ln()).abs() < 1e-6, "{fit:?}");
    }

    #[test]
    fn the_penalty_shrinks_and_excluded_rows_do_not_count() {
        let values: Vec<&[f64]> = vec![&[1.0, 2.0], &[0.0, 1.0], &[1.0, 0.0], &[0.0, 0.0]];
        let outcomes = [true, false, true, false];
        let r = rows(&values);
        let loose = fit_logistic(&r, &outcomes, &[true; 4], 0.1);
        let tight = fit_logistic(&r, &outcomes, &[true; 4], 10.0);
        assert!(tight.coefficients[0].abs() < loose.coefficients[0].abs());
        // With only the last two rows, column 1 is 0 everywhere: its coefficient is 0.
        let part = fit_logistic(&r, &outcomes, &[false, false, true, true], 1.0);
        assert!(part.coefficients[1].abs() < 1e-9, "{part:?}");
        // The gradient is 0 at the solution: Σ (p − y) x_j + λ β_j.
        let p: Vec<f64> = (0..4).map(|i| sigmoid(loose.linear(&r, i))).collect();
        for (j, beta) in loose.coefficients.iter().enumerate() {
            let g: f64 = (0..4)
                .map(|i| (p[i] - f64::from(u8::from(outcomes[i]))) * values[i][j])
                .sum::<f64>()
                + 0.1 * beta;
            assert!(g.abs() < 1e-7, "column {j}: gradient {g}");
        }
    }

    #[test]
    fn rows_need_not_be_sorted_by_column() {
        // The same data, entries in column order and reversed (and one column split in two
        // entries): the same fit.
        let outcomes = [true, false, true, false, true, false];
        let values: [[f64; 2]; 6] = [
            [1.0, 2.0],
            [1.0, 1.0],
            [0.0, 3.0],
            [1.0, 0.0],
            [1.0, 1.0],
            [0.0, 2.0],
        ];
        let (mut sorted, mut reversed, mut split) = (
            SparseRows::default(),
            SparseRows::default(),
            SparseRows::default(),
        );
        for v in &values {
            sorted.push_row(&[(0, v[0]), (1, v[1])]);
            reversed.push_row(&[(1, v[1]), (0, v[0])]);
            split.push_row(&[(1, v[1] / 2.0), (0, v[0]), (1, v[1] / 2.0)]);
        }
        let include = [true; 6];
        let a = fit_logistic(&sorted, &outcomes, &include, 0.5);
        for other in [&reversed, &split] {
            let b = fit_logistic(other, &outcomes, &include, 0.5);
            assert!(b.converged, "{b:?}");
            assert!((a.intercept - b.intercept).abs() < 1e-9, "{a:?} {b:?}");
            for j in 0..2 {
                assert!(
                    (a.coefficients[j] - b.coefficients[j]).abs() < 1e-9,
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn cholesky_solves_a_small_system() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let x = solve_positive_definite(&a, &[2.0, 1.0], 2).unwrap();
        assert!((4.0 * x[0] + 2.0 * x[1] - 2.0).abs() < 1e-12);
        assert!((2.0 * x[0] + 3.0 * x[1] - 1.0).abs() < 1e-12);
    }
}
