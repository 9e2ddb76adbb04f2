//! The file readers and writers against files NumPy and the safetensors library wrote themselves
//! (tests/reference/sae_io_fixtures.py made fixtures/io/), errors at their exact locations, and
//! fuzzing: no input, random or a mutated fixture, makes any parser panic. Inputs that once made
//! a parser panic are kept in fixtures/io/fuzz/ and replayed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use frontier_sae::io::{
    activations_from_safetensors, parse_activations, parse_csv_matrix, parse_npy, parse_safetensors, write_npy_f32,
    write_safetensors, Dtype, InputError, Tensor,
};
use frontier_sae::Matrix;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::Value;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/io")
}

fn read(name: &str) -> Vec<u8> {
    let path = fixture_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn expected() -> &'static Value {
    static EXPECTED: OnceLock<Value> = OnceLock::new();
    EXPECTED
        .get_or_init(|| serde_json::from_slice(&read("expected.json")).unwrap_or_else(|e| panic!("expected.json: {e}")))
}

fn object(v: &Value) -> &serde_json::Map<String, Value> {
    v.as_object().unwrap_or_else(|| panic!("not an object: {v}"))
}

fn numbers(v: &Value) -> Vec<f64> {
    let list = v.as_array().unwrap_or_else(|| panic!("not a list: {v}"));
    list.iter().map(|x| x.as_f64().unwrap_or_else(|| panic!("not a number: {x}"))).collect()
}

fn sizes(v: &Value) -> Vec<usize> {
    numbers(v).into_iter().map(|x| x as usize).collect()
}

/// `m` has the shape, every value (exactly) and the sum NumPy recorded in `record`.
fn assert_matches_record(name: &str, m: &Matrix, record: &Value) {
    assert_eq!(vec![m.rows, m.cols], sizes(&record["shape"]), "{name}: shape");
    let values: Vec<f64> = m.values.iter().map(|&v| f64::from(v)).collect();
    assert_eq!(values, numbers(&record["values"]), "{name}: values");
    let sum: f64 = values.iter().sum();
    let want = record["sum"].as_f64().unwrap_or_else(|| panic!("{name}: no sum"));
    assert!((sum - want).abs() <= 1e-9 * want.abs().max(1.0), "{name}: sum {sum} vs NumPy's {want}");
}

