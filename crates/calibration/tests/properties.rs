//! Properties of the calibration metrics and the parser.

use frontier_calibration::{evaluate, parse, Binning};
use proptest::prelude::*;

fn rows() -> impl Strategy<Value = Vec<(f64, bool)>> {
    proptest::collection::vec((0.0..=1.0f64, any::<bool>()), 1..200)
}

proptest! {
    #[test]
    fn ece_and_friends_stay_in_range(data in rows(), bins in 1usize..40, b in 0usize..5) {
        let (conf, ok): (Vec<f64>, Vec<bool>) = data.into_iter().unzip();
        let r = evaluate(&conf, &ok, bins, Binning::ALL[b]);
        for v in [r.ece, r.mce, r.rmsce, r.debiased_l2, r.ece_equal_mass, r.brier] {
            prop_assert!((0.0..=1.0).contains(&v), "{v}");
        }
        prop_assert!(r.ece <= r.rmsce + 1e-12 && r.rmsce <= r.mce + 1e-12);
        prop_assert_eq!(r.bins.iter().map(|b| b.count).sum::<usize>() + r.unbinned, conf.len());
    }

    #[test]
    fn row_order_does_not_matter(data in rows(), b in 0usize..5) {
        let (conf, ok): (Vec<f64>, Vec<bool>) = data.iter().copied().unzip();
        let (rc, rok): (Vec<f64>, Vec<bool>) = data.iter().rev().copied().unzip();
        let a = evaluate(&conf, &ok, 10, Binning::ALL[b]);
        let z = evaluate(&rc, &rok, 10, Binning::ALL[b]);
        prop_assert!((a.ece - z.ece).abs() < 1e-12 && (a.ece_equal_mass - z.ece_equal_mass).abs() < 1e-12);
    }

    #[test]
    fn perfect_predictions_have_zero_brier(ok in proptest::collection::vec(any::<bool>(), 1..100)) {
        let conf: Vec<f64> = ok.iter().map(|&o| if o { 1.0 } else { 0.0 }).collect();
        prop_assert_eq!(evaluate(&conf, &ok, 10, Binning::Article).brier, 0.0);
    }

    #[test]
    fn the_parser_never_panics(text in ".{0,400}") {
        let _ = parse(&text, None, false);
        let _ = parse(&text, None, true);
    }

    #[test]
    fn the_parser_never_panics_on_csv_like_input(lines in proptest::collection::vec("[a-z0-9_,.\"\\-]{0,30}", 0..10)) {
        let text = format!("pred,conf,label\n{}", lines.join("\n"));
        let _ = parse(&text, None, true);
        let text = format!("p_0,p_1,label\n{}", lines.join("\n"));
        let _ = parse(&text, None, false);
    }
}
