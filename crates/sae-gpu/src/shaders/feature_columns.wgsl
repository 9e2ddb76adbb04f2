// Per feature (one thread each, so a warp reads neighbouring words of each row): the encoder bias
// gradient Σ_rows g_h, whether the feature fired in this batch, its steps-since-fired counter, and
// the count of dead features for this step's measurements.
@group(0) @binding(0) var<storage, read> f: array<f32>;
@group(0) @binding(1) var<storage, read> g_h: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad_b_enc: array<f32>;
@group(0) @binding(3) var<storage, read_write> since_fired: array<u32>;
@group(0) @binding(4) var<storage, read_write> dead_count: atomic<u32>;
@group(1) @binding(0) var<uniform> step: Step;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let j = group_index(wid, groups) * WG + lid;
    let d_sae = arrayLength(&grad_b_enc);
    if (j >= d_sae) {
        return;
    }
    let rows = arrayLength(&f) / d_sae;
    var sum = 0.0;
    var fired = false;
    for (var r = 0u; r < rows; r++) {
        sum += g_h[r * d_sae + j];
        fired = fired || f[r * d_sae + j] > 0.0;
    }
    grad_b_enc[j] = sum;
    var count = 0u;
    if (!fired) {
        count = min(since_fired[j], 0xfffffffeu) + 1u;
    }
    since_fired[j] = count;
    if (count >= step.dead_window) {
        atomicAdd(&dead_count, 1u);
    }
}
