// A key whose unsigned order is the order the CPU's `select_top` ranks values by: f32::total_cmp
// (so −0 < +0), with NaN ranked as −∞. The largest key, +∞'s, is 0xff800000, so 0xffffffff is
// free to mean "above every key".
fn order_key(v: f32) -> u32 {
    var bits = bitcast<u32>(v);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        bits = 0xff800000u;
    }
    if ((bits & 0x80000000u) != 0u) {
        return ~bits;
    }
    return bits | 0x80000000u;
}
