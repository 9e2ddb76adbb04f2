//! A lesson in a share link: `#/lessons/shared?l=<version>.<base64url(JSON)>`. Longer lessons
//! travel as files.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::check::{parse, LessonError};
use crate::format::{Lesson, VERSION};

/// The longest lesson link offered or read. Browsers take far longer addresses, but mail and
/// chat clients cut them; past this a lesson is shared as a file.
pub const MAX_LINK_CHARS: usize = 16_000;

/// The `l` value for `lesson`, or `None` when it would be longer than [`MAX_LINK_CHARS`].
pub fn encode(lesson: &Lesson) -> Option<String> {
    let json = serde_json::to_vec(lesson).ok()?;
    let link = format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(json));
    (link.len() <= MAX_LINK_CHARS).then_some(link)
}

/// Reads an `l` value (not yet checked: see [`crate::check::check`]).
pub fn decode(link: &str) -> Result<Lesson, LessonError> {
    let fail = |message: String| LessonError { path: String::new(), line: None, column: None, message };
    if link.len() > MAX_LINK_CHARS {
        return Err(fail(format!("the lesson link is {} characters; the limit is {MAX_LINK_CHARS}", link.len())));
    }
    let (version, data) = link.split_once('.').ok_or_else(|| fail("the lesson link has no version".into()))?;
    if version != VERSION.to_string() {
        return Err(fail(format!("the lesson link's version {version:?} is not one this release reads ({VERSION})")));
    }
    let bytes = URL_SAFE_NO_PAD.decode(data).map_err(|e| fail(format!("the lesson link is damaged: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| fail("the lesson link is damaged: not UTF-8".into()))?;
    parse(&text)
}

/// A step's lab state as its share link's `s` value (`<version>.<base64url(JSON)>`), for
/// mounting the lab in that state.
pub fn state_link(lab: &crate::format::LabState) -> String {
    let json = serde_json::to_vec(&lab.state).unwrap_or_default();
    format!("{}.{}", lab.version, URL_SAFE_NO_PAD.encode(json))
}
