// Per input dimension: the decoder bias gradient Σ_rows g_out, and the batch's Σ_rows (x − x̄)²
// for the fraction of variance unexplained (two passes, for accuracy). A workgroup takes 16
// dimensions × 16 lanes of rows.
@group(0) @binding(0) var<storage, read> g_out: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad_b_dec: array<f32>;
@group(0) @binding(3) var<storage, read_write> column_variance: array<f32>;

const COLUMNS: u32 = 16u;
const LANES: u32 = 16u;


// Σ over the lanes of each column, left in partial[column] (lane 0).
fn lane_sum(lid: u32, lane: u32, v: f32) -> f32 {
    partial[lid] = v;
    workgroupBarrier();
    for (var stride = LANES / 2u; stride > 0u; stride = stride / 2u) {
        if (lane < stride) {
            partial[lid] += partial[lid + stride * COLUMNS];
        }
        workgroupBarrier();
    }
    let total = partial[lid % COLUMNS];
    workgroupBarrier();
    return total;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let d_in = arrayLength(&grad_b_dec);
    let column = lid % COLUMNS;
    let lane = lid / COLUMNS;
    let i = group_index(wid, groups) * COLUMNS + column;
    let rows = arrayLength(&x) / d_in;
    var grad = 0.0;
    var total = 0.0;
    if (i < d_in) {
        for (var r = lane; r < rows; r += LANES) {
            grad += g_out[r * d_in + i];
            total += x[r * d_in + i];
        }
    }
    let grad_total = lane_sum(lid, lane, grad);
    let mean = lane_sum(lid, lane, total) / f32(rows);
    var variance = 0.0;
    if (i < d_in) {
        for (var r = lane; r < rows; r += LANES) {
            let d = x[r * d_in + i] - mean;
            variance += d * d;
        }
    }
    let variance_total = lane_sum(lid, lane, variance);
    if (lane == 0u && i < d_in) {
        grad_b_dec[i] = grad_total;
        column_variance[i] = variance_total;
    }
}
