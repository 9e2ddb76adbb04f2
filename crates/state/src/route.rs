//! Hash routes. Hash routing works on any static host under any sub-path: the server only
//! ever sees the page's own path.
//!
//! `#/` home, `#/about`, `#/landscape`, `#/benchmarks`, `#/<problem>`, `#/<problem>/<widget>?s=…&hide=…`,
//! `#/embed/<widget>?s=…&hide=…`, `#/lessons`, `#/lessons/<id>`, `#/lessons/shared?l=…`,
//! `#/lessons/author`.

/// Which page a hash names. Ids are checked against the registry by the app, not here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    About,
    /// How the eight problems depend on each other, and the article's tables as charts.
    Landscape,
    /// The site's heavy kernels timed in the reader's own browser, beside reference figures.
    Benchmarks,
    Problem(String),
    Widget {
        problem: String,
        widget: String,
        query: Query,
    },
    Embed {
        widget: String,
        query: Query,
    },
    /// The lessons: built in, opened from files, and the way to write one.
    Lessons,
    /// A built-in lesson, or one opened from a file in this browser.
    Lesson(String),
    /// A lesson carried whole by its link (`l`).
    SharedLesson(String),
    /// Writing a lesson.
    LessonAuthor,
    NotFound(String),
}

/// The query part of a widget route.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// The encoded state (`s`).
    pub state: Option<String>,
    /// Classroom mode: ids of controls to hide (`hide=gpus,hours,explain`).
    pub hide: Vec<String>,
    /// A compact view of an embed (`view=chart`), one the widget declares.
    pub view: Option<String>,
}

impl Query {
    pub fn hides(&self, id: &str) -> bool {
        self.hide.iter().any(|h| h == id)
    }

    /// The query string without its `?`, or an empty string.
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.state {
            parts.push(format!("s={}", percent_encode(s)));
        }
        if !self.hide.is_empty() {
            parts.push(format!("hide={}", percent_encode(&self.hide.join(","))));
        }
        if let Some(v) = &self.view {
            parts.push(format!("view={}", percent_encode(v)));
        }
        parts.join("&")
    }

    fn parse(q: &str) -> Query {
        let mut query = Query::default();
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            match key {
                "s" => query.state = Some(value),
                "view" => query.view = Some(value),
                "hide" => {
                    query.hide = value.split(',').map(str::trim).filter(|h| !h.is_empty()).map(String::from).collect();
                }
                _ => {} // Unknown keys are ignored so older links keep working.
            }
        }
        query
    }
}

impl Route {
    /// Parses `location.hash` (with or without the leading `#`).
    pub fn parse(hash: &str) -> Route {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let (path, q) = hash.split_once('?').unwrap_or((hash, ""));
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let query = Query::parse(q);
        match segments.as_slice() {
            [] => Route::Home,
            ["about"] => Route::About,
            ["landscape"] => Route::Landscape,
            ["benchmarks"] => Route::Benchmarks,
            ["embed", widget] => Route::Embed { widget: (*widget).to_string(), query },
            ["lessons"] => Route::Lessons,
            ["lessons", "author"] => Route::LessonAuthor,
            ["lessons", "shared"] => Route::SharedLesson(query_value(q, "l").unwrap_or_default()),
            ["lessons", id] => Route::Lesson((*id).to_string()),
            [problem] => Route::Problem((*problem).to_string()),
            [problem, widget] => {
                Route::Widget { problem: (*problem).to_string(), widget: (*widget).to_string(), query }
            }
            _ => Route::NotFound(path.to_string()),
        }
    }

