//! End-to-end tests of the alignment widgets: binary-search debate (watched to the end, played
//! as the judge, and the many-games table), and weak-to-strong trained in the page.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use frontier_e2e::run;

const DEBATE: &str = r#"section.widget[data-widget="debate"]"#;
const W2S: &str = r#"section.widget[data-widget="weak-to-strong"]"#;

async fn click(page: &frontier_e2e::Page, testid: &str) -> Result<()> {
    page.wait_for(&format!(r#"[data-testid="{testid}"]"#))
        .await?
        .click()
        .await
        .with_context(|| format!("click {testid}"))?;
    Ok(())
}

#[tokio::test]
async fn a_watched_debate_ends_with_the_judge_checking_one_step() -> Result<()> {
    run(|page| async move {
        page.goto("#/alignment/debate").await?;
        page.wait_for(DEBATE).await?;
        click(&page, "debate-all").await?;
        // 2^20 steps: 20 rounds, then one step, so the judge's work is 21.
        page.wait_for_text(r#"[data-testid="debate-rounds"]"#, |t| t == "20").await?;
        click(&page, "debate-judge").await?;
        let winner = page.wait_for_text(r#"[data-testid="debate-winner"]"#, |t| !t.is_empty()).await?;
        ensure!(winner == "The honest debater wins", "winner: {winner}");
        ensure!(page.text(r#"[data-testid="judge-work"]"#).await? == "21", "judge work");
        ensure!(page.count(r#"[data-testid="debate-transcript"] tbody tr"#).await? == 20, "20 transcript rows");

        // The game survives a reload (its moves are in the state).
        page.client.refresh().await?;
        page.wait_for(DEBATE).await?;
        page.wait_for_text(r#"[data-testid="debate-winner"]"#, |t| t == "The honest debater wins").await?;

        // Many games: the full debater always wins before a correct judge; the lazy one almost never.
        click(&page, "winrates-run").await?;
        let table = page.wait_for_text(r#"[data-testid="winrates"]"#, |t| !t.is_empty()).await?;
        ensure!(table.contains("2000 / 2000"), "the full debater should win every game: {table}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_user_judges_the_last_step() -> Result<()> {
    run(|page| async move {
        page.goto("#/alignment/debate").await?;
        page.wait_for(DEBATE).await?;
        page.client
            .execute(
                "const s = document.querySelector('[data-testid=\"debate-role\"]'); s.value = 'judge'; \
                 s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
                Vec::new(),
            )
            .await?;
        click(&page, "debate-all").await?;
        // The example's seed (3) is odd: debater B is the honest one.
        click(&page, "judge-b").await?;
        let winner = page.wait_for_text(r#"[data-testid="debate-winner"]"#, |t| !t.is_empty()).await?;
        ensure!(winner == "The honest debater wins", "ruling for B: {winner}");
        click(&page, "debate-new").await?;
        click(&page, "debate-all").await?;
        click(&page, "judge-a").await?;
        let winner = page.wait_for_text(r#"[data-testid="debate-winner"]"#, |t| !t.is_empty()).await?;
        ensure!(winner == "The liar wins", "ruling for A: {winner}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn weak_to_strong_trains_in_the_page() -> Result<()> {
    run(|page| async move {
        page.goto("#/alignment/weak-to-strong").await?;
        page.wait_for(W2S).await?;
        // The shipped data at 20 words (crates/alignment/tests/weak_to_strong.rs): weak 66.8 %,
        // naive 76.3 %, auxiliary 81.6 %, ceiling 88.3 %.
        let naive = page.wait_for_text(r#"[data-testid="pgr-naive"]"#, |t| !t.is_empty()).await?;
        let aux = page.text(r#"[data-testid="pgr-aux"]"#).await?;
        ensure!(naive == "44 %" && aux == "69 %", "PGR naive {naive}, aux {aux}");
        ensure!(page.text(r#"[data-testid="w2s-ceiling"]"#).await? == "88.3%", "ceiling");
        page.client.find(Locator::Css(r#"[data-testid="w2s-sweep-run"]"#)).await?.click().await?;
        page.wait_for(r#"[data-testid="w2s-sweep-table"]"#).await?;
        ensure!(page.count(r#"[data-testid="w2s-sweep-table"] tbody tr"#).await? == 9, "nine sweep rows");
        Ok(())
    })
    .await
}

const PIXEL: &str = r#"section.widget[data-widget="pixel-debate"]"#;

/// The example game (first held-out digit, greedy debaters, 6 pixels, the liar asked to claim 0)
/// replayed natively by the rule the page uses, and the first 100 digits measured natively: what
/// the page must show.
fn native_pixel_results() -> Result<(String, String)> {
    use frontier_alignment::pixel::{evaluate, replay, Digits, GameSettings, Judge, Player, Strategy};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/alignment/assets");
    let judge = Judge::from_bytes(&std::fs::read(root.join("pixel-judge.bin"))?)?;
    let digits = Digits::from_bytes(&std::fs::read(root.join("pixel-digits.bin"))?)?;
    // The page's example state: digit 0, liar label 0, 6 pixels, greedy, watching, seed 1.
    let played = replay(&judge, &digits, &GameSettings::watched(0, 0, 6, Strategy::Greedy))?;
    let verdict = played.verdict.context("the example game ends")?;
    let winner = if verdict.winner == Player::Honest { "The honest debater wins" } else { "The liar wins" };
    let greedy = evaluate(&judge, &digits.as_slice()[..100], 6, Strategy::Greedy, 1);
    Ok((winner.to_string(), format!("{:.1} %", 100.0 * greedy.debate_accuracy)))
}

#[tokio::test]
async fn pixel_debate_matches_the_native_game_and_measurement() -> Result<()> {
    let (winner, greedy_accuracy) = native_pixel_results()?;
    run(|page| async move {
        page.goto("#/alignment/pixel-debate").await?;
        page.wait_for(PIXEL).await?;
        let shown = page.wait_for_text(r#"[data-testid="pixel-winner"]"#, |t| !t.is_empty()).await?;
        ensure!(shown == winner, "the page says {shown:?}, the native replay {winner:?}");
        click(&page, "pixel-measure-run").await?;
        let table =
            page.wait_for_text(r#"[data-testid="pixel-measure-table"]"#, |t| t.contains("Here: Greedy")).await?;
        ensure!(table.contains(&greedy_accuracy), "greedy debate accuracy {greedy_accuracy} not in {table}");
        ensure!(table.contains("88.9 %") && table.contains("59.4 %"), "the paper's figures: {table}");
        Ok(())
    })
    .await
}
