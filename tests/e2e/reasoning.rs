//! The reasoning lab: the chain-of-thought checker (its worked example, an edited trace kept
//! across a reload, a batch file checked in the worker, embed mode), the constraint solver and
//! the reasoning probes.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use frontier_e2e::{run, TempDir};

const COT: &str = r#"section.widget[data-widget="cot"]"#;

/// Types `text` into the textarea `testid` the way a user's input event arrives.
fn type_into(testid: &str, text: &str) -> String {
    format!(
        r#"const t = document.querySelector('[data-testid="{testid}"]');
        t.value = {text:?}; t.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;"#
    )
}

#[tokio::test]
async fn the_checker_finds_the_examples_slips_and_keeps_an_edited_trace() -> Result<()> {
    run(|page| async move {
        page.goto("#/reasoning/cot").await?;
        page.wait_for(COT).await?;
        let summary = page.wait_for_text(r#"[data-testid="cot-summary"]"#, |t| t.contains("equations")).await?;
        ensure!(summary.starts_with("9 steps; 7 equations checked exactly, 2 wrong"), "{summary}");
        for (id, expected) in [
            ("cot-count-arithmetic_error", "2"),
            ("cot-count-self_contradiction", "2"),
            ("cot-count-unsupported_number", "1"),
            // The article's regex misreads "1.5*30 = 45" as 5*30 and sees neither × nor a percentage.
            ("cot-baseline-arithmetic_error", "1"),
        ] {
            let got = page.text(&format!(r#"[data-testid="{id}"]"#)).await?;
            ensure!(got == expected, "{id}: {got}, expected {expected}");
        }
        let marks = page.count("mark.cot-arith").await?;
        ensure!(marks >= 2, "{marks} arithmetic marks");

        page.client.execute(&type_into("cot-trace", "She buys 4 × 12 = 46 eggs."), Vec::new()).await?;
        page.wait_for_text(r#"[data-testid="cot-summary"]"#, |t| {
            t.starts_with("1 steps; 1 equations checked exactly, 1 wrong")
        })
        .await?;
        page.client.refresh().await?;
        page.wait_for(COT).await?;
        page.wait_for_text(r#"[data-testid="cot-summary"]"#, |t| {
            t.starts_with("1 steps; 1 equations checked exactly, 1 wrong")
        })
        .await
        .context("the edited trace did not survive a reload")?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_file_of_traces_is_checked_in_the_worker() -> Result<()> {
    run(|page| async move {
        let dir = TempDir::new("frontier-e2e-cot")?;
        let file = dir.path().join("traces.jsonl");
        std::fs::write(
            &file,
            "{\"id\": \"a\", \"trace\": \"93 x 6 = 293\\nSo the answer is 293.\"}\n{\"id\": \"b\", \"trace\": \"3 * 7 = 21\"}\n",
        )?;
        page.goto("#/reasoning/cot").await?;
        page.wait_for(COT).await?;
        let input = page.client.find(Locator::Css(r#"[data-testid="cot-batch-file"]"#)).await?;
        input.send_keys(&file.display().to_string()).await.context("the file input refused the traces")?;
        let summary = page.wait_for_text(r#"[data-testid="cot-batch-summary"]"#, |t| !t.is_empty()).await?;
        ensure!(summary.starts_with("2 traces: 1 with findings; 1 arithmetic errors"), "{summary}");
        ensure!(summary.contains("(the article's rules: 1,"), "{summary}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_checker_embeds() -> Result<()> {
    run(|page| async move {
        page.goto("#/embed/cot").await?;
        page.wait_for(COT).await?;
        ensure!(page.count("header.site-header").await? == 0, "embed mode shows no site header");
        page.wait_for_text(r#"[data-testid="cot-summary"]"#, |t| t.contains("2 wrong")).await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_solver_counts_proves_impossible_and_checks_a_proposal() -> Result<()> {
    run(|page| async move {
        page.goto("#/reasoning/csp").await?;
        let status = page.wait_for_text(r#"[data-testid="csp-status"]"#, |t| !t.is_empty()).await?;
        ensure!(status == "2 ways out of 243 meet every constraint.", "{status}");
        ensure!(page.count("table.csp-solutions tbody tr").await? == 2, "two solutions listed");
        let check = page.text(r#"[data-testid="csp-check"]"#).await?;
        ensure!(check.starts_with("Not valid: 1 problem"), "{check}");

        page.client.execute(&type_into("csp-problem", "people: A, B, C\nrooms: X (1), Y (1)\n"), Vec::new()).await?;
        page.wait_for_text(r#"[data-testid="csp-status"]"#, |t| t.starts_with("Impossible")).await?;
        page.client.execute(&type_into("csp-problem", "people: A, B\nrooms: X\ntogether: A, Z\n"), Vec::new()).await?;
        let error = page.wait_for_text(r#"[data-testid="csp-status"]"#, |t| t.contains("line 3")).await?;
        ensure!(error.contains("column"), "{error}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_probes_grade_the_example_answers_beside_the_article() -> Result<()> {
    run(|page| async move {
        page.goto("#/reasoning/probes").await?;
        let summary = page.wait_for_text(r#"[data-testid="probes-summary"]"#, |t| !t.is_empty()).await?;
        ensure!(summary == "10 items, 10 answered, 6 right (60 %).", "{summary}");
        ensure!(page.text(r#"[data-testid="probes-accuracy-counting"]"#).await? == "50 %", "counting");
        ensure!(page.text(r#"[data-testid="probes-accuracy-weekday"]"#).await? == "100 %", "weekday");
        page.client.execute(&type_into("probes-answers", "1. 0\n"), Vec::new()).await?;
        page.wait_for_text(r#"[data-testid="probes-summary"]"#, |t| t == "10 items, 1 answered, 1 right (10 %).")
            .await?;
        Ok(())
    })
    .await
}
