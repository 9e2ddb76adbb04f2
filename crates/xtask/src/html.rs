//! Post-processing of the built `index.html`: a Content-Security-Policy that allows this page's
//! own inline scripts by hash and nothing from another origin, and a check that every URL in the
//! page is relative, so that `dist/` works from any sub-path of any static host.
//!
//! The scanner here understands just enough HTML for a page that trunk wrote: tags with quoted or
//! unquoted attributes, comments, and the raw text of `<script>` and `<style>`.

use std::ops::Range;

use anyhow::{bail, Result};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The policy's fixed part; the hashes of the inline scripts (and styles, if any) go into it.
const DIRECTIVES: [(&str, &str); 11] = [
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self' blob:"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
    // Only a header can say who may frame the page; a <meta> policy ignores this directive.
    ("frame-ancestors", "*"),
];

/// The policy for one page: the hashes of what it runs inline.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    pub script_hashes: Vec<String>,
    pub style_hashes: Vec<String>,
}

impl Policy {
    /// The policy as a `<meta>` element may carry it.
    pub fn for_meta(&self) -> String {
        self.render(false)
    }

    /// The policy as an HTTP header carries it, with `frame-ancestors`.
    pub fn for_header(&self) -> String {
        self.render(true)
    }

    fn render(&self, header: bool) -> String {
        let mut out = Vec::new();
        for (name, base) in DIRECTIVES {
            if name == "frame-ancestors" && !header {
                continue;
            }
            let hashes = match name {
                "script-src" => self.script_hashes.as_slice(),
                "style-src" => self.style_hashes.as_slice(),
                _ => &[],
            };
            let mut directive = format!("{name} {base}");
            for hash in hashes {
                directive.push_str(&format!(" 'sha256-{hash}'"));
            }
            out.push(directive);
        }
        out.join("; ")
    }
}

/// What post-processing made of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    pub html: String,
    pub policy: Policy,
    /// Things the policy will block that do not stop the page from working.
    pub warnings: Vec<String>,
}

/// The base64 of the SHA-256 of `text`, as a CSP hash source wants it.
pub fn sha256_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// Puts a Content-Security-Policy `<meta>` right after `<head>`, replacing any existing one, with
/// the hash of every inline `<script>` (and `<style>`) of the page.
pub fn add_csp(html: &str) -> Result<Processed> {
    let elements = scan(html)?;
    let Some(head) = elements.iter().find(|e| e.name == "head") else {
        bail!("the page has no <head> element");
    };
    let mut policy = Policy::default();
    let mut warnings = Vec::new();
    for element in &elements {
        if let Some(handler) = element.attrs.iter().find(|(name, _)| name.starts_with("on")) {
            bail!(
                "<{}> has an inline event handler `{}=`, which the Content-Security-Policy blocks; attach it from code",
                element.name,
                handler.0
            );
        }
        if element.attr("style").is_some() {
            warnings
                .push(format!("<{}> has a style attribute, which the policy (style-src 'self') ignores", element.name));
        }
        let (Some(text), "script" | "style") = (&element.text, element.name.as_str()) else { continue };
        let hashes = if element.name == "script" { &mut policy.script_hashes } else { &mut policy.style_hashes };
        // A script with `src` runs the file, not its text: its text needs no hash.
        if element.name == "script" && element.attr("src").is_some() {
            continue;
        }
        let hash = sha256_base64(&html[text.clone()]);
        if !hashes.contains(&hash) {
            hashes.push(hash);
        }
    }

    // Edits in page order: drop old policies, insert the new one after `<head>`.
    let mut removals: Vec<Range<usize>> = elements
        .iter()
        .filter(|e| {
            e.name == "meta"
                && e.attr("http-equiv").is_some_and(|v| v.trim().eq_ignore_ascii_case("content-security-policy"))
        })
        .map(|e| whole_line(html, e.span.clone()))
        .collect();
    removals.sort_by_key(|r| r.start);
    let insert_at = head.span.end;
    let meta = format!("\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">", policy.for_meta());
    let mut out = String::with_capacity(html.len() + meta.len());
    let mut copied = 0;
    let mut inserted = false;
    for removal in removals {
        if !inserted && insert_at <= removal.start {
            out.push_str(&html[copied..insert_at]);
            out.push_str(&meta);
            copied = insert_at;
            inserted = true;
        }
        out.push_str(&html[copied..removal.start]);
        copied = removal.end;
    }
    if !inserted {
        out.push_str(&html[copied..insert_at]);
        out.push_str(&meta);
        copied = insert_at;
    }
    out.push_str(&html[copied..]);
    Ok(Processed { html: out, policy, warnings })
}

/// Every `src=` or `href=` that starts with `/` or `http`: such a URL breaks the site when it is
/// served from a sub-path, or reaches another origin.
pub fn absolute_urls(html: &str) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for element in scan(html)? {
        for (name, value) in &element.attrs {
            let value = value.trim();
            if (name == "src" || name == "href")
                && (value.starts_with('/') || value.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("http")))
            {
                found.push(format!("<{} {name}=\"{value}\">", element.name));
            }
        }
    }
    Ok(found)
}

