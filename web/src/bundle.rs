//! Which part of the site this wasm module is. The site is built as several modules (`cargo xtask
//! dist`): `home` has the home, about, landscape and benchmarks pages; one per problem adds that problem's
//! page and widgets (and serves its embeds); `full` has everything, lessons included. The boot
//! script picks the module from the route before any wasm loads, so a reader of one embedded
//! widget downloads that problem's module and nothing else.
//!
//! A bundle holds its widgets behind a function pointer chosen at compile time: the link-time
//! optimiser then drops every widget (and analysis crate) that no pointer reaches.

use std::cell::Cell;

use frontier_base::same_str;
use frontier_state::{Query, Route};
use leptos::prelude::*;

/// Mounts a widget by id, full-size or embedded; `None` for one this bundle does not have.
pub type Render = fn(&str, Query, bool) -> Option<AnyView>;
/// Shows a lessons route.
pub type Lessons = fn(Route) -> AnyView;

/// The Benchmarks page, behind a pointer so that only the modules that serve it link it.
pub type BenchmarksPage = fn() -> AnyView;

/// One part of the site.
#[derive(Clone, Copy)]
pub struct Bundle {
    pub name: &'static str,
    /// The problems whose pages, widgets and embeds it serves; `None` for all of them.
    pub problems: Option<&'static [&'static str]>,
    pub render: Render,
    pub lessons: Option<Lessons>,
    /// The Benchmarks page: `home` and `full` have it; a problem's module sends its reader there.
    pub benchmarks: Option<BenchmarksPage>,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle").field("name", &self.name).field("problems", &self.problems).finish_non_exhaustive()
    }
}

/// The home, about, landscape and benchmarks pages, and no widget.
pub const HOME: Bundle = Bundle {
    name: "home",
    problems: Some(&[]),
    render: |_, _, _| None,
    lessons: None,
    benchmarks: Some(crate::pages::benchmarks::page),
};

/// Everything: every widget and the lessons, which mount any lab.
pub const FULL: Bundle = Bundle {
    name: "full",
    problems: None,
    render: crate::widgets::render,
    lessons: Some(crate::lessons::page),
    benchmarks: Some(crate::pages::benchmarks::page),
};

/// The bundle named `name`, at compile time (an unknown name does not compile).
pub const fn named(name: &str) -> Bundle {
    if same_str(name, HOME.name) {
        return HOME;
    }
    if same_str(name, FULL.name) {
        return FULL;
    }
    let mut i = 0;
    while i < crate::widgets::bundles::ALL.len() {
        if same_str(name, crate::widgets::bundles::ALL[i].name) {
            return crate::widgets::bundles::ALL[i];
        }
        i += 1;
    }
    panic!("no bundle has this name: see crate::widgets::bundles")
}

/// What a module serves before `start` sets its own bundle: the shared pages and nothing else. Not
/// `HOME`, whose Benchmarks page every module would then link, nor `FULL`, which would make
/// every widget reachable from every module.
const UNSET: Bundle = Bundle { benchmarks: None, ..HOME };

thread_local! {
    static CURRENT: Cell<Bundle> = const { Cell::new(UNSET) };
}

/// Sets the bundle this module is (once, at start).
pub fn set(bundle: Bundle) {
    CURRENT.with(|c| c.set(bundle));
}

pub fn current() -> Bundle {
    CURRENT.with(Cell::get)
}

impl Bundle {
    fn has_problem(&self, problem: &str) -> bool {
        self.problems.is_none_or(|list| list.contains(&problem))
    }

    /// Whether this bundle can show `route`. Pages every bundle has (home, about, landscape,
    /// not found) and unknown widgets (which every bundle reports the same way) are served.
    pub fn serves(&self, route: &Route) -> bool {
        match route {
            Route::Home | Route::About | Route::Landscape | Route::NotFound(_) => true,
            Route::Benchmarks => self.benchmarks.is_some(),
            Route::Problem(problem) | Route::Widget { problem, .. } => {
                crate::problems::problem(problem).is_none() || self.has_problem(problem)
            }
            Route::Embed { widget, .. } => crate::widgets::widget(widget).is_none_or(|w| self.has_problem(w.problem)),
            Route::Lessons | Route::Lesson(_) | Route::SharedLesson(_) | Route::LessonAuthor => self.lessons.is_some(),
        }
    }
}

/// Mounts widget `id` from the current bundle.
pub fn render(id: &str, query: Query, embed: bool) -> Option<AnyView> {
    (current().render)(id, query, embed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::bundles;

    #[test]
    fn each_bundle_serves_its_own_routes_and_the_shared_pages() {
        let route = |hash: &str| Route::parse(hash);
        let training = named("training");
        assert_eq!(training.name, bundles::TRAINING.name);
        for hash in ["#/", "#/about", "#/landscape", "#/nowhere/at/all", "#/training", "#/training/train-cost"] {
            assert!(training.serves(&route(hash)), "training serves {hash}");
        }
        assert!(training.serves(&route("#/embed/train-cost?s=x")));
        // Unknown problems and widgets read the same everywhere.
        assert!(training.serves(&route("#/no-such-problem")) && training.serves(&route("#/embed/no-such-widget")));
        // The Benchmarks page is home's (and full's): a problem's module does not link it.
        for hash in ["#/memory", "#/reasoning/cot", "#/embed/cot", "#/lessons", "#/lessons/author", "#/benchmarks"] {
            assert!(!training.serves(&route(hash)), "training does not serve {hash}");
        }
        assert!(
            HOME.serves(&route("#/landscape"))
                && HOME.serves(&route("#/benchmarks"))
                && !HOME.serves(&route("#/edge/edge-feasibility"))
        );
        for hash in ["#/lessons/shared?l=x", "#/alignment/debate", "#/embed/sae", "#/", "#/benchmarks"] {
            assert!(FULL.serves(&route(hash)), "full serves {hash}");
        }
    }

    #[test]
    fn a_bundle_mounts_no_widget_of_another_problem() {
        // Asking for another problem's widget returns before anything mounts (mounting needs a
        // browser; the contract suite mounts every widget from its own bundle).
        let owner = Owner::new();
        owner.with(|| {
            assert!((bundles::REASONING.render)("edge-feasibility", Query::default(), false).is_none());
            assert!((bundles::EDGE.render)("cot", Query::default(), true).is_none());
            assert!((HOME.render)("cot", Query::default(), false).is_none());
        });
    }
}