fn ok<T>(what: &str, r: Result<T, InputError>) -> T {
    r.unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn err<T: std::fmt::Debug>(what: &str, r: Result<T, InputError>) -> InputError {
    match r {
        Ok(v) => panic!("{what}: parsed as {v:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------- .npy

#[test]
fn npy_files_written_by_numpy_parse_to_numpys_values() {
    let cases = object(&expected()["npy"]);
    assert_eq!(cases.len(), 9);
    for (name, record) in cases {
        let m = ok(name, parse_npy(&read(name)));
        assert_matches_record(name, &m, record);
        // The dispatcher agrees, whatever the case of the extension.
        assert_eq!(ok(name, parse_activations(&name.to_uppercase(), &read(name))), m, "{name}");
    }
}

#[test]
fn npy_files_numpy_writes_are_rejected_with_the_reason() {
    let cases = object(&expected()["rejected"]);
    assert_eq!(cases.len(), 6);
    for (name, want) in cases {
        let e = err(name, parse_npy(&read(name)));
        let text = e.to_string();
        match (want["kind"].as_str(), &e) {
            (Some("shape"), InputError::Shape { message }) => {
                let shape = want["contains"].as_str().unwrap_or_default();
                assert!(message.contains(shape), "{name}: {message}");
            }
            (Some("npy"), InputError::Npy { .. }) => {
                assert!(text.contains(want["contains"].as_str().unwrap_or_default()), "{name}: {text}");
            }
            (Some("not_finite"), InputError::NotFinite { row, col, value, .. }) => {
                assert_eq!(
                    (Some(*row as u64), Some(*col as u64)),
                    (want["row"].as_u64(), want["col"].as_u64()),
                    "{name}"
                );
                assert!(value.starts_with(want["value"].as_str().unwrap_or_default()), "{name}: {value}");
            }
            _ => panic!("{name}: expected a {} error, got {e:?}", want["kind"]),
        }
    }
}

#[test]
fn messages_for_numpy_rejects_read_well() {
    assert_eq!(
        err("one_d", parse_npy(&read("one_d.npy"))).to_string(),
        "expected a 2-D array [tokens, d_in], found shape (5,)"
    );
    assert_eq!(
        err("three_d", parse_npy(&read("three_d.npy"))).to_string(),
        "expected a 2-D array [tokens, d_in], found shape (3, 4, 5)"
    );
    assert_eq!(
        err("nan", parse_npy(&read("nan.npy"))).to_string(),
        "the .npy array: row 1, column 2 (counting from 0) is NaN; values must be finite numbers"
    );
}

#[test]
fn write_npy_f32_is_byte_identical_to_numpy() {
    let cases = object(&expected()["written_by_numpy"]);
    assert_eq!(cases.len(), 3);
    for (name, record) in cases {
        let shape = sizes(&record["shape"]);
        let values: Vec<f32> = numbers(&record["values"]).into_iter().map(|v| v as f32).collect();
        let m = Matrix::from_vec(shape[0], shape[1], values).unwrap_or_else(|| panic!("{name}: shape"));
        let ours = write_npy_f32(&m);
        assert_eq!(ours, read(name), "{name}");
        if m.rows > 0 && m.cols > 0 {
            assert_eq!(ok(name, parse_npy(&ours)), m, "{name}");
        }
    }
}

#[test]
fn npy_errors_name_their_byte() {
    let f4 = read("f4.npy"); // 128-byte header, then 3 × 4 f32 = 48 bytes.
    assert_eq!(f4.len(), 176);

    let truncated = &f4[..173];
    assert_eq!(
        err("truncated", parse_npy(truncated)),
        InputError::Npy {
            offset: 128,
            message: "shape (3, 4) of float32 needs 48 bytes of data, found 45 (the file is cut short)".into()
        }
    );
    let mut extra = f4.clone();
    extra.extend_from_slice(&[0, 0]);
    assert_eq!(
        err("extra", parse_npy(&extra)),
        InputError::Npy {
            offset: 176,
            message: "shape (3, 4) of float32 needs 48 bytes of data, found 50 (2 extra bytes at the end)".into()
        }
    );
    let mut bad_magic = f4.clone();
    bad_magic[1] = b'M';
    assert!(matches!(err("magic", parse_npy(&bad_magic)), InputError::Npy { offset: 0, .. }));
    assert!(matches!(err("empty", parse_npy(b"")), InputError::Npy { offset: 0, .. }));
    assert_eq!(
        err("header cut", parse_npy(&f4[..60])),
        InputError::Npy { offset: 8, message: "the header length 118 runs past the end of the file (60 bytes)".into() }
    );
    let mut version = f4.clone();
    version[6] = 4;
    assert_eq!(
        err("version", parse_npy(&version)).to_string(),
        "npy file at byte 6: format version 4.0 is not supported (1.0, 2.0 and 3.0 are)"
    );
    let mut header = f4.clone();
    header[12] = b'!'; // 'descr' becomes '!escr': the key is missing.
    assert!(matches!(err("no descr", parse_npy(&header)), InputError::Npy { offset: 10, .. }));
    let mut broken = f4;
    broken[60] = b'x'; // The '(' of the shape.
    assert!(matches!(err("no tuple", parse_npy(&broken)), InputError::Npy { offset: 60, .. }));
}

// ---------------------------------------------------------------- safetensors

/// A safetensors file with the header `header` (unpadded) and `data`.
fn safetensors_file(header: &str, data: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

#[test]
fn safetensors_written_by_the_library_parse_to_its_values() {
    let cases = object(&expected()["safetensors"]);
    for (file, want) in cases {
        let st = ok(file, parse_safetensors(&read(file)));
        let order: Vec<&str> = st.tensors.iter().map(|t| t.name.as_str()).collect();
        let want_order: Vec<&str> = want["order"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        assert_eq!(order, want_order, "{file}: tensors in the order of their data");
        let metadata: BTreeMap<String, String> =
            serde_json::from_value(want["metadata"].clone()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(st.metadata, metadata, "{file}");
        for (name, record) in object(&want["tensors"]) {
            let t = st.get(name).unwrap_or_else(|| panic!("{file}: no {name}"));
            assert_eq!(Some(t.dtype.name()), record["dtype"].as_str(), "{file}/{name}");
            assert_eq!(t.shape, sizes(&record["shape"]), "{file}/{name}");
            let values: Vec<f64> = ok(name, t.to_f32()).into_iter().map(f64::from).collect();
            assert_eq!(values, numbers(&record["values"]), "{file}/{name}");
            if t.shape.len() == 2 {
                assert_matches_record(name, &ok(name, t.to_matrix()), record);
            }
        }
        if let Some(ints) = want.get("ints") {
            for (name, values) in object(ints) {
                let t = st.get(name).unwrap_or_else(|| panic!("{file}: no {name}"));
                let got: Vec<f64> = ok(name, t.to_u32()).into_iter().map(f64::from).collect();
                assert_eq!(got, numbers(values), "{file}/{name}");
            }
        }
    }
}

#[test]
fn activations_are_the_named_tensor_or_the_only_matrix() {
    let tensors = expected()["safetensors"]["tensors.safetensors"]["tensors"].clone();
    // tensors.safetensors has two 2-D float tensors; the one called "activations" is taken.
    let m = ok("tensors", parse_activations("x.safetensors", &read("tensors.safetensors")));
    assert_matches_record("activations", &m, &tensors["activations"]);
    // mixed.safetensors has no "activations"; "resid" (F64) is its only 2-D float tensor.
    let resid = expected()["safetensors"]["mixed.safetensors"]["tensors"]["resid"].clone();
    let m = ok("mixed", parse_activations("mixed.safetensors", &read("mixed.safetensors")));
    assert_matches_record("resid", &m, &resid);

    let mut st = ok("tensors", parse_safetensors(&read("tensors.safetensors")));
    st.tensors.retain(|t| t.name != "activations");
    st.tensors.push(ok("w", Tensor::from_f32("w", vec![1, 2], &[1.0, 2.0])));
    assert_eq!(
        err("ambiguous", activations_from_safetensors(&st)).to_string(),
        "the safetensors file has 2 2-D float tensors and none named \"activations\"; it has \
         \"bias\" [3] F32, \"decoder\" [3, 2] F16, \"w\" [1, 2] F32"
    );
    st.tensors.retain(|t| t.shape.len() != 2);
    assert_eq!(
        err("none", activations_from_safetensors(&st)).to_string(),
        "the safetensors file has no 2-D float tensor [tokens, d_in]; it has \"bias\" [3] F32"
    );
}

#[test]
fn write_safetensors_is_byte_identical_to_the_library() {
    // The library sorts tensors by dtype (widest first), then name, before writing; these are in
    // that order, as the fixture lists them. One metadata key: with more, the library's order is
    // that of a Rust HashMap, which changes from run to run (see the next test).
    let want = &expected()["safetensors"]["tensors.safetensors"]["tensors"];
    let mut tensors = Vec::new();
    for name in ["activations", "bias"] {
        let values: Vec<f32> = numbers(&want[name]["values"]).into_iter().map(|v| v as f32).collect();
        tensors.push(ok(name, Tensor::from_f32(name, sizes(&want[name]["shape"]), &values)));
    }
    let f16: Vec<u8> = numbers(&want["decoder"]["values"])
        .into_iter()
        .flat_map(|v| half::f16::from_f64(v).to_bits().to_le_bytes())
        .collect();
    tensors.push(Tensor {
        name: "decoder".into(),
        dtype: Dtype::F16,
        shape: sizes(&want["decoder"]["shape"]),
        data: f16,
    });
    let metadata = BTreeMap::from([("format".to_owned(), "np".to_owned())]);
    assert_eq!(write_safetensors(&tensors, &metadata), read("tensors.safetensors"));
}

#[test]
fn safetensors_with_several_metadata_keys_round_trip() {
    // Not byte-identical by design: the library keeps metadata in a HashMap, so the file lists
    // its three keys in whatever order that run's hasher gave; this writer sorts them. Everything
    // else (tensor order, header layout, padding, data) is the same, so the file's length is.
    let original = read("mixed.safetensors");
    let st = ok("mixed", parse_safetensors(&original));
    let written = write_safetensors(&st.tensors, &st.metadata);
    assert_eq!(written.len(), original.len());
    assert_eq!(written[written.len() - 75..], original[original.len() - 75..], "the data");
    assert_eq!(ok("rewritten", parse_safetensors(&written)), st);
}

#[test]
fn safetensors_errors_name_byte_and_tensor() {
    let file = read("tensors.safetensors");
    let e = |bytes: &[u8]| err("case", parse_safetensors(bytes));

    assert_eq!(
        e(&file[..5]),
        InputError::Safetensors {
            offset: 0,
            message: "the file is 5 bytes; safetensors starts with an 8-byte header length".into()
        }
    );
    let mut beyond = file.clone();
    beyond[..8].copy_from_slice(&10_000u64.to_le_bytes());
    assert_eq!(
        e(&beyond),
        InputError::Safetensors {
            offset: 0,
            message: format!("the header length 10000 runs past the end of the file ({} bytes)", file.len())
        }
    );
    let mut huge = file.clone();
    huge[..8].copy_from_slice(&100_000_001u64.to_le_bytes());
    assert!(matches!(e(&huge), InputError::Safetensors { offset: 0, message } if message.contains("100 MB")));

    // Cut short: the last tensor's data_offsets run past the data that is there.
    let short = e(&file[..file.len() - 1]);
    let InputError::Safetensors { message, .. } = &short else { panic!("{short:?}") };
    assert!(message.contains("\"decoder\"") && message.contains("run past"), "{message}");

    let data = [0u8; 16];
    let overlap = concat!(
        r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#,
        r#""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
    );
    assert_eq!(
        e(&safetensors_file(overlap, &data)),
        InputError::Safetensors {
            offset: 8 + overlap.len() + 4,
            message: "the data of tensor \"b\" (bytes 4..12 of the data) overlaps tensor \"a\" (0..8)".into()
        }
    );
    let wrong_len = r#"{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#;
    assert_eq!(
        e(&safetensors_file(wrong_len, &data)),
        InputError::Safetensors {
            offset: 8 + 26,
            message: "tensor \"w\": shape [2, 2] of F32 needs 16 bytes, but its data_offsets [0, 12] span 12".into()
        }
    );
    let overflow = r#"{"w":{"dtype":"F64","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}"#;
    assert!(matches!(e(&safetensors_file(overflow, &data)), InputError::Safetensors { offset: 9, message }
        if message.contains("more bytes than can be addressed")));
    let bool_dtype = r#"{"mask":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}"#;
    assert_eq!(
        e(&safetensors_file(bool_dtype, &data)).to_string(),
        "safetensors file at byte 9: tensor \"mask\" has dtype BOOL, which is not supported \
         (F32, F16, BF16, F64, I32, U32, I64, U8)"
    );
    let backwards = r#"{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,2]}}"#;
    assert!(e(&safetensors_file(backwards, &data)).to_string().contains("begin after they end"));
    let metadata = r#"{"__metadata__":{"n":1}}"#;
    assert!(e(&safetensors_file(metadata, &data)).to_string().contains("\"n\" is 1"));
    assert!(matches!(e(&safetensors_file("[1, 2]", &data)), InputError::Safetensors { offset: 8, .. }));
    assert!(matches!(e(&safetensors_file("{\"a\": \u{e9}", &data)), InputError::Safetensors { offset: 14, .. }));
    let mut not_utf8 = safetensors_file("{\"a\":\"xy\"}", &data);
    not_utf8[14] = 0xff;
    assert!(matches!(e(&not_utf8), InputError::Safetensors { offset: 14, message } if message.contains("UTF-8")));
}

#[test]
fn tensor_conversions_name_the_tensor_and_element() {
    let nan = ok("nan", Tensor::from_f32("acts", vec![2, 2], &[0.0, 1.0, 2.0, f32::NAN]));
    assert_eq!(
        err("to_matrix", nan.to_matrix()),
        InputError::NotFinite { array: "tensor \"acts\"".into(), row: 1, col: 1, value: "NaN".into() }
    );
    assert_eq!(
        err("to_f32", nan.to_f32()).to_string(),
        "tensor \"acts\": element [1, 1] is NaN; values must be finite numbers"
    );
    let ints = Tensor { name: "ids".into(), dtype: Dtype::I64, shape: vec![1], data: 5i64.to_le_bytes().to_vec() };
    assert_eq!(err("ints", ints.to_f32()).to_string(), "tensor \"ids\": dtype I64 is not a float type");
    let vector = ok("v", Tensor::from_f32("v", vec![3], &[1.0; 3]));
    assert_eq!(
        err("vector", vector.to_matrix()).to_string(),
        "tensor \"v\": expected a 2-D tensor [tokens, d_in], found shape [3]"
    );
}

// ---------------------------------------------------------------- CSV and dispatch

#[test]
fn csv_errors_name_line_and_column() {
    assert_eq!(
        err("ragged", parse_csv_matrix("a,b,c\n1,2,3\n4,5\n")),
        InputError::Csv {
            line: 3,
            column: 3,
            message: "this row has 2 values, but the first row (line 2) has 3".into()
        }
    );
    assert_eq!(
        err("word", parse_csv_matrix("1,2,3\n4,5,six\n")),
        InputError::Csv { line: 2, column: 3, message: "\"six\" is not a number".into() }
    );
    assert_eq!(
        err("nan", parse_csv_matrix("1;2\r\n3;NaN\r\n")).to_string(),
        "line 2, column 2: \"NaN\" is not allowed; every value must be a finite number"
    );
}

#[test]
fn csv_files_by_extension() {
    let m = ok("tsv", parse_activations("acts.tsv", b"d0\td1\n1\t2\n\n3\t4\n"));
    assert_eq!((m.rows, m.cols, m.values), (2, 2, vec![1.0, 2.0, 3.0, 4.0]));
    assert_eq!(
        err("ext", parse_activations("acts.parquet", b"")).to_string(),
        "\"acts.parquet\": expected a .npy, .safetensors, .csv, .tsv or .txt file"
    );
    assert_eq!(err("utf8", parse_activations("a.txt", b"1,2\n\xc3(\n")), InputError::Utf8 { offset: 4, line: 2 });
}

// ---------------------------------------------------------------- fuzzing

/// Runs every parser (and, on success, every conversion and a write-and-reread) on `bytes`.
fn check_everything(bytes: &[u8]) {
    if let Ok(m) = parse_npy(bytes) {
        assert_eq!(parse_npy(&write_npy_f32(&m)).as_ref(), Ok(&m), "npy round trip");
    }
    if let Ok(st) = parse_safetensors(bytes) {
        for t in &st.tensors {
            let _ = (t.to_f32(), t.to_u32(), t.to_matrix());
        }
        let _ = activations_from_safetensors(&st);
        let rewritten = write_safetensors(&st.tensors, &st.metadata);
        assert_eq!(parse_safetensors(&rewritten).as_ref(), Ok(&st), "safetensors round trip");
    }
    let _ = parse_csv_matrix(&String::from_utf8_lossy(bytes));
    for name in ["a.npy", "a.safetensors", "a.csv", "a.tsv", "a.txt", "a"] {
        let _ = parse_activations(name, bytes);
    }
}

/// Every fixture file, parsed or not: the seeds the mutations start from.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".npy") || n.ends_with(".safetensors"))
            .collect();
        names.sort();
        let mut seeds: Vec<Vec<u8>> = names.iter().map(|n| read(n)).collect();
        seeds.push(b"h1,h2,h3\r\n1,2.5,-3e-2\r\n\r\n4,5,6\r\n".to_vec());
        seeds.push(b"\"a\"\t\"b\"\n1\t2\n".to_vec());
        seeds
    })
}

/// One edit to a seed; positions are fractions of the current length.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(prop::sample::Index, u8),
    Set(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Remove(prop::sample::Index),
    Truncate(prop::sample::Index),
    /// A byte a header is made of: digits, brackets, quotes, separators.
    Syntax(prop::sample::Index, prop::sample::Index),
    /// Eight bytes as a little-endian u64 (a header length, an offset).
    Word(prop::sample::Index, u64),
}

const SYNTAX: &[u8] = b"0123456789 ,:;()[]{}'\"\t\n\r-.eTrueFalsNn";

fn mutation() -> impl Strategy<Value = Mutation> {
    use prop::sample::Index;
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<Index>().prop_map(Mutation::Remove),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), any::<Index>()).prop_map(|(i, s)| Mutation::Syntax(i, s)),
        (any::<Index>(), prop_oneof![0u64..300, any::<u64>()]).prop_map(|(i, w)| Mutation::Word(i, w)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    let at = |i: &prop::sample::Index| if len == 0 { 0 } else { i.index(len) };
    match m {
        Mutation::Flip(i, bit) if len > 0 => bytes[at(i)] ^= 1 << bit,
        Mutation::Set(i, b) if len > 0 => bytes[at(i)] = *b,
        Mutation::Insert(i, b) => bytes.insert(if len == 0 { 0 } else { i.index(len + 1) }, *b),
        Mutation::Remove(i) if len > 0 => {
            bytes.remove(at(i));
        }
        Mutation::Truncate(i) => bytes.truncate(at(i)),
        Mutation::Syntax(i, s) if len > 0 => bytes[at(i)] = SYNTAX[s.index(SYNTAX.len())],
        Mutation::Word(i, w) => {
            let start = at(i);
            for (k, b) in w.to_le_bytes().into_iter().enumerate() {
                if let Some(slot) = bytes.get_mut(start + k) {
                    *slot = b;
                }
            }
        }
        _ => {}
    }
}

/// `cases` runs, or `PROPTEST_CASES` when set (for a long fuzzing session).
#[allow(clippy::disallowed_methods)] // the test harness, not the crate, reads the environment
fn fuzz_config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases),
        // Seeds of failures go next to the kept crashes, not into a folder beside the tests.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/fixtures/io/fuzz/proptest-regressions.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(fuzz_config(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_everything(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_prefix_never_panic(
        prefix in prop::sample::select(vec![&b"\x93NUMPY\x01\x00"[..], b"\x93NUMPY\x03\x00", b"\x10\0\0\0\0\0\0\0{"]),
        rest in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        check_everything(&[prefix, &rest[..]].concat());
    }
}

