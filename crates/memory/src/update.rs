//! What a new memory does to the old ones: ADD, UPDATE (the same fact, said more fully),
//! SUPERSEDE (the same attribute with a new value: "I moved to Zurich" after "I live in
//! Bern"; the old fact stays, with an end of validity) or NOOP (a repeat).
//!
//! Facts are recognised by a small set of English patterns (where someone lives, works,
//! their name, age, favourites, likes and dislikes), for the first person ("I", "my") or a
//! named subject ("Alice lives in Paris"). Anything else falls back to comparing words: a
//! repeat is a NOOP, a strict extension of an old memory is an UPDATE. No model is asked, so
//! the rules are visible and testable; their reach is limited to what they name.

use serde::{Deserialize, Serialize};

/// A fact a memory states: `subject` has `attribute` = `value` (or not, when `negated`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub subject: String,
    pub attribute: String,
    pub value: String,
    pub negated: bool,
}

/// Lower case, single spaces, no trailing punctuation: the form repeats are compared in.
pub fn normalized(text: &str) -> String {
    let lower = text.to_lowercase().replace(['’', '‘'], "'");
    let joined = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.trim_end_matches(['.', '!', '?', ',', ';', ':']).to_string()
}

/// The value after a pattern: up to the end of the clause.
fn value_after(rest: &str) -> Option<String> {
    let end = rest.find(['.', ',', ';', '!', '?', '(']).unwrap_or(rest.len());
    let mut value = rest[..end].trim();
    // The value is the head of the clause: "a bakery on the old square" is a bakery, "Google as
    // a data engineer" is Google.
    for stop in [
        " and ",
        " but ",
        " since ",
        " because ",
        " for ",
        " with ",
        " on ",
        " as ",
        " in ",
        " at ",
        " near ",
        " now",
        " these days",
    ] {
        if let Some(i) = value.find(stop) {
            value = value[..i].trim();
        }
    }
    let value = ["the ", "a ", "an "].iter().fold(value, |v, article| v.strip_prefix(article).unwrap_or(v)).trim();
    (!value.is_empty() && value.split_whitespace().count() <= 6).then(|| value.to_string())
}

/// (attribute, phrases after the subject). "{}" in an attribute is filled from the phrase.
const PATTERNS: &[(&str, &[&str])] = &[
    (
        "lives in",
        &[
            "live in ",
            "lives in ",
            "am living in ",
            "is living in ",
            "moved to ",
            "have moved to ",
            "has moved to ",
            "relocated to ",
            "am based in ",
            "is based in ",
            "now live in ",
            "now lives in ",
        ],
    ),
    (
        "works at",
        &[
            "work at ",
            "works at ",
            "work for ",
            "works for ",
            "joined ",
            "am working at ",
            "is working at ",
            "started working at ",
            "started at ",
        ],
    ),
    ("name", &["name is ", "am called ", "go by "]),
    ("age", &["am ", "is "]),
];

/// The subject and the rest of the sentence, for "I …", "my …" and "Name …".
fn subject_of(sentence: &str) -> Option<(String, String, bool)> {
    let lower = normalized(sentence);
    for (prefix, possessive) in [("i ", false), ("i'm ", false), ("i've ", false), ("my ", true)] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let rest = match prefix {
                "i'm " => format!("am {rest}"),
                "i've " => format!("have {rest}"),
                _ => rest.to_string(),
            };
            return Some(("user".to_string(), rest, possessive));
        }
    }
    // A capitalised first word that is not a sentence opener names the subject.
    let first = sentence.split_whitespace().next()?;
    let name = first.trim_end_matches("'s");
    let openers = ["The", "A", "An", "This", "That", "It", "We", "You", "They", "He", "She", "There", "Today"];
    if name.chars().next().is_some_and(char::is_uppercase) && !openers.contains(&name) {
        let rest = lower.split_once(' ').map(|(_, r)| r.to_string())?;
        return Some((name.to_lowercase(), rest, first.ends_with("'s")));
    }
    None
}

/// The fact a sentence states, if it matches a known pattern.
pub fn extract(content: &str) -> Option<Fact> {
    let (subject, rest, possessive) = subject_of(content)?;
    let fact = |attribute: &str, value: String, negated: bool| Fact {
        subject: subject.clone(),
        attribute: attribute.to_string(),
        value,
        negated,
    };
    if possessive {
        // "my favourite colour is blue", "my sister's name is Ana", "my name is Sam".
        let (thing, value) = rest.split_once(" is ")?;
        let thing = thing.replace("favourite", "favorite").replace("colour", "color");
        return value_after(value).map(|v| fact(&thing, v, false));
    }
    let (negated, rest) = match rest.strip_prefix("don't ").or_else(|| rest.strip_prefix("do not ")) {
        Some(r) => (true, r.to_string()),
        None => match rest.strip_prefix("no longer ") {
            Some(r) => (true, r.to_string()),
            None => (false, rest),
        },
    };
    for verb in ["like ", "likes ", "love ", "loves ", "enjoy ", "enjoys ", "hate ", "hates ", "dislike ", "dislikes "]
    {
        if let Some(object) = rest.strip_prefix(verb) {
            let dislike = verb.starts_with("hate") || verb.starts_with("dislike");
            return value_after(object).map(|o| fact(&format!("likes {o}"), "yes".into(), negated != dislike));
        }
    }
    for (attribute, phrases) in PATTERNS {
        for phrase in *phrases {
            if let Some(after) = rest.strip_prefix(phrase) {
                let value = value_after(after)?;
                if *attribute == "age" {
                    // "I am 34 years old" / "I'm 34": a number, or it is not an age.
                    let years = value.trim_end_matches(" years old").trim_end_matches(" years");
                    return years.parse::<u32>().ok().map(|y| fact("age", y.to_string(), negated));
                }
                return Some(fact(attribute, value, negated));
            }
        }
    }
    None
}

