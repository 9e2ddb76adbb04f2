// AuxK's residual, per row: err = ê + x̂ − x, where ê = f_aux W_dec (no bias) is the dead
// features' reconstruction of what the live ones left over (x − x̂, a constant: no gradient flows
// into the main reconstruction). Writes the row's Σ err² for the loss and, over ê,
// ∂(AuxK loss)/∂ê = 2 · coeff · err / (rows · d_in).
@group(0) @binding(0) var<storage, read_write> e: array<f32>;
@group(0) @binding(1) var<storage, read> recon: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> row_aux_sq: array<f32>;
@group(1) @binding(0) var<uniform> step: Step;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let rows = arrayLength(&row_aux_sq);
    let row = group_index(wid, groups);
    if (row >= rows) {
        return;
    }
    let d_in = arrayLength(&e) / rows;
    let base = row * d_in;
    var sq = 0.0;
    for (var i = lid; i < d_in; i += WG) {
        let err = (recon[base + i] - x[base + i]) + e[base + i];
        sq += err * err;
        e[base + i] = step.auxk_scale * err;
    }
    let total = workgroup_sum(lid, sq);
    if (lid == 0u) {
        row_aux_sq[row] = total;
    }
}
