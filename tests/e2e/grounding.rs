//! End-to-end tests of the grounding widget: the worked example's token counts and the
//! article's claim, a scheme drawn on choice, your own image read in the page and kept across a
//! reload, an unreadable file named, and regions of interest added from the keyboard.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use frontier_e2e::{run, TempDir};

const GROUNDING: &str = r#"section.widget[data-widget="grounding"]"#;

fn tokens(scheme: &str) -> String {
    format!(r#"[data-testid="tokens-{scheme}"]"#)
}

#[tokio::test]
async fn the_1080p_example_shows_every_scheme_and_checks_the_article() -> Result<()> {
    run(|page| async move {
        page.goto("#/grounding/grounding").await?;
        page.wait_for(GROUNDING).await?;
        // The references' 1080p table, as visual tokens plus delimiters: 576 + 0 under CLIP at
        // 336, 1,920 + 28 newlines AnyRes (the processor's 1,948), 2,304 + 2 InternVL, 2,691 + 2
        // Qwen2-VL.
        for (scheme, expected, delimiters) in [
            ("clip-336-crop", "576", "0"),
            ("clip-336-pad", "576", "0"),
            ("llava-next", "1920", "28"),
            ("internvl", "2304", "2"),
            ("qwen2-vl", "2691", "2"),
        ] {
            let found = page.wait_for_text(&tokens(scheme), |t| !t.is_empty()).await?;
            ensure!(found == expected, "{scheme}: {found:?}, expected {expected}");
            let found = page.text(&format!(r#"[data-testid="delimiters-{scheme}"]"#)).await?;
            ensure!(found == delimiters, "{scheme} delimiters: {found:?}, expected {delimiters}");
        }
        let claim = page.text(r#"[data-testid="article-claim"]"#).await?;
        ensure!(claim.contains("45×45 px") && claim.contains("43.8 %") && claim.contains("80×80 px"), "claim: {claim}");
        // The drawing's text alternative follows the chosen scheme.
        page.client.find(Locator::Css(r#"[data-testid="scheme-qwen2-vl"]"#)).await?.click().await?;
        let caption = page.wait_for_text(r#"[data-testid="grounding-caption"]"#, |t| t.contains("Qwen2-VL")).await?;
        ensure!(
            caption.contains("2691 visual tokens and 2 delimiter tokens") && caption.contains("69×39"),
            "caption: {caption}"
        );
        // Two example regions under the article's pooling: 256 + 1 + 1.
        let total = page.wait_for_text(r#"[data-testid="roi-total"]"#, |t| !t.is_empty()).await?;
        ensure!(total == "258", "ROI total {total:?}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn your_image_is_read_in_the_page_and_kept_across_a_reload() -> Result<()> {
    run(|page| async move {
        let dir = TempDir::new("frontier-e2e-grounding")?;
        let image = dir.path().join("scene.svg");
        std::fs::write(
            &image,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#4a9"/></svg>"##,
        )?;
        page.goto("#/grounding/grounding").await?;
        page.wait_for(GROUNDING).await?;
        let input = page.client.find(Locator::Css(r#"[data-testid="grounding-file"]"#)).await?;
        input.send_keys(&image.display().to_string()).await.context("the file input refused the image")?;
        let message = page.wait_for_text(r#"[data-testid="grounding-message"]"#, |t| t.contains("800×600")).await?;
        ensure!(message.contains("nothing was uploaded"), "message: {message}");
        // 800×600 under Qwen2-VL: round(600/28)=21, round(800/28)=29 → 609 visual tokens.
        page.wait_for_text(&tokens("qwen2-vl"), |t| t == "609").await.context("Qwen2-VL on 800×600")?;
        let shown = "const i = document.querySelector('[data-testid=\"grounding-overlay\"] image'); \
                     const h = i && i.getAttribute('href'); return h && h.startsWith('data:image/jpeg') ? h.length : null;";
        page.wait_for_script("the display copy drawn under the grid", shown).await?;

        // Regions from the keyboard: one box, and the total grows by one pooled token.
        for (field, value) in [("x", "100"), ("y", "100"), ("width", "200"), ("height", "150")] {
            page.client.find(Locator::Css(&format!(r#"[data-testid="roi-{field}"]"#))).await?.send_keys(value).await?;
        }
        page.client.find(Locator::Css(r#"[data-testid="roi-add"]"#)).await?.click().await?;
        page.wait_for_text(r#"[data-testid="roi-total"]"#, |t| t == "257").await.context("one region added")?;

        page.client.refresh().await?;
        page.wait_for(GROUNDING).await?;
        page.wait_for_text(&tokens("qwen2-vl"), |t| t == "609").await.context("the size after a reload")?;
        page.wait_for_script("the image after a reload", shown).await?;
        page.wait_for_text(r#"[data-testid="roi-total"]"#, |t| t == "257").await.context("the region after a reload")?;

        // Not an image: a clear error, and the current image stays.
        let bad = dir.path().join("notes.png");
        std::fs::write(&bad, "these are notes, not pixels")?;
        let input = page.client.find(Locator::Css(r#"[data-testid="grounding-file"]"#)).await?;
        input.send_keys(&bad.display().to_string()).await?;
        page.wait_for_text(r#"[data-testid="grounding-message"]"#, |t| t.contains("not a PNG, JPEG, GIF, WebP or BMP"))
            .await?;
        ensure!(page.text(&tokens("qwen2-vl")).await? == "609", "a bad file must not replace the image");
        // The hostile corpus's images: judged by the size they declare, before any decoding.
        let files = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hostile/files");
        for (file, expected) in [
            ("declares-60000x60000.png", "declares 60000 × 60000 pixels"),
            ("truncated.png", "header ends early"),
            ("wrong-magic.png", "JPEG header ends early"),
        ] {
            let input = page.client.find(Locator::Css(r#"[data-testid="grounding-file"]"#)).await?;
            input.send_keys(&files.join(file).display().to_string()).await?;
            page.wait_for_text(r#"[data-testid="grounding-message"]"#, |t| t.contains(expected) && t.contains(file))
                .await
                .with_context(|| format!("{file}: no message containing {expected:?}"))?;
            ensure!(page.text(&tokens("qwen2-vl")).await? == "609", "{file} replaced the image");
        }
        Ok(())
    })
    .await
}

#[tokio::test]
async fn grounding_embeds() -> Result<()> {
    run(|page| async move {
        page.goto("#/embed/grounding").await?;
        page.wait_for(GROUNDING).await?;
        let found = page.wait_for_text(&tokens("clip-336-crop"), |t| !t.is_empty()).await?;
        ensure!(found == "576", "embedded: {found}");
        Ok(())
    })
    .await
}
