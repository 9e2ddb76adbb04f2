// AuxK's gate, one workgroup: counts the dead features (not fired for the dead window before this
// step) and writes the indirect dispatch sizes of the AuxK kernels that follow: their grids when
// a feature is dead, nothing otherwise. With no dead feature the CPU adds no AuxK loss, so the
// per-row sums the loss is read from are cleared instead. `auxk.rs` prepends AUX_DISPATCHES, the
// number of those kernels.
@group(0) @binding(0) var<storage, read> since_fired: array<u32>;
@group(0) @binding(1) var<storage, read_write> row_aux_sq: array<f32>;
@group(0) @binding(2) var<storage, read_write> args: array<u32>;
@group(0) @binding(3) var<uniform> grids: array<vec4<u32>, AUX_DISPATCHES>;
@group(1) @binding(0) var<uniform> step: Step;

var<workgroup> dead: atomic<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
    if (lid == 0u) {
        atomicStore(&dead, 0u);
    }
    workgroupBarrier();
    var mine = 0u;
    for (var j = lid; j < arrayLength(&since_fired); j += WG) {
        mine += select(0u, 1u, since_fired[j] >= step.dead_window);
    }
    atomicAdd(&dead, mine);
    workgroupBarrier();
    let any_dead = atomicLoad(&dead) > 0u;
    if (lid < AUX_DISPATCHES * 3u) {
        args[lid] = select(0u, grids[lid / 3u][lid % 3u], any_dead);
    }
    if (!any_dead) {
        for (var r = lid; r < arrayLength(&row_aux_sq); r += WG) {
            row_aux_sq[r] = 0.0;
        }
    }
}
