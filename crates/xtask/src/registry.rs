//! Tidy's view of the widget registry (`web/src/widgets/mod.rs`), read as text so that tidy runs
//! before anything compiles: every registered widget has its folder, implements the contract
//! (declaration, worked example, explanation, view) there, and is reached by the browser contract
//! suite, which enumerates the registry from the running site rather than from a list of its own.

use std::path::Path;

use anyhow::{Context, Result};

/// The file that holds the registry.
pub const REGISTRY: &str = "web/src/widgets/mod.rs";
/// The browser contract suite, and the call by which it takes every widget from the site.
pub const CONTRACT_SUITE: &str = "tests/e2e/contract.rs";
const ENUMERATES_REGISTRY: &str = "registered_widgets(";

/// The body of the `registry! { … }` list.
fn body(registry_source: &str) -> &str {
    let Some(start) = registry_source.find("registry! {") else { return "" };
    let body = &registry_source[start + "registry! {".len()..];
    &body[..body.find('}').unwrap_or(body.len())]
}

/// `(module, type)` for each `module::Type` of the list, in order.
pub fn entries(registry_source: &str) -> Vec<(String, String)> {
    groups_of(body(registry_source)).into_iter().flat_map(|(_, entries)| entries).collect()
}

/// `(problem, modules)` for each `NAME = "problem": [module::Type, …]` group of the list.
pub fn groups(registry_source: &str) -> Vec<(String, Vec<String>)> {
    groups_of(body(registry_source))
        .into_iter()
        .map(|(problem, entries)| (problem, entries.into_iter().map(|(module, _)| module).collect()))
        .collect()
}

fn groups_of(body: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('[') {
        let head = &rest[..open];
        let problem = head.split('"').nth(1).unwrap_or_default().to_string();
        let Some(close) = rest[open..].find(']') else { break };
        let list = &rest[open + 1..open + close];
        let entries = list
            .split(',')
            .filter_map(|entry| {
                let (module, ty) = entry.trim().split_once("::")?;
                Some((module.trim().to_string(), ty.trim().to_string()))
            })
            .collect();
        out.push((problem, entries));
        rest = &rest[open + close + 1..];
    }
    out
}

/// What is missing for a registered widget to be whole.
pub fn violations(root: &Path) -> Result<Vec<String>> {
    let path = root.join(REGISTRY);
    let source = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let listed = entries(&source);
    let mut out = Vec::new();
    if listed.is_empty() {
        out.push(format!("{REGISTRY} has no `registry! {{ NAME = \"problem\": [module::Type, …], … }}` list"));
    }
    for (module, ty) in &listed {
        let folder = root.join("web/src/widgets").join(module);
        let Ok(text) = std::fs::read_to_string(folder.join("mod.rs")) else {
            out.push(format!("{module}: web/src/widgets/{module}/mod.rs does not exist"));
            continue;
        };
        if !text.contains(&format!("impl Widget for {ty}")) {
            out.push(format!("{module}: web/src/widgets/{module}/mod.rs does not implement Widget for {ty}"));
        }
        for part in ["const META", "fn example", "fn explain", "fn view"] {
            if !text.contains(part) {
                out.push(format!("{module}: {ty} has no `{part}`"));
            }
        }
    }
    match std::fs::read_to_string(root.join(CONTRACT_SUITE)) {
        Ok(text) if text.contains(ENUMERATES_REGISTRY) => {}
        Ok(_) => out.push(format!("{CONTRACT_SUITE} does not take its widgets from the site's registry")),
        Err(_) => out.push(format!("{CONTRACT_SUITE} is missing: no widget has an end-to-end contract case")),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tidy::tests::Scratch;

    const WIDGET: &str = "impl Widget for TrainCostWidget { const META: … fn example() fn explain() fn view() }";

    #[test]
    fn reads_the_list() {
        let source = "use x;\nregistry! {\n    A = \"reasoning\": [cot::CotWidget, csp::CspWidget],\n    B = \"training\": [train_cost::TrainCostWidget],\n}\nfn f() {}";
        let expected = [("cot", "CotWidget"), ("csp", "CspWidget"), ("train_cost", "TrainCostWidget")]
            .map(|(m, t)| (m.to_string(), t.to_string()));
        assert_eq!(entries(source), expected);
        let groups = groups(source);
        assert_eq!(groups[0], ("reasoning".to_string(), vec!["cot".to_string(), "csp".to_string()]));
        assert_eq!(groups[1], ("training".to_string(), vec!["train_cost".to_string()]));
    }

    #[test]
    fn a_widget_without_folder_example_or_contract_case_fails() -> Result<()> {
        let tree = Scratch::new("registry");
        tree.write(
            REGISTRY,
            "registry! { T = \"training\": [train_cost::TrainCostWidget], M = \"memory\": [memory::MemoryWidget] }",
        );
        tree.write("web/src/widgets/train_cost/mod.rs", &WIDGET.replace("fn example() ", ""));
        let found = violations(&tree.0)?;
        assert_eq!(
            found,
            [
                "train_cost: TrainCostWidget has no `fn example`",
                "memory: web/src/widgets/memory/mod.rs does not exist",
                "tests/e2e/contract.rs is missing: no widget has an end-to-end contract case",
            ]
        );
        tree.write("web/src/widgets/train_cost/mod.rs", WIDGET);
        tree.write(REGISTRY, "registry! { T = \"training\": [train_cost::TrainCostWidget] }");
        tree.write(CONTRACT_SUITE, "for w in registered_widgets(&page).await? {}");
        assert!(violations(&tree.0)?.is_empty());
        Ok(())
    }

    #[test]
    fn the_repository_registry_is_whole() -> Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert_eq!(entries(&std::fs::read_to_string(root.join(REGISTRY))?).len(), 13);
        assert_eq!(violations(&root)?, Vec::<String>::new());
        Ok(())
    }
}
