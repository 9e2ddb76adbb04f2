//! BatchTopK on the GPU: the k · rows largest pre-activations of the whole batch, exactly as the
//! CPU backend's `select_top` picks them (ties toward the lower flat index), through ReLU; and the
//! inference threshold's moving average of the smallest positive feature kept.
//!
//! The selection is a radix select over the whole `[rows, d_sae]` matrix, so nothing is sorted
//! and no workgroup holds more than a histogram: a reset, then per round one counting dispatch
//! (each workgroup takes `WG · ITEMS` elements) and one single-workgroup cut, four rounds over
//! the key bytes and, only when the cut key is shared by more elements than remain to be kept,
//! up to four over the flat indices of those ties; then one pass applies the cut. The state is
//! eight words and a 256-bin histogram.

use crate::kernels::{self, source};
use crate::plan::{Dispatch, Planner};
use crate::sae::Until;

/// Elements a thread takes in the counting and applying kernels (`ITEMS` in
/// `shaders/batchtopk_common.wgsl`).
const ITEMS: usize = 16;
/// Round kinds (`shaders/batchtopk_common.wgsl`).
const RESET: u32 = 0;
const BY_KEY: u32 = 1;
const BY_INDEX: u32 = 2;

/// The bytes of a 32-bit word below those `shift` starts: the higher bits a round has decided.
fn decided(shift: u32) -> u32 {
    u32::MAX.checked_shl(shift + 8).unwrap_or(0)
}

/// Rounds over the flat indices `0..n` needed to tell any two apart, 8 bits each (at least one).
pub(crate) fn index_rounds(n: usize) -> u32 {
    let bits = usize::BITS - n.saturating_sub(1).leading_zeros();
    bits.div_ceil(8).clamp(1, 4)
}

/// Every buffer bound whole.
fn entire<'a>(buffers: &[&'a wgpu::Buffer]) -> Vec<wgpu::BindingResource<'a>> {
    buffers.iter().map(|b| b.as_entire_binding()).collect()
}

/// The activation's dispatches (forward: `h` into `f`) and the threshold's (after the loss).
pub(crate) fn dispatches(
    p: &Planner,
    h: &wgpu::Buffer,
    f: &wgpu::Buffer,
    threshold: &wgpu::Buffer,
    rows: usize,
    d_sae: usize,
    k: usize,
) -> Vec<Dispatch> {
    let n = rows * d_sae;
    let keep = k.saturating_mul(rows).min(n) as u32;
    let state = p.scratch("BatchTopK state", 8);
    let histogram = p.scratch("BatchTopK histogram", 256);
    let count = kernels::batchtopk_pipeline(p.device, "batchtopk count", source::BATCHTOPK_COUNT);
    let cut = kernels::batchtopk_pipeline(p.device, "batchtopk cut", source::BATCHTOPK_CUT);
    let radix = |kind: u32, shift: u32| {
        p.uniform("BatchTopK round", bytemuck::cast_slice(&[shift, decided(shift), kind, keep]))
    };
    let cutting = |radix: &wgpu::Buffer| {
        let group = p.bind(&cut, 0, &entire(&[&state, &histogram, radix]));
        Dispatch::new(cut.clone(), vec![group], (1, 1), Until::Forward)
    };
    let round = |kind: u32, shift: u32| {
        let radix = radix(kind, shift);
        let group = p.bind(&count, 0, &entire(&[h, &state, &histogram, &radix]));
        [Dispatch::new(count.clone(), vec![group], p.elementwise(n, ITEMS), Until::Forward), cutting(&radix)]
    };
    let mut out = vec![cutting(&radix(RESET, 0))];
    for shift in [24, 16, 8, 0] {
        out.extend(round(BY_KEY, shift));
    }
    let rounds = index_rounds(n);
    for r in 0..rounds {
        out.extend(round(BY_INDEX, 8 * (rounds - 1 - r)));
    }
    let apply = kernels::batchtopk_pipeline(p.device, "batchtopk apply", source::BATCHTOPK_APPLY);
    let group = p.bind(&apply, 0, &[h.as_entire_binding(), f.as_entire_binding(), state.as_entire_binding()]);
    out.push(Dispatch::new(apply, vec![group], p.elementwise(n, ITEMS), Until::Forward));
    let follow = kernels::batchtopk_pipeline(p.device, "batchtopk threshold", source::BATCHTOPK_THRESHOLD);
    let group = p.bind(&follow, 0, &[state.as_entire_binding(), threshold.as_entire_binding()]);
    // As on the CPU, the threshold moves with the loss and gradients, before the update.
    out.push(Dispatch::new(follow, vec![group], (1, 1), Until::Gradients));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_rounds_cover_every_flat_index() {
        assert_eq!(
            [1, 2, 256, 257, 65_536, 65_537, 1 << 24, (1 << 24) + 1].map(index_rounds),
            [1, 1, 1, 2, 2, 3, 3, 4]
        );
    }

    #[test]
    fn each_round_matches_the_bytes_above_its_own() {
        assert_eq!([24, 16, 8, 0].map(decided), [0, 0xff00_0000, 0xffff_0000, 0xffff_ff00]);
    }
}
