//! The hash router: a signal holding the parsed route, updated on `hashchange`.

use frontier_state::Route;
use leptos::prelude::*;

/// The current route, provided as context by the app.
#[derive(Clone, Copy)]
pub struct RouteContext(pub ReadSignal<Route>);

/// Creates the route signal and keeps it in step with `location.hash`.
pub fn provide_router() -> ReadSignal<Route> {
    let (route, set_route) = signal(Route::parse(&super::dom::current_hash()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let next = Route::parse(&super::dom::current_hash());
        // A new page starts at the top; a changed query on the same page (a pasted link,
        // back/forward between states) keeps the reader where they are.
        if !same_page(&route.get_untracked(), &next) {
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        }
        set_route.set(next);
    });
    on_cleanup(move || handle.remove());
    provide_context(RouteContext(route));
    route
}

/// Whether two routes show the same page (ignoring the query).
pub fn same_page(a: &Route, b: &Route) -> bool {
    match (a, b) {
        (Route::Widget { problem: p1, widget: w1, .. }, Route::Widget { problem: p2, widget: w2, .. }) => {
            p1 == p2 && w1 == w2
        }
        (Route::Embed { widget: w1, .. }, Route::Embed { widget: w2, .. }) => w1 == w2,
        _ => a == b,
    }
}
