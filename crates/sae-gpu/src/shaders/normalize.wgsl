// Scales each decoder row to unit norm (a row of zeros stays zero). One workgroup per row.
@group(0) @binding(0) var<storage, read_write> w_dec: array<f32>;
@group(0) @binding(1) var<uniform> d_in: u32;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let row = group_index(wid, groups);
    if (row >= arrayLength(&w_dec) / d_in) {
        return;
    }
    let base = row * d_in;
    var norm_sq = 0.0;
    for (var i = lid; i < d_in; i += WG) {
        let w = w_dec[base + i];
        norm_sq += w * w;
    }
    let norm = sqrt(workgroup_sum(lid, norm_sq));
    if (norm > 0.0) {
        for (var i = lid; i < d_in; i += WG) {
            w_dec[base + i] = w_dec[base + i] / norm;
        }
    }
}
