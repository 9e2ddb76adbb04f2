// The `want` largest candidates of one row, chosen by one workgroup in the order of the CPU's
// `select_top`: by `order_key`, ties toward the lower index. A radix select over the keys, 8 bits
// a round, finds the key of the last element kept; when more candidates share that key than
// remain to be kept, a radix select over their indices finds the last index kept. Nothing is
// sorted; each round reads the row once.
//
// The kernel that includes this defines `row_value(j)` and `row_candidate(j)` for its row.

var<workgroup> histogram: array<atomic<u32>, 256>;
var<workgroup> cut_key: u32;
var<workgroup> cut_index: u32;
var<workgroup> cut_remaining: u32;
var<workgroup> cut_ties: u32;

// Where a row's selection ends: a candidate j with key `key` is kept when `is_kept` says so.
struct Cut {
    key: u32,
    // The last index kept among the candidates whose key is `key` (0xffffffff: all of them).
    index: u32,
}

fn is_kept(cut: Cut, key: u32, j: u32) -> bool {
    return key > cut.key || (key == cut.key && j <= cut.index);
}

// Counts, in the bins of the workgroup's histogram, the byte at `shift` of the keys (or, with
// `by_index`, of the indices of the candidates whose key is `key`) whose higher bits are `prefix`.
fn count_row(lid: u32, n: u32, shift: u32, mask: u32, prefix: u32, by_index: bool, key: u32) {
    atomicStore(&histogram[lid], 0u);
    workgroupBarrier();
    for (var j = lid; j < n; j += WG) {
        if (row_candidate(j)) {
            let k = order_key(row_value(j));
            if (!by_index && (k & mask) == prefix) {
                atomicAdd(&histogram[(k >> shift) & 255u], 1u);
            } else if (by_index && k == key && (j & mask) == prefix) {
                atomicAdd(&histogram[(j >> shift) & 255u], 1u);
            }
        }
    }
    workgroupBarrier();
}

// Every thread of the workgroup must call it, with the same `n` and `want`. Wanting more than
// there are candidates keeps them all.
fn select_in_row(lid: u32, n: u32, want: u32) -> Cut {
    if (want == 0u) {
        return Cut(0xffffffffu, 0u);
    }
    if (lid == 0u) {
        cut_key = 0u;
        cut_index = 0u;
        cut_remaining = want;
        cut_ties = 0u;
    }
    // The keys, most significant byte first: the bin where the want-th largest falls, walking
    // down from the largest values.
    var mask = 0u;
    for (var round = 0u; round < 4u; round++) {
        let shift = 24u - 8u * round;
        count_row(lid, n, shift, mask, workgroupUniformLoad(&cut_key), false, 0u);
        if (lid == 0u) {
            var above = 0u;
            var bin = 255u;
            loop {
                let count = atomicLoad(&histogram[bin]);
                if (above + count >= cut_remaining || bin == 0u) {
                    break;
                }
                above += count;
                bin -= 1u;
            }
            cut_remaining -= above;
            cut_key = cut_key | (bin << shift);
            cut_ties = atomicLoad(&histogram[bin]);
        }
        mask = mask | (255u << shift);
    }
    let key = workgroupUniformLoad(&cut_key);
    if (workgroupUniformLoad(&cut_remaining) >= workgroupUniformLoad(&cut_ties)) {
        return Cut(key, 0xffffffffu);
    }
    // Too many ties: the indices, most significant byte first, walking up from the lowest.
    let rounds = max(1u, (32u - countLeadingZeros(n - 1u) + 7u) / 8u);
    mask = 0u;
    for (var round = 0u; round < rounds; round++) {
        let shift = 8u * (rounds - 1u - round);
        count_row(lid, n, shift, mask, workgroupUniformLoad(&cut_index), true, key);
        if (lid == 0u) {
            var below = 0u;
            var bin = 0u;
            loop {
                let count = atomicLoad(&histogram[bin]);
                if (below + count >= cut_remaining || bin == 255u) {
                    break;
                }
                below += count;
                bin += 1u;
            }
            cut_remaining -= below;
            cut_index = cut_index | (bin << shift);
        }
        mask = mask | (255u << shift);
    }
    return Cut(key, workgroupUniformLoad(&cut_index));
}
