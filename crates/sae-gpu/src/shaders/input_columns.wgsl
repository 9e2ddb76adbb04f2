// Per input dimension (one thread each): the decoder bias gradient Σ_rows g_out, and the batch's
// Σ_rows (x − x̄)² for the fraction of variance unexplained (two passes, for accuracy).
@group(0) @binding(0) var<storage, read> g_out: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad_b_dec: array<f32>;
@group(0) @binding(3) var<storage, read_write> column_variance: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let i = group_index(wid, groups) * WG + lid;
    let d_in = arrayLength(&grad_b_dec);
    if (i >= d_in) {
        return;
    }
    let rows = arrayLength(&x) / d_in;
    var grad = 0.0;
    var mean = 0.0;
    for (var r = 0u; r < rows; r++) {
        grad += g_out[r * d_in + i];
        mean += x[r * d_in + i];
    }
    mean = mean / f32(rows);
    var variance = 0.0;
    for (var r = 0u; r < rows; r++) {
        let d = x[r * d_in + i] - mean;
        variance += d * d;
    }
    grad_b_dec[i] = grad;
    column_variance[i] = variance;
}