proptest! {
    #![proptest_config(fuzz_config(3000))]

    #[test]
    fn mutated_fixtures_never_panic(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let seeds = seeds();
        let mut bytes = seeds[seed.index(seeds.len())].clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        check_everything(&bytes);
    }

    #[test]
    fn npy_and_csv_round_trip_any_finite_matrix(
        rows in 1usize..6,
        cols in 1usize..6,
        raw in prop::collection::vec(prop::num::f32::NORMAL | prop::num::f32::ZERO | prop::num::f32::SUBNORMAL, 36),
        sep in prop::sample::select(vec![",", "\t", ";", ", "]),
        header in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let m = Matrix::from_vec(rows, cols, raw[..rows * cols].to_vec()).unwrap_or_else(|| panic!("shape"));
        let npy = write_npy_f32(&m);
        prop_assert_eq!(npy.len() - rows * cols * 4, 128);
        prop_assert_eq!(parse_npy(&npy), Ok(m.clone()));

        let newline = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        if header {
            text.push_str(&(0..cols).map(|c| format!("f{c}")).collect::<Vec<_>>().join(sep));
            text.push_str(newline);
        }
        for r in 0..rows {
            text.push_str(&m.row(r).iter().map(f32::to_string).collect::<Vec<_>>().join(sep));
            text.push_str(newline);
        }
        prop_assert_eq!(parse_csv_matrix(&text), Ok(m));
    }
}

