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

/// `(module, type)` for each entry of the `registry! { module::Type, … }` list.
pub fn entries(registry_source: &str) -> Vec<(String, String)> {
    let Some(start) = registry_source.find("registry! {") else { return Vec::new() };
    let body = &registry_source[start + "registry! {".len()..];
    let body = &body[..body.find('}').unwrap_or(body.len())];
    body.split(',')
        .filter_map(|entry| {
            let (module, ty) = entry.trim().split_once("::")?;
            Some((module.trim().to_string(), ty.trim().to_string()))
        })
        .collect()
}

/// What is missing for a registered widget to be whole.
pub fn violations(root: &Path) -> Result<Vec<String>> {
    let path = root.join(REGISTRY);
    let source = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let listed = entries(&source);
    let mut out = Vec::new();
    if listed.is_empty() {
        out.push(format!("{REGISTRY} has no `registry! {{ module::Type, … }}` list"));
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
        let source = "use x;\nregistry! {\n    cot::CotWidget,\n    train_cost::TrainCostWidget,\n}\nfn f() {}";
        let expected =
            [("cot", "CotWidget"), ("train_cost", "TrainCostWidget")].map(|(m, t)| (m.to_string(), t.to_string()));
        assert_eq!(entries(source), expected);
    }

    #[test]
    fn a_widget_without_folder_example_or_contract_case_fails() -> Result<()> {
        let tree = Scratch::new("registry");
        tree.write(REGISTRY, "registry! { train_cost::TrainCostWidget, memory::MemoryWidget, }");
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
        tree.write(REGISTRY, "registry! { train_cost::TrainCostWidget }");
        tree.write(CONTRACT_SUITE, "for w in registered_widgets(&page).await? {}");
        assert!(violations(&tree.0)?.is_empty());
        Ok(())
    }

    #[test]
    fn the_repository_registry_is_whole() -> Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert_eq!(entries(&std::fs::read_to_string(root.join(REGISTRY))?).len(), 12);
        assert_eq!(violations(&root)?, Vec::<String>::new());
        Ok(())
    }
}
