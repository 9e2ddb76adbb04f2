//! Entry point of the app's wasm module; everything lives in the library so tests reach it.

fn main() {
    frontier_web::start();
}
