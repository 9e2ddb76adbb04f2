// Per row: the gradient of the mean squared error with respect to the reconstruction
// (2 (x̂ − x) / (rows · d_in)), and the row's sum of squared errors.
struct Shape {
    d_in: u32,
    mse_scale: f32,
}

@group(0) @binding(0) var<storage, read> recon: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> g_out: array<f32>;
@group(0) @binding(3) var<storage, read_write> row_sq: array<f32>;
@group(0) @binding(4) var<uniform> shape: Shape;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let row = group_index(wid, groups);
    if (row >= arrayLength(&row_sq)) {
        return;
    }
    let base = row * shape.d_in;
    var sq = 0.0;
    for (var i = lid; i < shape.d_in; i += WG) {
        let diff = recon[base + i] - x[base + i];
        sq += diff * diff;
        g_out[base + i] = shape.mse_scale * diff;
    }
    let total = workgroup_sum(lid, sq);
    if (lid == 0u) {
        row_sq[row] = total;
    }
}
