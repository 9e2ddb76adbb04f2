//! A long-term memory for language-model agents.
//!
//! [`store`] holds memories and answers queries under a [`policy`]: the article's exactly
//! (raw cosine, `exp(−age/720)`, importance, access count) or one after Generative Agents
//! (per-query min-max normalization). Time is always an input. Writes can detect repeats and
//! conflicts ([`update`]: ADD, UPDATE, SUPERSEDE, NOOP); forgetting goes by id or subject
//! with a cascade and an audit, or by similarity as the article does. Eviction keeps its order
//! in a kinetic tournament ([`evict`]), O(log n) per change. [`embed`] turns text into vectors
//! with nothing downloaded. [`import`] reads exported memories back, every problem located by line
//! and field.

pub mod embed;
pub mod evict;
pub mod example;
pub mod import;
pub mod policy;
pub mod quantized;
pub mod scenario;
pub mod settings;
pub mod static_model;
pub mod store;
pub mod update;
pub mod vector;
