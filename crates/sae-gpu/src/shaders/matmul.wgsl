// C[M, N] = A[M, K] · B[K, N], tiled through workgroup memory, followed by an epilogue.
//
// The Rust side prepends the constants BM, BN, BK, TM, TN and the functions `a_index`, `b_index`
// (where A and B really live: either operand may be stored transposed) and `epilogue` (what is
// written for each output element). Each of the (BM/TM)·(BN/TN) threads accumulates a TM × TN
// block of outputs in registers. The accumulators are written out as scalars by the Rust side: an
// array indexed in loops may be placed in slow local memory by a driver.

struct Dims {
    m: u32,
    n: u32,
    k: u32,
    pad: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

const THREADS_N: u32 = BN / TN;
const THREADS_M: u32 = BM / TM;
const THREADS: u32 = THREADS_M * THREADS_N;

// The tiles, K-major, as vec4 so that a thread reads its TM (TN) neighbouring values in TM / 4
// (TN / 4) loads.
var<workgroup> tile_a: array<vec4<f32>, BK * BM / 4u>;
var<workgroup> tile_b: array<vec4<f32>, BK * BN / 4u>;

@compute @workgroup_size(THREADS)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
    let m0 = wid.y * BM;
    let n0 = wid.x * BN;
    let tx = lid % THREADS_N;
    let ty = lid / THREADS_N;
    // Generated: the TM × TN accumulators, one scalar each (generated), so they live in registers.
    ACC_DECLARE
    for (var k0 = 0u; k0 < dims.k; k0 += BK) {
        for (var e = lid; e < BM * BK; e += THREADS) {
            // Read along the stored rows of A, so that a warp's loads are contiguous.
            let mk = a_tile_coords(e);
            let m = m0 + mk.x;
            let k = k0 + mk.y;
            var v = 0.0;
            if (m < dims.m && k < dims.k) {
                v = a[a_index(m, k)];
            }
            let at = mk.y * BM + mk.x;
            tile_a[at / 4u][at % 4u] = v;
        }
        for (var e = lid; e < BK * BN; e += THREADS) {
            let kn = b_tile_coords(e);
            let k = k0 + kn.x;
            let n = n0 + kn.y;
            var v = 0.0;
            if (k < dims.k && n < dims.n) {
                v = b[b_index(k, n)];
            }
            let at = kn.x * BN + kn.y;
            tile_b[at / 4u][at % 4u] = v;
        }
        workgroupBarrier();
        for (var kk = 0u; kk < BK; kk++) {
            // Generated: loads a column of the A tile and a row of the B tile into
            // registers, then TM × TN fused multiply-adds.
            ACC_UPDATE
        }
        workgroupBarrier();
    }
    // Generated: the epilogue of each output inside C.
    ACC_STORE
}
