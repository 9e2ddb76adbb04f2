// With a unit-norm decoder, removes from each decoder row's gradient its component along the row
// (g ← g − (g·w / w·w) w), so that a step does not change the row's norm to first order. One
// workgroup per decoder row.
@group(0) @binding(0) var<storage, read> w_dec: array<f32>;
@group(0) @binding(1) var<storage, read_write> grad_w_dec: array<f32>;
@group(0) @binding(2) var<uniform> d_in: u32;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let row = group_index(wid, groups);
    if (row >= arrayLength(&w_dec) / d_in) {
        return;
    }
    let base = row * d_in;
    var along = 0.0;
    var norm_sq = 0.0;
    for (var i = lid; i < d_in; i += WG) {
        let w = w_dec[base + i];
        along += grad_w_dec[base + i] * w;
        norm_sq += w * w;
    }
    let along_total = workgroup_sum(lid, along);
    let norm_total = workgroup_sum(lid, norm_sq);
    if (norm_total > 0.0) {
        let scale = along_total / norm_total;
        for (var i = lid; i < d_in; i += WG) {
            grad_w_dec[base + i] -= scale * w_dec[base + i];
        }
    }
}
