// TopK activation, one workgroup per row: keeps the k largest pre-activations of the row, then
// applies ReLU. The k-th largest value is found by a radix select over the values' bits, 8 bits a
// pass, so no row is ever sorted.
struct Shape {
    d_sae: u32,
    k: u32,
}

@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read_write> f: array<f32>;
@group(0) @binding(2) var<uniform> shape: Shape;

var<workgroup> histogram: array<atomic<u32>, 256>;
var<workgroup> prefix: u32;
var<workgroup> remaining: u32;

// A key whose unsigned order is the float order.
fn order_key(v: f32) -> u32 {
    let bits = bitcast<u32>(v);
    if ((bits & 0x80000000u) != 0u) {
        return ~bits;
    }
    return bits | 0x80000000u;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let row = group_index(wid, groups);
    if (row >= arrayLength(&h) / shape.d_sae) {
        return;
    }
    let base = row * shape.d_sae;
    if (shape.k >= shape.d_sae) {
        for (var j = lid; j < shape.d_sae; j += WG) {
            f[base + j] = max(h[base + j], 0.0);
        }
        return;
    }
    if (lid == 0u) {
        prefix = 0u;
        remaining = shape.k;
    }
    var mask = 0u;
    for (var round = 0u; round < 4u; round++) {
        let shift = 24u - 8u * round;
        atomicStore(&histogram[lid], 0u);
        workgroupBarrier();
        let want = workgroupUniformLoad(&prefix);
        for (var j = lid; j < shape.d_sae; j += WG) {
            let key = order_key(h[base + j]);
            if ((key & mask) == want) {
                atomicAdd(&histogram[(key >> shift) & 255u], 1u);
            }
        }
        workgroupBarrier();
        if (lid == 0u) {
            // Walk the bins from the largest values down to the bin holding the k-th largest.
            var above = 0u;
            var bin = 255u;
            loop {
                let count = atomicLoad(&histogram[bin]);
                if (above + count >= remaining || bin == 0u) {
                    break;
                }
                above += count;
                bin -= 1u;
            }
            remaining -= above;
            prefix = prefix | (bin << shift);
        }
        workgroupBarrier();
        mask = mask | (255u << shift);
    }
    let threshold = workgroupUniformLoad(&prefix);
    for (var j = lid; j < shape.d_sae; j += WG) {
        let v = h[base + j];
        var kept = 0.0;
        if (order_key(v) >= threshold) {
            kept = max(v, 0.0);
        }
        f[base + j] = kept;
    }
}
