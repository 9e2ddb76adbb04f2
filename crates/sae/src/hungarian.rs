//! The assignment problem (Kuhn–Munkres with potentials, O(n²m)): pair each of `n` rows with a
//! distinct one of `m` columns at least total cost.

/// `cost` is row-major `n × m`. Returns (row, column) pairs: every row when n ≤ m, otherwise every
/// column (the problem is solved on the transpose).
pub fn assign(cost: &[f64], n: usize, m: usize) -> Vec<(usize, usize)> {
    if n == 0 || m == 0 || cost.len() != n * m {
        return Vec::new();
    }
    if n > m {
        let transposed: Vec<f64> =
            (0..m).flat_map(|c| (0..n).map(move |r| (r, c))).map(|(r, c)| cost[r * m + c]).collect();
        return assign(&transposed, m, n).into_iter().map(|(c, r)| (r, c)).collect();
    }
    // Rows and columns are 1-based below; column 0 is the virtual start of each augmenting path.
    let mut u = vec![0.0f64; n + 1];
    let mut v = vec![0.0f64; m + 1];
    let mut owner = vec![0usize; m + 1]; // owner[col] = row matched to col (0: free)
    let mut way = vec![0usize; m + 1];
    for row in 1..=n {
        owner[0] = row;
        let mut col0 = 0usize;
        let mut min_to = vec![f64::INFINITY; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[col0] = true;
            let r0 = owner[col0];
            let mut delta = f64::INFINITY;
            let mut col1 = 0usize;
            for col in 1..=m {
                if used[col] {
                    continue;
                }
                let reduced = cost[(r0 - 1) * m + (col - 1)] - u[r0] - v[col];
                if reduced < min_to[col] {
                    min_to[col] = reduced;
                    way[col] = col0;
                }
                if min_to[col] < delta {
                    delta = min_to[col];
                    col1 = col;
                }
            }
            if col1 == 0 {
                // Only possible with non-finite costs; stop rather than loop.
                break;
            }
            for col in 0..=m {
                if used[col] {
                    u[owner[col]] += delta;
                    v[col] -= delta;
                } else {
                    min_to[col] -= delta;
                }
            }
            col0 = col1;
            if owner[col0] == 0 {
                break;
            }
        }
        while col0 != 0 {
            let prev = way[col0];
            owner[col0] = owner[prev];
            col0 = prev;
        }
    }
    (1..=m).filter(|&c| owner[c] != 0).map(|c| (owner[c] - 1, c - 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(cost: &[f64], m: usize, pairs: &[(usize, usize)]) -> f64 {
        pairs.iter().map(|&(r, c)| cost[r * m + c]).sum()
    }

    /// Every injective assignment, by brute force.
    fn brute(cost: &[f64], n: usize, m: usize) -> f64 {
        fn go(cost: &[f64], n: usize, m: usize, row: usize, used: &mut Vec<bool>) -> f64 {
            if row == n {
                return 0.0;
            }
            let mut best = f64::INFINITY;
            for c in 0..m {
                if !used[c] {
                    used[c] = true;
                    best = best.min(cost[row * m + c] + go(cost, n, m, row + 1, used));
                    used[c] = false;
                }
            }
            best
        }
        go(cost, n, m, 0, &mut vec![false; m])
    }

    #[test]
    fn a_textbook_example() {
        // By hand over the six permutations: 0→1, 1→0, 2→2 costs 1 + 2 + 2 = 5, the least.
        let cost = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
        let pairs = assign(&cost, 3, 3);
        assert_eq!(total(&cost, 3, &pairs), 5.0);
    }

    #[test]
    fn matches_brute_force_on_random_rectangles() {
        let mut rng = crate::rng::Rng::new(11);
        for trial in 0..200 {
            let n = 1 + rng.below(5);
            let m = 1 + rng.below(6);
            let cost: Vec<f64> = (0..n * m).map(|_| (rng.uniform() * 10.0).round()).collect();
            let pairs = assign(&cost, n, m);
            assert_eq!(pairs.len(), n.min(m), "trial {trial}");
            let (bn, bm, bc) = if n <= m {
                (n, m, cost.clone())
            } else {
                (m, n, (0..m).flat_map(|c| (0..n).map(move |r| (r, c))).map(|(r, c)| cost[r * m + c]).collect())
            };
            assert_eq!(total(&cost, m, &pairs), brute(&bc, bn, bm), "trial {trial}");
        }
    }
}
