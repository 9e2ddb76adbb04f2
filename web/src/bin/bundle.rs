//! Entry point of one part of the site, named at compile time by `FRONTIER_BUNDLE` (`home`, a
//! problem's id, or `full`): `cargo xtask dist` builds it once per bundle. Only the chosen
//! bundle's widgets are reachable from here, so the others are left out of the module.

const BUNDLE: frontier_web::bundle::Bundle = frontier_web::bundle::named(match option_env!("FRONTIER_BUNDLE") {
    Some(name) => name,
    None => "home",
});

fn main() {
    frontier_web::start(BUNDLE);
}
