//! `saelens::load` and the bundled-data reader take user files: no input makes them panic.

use frontier_sae::config::{Arch, InitScheme, SaeConfig};
use frontier_sae::data::bundled::TokenActivations;
use frontier_sae::rng::Rng;
use frontier_sae::saelens::{load, save, Extras};
use frontier_sae::Sae;
use proptest::prelude::*;

fn valid() -> (Vec<u8>, String) {
    let cfg = SaeConfig { d_in: 3, d_sae: 5, arch: Arch::TopK, k: 2, apply_b_dec_to_input: true };
    let sae = Sae::init(cfg, InitScheme::Tied, true, &mut Rng::new(4));
    save(&sae, &Extras::default()).unwrap_or_else(|e| panic!("{e}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn mutated_weights_and_configs_never_panic(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
                                               cut in any::<usize>(), json in ".{0,200}") {
        let (mut weights, cfg) = valid();
        for (at, byte) in flips {
            let len = weights.len();
            weights[at % len] = byte;
        }
        let cut = cut % (weights.len() + 1);
        let _ = load(&weights[..cut], &cfg);
        let _ = load(&weights, &json);
        let _ = TokenActivations::parse(&weights[..cut]);
    }

    #[test]
    fn configs_with_odd_values_never_panic(d_in in any::<i64>(), d_sae in any::<i64>(), k in any::<f64>(),
                                          arch in prop::sample::select(vec!["standard", "topk", "jumprelu", "gated", ""])) {
        let (weights, _) = valid();
        let cfg = format!(r#"{{"architecture": "{arch}", "d_in": {d_in}, "d_sae": {d_sae}, "k": {k}}}"#);
        let _ = load(&weights, &cfg);
    }
}
