// x_in = x − b_dec, when the SAE subtracts its decoder bias from the input.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> b_dec: array<f32>;
@group(0) @binding(2) var<storage, read_write> x_in: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let i = group_index(wid, groups) * WG + lid;
    if (i < arrayLength(&x_in)) {
        x_in[i] = x[i] - b_dec[i % arrayLength(&b_dec)];
    }
}
