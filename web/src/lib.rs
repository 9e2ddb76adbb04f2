//! Frontier Lab's single-page app: leptos views over the core crates.
//!
//! This crate turns user input into core calls and results into views. It holds no
//! analysis: a formula found here belongs in a crate under `crates/`.

pub mod bench;
pub mod bundle;
pub mod framework;
pub mod jobs;
pub mod lessons;
pub mod lm_worker;
pub mod pages;
pub mod problems;
pub mod sae_worker;
pub mod widgets;

/// Installs the panic panel, then mounts the app on `<body>` as `bundle` (see [`bundle`]).
pub fn start(bundle: bundle::Bundle) {
    bundle::set(bundle);
    framework::fatal::install_panic_hook();
    framework::fatal::install_test_hooks();
    framework::fatal::clear_boot_notice();
    leptos::mount::mount_to_body(pages::App);
}
