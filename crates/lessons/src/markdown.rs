//! The Markdown a lesson's prose may use, read into plain data the page renders element by
//! element (never as HTML): headings (`#` to `###`), paragraphs, lists (`-`, `*`, `1.`),
//! fenced code, and inside text `**strong**`, `*emphasis*`, `` `code` `` and links. Raw HTML
//! is shown as the text it is. Links go to this site's pages (`#/…`) or to `https://`
//! addresses, which open in a new tab; any other address is shown as text.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading { level: u8, text: Vec<Inline> },
    Paragraph(Vec<Inline>),
    List { ordered: bool, items: Vec<Vec<Inline>> },
    Code(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Strong(String),
    Emphasis(String),
    Code(String),
    Link { text: String, href: String },
}

/// Whether a link may be followed: a route of this site or an https address.
pub fn safe_href(href: &str) -> bool {
    let ok_chars = !href.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    ok_chars && (href.starts_with("#/") || (href.starts_with("https://") && href.len() > "https://".len()))
}

/// Reads `text` into blocks. Total: every input gives blocks; nothing is an error.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let mut code: Option<Vec<&str>> = None;

    fn flush(blocks: &mut Vec<Block>, paragraph: &mut Vec<&str>, list: &mut Option<(bool, Vec<String>)>) {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(inline(&paragraph.join(" "))));
            paragraph.clear();
        }
        if let Some((ordered, items)) = list.take() {
            blocks.push(Block::List { ordered, items: items.iter().map(|i| inline(i)).collect() });
        }
    }

    for line in text.lines() {
        if let Some(lines) = code.as_mut() {
            if line.trim() == "```" {
                blocks.push(Block::Code(lines.join("\n")));
                code = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut blocks, &mut paragraph, &mut list);
            code = Some(Vec::new());
        } else if trimmed.is_empty() {
            flush(&mut blocks, &mut paragraph, &mut list);
        } else if let Some((level, rest)) = heading(trimmed) {
            flush(&mut blocks, &mut paragraph, &mut list);
            blocks.push(Block::Heading { level, text: inline(rest) });
        } else if let Some((ordered, item)) = list_item(trimmed) {
            if !paragraph.is_empty() || list.as_ref().is_some_and(|(o, _)| *o != ordered) {
                flush(&mut blocks, &mut paragraph, &mut list);
            }
            list.get_or_insert_with(|| (ordered, Vec::new())).1.push(item.to_string());
        } else if let Some((_, items)) = list.as_mut().filter(|_| line.starts_with(' ')) {
            // An indented line continues the last item.
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(trimmed);
            }
        } else {
            if list.is_some() {
                flush(&mut blocks, &mut paragraph, &mut list);
            }
            paragraph.push(trimmed);
        }
    }
    if let Some(lines) = code {
        blocks.push(Block::Code(lines.join("\n")));
    }
    flush(&mut blocks, &mut paragraph, &mut list);
    blocks
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    let rest = line[hashes..].strip_prefix(' ')?;
    (1..=3).contains(&hashes).then(|| (hashes as u8, rest.trim()))
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        return line[digits..].strip_prefix(". ").map(|rest| (true, rest));
    }
    None
}

/// Reads the inline marks of one block's text.
pub fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let marked = match c {
            '`' => delimited(rest, "`").map(|(inner, after)| (Inline::Code(inner.to_string()), after)),
            '*' if rest.starts_with("**") => {
                delimited(rest, "**").map(|(inner, after)| (Inline::Strong(inner.to_string()), after))
            }
            '*' | '_' => delimited(rest, &rest[..1]).map(|(inner, after)| (Inline::Emphasis(inner.to_string()), after)),
            '[' => link(rest),
            _ => None,
        };
        match marked {
            Some((node, after)) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(node);
                rest = after;
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// `<mark>inner<mark>` at the start of `text`: the inner text and what follows.
fn delimited<'a>(text: &'a str, mark: &str) -> Option<(&'a str, &'a str)> {
    let body = text.strip_prefix(mark)?;
    let end = body.find(mark)?;
    let inner = &body[..end];
    (!inner.trim().is_empty() && !inner.starts_with(' ')).then(|| (inner, &body[end + mark.len()..]))
}

/// `[text](href)` at the start of `text`; an unsafe address stays plain text.
fn link(text: &str) -> Option<(Inline, &str)> {
    let close = text.find("](")?;
    let label = &text[1..close];
    let after = &text[close + 2..];
    let end = after.find(')')?;
    let href = &after[..end];
    if label.is_empty() || label.contains('[') || !safe_href(href) {
        return None;
    }
    Some((Inline::Link { text: label.to_string(), href: href.to_string() }, &after[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_each_block_and_mark() {
        let md = "## MFU\n\nThe **peak** is *dense*; see [the lab](#/training/train-cost) and `6ND`.\n\n- one\n- two\n  continued\n\n1. first\n2. second\n\n```\nx = 1\n```";
        let blocks = parse(md);
        assert_eq!(blocks[0], Block::Heading { level: 2, text: vec![Inline::Text("MFU".into())] });
        assert_eq!(
            blocks[1],
            Block::Paragraph(vec![
                Inline::Text("The ".into()),
                Inline::Strong("peak".into()),
                Inline::Text(" is ".into()),
                Inline::Emphasis("dense".into()),
                Inline::Text("; see ".into()),
                Inline::Link { text: "the lab".into(), href: "#/training/train-cost".into() },
                Inline::Text(" and ".into()),
                Inline::Code("6ND".into()),
                Inline::Text(".".into()),
            ])
        );
        assert_eq!(
            blocks[2],
            Block::List {
                ordered: false,
                items: vec![vec![Inline::Text("one".into())], vec![Inline::Text("two continued".into())]]
            }
        );
        assert_eq!(
            blocks[3],
            Block::List {
                ordered: true,
                items: vec![vec![Inline::Text("first".into())], vec![Inline::Text("second".into())]]
            }
        );
        assert_eq!(blocks[4], Block::Code("x = 1".into()));
    }

    #[test]
    fn html_and_unsafe_links_stay_text() {
        let blocks = parse("<script>alert(1)</script> [x](javascript:alert(1)) [y](http://example.com)");
        assert_eq!(
            blocks,
            vec![Block::Paragraph(vec![Inline::Text(
                "<script>alert(1)</script> [x](javascript:alert(1)) [y](http://example.com)".into()
            )])]
        );
        assert!(safe_href("https://arxiv.org/abs/2001.08361"));
        assert!(!safe_href("https://"));
        assert!(!safe_href("#/x\" onclick=\"y"));
    }

    proptest! {
        #[test]
        fn any_text_parses(text in ".{0,300}") {
            let _ = parse(&text);
        }

        #[test]
        fn markup_characters_never_lose_text(text in "[a-z*_`\\[\\]()#/ \n-]{0,200}") {
            // Every letter of the input is somewhere in the output.
            let letters = |s: &str| s.chars().filter(char::is_ascii_lowercase).count();
            let mut out = 0;
            for block in parse(&text) {
                let inlines: Vec<Inline> = match block {
                    Block::Heading { text, .. } | Block::Paragraph(text) => text,
                    Block::List { items, .. } => items.into_iter().flatten().collect(),
                    Block::Code(code) => vec![Inline::Code(code)],
                };
                for i in inlines {
                    out += match i {
                        Inline::Text(t) | Inline::Strong(t) | Inline::Emphasis(t) | Inline::Code(t) => letters(&t),
                        Inline::Link { text, href } => letters(&text) + letters(&href),
                    };
                }
            }
            prop_assert_eq!(out, letters(&text));
        }
    }
}