/// A safetensors file from parts: entries (name, dtype, shape, begin, length), data length and
/// metadata, so the checks past the JSON (bounds, lengths, overlaps, order) get exercised.
fn built_safetensors(
    entries: &[(String, &str, Vec<u64>, u64, u64)],
    data_len: usize,
    metadata: Option<BTreeMap<String, String>>,
) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    for (name, dtype, shape, begin, len) in entries {
        header.insert(
            name.clone(),
            serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": [begin, begin + len]}),
        );
    }
    if let Some(m) = metadata {
        header.insert("__metadata__".into(), serde_json::json!(m));
    }
    let text = Value::Object(header).to_string();
    let data: Vec<u8> = (0..data_len).map(|i| (i * 37 % 251) as u8).collect();
    safetensors_file(&text, &data)
}

/// A .npy file from parts, with `extra` bytes more (or fewer) data than the shape needs.
fn built_npy(version: u8, descr: &str, fortran: bool, shape: &[usize], extra: i64) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    let tuple = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
    let order = if fortran { "True" } else { "False" };
    let header = format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {tuple}, }}\n");
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[version, 0]);
    if version == 1 {
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(header.as_bytes());
    let size = descr.get(2..).and_then(|s| s.parse::<i64>().ok()).unwrap_or(4);
    let needed = shape.iter().product::<usize>() as i64 * size;
    // Bits that are often NaN or inf in f16 and f32, so the value checks run too.
    out.extend((0..(needed + extra).max(0)).map(|i| if i % 7 == 6 { 0x7f } else { (i * 13 % 256) as u8 }));
    out
}

