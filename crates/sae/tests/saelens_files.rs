//! Files shared with SAELens (tests/reference/saelens_roundtrip.py, sae-lens 6.54): SAEs written
//! here load in SAELens (standard, topk and, for BatchTopK, jumprelu), one SAELens wrote loads here,
//! and both compute the same features and reconstructions.

use std::path::Path;

use frontier_sae::config::Arch;
use frontier_sae::saelens::load;
use frontier_sae::Matrix;
use serde_json::Value;

fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/saelens").join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn matrix(v: &Value) -> Matrix {
    let rows: Vec<Vec<f32>> = v
        .as_array()
        .unwrap_or_else(|| panic!("not a matrix"))
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap_or_else(|| panic!("not a row"))
                .iter()
                .map(|x| x.as_f64().unwrap_or(f64::NAN) as f32)
                .collect()
        })
        .collect();
    let cols = rows.first().map_or(0, Vec::len);
    Matrix::from_vec(rows.len(), cols, rows.concat()).unwrap_or_else(|| panic!("ragged"))
}

#[test]
fn both_libraries_compute_the_same_features_from_the_same_files() {
    let expected: Value = serde_json::from_slice(&fixture("expected.json")).unwrap_or_else(|e| panic!("{e}"));
    let x = matrix(&expected["x"]);
    for (name, arch, class) in [
        ("ours-relu", Arch::Relu, "StandardSAE"),
        ("ours-topk", Arch::TopK, "TopKSAE"),
        ("ours-batchtopk", Arch::BatchTopK, "JumpReLUSAE"),
        ("theirs-standard", Arch::Relu, "StandardSAE"),
    ] {
        let want = &expected["saes"][name];
        assert_eq!(want["class"], class, "{name}: SAELens read it as {}", want["class"]);
        let config = String::from_utf8(fixture(&format!("{name}/cfg.json"))).unwrap_or_default();
        let (sae, _) = load(&fixture(&format!("{name}/sae_weights.safetensors")), &config)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(sae.cfg.arch, arch, "{name}");
        let f = sae.encode(&x).unwrap_or_else(|e| panic!("{e}"));
        let recon = sae.decode(&f).unwrap_or_else(|e| panic!("{e}"));
        for (what, got, want) in
            [("features", &f, &want["features"]), ("reconstruction", &recon, &want["reconstruction"])]
        {
            let want = matrix(want);
            assert_eq!((got.rows, got.cols), (want.rows, want.cols), "{name} {what}");
            for (i, (g, w)) in got.values.iter().zip(&want.values).enumerate() {
                assert!((g - w).abs() <= 1e-5 + 1e-5 * w.abs(), "{name} {what}[{i}]: {g} here, {w} in SAELens");
            }
        }
    }
}