/// What storing a memory does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operation {
    Add,
    Update,
    Supersede,
    Noop,
}

/// The decision for one new memory, with the memory it concerns and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub operation: Operation,
    /// The existing memory updated, superseded or repeated.
    pub target: Option<String>,
    pub reason: String,
}

/// An existing memory as the decision sees it.
#[derive(Debug, Clone, Copy)]
pub struct Existing<'a> {
    pub id: &'a str,
    pub content: &'a str,
}

fn content_words(text: &str) -> Vec<String> {
    crate::embed::words(text).collect()
}

/// Decides what `content` does to the current (not superseded) memories.
pub fn decide<'a>(content: &str, current: impl IntoIterator<Item = Existing<'a>>) -> Decision {
    let new_norm = normalized(content);
    let new_fact = extract(content);
    let new_words = content_words(content);
    let mut extension: Option<&str> = None;
    for old in current {
        if normalized(old.content) == new_norm {
            return Decision {
                operation: Operation::Noop,
                target: Some(old.id.to_string()),
                reason: "the same text is already stored".into(),
            };
        }
        if let (Some(new), Some(was)) = (&new_fact, extract(old.content)) {
            if new.subject == was.subject && new.attribute == was.attribute {
                if new.value == was.value && new.negated == was.negated {
                    let old_words = content_words(old.content);
                    if new_words.len() > old_words.len() && old_words.iter().all(|w| new_words.contains(w)) {
                        return Decision {
                            operation: Operation::Update,
                            target: Some(old.id.to_string()),
                            reason: format!("{} {} {}, said with more detail", was.subject, was.attribute, was.value),
                        };
                    }
                    return Decision {
                        operation: Operation::Noop,
                        target: Some(old.id.to_string()),
                        reason: format!("already known: {} {} {}", was.subject, was.attribute, was.value),
                    };
                }
                let describe = |f: &Fact| format!("{}{}", if f.negated { "not " } else { "" }, f.value);
                return Decision {
                    operation: Operation::Supersede,
                    target: Some(old.id.to_string()),
                    reason: format!("{} {}: {} replaces {}", new.subject, new.attribute, describe(new), describe(&was)),
                };
            }
        }
        let old_words = content_words(old.content);
        if extension.is_none()
            && old_words.len() >= 2
            && new_words.len() > old_words.len()
            && old_words.iter().all(|w| new_words.contains(w))
        {
            extension = Some(old.id);
        }
    }
    match extension {
        Some(id) => Decision {
            operation: Operation::Update,
            target: Some(id.to_string()),
            reason: "says the same with more detail".into(),
        },
        None => Decision { operation: Operation::Add, target: None, reason: "new information".into() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(subject: &str, attribute: &str, value: &str, negated: bool) -> Option<Fact> {
        Some(Fact { subject: subject.into(), attribute: attribute.into(), value: value.into(), negated })
    }

    #[test]
    fn facts_from_everyday_sentences() {
        assert_eq!(extract("I live in Bern."), fact("user", "lives in", "bern", false));
        assert_eq!(extract("I moved to Zurich last month"), fact("user", "lives in", "zurich last month", false));
        assert_eq!(extract("I've moved to Zurich, finally"), fact("user", "lives in", "zurich", false));
        assert_eq!(extract("My favourite colour is blue"), fact("user", "favorite color", "blue", false));
        assert_eq!(extract("I'm 34 years old"), fact("user", "age", "34", false));
        assert_eq!(extract("I don't like coffee"), fact("user", "likes coffee", "yes", true));
        assert_eq!(extract("I hate coffee"), fact("user", "likes coffee", "yes", true));
        assert_eq!(extract("Alice works at CERN"), fact("alice", "works at", "cern", false));
        assert_eq!(extract("The meeting is on Monday"), None);
        assert_eq!(extract("I am tired"), None);
    }

    #[test]
    fn moving_supersedes_and_repeats_do_not_pile_up() {
        let bern = Existing { id: "m1", content: "I live in Bern" };
        let d = decide("I moved to Zurich", [bern]);
        assert_eq!((d.operation, d.target.as_deref()), (Operation::Supersede, Some("m1")));
        let d = decide("i live in bern.", [bern]);
        assert_eq!(d.operation, Operation::Noop);
        let d = decide("I'm living in Bern", [bern]);
        assert_eq!((d.operation, d.reason.as_str()), (Operation::Noop, "already known: user lives in bern"));
        let d = decide("I hate coffee", [Existing { id: "c", content: "I love coffee" }]);
        assert_eq!(d.operation, Operation::Supersede);
        let d = decide("I like pizza with extra cheese", [Existing { id: "p", content: "I like pizza" }]);
        // The same fact (likes pizza) with more words: an update of the old memory.
        assert_eq!((d.operation, d.target.as_deref()), (Operation::Update, Some("p")));
        let d = decide(
            "The project deadline is Friday at noon",
            [Existing { id: "d", content: "project deadline Friday" }],
        );
        assert_eq!((d.operation, d.target.as_deref()), (Operation::Update, Some("d")));
        assert_eq!(decide("Bob is allergic to nuts", [bern]).operation, Operation::Add);
    }
}
