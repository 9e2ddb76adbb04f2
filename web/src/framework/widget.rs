//! The widget contract in the app: what every widget declares (the [`Widget`] trait) and how
//! the framework mounts one. The registry (`crate::widgets`) lists the widgets once; routes, the
//! home and problem pages, embeds and the contract suite come from that list.

use frontier_base::work::Work;
use frontier_state::{Query, WidgetMeta, WidgetState};
use leptos::prelude::*;

use super::host::Host;

/// One widget: its declaration, its state with the worked example, its explanation and its view.
pub trait Widget: 'static {
    /// The plain serde state that links, local storage and state files carry.
    type State: WidgetState + Send + Sync + 'static;
    /// Id, problem, texts and the controls a classroom link may hide.
    const META: WidgetMeta;

    /// The worked example a widget opens with.
    fn example() -> Self::State;

    /// What the problem is and what each number means, with formulas and sources. The framework
    /// shows it below the widget, hideable as `explain`.
    fn explain() -> AnyView;

    /// The widget inside its [`WidgetFrame`](super::frame::WidgetFrame).
    fn view(host: Host<Self::State>) -> AnyView;

    /// What opening `state` asks of the page's own thread: the analysis its views compute
    /// at once, estimated from the settings through the core crates. Work that runs in the Web
    /// Worker (training, solving, large files) is gated by its own job and not counted here.
    /// The registry's property test holds every valid state under
    /// [`frontier_base::work::MAIN_THREAD_AUTO_START_S`].
    fn page_work(state: &Self::State) -> Work;

    /// Runs natively what the page computes when `state` opens (the property test checks that
    /// it returns for arbitrary valid states, the largest included).
    #[cfg(test)]
    fn open_natively(state: &Self::State);
}

/// A widget, full-size or embedded, with its state resolved from the link, saved work or the
/// worked example.
pub fn mount<W: Widget>(query: Query, embed: bool) -> AnyView {
    let host = Host::new(&W::META, W::explain, query, embed, W::example);
    W::view(host)
}

/// What is wrong with one widget's contract that a test can see without a browser: the state's
/// id is the declared one, the worked example is valid, and it survives a share link and a state
/// file unchanged.
pub fn contract_problems<W: Widget>() -> Vec<String> {
    let id = W::META.id;
    let mut out = Vec::new();
    if <W::State as WidgetState>::WIDGET_ID != id {
        out.push(format!("{id}: the state says it belongs to {:?}", <W::State as WidgetState>::WIDGET_ID));
    }
    let example = W::example();
    if let Err(e) = example.validate() {
        out.push(format!("{id}: the worked example is not valid: {e}"));
    }
    match frontier_state::encode_link_state(&example).map(|link| frontier_state::decode_link_state::<W::State>(&link)) {
        Ok(Ok(back)) if back == example => {}
        Ok(Ok(_)) => out.push(format!("{id}: the worked example changes on its way through a share link")),
        Ok(Err(e)) => out.push(format!("{id}: the worked example's share link does not open: {e}")),
        Err(e) => out.push(format!("{id}: the worked example has no share link: {e}")),
    }
    match frontier_state::Envelope::wrap(&example).map(|file| frontier_state::Envelope::unwrap::<W::State>(&file)) {
        Ok(Ok(back)) if back == example => {}
        Ok(Ok(_)) => out.push(format!("{id}: the worked example changes on its way through a state file")),
        Ok(Err(e)) => out.push(format!("{id}: the worked example's state file does not import: {e}")),
        Err(e) => out.push(format!("{id}: the worked example cannot be exported: {e}")),
    }
    out
}
