// Gives features new directions: for each listed feature j, decoder row j becomes the (unit)
// direction, encoder column j the direction times `encoder_norm`, and their Adam moments are
// cleared. One thread per (feature, input dimension); the first dimension's thread also clears
// the feature's encoder bias, its moments and its firing counter.
struct Resample {
    count: u32,
    d_in: u32,
    d_sae: u32,
    encoder_norm: f32,
    // Where v starts in each moments buffer (m comes first).
    enc_v: u32,
    dec_v: u32,
    b_enc_v: u32,
    pad: u32,
}

// The feature indices, then the directions (count × d_in f32 bits).
@group(0) @binding(0) var<storage, read> job_data: array<u32>;
@group(0) @binding(1) var<uniform> job: Resample;
@group(0) @binding(2) var<storage, read_write> w_enc: array<f32>;
@group(0) @binding(3) var<storage, read_write> w_dec: array<f32>;
@group(0) @binding(4) var<storage, read_write> b_enc: array<f32>;
@group(0) @binding(5) var<storage, read_write> moments_w_enc: array<f32>;
@group(0) @binding(6) var<storage, read_write> moments_w_dec: array<f32>;
@group(0) @binding(7) var<storage, read_write> moments_b_enc: array<f32>;
@group(0) @binding(8) var<storage, read_write> since_fired: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let t = group_index(wid, groups) * WG + lid;
    if (t >= job.count * job.d_in) {
        return;
    }
    let n = t / job.d_in;
    let i = t % job.d_in;
    let j = job_data[n];
    let d = bitcast<f32>(job_data[job.count + t]);
    let enc = i * job.d_sae + j;
    let dec = j * job.d_in + i;
    w_dec[dec] = d;
    w_enc[enc] = d * job.encoder_norm;
    moments_w_enc[enc] = 0.0;
    moments_w_enc[job.enc_v + enc] = 0.0;
    moments_w_dec[dec] = 0.0;
    moments_w_dec[job.dec_v + dec] = 0.0;
    if (i == 0u) {
        b_enc[j] = 0.0;
        moments_b_enc[j] = 0.0;
        moments_b_enc[job.b_enc_v + j] = 0.0;
        since_fired[j] = 0u;
    }
}
