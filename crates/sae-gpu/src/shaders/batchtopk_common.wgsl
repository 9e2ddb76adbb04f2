// BatchTopK's selection over the whole batch (rows × d_sae pre-activations, flattened row by row):
// the k · rows largest by `order_key`, ties toward the lower flat index, as the CPU's `select_top`
// orders them. A radix select in rounds over the whole batch: each round a histogram of one byte
// (`batchtopk_count.wgsl`), then one workgroup picks the bin and narrows the search
// (`batchtopk_cut.wgsl`). Four rounds over the key bytes find the key of the last element kept;
// when more elements share it than remain to be kept, rounds over their flat indices find the last
// index kept. Shared by those kernels and `batchtopk_apply.wgsl`, `batchtopk_threshold.wgsl`.

// One round: which byte (`shift`) of what, the higher bits already decided (`mask`), and for the
// reset the number of elements to keep.
struct Radix {
    shift: u32,
    mask: u32,
    kind: u32,
    keep: u32,
}

const RESET: u32 = 0u;
const BY_KEY: u32 = 1u;
const BY_INDEX: u32 = 2u;

// Where the selection stands, in the words of the state buffer.
// The key bytes decided so far; after the key rounds, the key of the last element kept.
const KEY: u32 = 0u;
// How many of the elements matching the decided bytes are still to be kept.
const REMAINING: u32 = 1u;
// How many elements have the key `KEY` (after the last key round).
const TIES: u32 = 2u;
// The index bytes decided so far; after the index rounds, the last tied index kept.
const INDEX: u32 = 3u;
// 1 when every element with the key `KEY` is kept (no index rounds needed).
const ALL_TIES: u32 = 4u;
// The bits of the smallest positive feature kept (0xffffffff: none), for the threshold.
const KEPT_MIN: u32 = 5u;
const NONE: u32 = 0xffffffffu;

// Elements a thread takes in the counting and applying kernels.
const ITEMS: u32 = 16u;