/// The `_headers` file (Netlify and Cloudflare Pages) that applies the policy to every path.
pub fn headers_file(policy: &Policy) -> String {
    format!("/*\n  Content-Security-Policy: {}\n  X-Content-Type-Options: nosniff\n", policy.for_header())
}

/// One start tag, with the raw text that follows it for `<script>` and `<style>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Element {
    /// Lower-case tag name.
    name: String,
    /// Lower-case attribute names with their values (empty for a bare attribute).
    attrs: Vec<(String, String)>,
    /// The start tag, `<` to `>`.
    span: Range<usize>,
    /// The raw text content of a `<script>` or `<style>`.
    text: Option<Range<usize>>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The start tags of a page, in order. Comments, doctypes and end tags are skipped; the content of
/// `<script>` and `<style>` is raw text, so a `<` inside a script is not read as a tag.
fn scan(html: &str) -> Result<Vec<Element>> {
    // ASCII lower-casing keeps every byte offset, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let bytes = html.as_bytes();
    let mut elements = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        let rest = &lower[start..];
        if rest.starts_with("<!--") {
            let Some(end) = lower[start + 4..].find("-->") else { bail!("unterminated comment at byte {start}") };
            at = start + 4 + end + 3;
        } else if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            let Some(end) = html[start..].find('>') else { bail!("unterminated tag at byte {start}") };
            at = start + end + 1;
        } else if bytes.get(start + 1).is_some_and(u8::is_ascii_alphabetic) {
            let mut element = start_tag(html, &lower, start)?;
            at = element.span.end;
            if element.name == "script" || element.name == "style" {
                let closer = format!("</{}", element.name);
                let Some(end) = lower[at..].find(&closer) else {
                    bail!("<{}> at byte {start} is never closed", element.name)
                };
                element.text = Some(at..at + end);
                at += end;
            }
            elements.push(element);
        } else {
            // A lone `<` in text, as in `a < b`.
            at = start + 1;
        }
    }
    Ok(elements)
}

/// Reads the start tag that begins at `start` (the `<`).
fn start_tag(html: &str, lower: &str, start: usize) -> Result<Element> {
    let bytes = html.as_bytes();
    let is_space = |b: u8| b.is_ascii_whitespace();
    let mut i = start + 1;
    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let name = lower[start + 1..i].to_string();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        match bytes.get(i) {
            None => bail!("unterminated <{name}> tag at byte {start}"),
            Some(b'>') => break,
            Some(_) => {}
        }
        let name_start = i;
        while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attr_name = lower[name_start..i].to_string();
        let mut j = i;
        while j < bytes.len() && is_space(bytes[j]) {
            j += 1;
        }
        let mut value = String::new();
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && is_space(bytes[j]) {
                j += 1;
            }
            match bytes.get(j) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let Some(len) = html[j + 1..].find(quote as char) else {
                        bail!("unterminated attribute value in <{name}> at byte {start}")
                    };
                    value = html[j + 1..j + 1 + len].to_string();
                    j += len + 2;
                }
                _ => {
                    let value_start = j;
                    while j < bytes.len() && !is_space(bytes[j]) && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = html[value_start..j].to_string();
                }
            }
            i = j;
        }
        attrs.push((attr_name, value));
    }
    Ok(Element { name, attrs, span: start..i + 1, text: None })
}