const PIECES: &[&str] = &[
    "1", "-2.5", "3e-4", "1e39", ",", "\t", ";", "\"", "nan", "inf", "\r\n", "\n", " ", "abc", "-", ".", "é",
    "\u{feff}", "0", ",,", "\"a,b\"",
];

proptest! {
    #![proptest_config(fuzz_config(2000))]

    #[test]
    fn built_safetensors_never_panic_and_rewrite_faithfully(
        entries in prop::collection::vec((
            prop::sample::select(vec!["a", "b", "activations", "w", "\"q\\", "é"]).prop_map(String::from),
            prop::sample::select(vec!["F32", "F16", "BF16", "F64", "I32", "U32", "I64", "U8", "BOOL", "f32"]),
            prop::collection::vec(prop_oneof![0u64..4, Just(u64::MAX)], 0..3),
            0u64..40,
            0u64..40,
        ), 0..4),
        data_len in 0usize..64,
        metadata in prop::option::of(prop::collection::btree_map("[a-z\"\\\\\n]{0,3}", "[a-z\u{1}]{0,3}", 0..3)),
    ) {
        check_everything(&built_safetensors(&entries, data_len, metadata));
    }

    #[test]
    fn built_npy_never_panic(
        version in 1u8..4,
        descr in prop::sample::select(vec!["<f4", ">f4", "<f2", ">f2", "<f8", ">f8", "<i8", "|u1", "=f4"]),
        fortran in any::<bool>(),
        shape in prop::collection::vec(0usize..5, 0..4),
        extra in -3i64..3,
    ) {
        check_everything(&built_npy(version, descr, fortran, &shape, extra));
    }

    #[test]
    fn pieced_text_never_panics(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..40)) {
        check_everything(pieces.concat().as_bytes());
    }
}

