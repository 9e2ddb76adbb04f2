// One workgroup: sums the per-row and per-column partial results of a step into its slot of the
// stats ring, as [Σ squared error, Σ f, Σ active, Σ (x − x̄)², dead features, Σ AuxK squared
// error], and clears the dead counter for the next step. The CPU turns these sums into the step's
// measurements.
@group(0) @binding(0) var<storage, read> row_sq: array<f32>;
@group(0) @binding(1) var<storage, read> row_l1: array<f32>;
@group(0) @binding(2) var<storage, read> row_active: array<f32>;
@group(0) @binding(3) var<storage, read> column_variance: array<f32>;
@group(0) @binding(4) var<storage, read_write> dead_count: u32;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
// Per row Σ (AuxK error)²: stale when AuxK is off for the step, which then does not read it.
@group(0) @binding(6) var<storage, read> row_aux_sq: array<f32>;
@group(1) @binding(0) var<uniform> step: Step;

const STATS_WIDTH: u32 = 8u;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
    let rows = arrayLength(&row_sq);
    var sq = 0.0;
    var l1 = 0.0;
    var n_active = 0.0;
    var aux_sq = 0.0;
    for (var r = lid; r < rows; r += WG) {
        sq += row_sq[r];
        l1 += row_l1[r];
        n_active += row_active[r];
        aux_sq += row_aux_sq[r];
    }
    var variance = 0.0;
    for (var i = lid; i < arrayLength(&column_variance); i += WG) {
        variance += column_variance[i];
    }
    let sq_total = workgroup_sum(lid, sq);
    let l1_total = workgroup_sum(lid, l1);
    let active_total = workgroup_sum(lid, n_active);
    let variance_total = workgroup_sum(lid, variance);
    let aux_total = workgroup_sum(lid, aux_sq);
    if (lid == 0u) {
        let base = step.slot * STATS_WIDTH;
        stats[base] = sq_total;
        stats[base + 1u] = l1_total;
        stats[base + 2u] = active_total;
        stats[base + 3u] = variance_total;
        stats[base + 4u] = f32(dead_count);
        stats[base + 5u] = aux_total;
        dead_count = 0u;
    }
}
