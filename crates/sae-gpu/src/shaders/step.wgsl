// The per-step values every kernel that needs them reads: one slot of a ring of uniforms, one slot
// per step of a submission. Prepended to the kernels that use it.
struct Step {
    // Adam: lr / (1 − β1^t) and 1 / √(1 − β2^t), computed in f64 on the CPU as the CPU backend does.
    step_size: f32,
    inv_sqrt_c2: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    // ∂(sparsity loss)/∂f for an active feature: l1_coeff / (rows · d_sae).
    l1_grad: f32,
    // Steps without firing after which a feature counts as dead.
    dead_window: u32,
    // Where this step's measurements go in the stats ring.
    slot: u32,
    // AuxK: ∂(AuxK loss)/∂ê per unit of error, 2 · coeff / (rows · d_in), and how many dead
    // features each row may use.
    auxk_scale: f32,
    k_aux: u32,
    pad0: u32,
    pad1: u32,
}
