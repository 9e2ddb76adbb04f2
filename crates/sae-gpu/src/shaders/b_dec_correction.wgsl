// When the input is centred by b_dec, b_dec also reaches the loss through the encoder:
// ∂L/∂b_dec −= W_enc · ∂L/∂b_enc. One workgroup per input dimension.
@group(0) @binding(0) var<storage, read> w_enc: array<f32>;
@group(0) @binding(1) var<storage, read> grad_b_enc: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad_b_dec: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let i = group_index(wid, groups);
    if (i >= arrayLength(&grad_b_dec)) {
        return;
    }
    let d_sae = arrayLength(&grad_b_enc);
    var dot = 0.0;
    for (var j = lid; j < d_sae; j += WG) {
        dot += w_enc[i * d_sae + j] * grad_b_enc[j];
    }
    let total = workgroup_sum(lid, dot);
    if (lid == 0u) {
        grad_b_dec[i] -= total;
    }
}
