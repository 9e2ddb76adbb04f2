//! The AuxK loss on the GPU (Gao et al. 2024), as the CPU backend computes it: per row, the
//! `k_aux` largest pre-activations among the dead features (steps since fired ≥ the dead window,
//! counted on the device before this step's firing), through ReLU, decoded without bias, must
//! reconstruct the residual x − x̂; the loss is coeff · mean over elements of the error², and its
//! gradient reaches W_dec directly and W_enc, b_enc (and b_dec through the centring) through h.
//!
//! Dense products do the decoding and the gradients (the features outside the selection are 0):
//! ê = f_aux W_dec; err = ê + x̂ − x, scaled in place to ∂L/∂ê; dW_dec += f_auxᵀ ∂L/∂ê;
//! dL/dh += (∂L/∂ê W_decᵀ) · [f_aux > 0]. A gate dispatch first counts the dead features and
//! writes the others' indirect grids: with none dead they do nothing (the CPU adds no AuxK term
//! then), so a run pays for AuxK only while it has dead features.

use crate::kernels::{self, source, Epilogue, Layout};
use crate::plan::{Dispatch, Planner};
use crate::sae::Until;

/// The buffers of a step AuxK reads and adds to.
pub(crate) struct Buffers<'a> {
    pub h: &'a wgpu::Buffer,
    pub recon: &'a wgpu::Buffer,
    pub w_dec: &'a wgpu::Buffer,
    pub since_fired: &'a wgpu::Buffer,
    pub g_w_dec: &'a wgpu::Buffer,
    pub g_h: &'a wgpu::Buffer,
    /// Per row Σ err², for the loss.
    pub row_aux_sq: &'a wgpu::Buffer,
}

/// The gate, then the five dispatches it sizes, after dW_dec and dL/dh and before anything
/// reads them (or the firing counters move).
pub(crate) fn dispatches(p: &Planner, s: &Buffers, rows: usize, d_in: usize, d_sae: usize) -> Vec<Dispatch> {
    use Layout::{Normal, Transposed};
    let f_aux = p.scratch("AuxK features", rows * d_sae);
    let e = p.scratch("AuxK error", rows * d_in);

    let select = kernels::row_select_pipeline(p.device, "auxk select", source::AUXK_SELECT, true);
    let group =
        p.bind(&select, 0, &[s.h.as_entire_binding(), s.since_fired.as_entire_binding(), f_aux.as_entire_binding()]);
    let steps = p.step_groups(&select);
    let select = Dispatch::new(select, vec![group], p.grid(rows), Until::Gradients).with_step(steps);

    let decode = p.product(
        "AuxK decode",
        (&f_aux, Normal),
        (s.w_dec, Normal),
        &e,
        (rows, d_in, d_sae),
        Epilogue::Plain,
        &[],
        Until::Gradients,
    );

    let error = kernels::pipeline(p.device, "auxk error", source::AUXK_ERROR, true);
    let groups = p.bind_per_slot(&error, |x| {
        vec![e.as_entire_binding(), s.recon.as_entire_binding(), x, s.row_aux_sq.as_entire_binding()]
    });
    let steps = p.step_groups(&error);
    let error = Dispatch::new(error, groups, p.grid(rows), Until::Gradients).with_step(steps);

    let g_w_dec = p.product(
        "AuxK dW_dec",
        (&f_aux, Transposed),
        (&e, Normal),
        s.g_w_dec,
        (d_sae, d_in, rows),
        Epilogue::Accumulate,
        &[],
        Until::Gradients,
    );
    let g_h = p.product(
        "AuxK dL/dh",
        (&e, Normal),
        (s.w_dec, Transposed),
        s.g_h,
        (rows, d_sae, d_in),
        Epilogue::AccumulateMasked,
        &[&f_aux],
        Until::Gradients,
    );
    let gated = [select, decode, error, g_w_dec, g_h];

    let grids: Vec<u32> = gated.iter().flat_map(|d| [d.grid.0, d.grid.1, 1, 0]).collect();
    let grids = p.uniform("AuxK grids", bytemuck::cast_slice(&grids));
    let args = p.storage("AuxK dispatches", 3 * gated.len(), wgpu::BufferUsages::INDIRECT);
    let gate_source = format!("const AUX_DISPATCHES: u32 = {}u;\n{}", gated.len(), source::AUXK_GATE);
    let gate = kernels::pipeline(p.device, "auxk gate", &gate_source, true);
    let group = p.bind(
        &gate,
        0,
        &[
            s.since_fired.as_entire_binding(),
            s.row_aux_sq.as_entire_binding(),
            args.as_entire_binding(),
            grids.as_entire_binding(),
        ],
    );
    let steps = p.step_groups(&gate);
    let gate = Dispatch::new(gate, vec![group], (1, 1), Until::Gradients).with_step(steps);

    let mut out = vec![Dispatch { auxk_only: true, ..gate }];
    for (n, d) in gated.into_iter().enumerate() {
        out.push(Dispatch { auxk_only: true, indirect: Some((args.clone(), 12 * n as u64)), ..d });
    }
    out
}
