//! What the site declares about each widget, as plain data: its id, its problem, how it is
//! introduced, and the controls a classroom link may hide. The app's registry (`web/src/widgets`)
//! pairs each declaration with its state type, worked example and view; routes, the home page,
//! embeds and the contract suite are all generated from that one list.

/// A part of a widget a teacher can hide with a classroom link (`hide=<id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// The id in `hide=`: lowercase words joined by `_` (`active_params`).
    pub id: &'static str,
    /// What the classroom-link builder calls it.
    pub label: &'static str,
}

/// Every widget's explanation can be hidden; the framework supplies this control, so no widget
/// declares it.
pub const EXPLAIN: Control = Control { id: "explain", label: "Explanation" };

/// A compact view of a widget for a blog post (`#/embed/<widget>?view=<id>`): one named part,
/// such as a chart with its key control, at a declared natural height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactView {
    /// The id in `view=`: lowercase words joined by `_`.
    pub id: &'static str,
    /// What the Embed menu calls it.
    pub label: &'static str,
    /// The frame's height for it, in CSS pixels, at a 700 px wide frame.
    pub height_px: u32,
    /// The hideable parts it shows (ids among the widget's controls); every other one is hidden.
    pub shows: &'static [&'static str],
}

/// The tallest a compact view may declare itself: it exists to fit a post.
pub const MAX_VIEW_HEIGHT_PX: u32 = 1000;

/// One widget as the site declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WidgetMeta {
    /// Route segment and storage key: lowercase words joined by `-` (`train-cost`).
    pub id: &'static str,
    /// The id of the open problem it belongs to (`training`).
    pub problem: &'static str,
    pub title: &'static str,
    /// One sentence for the home and problem pages.
    pub summary: &'static str,
    /// One sentence under the widget's title.
    pub intro: &'static str,
    /// The controls a classroom link may hide, besides [`EXPLAIN`].
    pub controls: &'static [Control],
    /// The compact views an embed may ask for; the whole widget is always the default.
    pub views: &'static [CompactView],
}

impl WidgetMeta {
    /// Every control a classroom link may name: the widget's own, then the explanation.
    pub fn hideable(&self) -> impl Iterator<Item = Control> + '_ {
        self.controls.iter().copied().chain(std::iter::once(EXPLAIN))
    }

    /// The compact view `id`, if declared.
    pub fn view(&self, id: &str) -> Option<&'static CompactView> {
        self.views.iter().find(|v| v.id == id)
    }

    /// What is wrong with this declaration: ids that are not route-safe, a control declared twice
    /// or shadowing the framework's, empty texts, views that show nothing declared or do not fit.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let id_ok = |id: &str, sep: char| {
            !id.is_empty()
                && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == sep)
                && !id.starts_with(sep)
                && !id.ends_with(sep)
        };
        if !id_ok(self.id, '-') {
            out.push(format!("widget id {:?} is not lowercase words joined by '-'", self.id));
        }
        for (what, text) in [("title", self.title), ("summary", self.summary), ("intro", self.intro)] {
            if text.trim().is_empty() {
                out.push(format!("{}: the {what} is empty", self.id));
            }
        }
        for (i, c) in self.controls.iter().enumerate() {
            if !id_ok(c.id, '_') {
                out.push(format!("{}: control id {:?} is not lowercase words joined by '_'", self.id, c.id));
            }
            if c.id == EXPLAIN.id {
                out.push(format!("{}: declares {:?}, which the framework supplies", self.id, c.id));
            }
            if self.controls[..i].iter().any(|d| d.id == c.id) {
                out.push(format!("{}: control {:?} is declared twice", self.id, c.id));
            }
        }
        for (i, v) in self.views.iter().enumerate() {
            if !id_ok(v.id, '_') || self.views[..i].iter().any(|w| w.id == v.id) {
                out.push(format!("{}: view id {:?} is not route-safe or is declared twice", self.id, v.id));
            }
            if v.shows.is_empty() {
                out.push(format!("{}: view {:?} shows nothing", self.id, v.id));
            }
            for part in v.shows {
                if !self.hideable().any(|c| c.id == *part) {
                    out.push(format!("{}: view {:?} shows {part:?}, which is not a declared control", self.id, v.id));
                }
            }
            if !(150..=MAX_VIEW_HEIGHT_PX).contains(&v.height_px) {
                out.push(format!(
                    "{}: view {:?} is {} px tall; a view is 150 to {MAX_VIEW_HEIGHT_PX}",
                    self.id, v.id, v.height_px
                ));
            }
        }
        out
    }
}

/// What is wrong with a whole registry: each widget's own problems, ids used twice, and
/// problems that are not among `problem_ids`.
pub fn registry_problems(widgets: &[&WidgetMeta], problem_ids: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, w) in widgets.iter().enumerate() {
        out.extend(w.problems());
        if widgets[..i].iter().any(|v| v.id == w.id) {
            out.push(format!("widget id {:?} is registered twice", w.id));
        }
        if !problem_ids.contains(&w.problem) {
            out.push(format!("{}: problem {:?} is not one of the site's problems", w.id, w.problem));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: WidgetMeta = WidgetMeta {
        id: "train-cost",
        problem: "training",
        title: "Training cost",
        summary: "What a run costs.",
        intro: "FLOPs, MFU and dollars.",
        controls: &[Control { id: "active_params", label: "Active parameters" }],
        views: &[CompactView { id: "chart", label: "The chart", height_px: 420, shows: &["active_params"] }],
    };

    #[test]
    fn a_good_registry_has_no_problems_and_explain_is_always_hideable() {
        assert!(registry_problems(&[&GOOD], &["training"]).is_empty());
        let ids: Vec<&str> = GOOD.hideable().map(|c| c.id).collect();
        assert_eq!(ids, ["active_params", "explain"]);
    }

    #[test]
    fn each_kind_of_mistake_is_named() {
        let bad = WidgetMeta {
            id: "Train Cost",
            intro: " ",
            controls: &[
                Control { id: "explain", label: "x" },
                Control { id: "gpus", label: "x" },
                Control { id: "gpus", label: "y" },
            ],
            views: &[
                CompactView { id: "chart", label: "c", height_px: 2000, shows: &["charts"] },
                CompactView { id: "chart", label: "c", height_px: 400, shows: &[] },
            ],
            ..GOOD
        };
        let found = registry_problems(&[&GOOD, &bad, &GOOD], &["memory"]);
        let expected = [
            "train-cost: problem \"training\" is not one of the site's problems",
            "widget id \"Train Cost\" is not lowercase words joined by '-'",
            "Train Cost: the intro is empty",
            "Train Cost: declares \"explain\", which the framework supplies",
            "Train Cost: control \"gpus\" is declared twice",
            "Train Cost: view \"chart\" shows \"charts\", which is not a declared control",
            "Train Cost: view \"chart\" is 2000 px tall; a view is 150 to 1000",
            "Train Cost: view id \"chart\" is not route-safe or is declared twice",
            "Train Cost: view \"chart\" shows nothing",
            "Train Cost: problem \"training\" is not one of the site's problems",
            "widget id \"train-cost\" is registered twice",
            "train-cost: problem \"training\" is not one of the site's problems",
        ];
        assert_eq!(found, expected);
    }
}
