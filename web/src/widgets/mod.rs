//! The widget registry: the one list of every widget. Each entry names a folder and the type
//! that implements [`Widget`] there; the declarations, routes, home and problem pages, embeds and
//! the contract checks all come from this list. Adding a widget touches this list and its folder.

use frontier_state::{Query, WidgetMeta};
use leptos::prelude::*;

use crate::framework::widget::{mount, Widget};

/// Declares the widget modules and generates [`WIDGETS`], [`render`] and [`contract_problems`].
macro_rules! registry {
    ($($module:ident :: $widget:ident),+ $(,)?) => {
        $(pub mod $module;)+

        /// Every widget's declaration, in the order the site lists them.
        pub const WIDGETS: &[&WidgetMeta] = &[$(&<$module::$widget as Widget>::META),+];

        /// Mounts the widget `id`, full-size or embedded; `None` for an id nobody registered.
        pub fn render(id: &str, query: Query, embed: bool) -> Option<AnyView> {
            $(if id == <$module::$widget as Widget>::META.id {
                return Some(mount::<$module::$widget>(query, embed));
            })+
            None
        }

        /// Every widget's contract problems that show without a browser (see
        /// [`crate::framework::widget::contract_problems`]).
        pub fn contract_problems() -> Vec<String> {
            let mut out = Vec::new();
            $(out.extend(crate::framework::widget::contract_problems::<$module::$widget>());)+
            out
        }
    };
}

registry! {
    cot::CotWidget,
    csp::CspWidget,
    probes::ProbesWidget,
    train_cost::TrainCostWidget,
    calibration::CalibrationWidget,
    memory::MemoryWidget,
    debate::DebateWidget,
    pixel_debate::PixelDebateWidget,
    weak_to_strong::WeakToStrongWidget,
    sae::SaeWidget,
    grounding::GroundingWidget,
    edge::EdgeFeasibilityWidget,
}

pub fn widget(id: &str) -> Option<&'static WidgetMeta> {
    WIDGETS.iter().copied().find(|w| w.id == id)
}

pub fn widgets_of(problem: &str) -> impl Iterator<Item = &'static WidgetMeta> + '_ {
    WIDGETS.iter().copied().filter(move |w| w.problem == problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_consistent_with_the_problems() {
        let problems: Vec<&str> = crate::problems::PROBLEMS.iter().map(|p| p.id).collect();
        assert_eq!(frontier_state::registry::registry_problems(WIDGETS, &problems), Vec::<String>::new());
        assert_eq!(WIDGETS.len(), 12);
    }

    #[test]
    fn every_widget_keeps_the_contract_without_a_browser() {
        assert_eq!(contract_problems(), Vec::<String>::new());
    }
}
