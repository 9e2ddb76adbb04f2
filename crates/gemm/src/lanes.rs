//! Four f32 lanes and the three operations the packed kernel needs, for each way it is built:
//! - wasm32 with `+relaxed-simd`: `f32x4.relaxed_madd`, which V8 and SpiderMonkey compile to one
//!   fused multiply–add on CPUs that have it (the result may then round once instead of twice,
//!   which the relaxed-SIMD proposal allows);
//! - wasm32 with `+simd128` only: a multiply, then an add;
//! - anywhere else: plain arrays, so the kernel's logic is tested natively.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::{f32x4, f32x4_extract_lane, f32x4_splat, v128};

    #[derive(Clone, Copy)]
    pub struct Lanes(pub(super) v128);

    impl Lanes {
        /// The first four values of `s`; LLVM turns the four loads into one `v128.load`.
        pub fn from_slice(s: &[f32]) -> Lanes {
            Lanes(f32x4(s[0], s[1], s[2], s[3]))
        }
    }

    pub fn zero() -> Lanes {
        Lanes(f32x4_splat(0.0))
    }

    pub fn splat(x: f32) -> Lanes {
        Lanes(f32x4_splat(x))
    }

    pub fn to_array(x: Lanes) -> [f32; 4] {
        let v = x.0;
        [f32x4_extract_lane::<0>(v), f32x4_extract_lane::<1>(v), f32x4_extract_lane::<2>(v), f32x4_extract_lane::<3>(v)]
    }

    /// `a · b + c`, fused where the CPU can.
    #[cfg(target_feature = "relaxed-simd")]
    pub fn madd(a: Lanes, b: Lanes, c: Lanes) -> Lanes {
        Lanes(core::arch::wasm32::f32x4_relaxed_madd(a.0, b.0, c.0))
    }

    /// `a · b + c`, rounded after the product and after the sum.
    #[cfg(not(target_feature = "relaxed-simd"))]
    pub fn madd(a: Lanes, b: Lanes, c: Lanes) -> Lanes {
        use core::arch::wasm32::{f32x4_add, f32x4_mul};
        Lanes(f32x4_add(f32x4_mul(a.0, b.0), c.0))
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    #[derive(Clone, Copy)]
    pub struct Lanes([f32; 4]);

    impl Lanes {
        pub fn from_slice(s: &[f32]) -> Lanes {
            Lanes([s[0], s[1], s[2], s[3]])
        }
    }

    pub fn zero() -> Lanes {
        Lanes([0.0; 4])
    }

    pub fn splat(x: f32) -> Lanes {
        Lanes([x; 4])
    }

    pub fn to_array(x: Lanes) -> [f32; 4] {
        x.0
    }

    pub fn madd(a: Lanes, b: Lanes, c: Lanes) -> Lanes {
        Lanes(std::array::from_fn(|i| a.0[i] * b.0[i] + c.0[i]))
    }
}

pub use simd::{madd, splat, to_array, zero, Lanes};

/// Which product the wasm build carries, for benchmarks and the page to report.
pub const KERNEL: &str = if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
    "wasm simd128 + relaxed-simd (fused multiply–add)"
} else if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
    "wasm simd128 (multiply, then add)"
} else if cfg!(target_arch = "wasm32") {
    "wasm scalar"
} else {
    "matrixmultiply (native)"
};
