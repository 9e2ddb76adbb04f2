// TopK activation, one workgroup per row: keeps the k largest pre-activations of the row (ties
// toward the lower index, as the CPU's `keep_top_k`), then applies ReLU. The selection is
// `select_in_row` (shaders/row_select.wgsl), so no row is ever sorted.
struct Shape {
    d_sae: u32,
    k: u32,
}

@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read_write> f: array<f32>;
@group(0) @binding(2) var<uniform> shape: Shape;

var<private> row_base: u32;

fn row_value(j: u32) -> f32 {
    return h[row_base + j];
}

fn row_candidate(j: u32) -> bool {
    return true;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let row = group_index(wid, groups);
    if (row >= arrayLength(&h) / shape.d_sae) {
        return;
    }
    row_base = row * shape.d_sae;
    if (shape.k >= shape.d_sae) {
        for (var j = lid; j < shape.d_sae; j += WG) {
            f[row_base + j] = max(h[row_base + j], 0.0);
        }
        return;
    }
    let cut = select_in_row(lid, shape.d_sae, shape.k);
    for (var j = lid; j < shape.d_sae; j += WG) {
        let v = h[row_base + j];
        f[row_base + j] = select(0.0, max(v, 0.0), is_kept(cut, order_key(v), j));
    }
}
