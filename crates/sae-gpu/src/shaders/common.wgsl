// Shared by the element-wise and per-row kernels: workgroups of 256 threads, a 2-D grid (so that
// more than 65,535 workgroups fit), and a sum across the workgroup.
const WG: u32 = 256u;

var<workgroup> partial: array<f32, WG>;

// The index of this workgroup in a grid laid out row by row.
fn group_index(wid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return wid.x + wid.y * groups.x;
}

// Σ v over the workgroup; every thread gets the sum. Every thread must call it.
fn workgroup_sum(lid: u32, v: f32) -> f32 {
    partial[lid] = v;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (lid < stride) {
            partial[lid] += partial[lid + stride];
        }
        workgroupBarrier();
    }
    let total = partial[0];
    workgroupBarrier();
    return total;
}