/// `range` widened to its whole line when nothing else is on that line, so that removing an
/// element leaves no blank line behind.
fn whole_line(html: &str, range: Range<usize>) -> Range<usize> {
    let line_start = html[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = html[range.end..].find('\n').map_or(html.len(), |i| range.end + i + 1);
    let alone = html[line_start..range.start].trim().is_empty() && html[range.end..line_end].trim().is_empty();
    if alone {
        line_start..line_end
    } else {
        range
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of the page trunk 0.21 writes for a release build.
    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="default-src 'self' 'unsafe-eval'">
  <title>Frontier Lab</title>
  <link rel="stylesheet" href="./style-1a2b.css" integrity="sha384-x">
  <link rel="modulepreload" href="./frontier-web-3c4d.js" crossorigin="anonymous">
<script type="module">
import init, * as bindings from './frontier-web-3c4d.js';
const wasm = await init({ module_or_path: './frontier-web-3c4d_bg.wasm' });
if (1 < 2 && "</p>") { window.wasmBindings = bindings; }
</script>
</head>
<!-- <script>not a script</script> -->
<body><noscript>This site needs JavaScript.</noscript></body>
</html>
"#;

    const SCRIPT_TEXT: &str = "\nimport init, * as bindings from './frontier-web-3c4d.js';\nconst wasm = await init({ module_or_path: './frontier-web-3c4d_bg.wasm' });\nif (1 < 2 && \"</p>\") { window.wasmBindings = bindings; }\n";

    #[test]
    fn sha256_matches_openssl() {
        // printf '%s' 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(sha256_base64("alert(1)"), "bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=");
        // printf '%s' '' | openssl dgst -sha256 -binary | base64
        assert_eq!(sha256_base64(""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    #[test]
    fn finds_inline_scripts_tags_and_raw_text() -> Result<()> {
        let elements = scan(PAGE)?;
        let names: Vec<&str> = elements.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["html", "head", "meta", "meta", "title", "link", "link", "script", "body", "noscript"]);
        let script = &elements[7];
        assert_eq!(script.attr("type"), Some("module"));
        assert_eq!(script.text.clone().map(|t| &PAGE[t]), Some(SCRIPT_TEXT));
        assert_eq!(elements[5].attr("href"), Some("./style-1a2b.css"));
        Ok(())
    }

    #[test]
    fn replaces_an_existing_policy_with_hashes() -> Result<()> {
        let processed = add_csp(PAGE)?;
        let hash = sha256_base64(SCRIPT_TEXT);
        assert_eq!(processed.policy.script_hashes, vec![hash.clone()]);
        let expected_meta = format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' \
             'wasm-unsafe-eval' 'sha256-{hash}'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; \
             connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'\">"
        );
        assert!(processed.html.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n{expected_meta}\n")));
        assert_eq!(processed.html.matches("Content-Security-Policy").count(), 1);
        assert!(!processed.html.contains("unsafe-eval'\">"));
        // Apart from the policy, nothing moved: the script's text, and so its hash, is intact.
        let reparsed = add_csp(&processed.html)?;
        assert_eq!(reparsed.policy, processed.policy);
        assert_eq!(reparsed.html, processed.html);
        assert!(processed.warnings.is_empty());
        Ok(())
    }

    #[test]
    fn header_policy_adds_frame_ancestors() {
        let policy = Policy { script_hashes: vec!["abc=".into()], style_hashes: vec![] };
        let headers = headers_file(&policy);
        assert!(headers.starts_with(
            "/*\n  Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='; "
        ));
        assert!(headers.contains("; form-action 'none'; frame-ancestors *\n"));
        assert!(headers.ends_with("  X-Content-Type-Options: nosniff\n"));
        assert!(!policy.for_meta().contains("frame-ancestors"));
    }

    #[test]
    fn scripts_with_src_and_inline_styles() -> Result<()> {
        let page = "<html><head><script src=\"./a.js\"></script><style>p{color:red}</style></head><p style='x'>";
        let processed = add_csp(page)?;
        assert!(processed.policy.script_hashes.is_empty());
        assert_eq!(processed.policy.style_hashes, vec![sha256_base64("p{color:red}")]);
        assert_eq!(processed.warnings.len(), 1);
        Ok(())
    }

    #[test]
    fn refuses_inline_handlers_and_pages_without_head() {
        assert!(add_csp("<html><head></head><body onload=\"go()\"></body></html>").is_err());
        assert!(add_csp("<html><body></body></html>").is_err());
        assert!(add_csp("<html><head><script>never closed").is_err());
    }

    #[test]
    fn absolute_urls_are_found() -> Result<()> {
        let page = r##"<head><link href="./ok.css"><script src=/abs.js></script><a href='https://x.org'>x</a>
            <img src="data:image/png;base64,AA"><a href="#/training">t</a><a HREF="//cdn.example/x">c</a></head>"##;
        assert_eq!(
            absolute_urls(page)?,
            vec![
                r#"<script src="/abs.js">"#.to_string(),
                r#"<a href="https://x.org">"#.to_string(),
                r#"<a href="//cdn.example/x">"#.to_string()
            ]
        );
        Ok(())
    }
}
