//! End-to-end tests of the calibration widget: the sample loads with its diagram, pasted data
//! is analysed, the bin count changes the result, and a bad file gets a located error.

use anyhow::{ensure, Context, Result};
use frontier_e2e::run;

const CAL: &str = r#"section.widget[data-widget="calibration"]"#;
const ECE: &str = r#"output[data-testid="ece"]"#;

fn paste_and_analyse(text: &str) -> String {
    format!(
        r#"document.querySelector('details.group-details').open = true;
        const t = document.querySelector('[data-testid="cal-paste"]');
        t.value = {text:?}; t.dispatchEvent(new Event('input', {{ bubbles: true }}));
        document.querySelector('[data-testid="cal-analyse"]').click(); return true;"#
    )
}

#[tokio::test]
async fn calibration_widget_analyses_pasted_data_and_locates_errors() -> Result<()> {
    run(|page| async move {
        page.goto("#/hallucination/calibration").await?;
        page.wait_for(CAL).await?;
        let sample = page.wait_for_text(ECE, |t| !t.is_empty()).await?;
        ensure!(page.count(".chart-svg svg").await? >= 3, "the reliability diagram and the other charts are drawn");
        // The self-consistency section sits in a closed <details>: read its text, not its rendering.
        let agreement = page
            .client
            .execute("return document.querySelector('[data-testid=agreement]').textContent;", Vec::new())
            .await?;
        ensure!(
            agreement.as_str().is_some_and(|t| t.contains("ECE")),
            "the self-consistency section reads {agreement}"
        );

        // Bins 9 and 6 of the crate's hand-computed example: ECE 0.4.
        let data = "prediction,confidence,label\na,0.9,a\nb,0.95,a\nc,0.6,c\nd,0.65,d\n";
        page.client.execute(&paste_and_analyse(data), Vec::new()).await?;
        page.wait_for_text(ECE, |t| t == "0.4000")
            .await
            .with_context(|| format!("pasted data should give ECE 0.4 (sample gave {sample})"))?;

        // Two bins instead of ten: all four rows fall in [0.5, 1]; accuracy 3/4 against mean
        // confidence 3.1/4 = 0.775, so ECE = 0.025.
        let two = r#"const s = document.querySelector('[data-testid="bins-input"]'); s.value = '2';
                     s.dispatchEvent(new Event('change', { bubbles: true })); return true;"#;
        page.client.execute(two, Vec::new()).await?;
        page.wait_for_text(ECE, |t| t == "0.0250").await.context("two bins should give ECE 0.025")?;

        // A confidence outside [0, 1] is reported with its row and column.
        page.client.execute(&paste_and_analyse("pred,conf,label\na,0.5,a\nb,1.5,b\n"), Vec::new()).await?;
        let message = page.wait_for_text(r#"[data-testid="cal-message"]"#, |t| t.contains("row")).await?;
        ensure!(message.contains("row 3, column conf"), "the error reads {message:?}");

        // Unrecognised columns offer a mapping step; mapped, the file is analysed.
        page.client
            .execute(&paste_and_analyse("answer,score,gold\nparis,0.9,paris\nrome,0.8,oslo\n"), Vec::new())
            .await?;
        page.wait_for(r#"[data-testid="cal-mapping"]"#).await?;
        let map = r#"const s = document.querySelectorAll('[data-testid="cal-mapping"] select');
            const pick = (el, v) => { el.value = v; el.dispatchEvent(new Event('change', { bubbles: true })); };
            pick(s[0], 'answer'); pick(s[1], 'score'); pick(s[2], 'gold');
            document.querySelector('[data-testid="cal-mapping"] button').click(); return true;"#;
        page.client.execute(map, Vec::new()).await?;
        // Still two bins: 0.9 (right) and 0.8 (wrong) share the upper bin, accuracy 0.5 against
        // confidence 0.85, so ECE = 0.35.
        page.wait_for_text(ECE, |t| t == "0.3500").await.context("the mapped file should give ECE 0.35")?;
        Ok(())
    })
    .await
}
