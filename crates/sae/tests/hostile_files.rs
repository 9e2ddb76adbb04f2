//! The hostile uploads of `tests/hostile/files/` meant for the SAE lab: each is refused with a
//! located error, before anything of the size it claims is allocated.

use frontier_sae::io::parse_activations;

fn hostile(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/hostile/files/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The file's error message, which must contain every one of `expected`.
fn refused(name: &str, expected: &[&str]) {
    match parse_activations(name, &hostile(name)) {
        Ok(m) => panic!("{name} was read as a {}×{} matrix", m.rows, m.cols),
        Err(e) => {
            let message = e.to_string();
            for part in expected {
                assert!(message.contains(part), "{name}: {message:?} does not say {part:?}");
            }
        }
    }
}

#[test]
fn an_array_that_declares_2_to_the_80_values_is_refused_by_its_header() {
    // 2^40 × 2^40 float32 is 2^82 bytes; the file holds 16.
    refused("sae-declares-huge-shape.npy", &["npy file at byte"]);
}

#[test]
fn a_truncated_array_is_refused() {
    refused("sae-truncated.npy", &["npy file at byte"]);
}

#[test]
fn a_nan_among_the_activations_is_located() {
    refused("sae-nan.npy", &["row 0, column 1"]);
}

#[test]
fn a_file_that_is_not_an_array_is_refused_by_its_magic() {
    refused("sae-wrong-magic.npy", &["npy file at byte 0"]);
}

#[test]
fn a_safetensors_header_longer_than_the_file_is_refused() {
    // The first eight bytes claim a header of 2^62 bytes.
    refused("sae-header-too-long.safetensors", &["safetensors file at byte"]);
}

#[test]
fn a_safetensors_header_nested_100000_deep_is_refused_without_overflowing_the_stack() {
    refused("sae-deep-header.safetensors", &["safetensors file at byte"]);
}