#[test]
fn kept_crashes_stay_fixed() {
    let dir = fixture_dir().join("fuzz");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        check_everything(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
        replayed += 1;
    }
    assert!(replayed > 0, "nothing in {}", dir.display());
}

#[test]
fn hostile_shapes_and_nesting_stay_bounded() {
    // A header that nests deeper than any real one, and sizes whose product overflows.
    let deep =
        format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {}1{}, }}", "(".repeat(5000), ")".repeat(5000));
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    npy.extend_from_slice(&(deep.len() as u16).to_le_bytes());
    npy.extend_from_slice(deep.as_bytes());
    check_everything(&npy);
    let huge = "{'descr': '<f8', 'fortran_order': True, 'shape': (18446744073709551615, 18446744073709551615), }";
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    npy.extend_from_slice(&(huge.len() as u16).to_le_bytes());
    npy.extend_from_slice(huge.as_bytes());
    assert!(matches!(parse_npy(&npy), Err(InputError::Npy { message, .. }) if message.contains("too large")));
    // An empty array whose other dimension is absurd: rejected rather than handed on.
    let empty = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1000000000000), }";
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    npy.extend_from_slice(&(empty.len() as u16).to_le_bytes());
    npy.extend_from_slice(empty.as_bytes());
    assert!(matches!(parse_npy(&npy), Err(InputError::Shape { .. })));
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    check_everything(&safetensors_file(&deep_json, &[]));
}
