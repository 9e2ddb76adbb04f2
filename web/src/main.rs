//! Entry point of the app's wasm module with every widget and the lessons (the `full` bundle,
//! which Trunk builds); everything lives in the library so tests reach it.

fn main() {
    frontier_web::start(frontier_web::bundle::FULL);
}
