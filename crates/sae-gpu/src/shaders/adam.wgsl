// Adam, element-wise, as torch.optim.Adam computes it:
// m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  p ← p − step_size · m / (√v · inv_sqrt_c2 + eps).
@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
// m in the first half, v in the second (each half padded to 64 elements).
@group(0) @binding(2) var<storage, read_write> moments: array<f32>;
@group(1) @binding(0) var<uniform> step: Step;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
    let i = group_index(wid, groups) * WG + lid;
    if (i >= arrayLength(&param)) {
        return;
    }
    let vi = arrayLength(&moments) / 2u + i;
    let g = grad[i];
    let m_new = step.beta1 * moments[i] + (1.0 - step.beta1) * g;
    let v_new = step.beta2 * moments[vi] + (1.0 - step.beta2) * g * g;
    moments[i] = m_new;
    moments[vi] = v_new;
    param[i] = param[i] - step.step_size * m_new / (sqrt(v_new) * step.inv_sqrt_c2 + step.eps);
}
