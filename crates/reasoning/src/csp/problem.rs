//! The parsed problem: people, rooms and constraints, with the source line of each so that a
//! broken constraint can be named the way its author wrote it.

use serde::Serialize;

/// Limits keep the SAT encoding small enough to solve in a page; each error message names its limit.
pub const MAX_PEOPLE: usize = 200;
pub const MAX_ROOMS: usize = 50;
/// Constraint lines (`together`, `apart`, `in`, `not in`, `at least`).
pub const MAX_CONSTRAINTS: usize = 2_000;
pub const MAX_NAME_CHARS: usize = 40;
pub const MAX_INPUT_BYTES: usize = 1 << 20;
/// Clauses in the encoding before any solution is blocked; 1,000,000 clauses take tens of megabytes.
pub const MAX_CLAUSES: u64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Room {
    pub name: String,
    /// `None` is unlimited.
    pub capacity: Option<u32>,
}

/// One constraint, over indices into [`Problem::people`] and [`Problem::rooms`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// Everyone listed shares one room.
    Together { people: Vec<usize> },
    /// No two of those listed share a room.
    Apart { people: Vec<usize> },
    /// The person is in one of the rooms listed.
    In { person: usize, rooms: Vec<usize> },
    /// The person is in none of the rooms listed.
    NotIn { person: usize, rooms: Vec<usize> },
    /// The room holds at least `count` people.
    AtLeast { room: usize, count: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Constraint {
    /// 1-based line in the text the problem was parsed from.
    pub line: usize,
    /// The line as written, without its comment.
    pub text: String,
    pub rule: Rule,
}

/// A validated problem: every index is in range, names are unique (also ignoring case), lists are
/// non-empty and within the limits, and the encoding fits [`MAX_CLAUSES`]. Only [`super::parse`]
/// builds one, so a `Problem` in hand is always one the solver can take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub(super) people: Vec<String>,
    pub(super) rooms: Vec<Room>,
    pub(super) constraints: Vec<Constraint>,
    pub(super) people_line: usize,
    pub(super) people_text: String,
    pub(super) rooms_line: usize,
    pub(super) rooms_text: String,
}

impl Problem {
    pub fn people(&self) -> &[String] {
        &self.people
    }

    pub fn rooms(&self) -> &[Room] {
        &self.rooms
    }

    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// The line that declares the people (every person needs exactly one room: that rule's source).
    pub fn people_line(&self) -> usize {
        self.people_line
    }

    /// The line that declares the rooms and their capacities.
    pub fn rooms_line(&self) -> usize {
        self.rooms_line
    }

    /// The problem in the text format, without comments: parsing it gives the same problem (with
    /// line numbers of the new text).
    pub fn to_text(&self) -> String {
        let mut out = format!("people: {}\n", self.people.join(", "));
        let rooms: Vec<String> = self.rooms.iter().map(room_text).collect();
        out.push_str(&format!("rooms: {}\n", rooms.join(", ")));
        for constraint in &self.constraints {
            out.push_str(&self.rule_text(&constraint.rule));
            out.push('\n');
        }
        out
    }

    /// One rule in the canonical form [`Problem::to_text`] writes.
    pub fn rule_text(&self, rule: &Rule) -> String {
        let person = |p: &usize| self.people.get(*p).map_or("?", String::as_str);
        let room = |r: &usize| self.rooms.get(*r).map_or("?", |room| room.name.as_str());
        let people = |list: &[usize]| list.iter().map(person).collect::<Vec<_>>().join(", ");
        let rooms = |list: &[usize]| list.iter().map(room).collect::<Vec<_>>().join(" | ");
        match rule {
            Rule::Together { people: list } => format!("together: {}", people(list)),
            Rule::Apart { people: list } => format!("apart: {}", people(list)),
            Rule::In { person: p, rooms: list } => format!("in: {}, {}", person(p), rooms(list)),
            Rule::NotIn { person: p, rooms: list } => format!("not in: {}, {}", person(p), rooms(list)),
            Rule::AtLeast { room: r, count } => format!("at least: {}, {count}", room(r)),
        }
    }

    /// Number of people a room can hold in this problem (unlimited is everyone).
    pub(super) fn capacity_of(&self, room: usize) -> usize {
        match self.rooms.get(room).and_then(|r| r.capacity) {
            Some(c) => (c as usize).min(self.people.len()),
            None => self.people.len(),
        }
    }
}

fn room_text(room: &Room) -> String {
    match room.capacity {
        Some(c) => format!("{} ({c})", room.name),
        None => room.name.clone(),
    }
}

/// "Ana", "Ana and Ben", "Ana, Ben and Cai".
pub(super) fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::join_names;

    #[test]
    fn names_join_as_in_prose() {
        assert_eq!(join_names(&[]), "");
        assert_eq!(join_names(&["Ana"]), "Ana");
        assert_eq!(join_names(&["Ana", "Ben"]), "Ana and Ben");
        assert_eq!(join_names(&["Ana", "Ben", "Cai"]), "Ana, Ben and Cai");
    }
}
