//! Lessons in the browser: a teacher writes a two-step lesson from two labs, shares it as a
//! link; a student opens the link in a fresh browser, answers (wrong, then right: the labs'
//! own numbers mark them), and exports the report; the progress survives a reload.

use anyhow::{ensure, Context, Result};
use frontier_e2e::run;

use crate::contract::CAPTURE_DOWNLOADS;
use crate::{MFU, MOVE_HOURS_SLIDER, TRAIN_COST};

fn click(testid: &str) -> String {
    format!(
        r#"const b = document.querySelector('[data-testid="{testid}"]'); if (!b) return false; b.click(); return true;"#
    )
}

/// Types `text` into the field `testid` the way a keyboard would reach the app: a new value,
/// then an `input` event.
fn type_into(testid: &str, text: &str) -> String {
    let text = serde_json::to_string(text).unwrap_or_default();
    format!(
        r#"const e = document.querySelector('[data-testid="{testid}"]'); if (!e) return false;
        e.value = {text}; e.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;"#
    )
}

fn choose(testid: &str) -> String {
    format!(
        r#"const e = document.querySelector('[data-testid="{testid}"]'); if (!e) return false;
        e.checked = true; e.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"#
    )
}

async fn act(page: &frontier_e2e::Page, script: &str) -> Result<()> {
    let done = page.client.execute(script, Vec::new()).await?;
    ensure!(done == serde_json::Value::Bool(true), "the page had no element for: {script}");
    Ok(())
}

