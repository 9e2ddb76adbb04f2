// One round of BatchTopK's radix select (see batchtopk_common.wgsl): a histogram of one byte of
// the keys (or of the flat indices of the elements tied at the cut key) of the elements still in
// the running. Each workgroup counts WG · ITEMS elements in workgroup memory, then adds its
// non-empty bins to the global histogram.
@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read> state: array<u32>;
@group(0) @binding(2) var<storage, read_write> histogram: array<atomic<u32>>;
@group(0) @binding(3) var<uniform> radix: Radix;

var<workgroup> counts: array<atomic<u32>, 256>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    atomicStore(&counts[lid], 0u);
    workgroupBarrier();
    // Index rounds have nothing to count when every tie is kept.
    let idle = radix.kind == BY_INDEX && state[ALL_TIES] == 1u;
    let n = arrayLength(&h);
    let first = group_index(wid, groups) * WG * ITEMS + lid;
    let key_prefix = state[KEY];
    let index_prefix = state[INDEX];
    for (var e = 0u; e < ITEMS && !idle; e++) {
        let i = first + e * WG;
        if (i < n) {
            let key = order_key(h[i]);
            if (radix.kind == BY_KEY && (key & radix.mask) == key_prefix) {
                atomicAdd(&counts[(key >> radix.shift) & 255u], 1u);
            } else if (radix.kind == BY_INDEX && key == key_prefix && (i & radix.mask) == index_prefix) {
                atomicAdd(&counts[(i >> radix.shift) & 255u], 1u);
            }
        }
    }
    workgroupBarrier();
    let count = atomicLoad(&counts[lid]);
    if (count > 0u) {
        atomicAdd(&histogram[lid], count);
    }
}
