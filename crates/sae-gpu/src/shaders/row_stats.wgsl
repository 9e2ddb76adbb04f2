// Per row: Σ f (features are never negative, so this is the L1 norm) and the number of active
// features.
@group(0) @binding(0) var<storage, read> f: array<f32>;
@group(0) @binding(1) var<storage, read_write> row_l1: array<f32>;
@group(0) @binding(2) var<storage, read_write> row_active: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let row = group_index(wid, groups);
    if (row >= arrayLength(&row_l1)) {
        return;
    }
    let d_sae = arrayLength(&f) / arrayLength(&row_l1);
    let base = row * d_sae;
    var l1 = 0.0;
    var n_active = 0.0;
    for (var j = lid; j < d_sae; j += WG) {
        let v = f[base + j];
        l1 += v;
        n_active += select(0.0, 1.0, v > 0.0);
    }
    let l1_total = workgroup_sum(lid, l1);
    let active_total = workgroup_sum(lid, n_active);
    if (lid == 0u) {
        row_l1[row] = l1_total;
        row_active[row] = active_total;
    }
}
