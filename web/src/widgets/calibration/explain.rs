//! What the calibration widget measures and why the conventions disagree.

use leptos::prelude::*;

#[component]
pub fn Explanation() -> impl IntoView {
    view! {
        <h3>"What this measures"</h3>
        <dl class="formulas">
            <dt>"Expected calibration error (ECE)"</dt>
            <dd>"Sort answers into bins by confidence; in each bin compare the share that is right (accuracy) with the mean confidence; average the gaps weighted by bin size. Empty bins count for nothing. The article bins with min(⌊c · B⌋, B − 1)."</dd>
            <dt>"Why conventions disagree"</dt>
            <dd>"Bin edges are not exact in floating point: numpy's edge at 0.3 is 0.30000000000000004, so a confidence of exactly 0.3 lands one bin lower than in the article; scikit-learn closes bins on the right; torchmetrics gives c = 1 a bin of its own. When every bin errs the same way, ECE equals |mean confidence − accuracy| for any binning, so test data needs bins of both signs."</dd>
            <dt>"Relatives"</dt>
            <dd>"MCE is the largest gap; RMS weights large gaps more; Kumar et al.'s debiased l2 removes the noise a finite bin adds; equal-mass ECE puts the same number of rows in each bin (ties kept together); class-wise and top-label ECE look past the top label; Brier and NLL score the probabilities themselves."</dd>
            <dt>"Recalibration"</dt>
            <dd>"Histogram binning and isotonic regression learn a map from confidence to accuracy on 70 % of the rows and are judged on the other 30 %, so a method cannot grade its own homework. Temperature scaling divides logits by T, fitted exactly: the NLL is convex in 1/T."</dd>
            <dt>"Abstention"</dt>
            <dd>"Answer only above a threshold. AURC is the mean error rate over all thresholds; E-AURC subtracts what a perfect ordering of the same answers would achieve."</dd>
        </dl>
        <p class="source">"Sources: Guo et al. 2017 (arXiv 1706.04599); Naeini et al. 2015; Kumar, Liang & Ma 2019, Verified Uncertainty Calibration; Gupta & Ramdas 2022 (top-label); Geifman & El-Yaniv 2017 (risk–coverage). Reference values: tests/reference/calibration_reference.py (numpy, scikit-learn, scipy)."</p>
    }
}
