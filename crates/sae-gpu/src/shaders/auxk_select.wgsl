// AuxK's features, one workgroup per row: among the dead features (not fired for the dead window
// before this step), the k_aux largest pre-activations (ties toward the lower index, as the CPU's
// `select_top`) through ReLU; every other feature is 0. Wanting more than are dead keeps them all.
@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read> since_fired: array<u32>;
@group(0) @binding(2) var<storage, read_write> f_aux: array<f32>;
@group(1) @binding(0) var<uniform> step: Step;

var<private> row_base: u32;

fn row_value(j: u32) -> f32 {
    return h[row_base + j];
}

fn row_candidate(j: u32) -> bool {
    return since_fired[j] >= step.dead_window;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let d_sae = arrayLength(&since_fired);
    let row = group_index(wid, groups);
    if (row >= arrayLength(&h) / d_sae) {
        return;
    }
    row_base = row * d_sae;
    let cut = select_in_row(lid, d_sae, step.k_aux);
    for (var j = lid; j < d_sae; j += WG) {
        let v = h[row_base + j];
        let kept = row_candidate(j) && is_kept(cut, order_key(v), j);
        f_aux[row_base + j] = select(0.0, max(v, 0.0), kept);
    }
}
