// Per feature: the encoder bias gradient Σ_rows g_h, whether the feature fired in this batch, its
// steps-since-fired counter, and the count of dead features for this step's measurements.
// A workgroup takes 16 features (neighbouring words, read together) × 16 lanes of rows, so that
// a long batch is split across threads instead of walked by one.
@group(0) @binding(0) var<storage, read> f: array<f32>;
@group(0) @binding(1) var<storage, read> g_h: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad_b_enc: array<f32>;
@group(0) @binding(3) var<storage, read_write> since_fired: array<u32>;
@group(0) @binding(4) var<storage, read_write> dead_count: atomic<u32>;
@group(1) @binding(0) var<uniform> step: Step;

const COLUMNS: u32 = 16u;
const LANES: u32 = 16u;

var<workgroup> fired_partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let d_sae = arrayLength(&grad_b_enc);
    let column = lid % COLUMNS;
    let lane = lid / COLUMNS;
    let j = group_index(wid, groups) * COLUMNS + column;
    let rows = arrayLength(&f) / d_sae;
    var sum = 0.0;
    var fired = 0.0;
    if (j < d_sae) {
        for (var r = lane; r < rows; r += LANES) {
            sum += g_h[r * d_sae + j];
            fired = max(fired, select(0.0, 1.0, f[r * d_sae + j] > 0.0));
        }
    }
    partial[lid] = sum;
    fired_partial[lid] = fired;
    workgroupBarrier();
    for (var stride = LANES / 2u; stride > 0u; stride = stride / 2u) {
        if (lane < stride) {
            partial[lid] += partial[lid + stride * COLUMNS];
            fired_partial[lid] = max(fired_partial[lid], fired_partial[lid + stride * COLUMNS]);
        }
        workgroupBarrier();
    }
    if (lane == 0u && j < d_sae) {
        grad_b_enc[j] = partial[lid];
        var count = 0u;
        if (fired_partial[lid] == 0.0) {
            count = min(since_fired[j], 0xfffffffeu) + 1u;
        }
        since_fired[j] = count;
        if (count >= step.dead_window) {
            atomicAdd(&dead_count, 1u);
        }
    }
}
