// BatchTopK's inference threshold follows the smallest positive feature kept in training with
// rate 0.01 (the CPU backend's THRESHOLD_RATE, SAELens's `topk_threshold_lr`); a batch that kept
// no positive feature leaves it as it was. One thread.
@group(0) @binding(0) var<storage, read> state: array<u32>;
@group(0) @binding(1) var<storage, read_write> threshold: array<f32>;

const RATE: f32 = 0.01;

@compute @workgroup_size(1)
fn main() {
    let kept_min = state[KEPT_MIN];
    if (kept_min != NONE) {
        threshold[0] = (1.0 - RATE) * threshold[0] + RATE * bitcast<f32>(kept_min);
    }
}