#[tokio::test]
async fn a_lesson_written_in_the_page_is_answered_from_its_link_and_reported() -> Result<()> {
    // The teacher: two labs become two steps, each gets a question, the lesson is shared.
    let link = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let shared = link.clone();
    run(|page| async move {
        page.goto("#/training/train-cost").await?;
        page.wait_for(TRAIN_COST).await?;
        act(&page, &click("add-to-lesson")).await?;
        page.wait_for_text("p.status", |t| t.contains("step 1 of your lesson draft")).await?;
        page.goto("#/hallucination/calibration").await?;
        page.wait_for(r#"section.widget[data-widget="calibration"]"#).await?;
        act(&page, &click("add-to-lesson")).await?;
        page.wait_for_text("p.status", |t| t.contains("step 2 of your lesson draft")).await?;

        page.goto("#/lessons/author").await?;
        page.wait_for(r#"[data-testid="step-editor-1"]"#).await?;
        act(&page, &type_into("lesson-title", "MFU and calibration")).await?;
        act(&page, &type_into("lesson-id", "mfu-and-ece")).await?;
        act(&page, &click("add-number-0")).await?;
        page.wait_for(r#"[data-testid="question-editor-0-0"]"#).await?;
        act(&page, &type_into("q-prompt-0-0", "What MFU does this run reach?")).await?;
        act(&page, &type_into("q-hints-0-0", "Divide the compute used by the compute available.")).await?;
        act(&page, &click("add-choice-1")).await?;
        page.wait_for(r#"[data-testid="question-editor-1-0"]"#).await?;
        act(&page, &type_into("q-prompt-1-0", "Is this model overconfident?")).await?;
        act(&page, &type_into("q-options-1-0", "Yes\nNo")).await?;
        let checked = page.wait_for_text(r#"[data-testid="lesson-check"]"#, |t| t.contains("The lesson checks")).await?;
        ensure!(!checked.is_empty());
        act(&page, &click("share-lesson")).await?;
        let url = page
            .wait_for_script("the lesson link", r#"const t = document.querySelector('[data-testid="lesson-link"]'); return t && t.value ? t.value : null;"#)
            .await?;
        let url = url.as_str().context("the link is text")?.to_string();
        *shared.lock().map_err(|_| anyhow::anyhow!("lock"))? = url;
        Ok(())
    })
    .await?;

    let url = link.lock().map_err(|_| anyhow::anyhow!("lock"))?.clone();
    let hash = format!("#{}", url.split_once('#').context("the link has a route")?.1);
    ensure!(hash.starts_with("#/lessons/shared?l="), "{hash}");

    // The student, in a fresh browser profile on another origin.
    run(|page| async move {
        page.goto(&hash).await?;
        page.wait_for(r#"[data-testid="lesson-step"] section.widget[data-widget="train-cost"]"#).await?;
        // The student may move the lab anywhere; the step puts it back as it set it.
        let set = page.wait_for_text(MFU, |t| !t.is_empty()).await?;
        page.client.execute(MOVE_HOURS_SLIDER, Vec::new()).await?;
        page.wait_for_text(MFU, |t| !t.is_empty() && t != set).await?;
        act(&page, &click("restart-step")).await?;
        page.wait_for_text(MFU, |t| t == set).await?;
        act(&page, &type_into("answer-q1", "0.52")).await?;
        act(&page, &click("check-q1")).await?;
        let wrong = page.wait_for_text(r#"[data-testid="feedback-q1"]"#, |t| !t.is_empty()).await?;
        ensure!(wrong.contains("Not yet") && wrong.contains("Hint: Divide the compute"), "{wrong}");
        // 6 · 37e9 · 14.8e12 / (2048 · 989e12 · 1320 h): 0.341, within the default 2 %.
        act(&page, &type_into("answer-q1", "0.341")).await?;
        act(&page, &click("check-q1")).await?;
        let right = page.wait_for_text(r#"[data-testid="feedback-q1"]"#, |t| t.contains("Right")).await?;
        ensure!(right.contains("0.3414"), "{right}");
        act(&page, &click("next-step")).await?;
        page.wait_for(r#"[data-testid="lesson-step"] section.widget[data-widget="calibration"]"#).await?;
        act(&page, &choose("option-q1-1")).await?;
        act(&page, &click("check-q1")).await?;
        page.wait_for_text(r#"[data-testid="feedback-q1"]"#, |t| t.contains("Not this one")).await?;
        act(&page, &choose("option-q1-0")).await?;
        act(&page, &click("check-q1")).await?;
        page.wait_for_text(r#"[data-testid="feedback-q1"]"#, |t| t.contains("Right")).await?;
        page.wait_for_text(r#"[data-testid="lesson-score"]"#, |t| t.starts_with("2 of 2")).await?;

        act(&page, CAPTURE_DOWNLOADS).await?;
        act(&page, &click("report-csv")).await?;
        let csv = page
            .wait_for_script(
                "the report",
                "const d = window.__downloads.find(d => d.text !== null); return d ? [d.name, d.text] : null;",
            )
            .await?;
        let (name, text): (String, String) = serde_json::from_value(csv)?;
        ensure!(name == "mfu-and-ece-report.csv", "{name}");
        let rows: Vec<&str> = text.lines().collect();
        ensure!(rows.len() == 3, "{text}");
        ensure!(rows[0] == "step,question,prompt,kind,answer,correct,attempts,time_s", "{text}");
        ensure!(rows[1].starts_with("1,q1,What MFU does this run reach?,number,0.341,true,2,"), "{text}");
        ensure!(rows[2].starts_with("2,q1,Is this model overconfident?,choice,Yes,true,2,"), "{text}");

        // The progress stays after a reload.
        page.client.refresh().await?;
        page.wait_for_text(r#"[data-testid="lesson-score"]"#, |t| t.starts_with("2 of 2")).await?;
        Ok(())
    })
    .await
}

/// A lesson prints as a handout: the site's chrome, the lab's toolbar and the lesson's
/// navigation are left out; the prose, the lab and the questions stay.
#[tokio::test]
async fn a_lesson_prints_without_the_sites_chrome() -> Result<()> {
    run(|page| async move {
        page.goto("#/lessons/training-mfu-and-cost").await?;
        page.wait_for(r#"[data-testid="lesson-step"] section.widget[data-widget="train-cost"]"#).await?;
        page.emulate_print(true).await?;
        let script = "const shown = s => { const e = document.querySelector(s); return !!e && getComputedStyle(e).display !== 'none'; }; \
                      return [shown('header.site-header'), shown('.lesson-nav'), shown('.lesson-report'), \
                              shown('.prose'), shown('section.widget'), shown('.question')];";
        let shown: Vec<bool> = serde_json::from_value(page.client.execute(script, Vec::new()).await?)?;
        page.emulate_print(false).await?;
        ensure!(shown == [false, false, false, true, true, true], "in print, shown: {shown:?}");
        Ok(())
    })
    .await
}

/// Lesson and view links written by strangers: damaged, too long, from a newer release, or a
/// valid lesson whose prose tries HTML and a script link. Each opens with a located message or
/// renders as text; nothing runs, and the page keeps answering.
#[tokio::test]
async fn hostile_lesson_and_view_links_are_refused_or_shown_as_text() -> Result<()> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    run(|page| async move {
        let prose = "<script>window.__ran = 1</script> <img src=x onerror=\"window.__ran = 2\"> [click](javascript:window.__ran=3)";
        let lesson = serde_json::json!({
            "format": "frontier-lab-lesson", "version": 1, "id": "hostile", "title": "<b>Hostile</b>",
            "steps": [{ "title": "Step", "prose": prose,
                "lab": { "widget": "grounding", "version": 1, "state": { "image": { "kind": "example", "id": "street" } } } }]
        });
        let bad_state = format!("1.{}", URL_SAFE_NO_PAD.encode(lesson.to_string()));
        let mut good = lesson.clone();
        good["steps"][0]["lab"] = serde_json::json!({ "widget": "train-cost", "version": 1, "state": {"preset": null, "hardware": "h800",
            "precision": "bf16", "inputs": {"active_params": 37e9, "tokens": 14.8e12, "gpus": 2048.0, "hours": 1320.0, "peak_tflops": 989.0,
            "usd_per_gpu_hour": 2.0, "attention": "off", "shape": {"layers": 61.0, "heads": 128.0, "head_dim": 192.0, "v_head_dim": 128.0,
            "seq_len": 4096.0}}, "chart_axis": "hours"} });
        let renders = format!("1.{}", URL_SAFE_NO_PAD.encode(good.to_string()));
        let refused = [
            ("1.@@@", "damaged"),
            ("9.e30", "version"),
            (bad_state.as_str(), "steps[0].lab.state"),
            (&"1.".repeat(9_000)[..], "limit is 16000"),
        ];
        for (link, says) in refused {
            page.goto(&format!("#/lessons/shared?l={link}")).await?;
            page.client.refresh().await?;
            let shown = page.wait_for_text(r#"[data-testid="lesson-errors"]"#, |t| !t.is_empty()).await?;
            ensure!(shown.contains(says), "for {}…: {shown}", &link[..link.len().min(20)]);
        }
        page.goto(&format!("#/lessons/shared?l={renders}")).await?;
        page.client.refresh().await?;
        page.wait_for(r#"[data-testid="lesson-step"] section.widget[data-widget="train-cost"]"#).await?;
        let prose_text = page.text(".prose").await?;
        ensure!(prose_text.contains("<script>") && prose_text.contains("[click](javascript:"), "{prose_text}");
        let injected = page.client.execute(
            "return [document.querySelectorAll('.prose script, .prose img, .prose a, h1 b').length, window.__ran || 0];",
            Vec::new(),
        ).await?;
        ensure!(injected == serde_json::json!([0, 0]), "markup from the lesson became elements or ran: {injected}");
        // A view the widget does not declare: the whole widget, said plainly.
        page.goto("#/embed/train-cost?view=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E").await?;
        page.client.refresh().await?;
        let notice = page.wait_for_text(&format!("{TRAIN_COST} .notices"), |t| !t.trim().is_empty()).await?;
        ensure!(notice.contains("has no view called"), "{notice}");
        ensure!(page.count(&format!("{TRAIN_COST} .notices img")).await? == 0);
        page.wait_for_text(MFU, |t| !t.is_empty()).await?;
        Ok(())
    })
    .await
}