    /// The hash for this route, with the leading `#`.
    pub fn to_hash(&self) -> String {
        let with_query = |path: String, query: &Query| {
            let q = query.to_query_string();
            if q.is_empty() {
                format!("#/{path}")
            } else {
                format!("#/{path}?{q}")
            }
        };
        match self {
            Route::Home => "#/".into(),
            Route::About => "#/about".into(),
            Route::Landscape => "#/landscape".into(),
            Route::Benchmarks => "#/benchmarks".into(),
            Route::Problem(p) => format!("#/{p}"),
            Route::Widget { problem, widget, query } => with_query(format!("{problem}/{widget}"), query),
            Route::Embed { widget, query } => with_query(format!("embed/{widget}"), query),
            Route::Lessons => "#/lessons".into(),
            Route::Lesson(id) => format!("#/lessons/{id}"),
            Route::SharedLesson(link) => format!("#/lessons/shared?l={}", percent_encode(link)),
            Route::LessonAuthor => "#/lessons/author".into(),
            Route::NotFound(path) => format!("#/{path}"),
        }
    }
}

/// The decoded value of `key` in a query string.
fn query_value(q: &str, key: &str) -> Option<String> {
    q.split('&').find_map(|pair| pair.strip_prefix(key).and_then(|rest| rest.strip_prefix('=')).map(percent_decode))
}

/// Percent-encodes everything outside the URL-safe unreserved set and `,`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b',') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+`; malformed escapes are kept as they are.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_every_route_shape() {
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("#/"), Route::Home);
        assert_eq!(Route::parse("#/about"), Route::About);
        assert_eq!(Route::parse("#/landscape"), Route::Landscape);
        assert_eq!(Route::Landscape.to_hash(), "#/landscape");
        assert_eq!(Route::parse("#/benchmarks"), Route::Benchmarks);
        assert_eq!(Route::parse("#/benchmarks?s=x"), Route::Benchmarks);
        assert_eq!(Route::Benchmarks.to_hash(), "#/benchmarks");
        assert_eq!(Route::parse("#/training"), Route::Problem("training".into()));
        let q = Query { state: Some("1.abc".into()), hide: vec!["gpus".into(), "explain".into()], view: None };
        assert_eq!(
            Route::parse("#/training/train-cost?s=1.abc&hide=gpus,explain"),
            Route::Widget { problem: "training".into(), widget: "train-cost".into(), query: q.clone() }
        );
        assert_eq!(
            Route::parse("#/embed/train-cost?hide=gpus%2Cexplain&s=1.abc"),
            Route::Embed { widget: "train-cost".into(), query: q }
        );
        assert_eq!(Route::parse("#/a/b/c"), Route::NotFound("/a/b/c".into()));
        assert_eq!(
            Route::parse("#/embed/edge-feasibility?view=speed&s=1.x"),
            Route::Embed {
                widget: "edge-feasibility".into(),
                query: Query { state: Some("1.x".into()), hide: vec![], view: Some("speed".into()) }
            }
        );
        assert_eq!(Route::parse("#/lessons"), Route::Lessons);
        assert_eq!(Route::parse("#/lessons/author"), Route::LessonAuthor);
        assert_eq!(Route::parse("#/lessons/edge-will-it-run"), Route::Lesson("edge-will-it-run".into()));
        assert_eq!(Route::parse("#/lessons/shared?x=1&l=1.ab%2Dc"), Route::SharedLesson("1.ab-c".into()));
        let shared = Route::SharedLesson("1.a+b/c".into());
        assert_eq!(Route::parse(&shared.to_hash()), shared);
    }

    #[test]
    fn malformed_escapes_are_kept() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }

    proptest! {
        #[test]
        fn widget_routes_round_trip(p in "[a-z-]{1,12}", w in "[a-z-]{1,12}", s in proptest::option::of(".{0,30}"), hide in proptest::collection::vec("[a-z_]{1,8}", 0..4)) {
            prop_assume!(p != "embed" && p != "about");
            let route = Route::Widget { problem: p, widget: w, query: Query { state: s, hide, view: None } };
            prop_assert_eq!(Route::parse(&route.to_hash()), route);
        }

        #[test]
        fn any_hash_parses_without_panic(h in ".{0,100}") {
            let _ = Route::parse(&h);
        }
    }
}
