//! The hostile memory files of `tests/hostile/files/` that the page's Import reads: each is
//! refused with an error that says where, and none panics or overflows the stack.

use frontier_memory::import::import_operations;

fn hostile(name: &str) -> String {
    let path = format!("{}/../../tests/hostile/files/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn refused(name: &str) -> String {
    match import_operations(&hostile(name), 1_000) {
        Ok(ops) => panic!("{name} gave {} operations", ops.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn json_nested_100000_deep_is_refused() {
    let message = refused("memory-import-deep.json");
    assert!(!message.is_empty());
}

#[test]
fn a_memory_of_the_wrong_types_is_refused_with_its_field() {
    let message = refused("memory-import-mistyped.json");
    // The first mistyped field is named with where it is.
    assert!(message.contains("line 1, column 33") && message.contains("field importance"), "{message}");
}

#[test]
fn a_file_that_ends_in_a_string_is_refused() {
    let message = refused("memory-import-truncated.json");
    assert!(!message.is_empty());
}
