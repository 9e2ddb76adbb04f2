// BatchTopK's activation once the cut is found (see batchtopk_common.wgsl): an element is kept
// when its key is above the cut key, or equal to it at a flat index no later than the last tied
// index kept; kept elements go through ReLU, the rest are 0. Also takes the smallest positive
// feature kept, the threshold's next observation.
@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read_write> f: array<f32>;
@group(0) @binding(2) var<storage, read_write> state: array<atomic<u32>>;

var<workgroup> smallest: atomic<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    if (lid == 0u) {
        atomicStore(&smallest, NONE);
    }
    workgroupBarrier();
    let cut_key = atomicLoad(&state[KEY]);
    let all_ties = atomicLoad(&state[ALL_TIES]) == 1u;
    let cut_index = atomicLoad(&state[INDEX]);
    let n = arrayLength(&h);
    let first = group_index(wid, groups) * WG * ITEMS + lid;
    // Positive floats order as their bits do.
    var mine = NONE;
    for (var e = 0u; e < ITEMS; e++) {
        let i = first + e * WG;
        if (i < n) {
            let v = h[i];
            let key = order_key(v);
            let kept = key > cut_key || (key == cut_key && (all_ties || i <= cut_index));
            let out = select(0.0, max(v, 0.0), kept);
            f[i] = out;
            if (out > 0.0) {
                mine = min(mine, bitcast<u32>(out));
            }
        }
    }
    atomicMin(&smallest, mine);
    workgroupBarrier();
    if (lid == 0u) {
        let m = atomicLoad(&smallest);
        if (m != NONE) {
            atomicMin(&state[KEPT_MIN], m);
        }
    }
}
