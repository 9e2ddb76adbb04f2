//! The bundled MiniLM activations (static/sae/): rows, their tokens and their sequences.
