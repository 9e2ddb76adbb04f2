//! The widget registry: the one list of every widget. Each entry names a folder and the type
//! that implements [`Widget`] there; the declarations, routes, home and problem pages, embeds and
//! the contract checks all come from this list. Adding a widget touches this list and its folder.

use frontier_state::{Query, WidgetMeta};
use leptos::prelude::*;

use crate::framework::widget::{mount, Widget};

/// Declares the widget modules, grouped by problem, and generates [`WIDGETS`], [`render`], the
/// per-problem [`bundles`] and [`contract_problems`].
macro_rules! registry {
    ($($bundle:ident = $problem:literal: [$($module:ident :: $widget:ident),+ $(,)?]),+ $(,)?) => {
        $($(pub mod $module;)+)+

        /// Every widget's declaration, in the order the site lists them.
        pub const WIDGETS: &[&WidgetMeta] = &[$($(&<$module::$widget as Widget>::META),+),+];

        /// Mounts the widget `id`, full-size or embedded; `None` for an id nobody registered.
        pub fn render(id: &str, query: Query, embed: bool) -> Option<AnyView> {
            $($(if id == <$module::$widget as Widget>::META.id {
                return Some(mount::<$module::$widget>(query, embed));
            })+)+
            None
        }

        /// One bundle per problem: its page, its widgets and their embeds (see [`crate::bundle`]).
        pub mod bundles {
            use super::*;
            use crate::bundle::Bundle;

            $(pub const $bundle: Bundle = Bundle {
                name: $problem,
                problems: Some(&[$problem]),
                render: |id, query, embed| {
                    $(if id == <$module::$widget as Widget>::META.id {
                        return Some(mount::<$module::$widget>(query, embed));
                    })+
                    None
                },
                lessons: None,
                benchmarks: None,
            };)+

            /// Every problem's bundle, in the registry's order.
            pub const ALL: &[Bundle] = &[$($bundle),+];

            /// `(problem, widget ids)` as the registry groups them, for the tests.
            #[cfg(test)]
            pub fn groups() -> Vec<(&'static str, Vec<&'static str>)> {
                vec![$(($problem, vec![$(<$module::$widget as Widget>::META.id),+])),+]
            }
        }

        /// Every widget's contract problems that show without a browser (see
        /// [`crate::framework::widget::contract_problems`]).
        pub fn contract_problems() -> Vec<String> {
            let mut out = Vec::new();
            $($(out.extend(crate::framework::widget::contract_problems::<$module::$widget>());)+)+
            out
        }

        /// Every widget under the page-work property (see [`crate::framework::bounds`]): the
        /// problems, and per widget the valid states drawn and the costliest estimate.
        #[cfg(test)]
        pub fn bound_problems(tries: usize, seed: u64, open_each: usize) -> (Vec<String>, Vec<(&'static str, usize, frontier_base::work::Work)>) {
            let mut out = Vec::new();
            let mut seen = Vec::new();
            $($({
                let (problems, states, worst) = crate::framework::bounds::problems::<$module::$widget>(tries, seed, open_each);
                out.extend(problems);
                seen.push((<$module::$widget as Widget>::META.id, states, worst));
            })+)+
            (out, seen)
        }
    };
}

registry! {
    REASONING = "reasoning": [cot::CotWidget, csp::CspWidget, probes::ProbesWidget],
    TRAINING = "training": [train_cost::TrainCostWidget],
    HALLUCINATION = "hallucination": [calibration::CalibrationWidget],
    MEMORY = "memory": [memory::MemoryWidget],
    ALIGNMENT = "alignment": [debate::DebateWidget, pixel_debate::PixelDebateWidget, weak_to_strong::WeakToStrongWidget],
    INTERPRETABILITY = "interpretability": [sae::SaeWidget],
    GROUNDING = "grounding": [grounding::GroundingWidget],
    EDGE = "edge": [edge::EdgeFeasibilityWidget, model::ModelWidget],
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
        assert_eq!(WIDGETS.len(), 13);
    }

    /// A widget sits in its own problem's bundle, and every problem has one: otherwise its
    /// routes would load a module without it.
    #[test]
    fn each_widget_is_grouped_under_its_problem() {
        for (problem, ids) in bundles::groups() {
            for id in ids {
                assert_eq!(widget(id).map(|w| w.problem), Some(problem), "{id}");
            }
        }
        let grouped: Vec<&str> = bundles::ALL.iter().map(|b| b.name).collect();
        for p in crate::problems::PROBLEMS {
            assert!(grouped.contains(&p.id), "{} has no bundle", p.id);
        }
    }

    #[test]
    fn every_widget_keeps_the_contract_without_a_browser() {
        assert_eq!(contract_problems(), Vec::<String>::new());
    }

    /// The property per widget: arbitrary valid states (the worked example's fields changed to
    /// what a stranger's link might hold) never ask the page's thread for more than may start by
    /// itself there, and the costliest of them open (the analysis returns).
    #[test]
    fn no_valid_state_asks_the_page_for_more_than_it_may_start_by_itself() {
        let (problems, seen) = bound_problems(600, 0x5eed, 3);
        for (id, states, worst) in &seen {
            println!("{id}: {states} valid states; the costliest: {} ({} bytes)", worst.describe(), worst.bytes);
            // A property over no states proves nothing: each widget must yield some.
            assert!(*states >= 20, "{id}: only {states} valid states were drawn");
        }
        assert_eq!(problems, Vec::<String>::new());
    }
}
