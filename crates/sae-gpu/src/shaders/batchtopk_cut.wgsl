// The bookkeeping of BatchTopK's radix select (see batchtopk_common.wgsl), one workgroup: resets
// the state for a new batch, or reads a round's histogram and narrows the search to one bin (by
// key from the largest down, by index from the lowest up), then clears the histogram for the next
// round.
@group(0) @binding(0) var<storage, read_write> state: array<u32>;
@group(0) @binding(1) var<storage, read_write> histogram: array<atomic<u32>>;
@group(0) @binding(2) var<uniform> radix: Radix;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
    if (lid == 0u) {
        if (radix.kind == RESET) {
            state[KEY] = 0u;
            state[REMAINING] = radix.keep;
            state[TIES] = 0u;
            state[INDEX] = 0u;
            state[ALL_TIES] = 0u;
            state[KEPT_MIN] = NONE;
        } else if (radix.kind == BY_KEY) {
            var above = 0u;
            var bin = 255u;
            loop {
                let count = atomicLoad(&histogram[bin]);
                if (above + count >= state[REMAINING] || bin == 0u) {
                    break;
                }
                above += count;
                bin -= 1u;
            }
            state[REMAINING] -= above;
            state[KEY] = state[KEY] | (bin << radix.shift);
            state[TIES] = atomicLoad(&histogram[bin]);
            if (radix.shift == 0u && state[REMAINING] >= state[TIES]) {
                state[ALL_TIES] = 1u;
            }
        } else if (state[ALL_TIES] == 0u) {
            var below = 0u;
            var bin = 0u;
            loop {
                let count = atomicLoad(&histogram[bin]);
                if (below + count >= state[REMAINING] || bin == 255u) {
                    break;
                }
                below += count;
                bin += 1u;
            }
            state[REMAINING] -= below;
            state[INDEX] = state[INDEX] | (bin << radix.shift);
        }
    }
    workgroupBarrier();
    atomicStore(&histogram[lid], 0u);
}
