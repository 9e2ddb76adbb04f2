//! The problem parser. Two passes: declarations (`people:`, `rooms:`) first, wherever they are,
//! then constraints, so a constraint may come before the line that declares its names.

pub(super) mod lex;

use std::collections::BTreeMap;

use serde::Serialize;

use self::lex::{Item, Keyword, Statement};
use super::encode;
use super::names::did_you_mean;
use super::problem::{
    Constraint, Problem, Room, Rule, MAX_CLAUSES, MAX_CONSTRAINTS, MAX_INPUT_BYTES, MAX_PEOPLE, MAX_ROOMS,
};

/// What is wrong and where: line and column are 1-based, columns count characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        Self { line, column, message: message.into() }
    }

    /// Where byte `limit` of `text` falls, for "the input is too long" errors.
    pub(crate) fn at_byte(text: &str, limit: usize, message: impl Into<String>) -> Self {
        let mut end = limit.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Self::new(line, before[line_start..].chars().count() + 1, message)
    }
}

/// Parses and validates a problem; see the module documentation for the format.
pub fn parse(text: &str) -> Result<Problem, ParseError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ParseError::at_byte(
            text,
            MAX_INPUT_BYTES,
            format!("the problem is {} bytes long; the limit is {MAX_INPUT_BYTES} bytes", text.len()),
        ));
    }
    let mut people_statement = None;
    let mut rooms_statement = None;
    let mut rules = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let Some(statement) = lex::statement(index + 1, raw)? else { continue };
        let slot = match statement.keyword {
            Keyword::People => &mut people_statement,
            Keyword::Rooms => &mut rooms_statement,
            _ => {
                if rules.len() == MAX_CONSTRAINTS {
                    return Err(ParseError::new(
                        statement.line,
                        1,
                        format!("too many constraints: the limit is {MAX_CONSTRAINTS} lines"),
                    ));
                }
                rules.push(statement);
                continue;
            }
        };
        if let Some(first) = slot.replace(statement) {
            let what = if statement.keyword == Keyword::People { "people" } else { "rooms" };
            return Err(ParseError::new(
                statement.line,
                1,
                format!("the {what} are already listed on line {}; list them all on one line", first.line),
            ));
        }
    }
    let people_statement = people_statement
        .ok_or_else(|| ParseError::new(1, 1, "no “people:” line; start with a line like “people: Ana, Ben”"))?;
    let rooms_statement = rooms_statement
        .ok_or_else(|| ParseError::new(1, 1, "no “rooms:” line; add a line like “rooms: Red (2), Blue”"))?;
    let people = people_list(people_statement)?;
    let rooms = room_list(rooms_statement, &people)?;
    let names = Names::new(&people, &rooms);
    let constraints = rules
        .iter()
        .map(|statement| {
            Ok(Constraint { line: statement.line, text: statement.text.to_string(), rule: rule(&names, statement)? })
        })
        .collect::<Result<Vec<_>, ParseError>>()?;
    let problem = Problem {
        people,
        rooms,
        constraints,
        people_line: people_statement.line,
        people_text: people_statement.text.to_string(),
        rooms_line: rooms_statement.line,
        rooms_text: rooms_statement.text.to_string(),
    };
    if let Err(line) = encode::fits(&problem, MAX_CLAUSES) {
        return Err(ParseError::new(
            line,
            1,
            format!("the problem is too big to solve here: by this line its encoding passes {MAX_CLAUSES} clauses"),
        ));
    }
    Ok(problem)
}

/// Checks a new name against those already taken, where two names that differ only in case clash
/// (answers are matched ignoring case).
fn check_unique(
    line: usize,
    item: Item<'_>,
    name: &str,
    taken: &mut BTreeMap<String, (String, usize)>,
) -> Result<(), ParseError> {
    let key = name.to_lowercase();
    if let Some((earlier, column)) = taken.get(&key) {
        let message = if earlier == name {
            format!("“{name}” is listed twice (first at column {column})")
        } else {
            format!(
                "“{name}” differs from “{earlier}” (column {column}) only in case; names must differ by more than \
                 case because answers are matched ignoring case"
            )
        };
        return Err(ParseError::new(line, item.column, message));
    }
    taken.insert(key, (name.to_string(), item.column));
    Ok(())
}

fn people_list(statement: Statement<'_>) -> Result<Vec<String>, ParseError> {
    let line = statement.line;
    let items = lex::list(line, statement.body, statement.body_column, "people")?;
    let mut taken = BTreeMap::new();
    let mut people = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if index == MAX_PEOPLE {
            return Err(ParseError::new(line, item.column, format!("too many people: the limit is {MAX_PEOPLE}")));
        }
        let name = lex::name(line, *item, "person")?;
        check_unique(line, *item, &name, &mut taken)?;
        people.push(name);
    }
    Ok(people)
}

fn room_list(statement: Statement<'_>, people: &[String]) -> Result<Vec<Room>, ParseError> {
    let line = statement.line;
    let items = lex::list(line, statement.body, statement.body_column, "rooms")?;
    let mut taken: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let person_keys: BTreeMap<String, &str> = people.iter().map(|p| (p.to_lowercase(), p.as_str())).collect();
    let mut rooms = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if index == MAX_ROOMS {
            return Err(ParseError::new(line, item.column, format!("too many rooms: the limit is {MAX_ROOMS}")));
        }
        let (name_item, capacity) = room_item(line, *item)?;
        let name = lex::name(line, name_item, "room")?;
        if let Some(person) = person_keys.get(&name.to_lowercase()) {
            return Err(ParseError::new(
                line,
                item.column,
                format!("“{name}” is also a person (“{person}”); rooms and people need different names"),
            ));
        }
        check_unique(line, name_item, &name, &mut taken)?;
        rooms.push(Room { name, capacity });
    }
    Ok(rooms)
}

/// Splits `Red (2)` into the name and its capacity.
fn room_item(line: usize, item: Item<'_>) -> Result<(Item<'_>, Option<u32>), ParseError> {
    let Some(open) = item.text.find('(') else { return Ok((item, None)) };
    let open_column = item.column + item.text[..open].chars().count();
    let inside = &item.text[open + 1..];
    let Some(close) = inside.find(')') else {
        return Err(ParseError::new(line, open_column, "“(” without “)”: write a capacity like “Red (2)”"));
    };
    let after = &inside[close + 1..];
    if !after.trim().is_empty() {
        let column = open_column + 1 + inside[..close + 1].chars().count();
        return Err(ParseError::new(line, column, "unexpected text after the capacity; write “Red (2)”"));
    }
    let number = &inside[..close];
    let leading = number.len() - number.trim_start().len();
    let number_item = Item { text: number.trim(), column: open_column + 1 + number[..leading].chars().count() };
    let capacity = lex::number(line, number_item, "a capacity", 0, MAX_PEOPLE as u32)?;
    Ok((Item { text: item.text[..open].trim_end(), column: item.column }, Some(capacity)))
}

/// Name lookups for the constraint pass.
struct Names<'a> {
    people: BTreeMap<&'a str, usize>,
    rooms: BTreeMap<&'a str, usize>,
    person_list: &'a [String],
    room_list: &'a [Room],
}

impl<'a> Names<'a> {
    fn new(people: &'a [String], rooms: &'a [Room]) -> Self {
        Self {
            people: people.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect(),
            rooms: rooms.iter().enumerate().map(|(i, r)| (r.name.as_str(), i)).collect(),
            person_list: people,
            room_list: rooms,
        }
    }

    fn person(&self, line: usize, item: Item<'_>) -> Result<usize, ParseError> {
        let name = lex::name(line, item, "person")?;
        if let Some(&index) = self.people.get(name.as_str()) {
            return Ok(index);
        }
        let message = if self.rooms.contains_key(name.as_str()) {
            format!("“{name}” is a room, not a person")
        } else {
            let hint = did_you_mean(&name, self.person_list.iter().map(String::as_str));
            format!("unknown person “{name}”{hint}")
        };
        Err(ParseError::new(line, item.column, message))
    }

    fn room(&self, line: usize, item: Item<'_>) -> Result<usize, ParseError> {
        let name = lex::name(line, item, "room")?;
        if let Some(&index) = self.rooms.get(name.as_str()) {
            return Ok(index);
        }
        let message = if self.people.contains_key(name.as_str()) {
            format!("“{name}” is a person, not a room")
        } else {
            let hint = did_you_mean(&name, self.room_list.iter().map(|r| r.name.as_str()));
            format!("unknown room “{name}”{hint}")
        };
        Err(ParseError::new(line, item.column, message))
    }
}

fn rule(names: &Names<'_>, statement: &Statement<'_>) -> Result<Rule, ParseError> {
    let line = statement.line;
    let items = lex::list(line, statement.body, statement.body_column, "names")?;
    match statement.keyword {
        Keyword::Together | Keyword::Apart => {
            let people = distinct(line, &items, |item| names.person(line, item))?;
            if people.len() < 2 {
                let keyword = if statement.keyword == Keyword::Together { "together" } else { "apart" };
                return Err(ParseError::new(
                    line,
                    statement.body_column,
                    format!("“{keyword}” needs at least 2 people, separated by commas"),
                ));
            }
            Ok(if statement.keyword == Keyword::Together { Rule::Together { people } } else { Rule::Apart { people } })
        }
        Keyword::In | Keyword::NotIn => {
            let keyword = if statement.keyword == Keyword::In { "in" } else { "not in" };
            let [person_item, rooms_item] = items[..] else {
                return Err(ParseError::new(
                    line,
                    statement.body_column,
                    format!("expected “{keyword}: Person, Room” (use | between rooms: “Red | Blue”)"),
                ));
            };
            let person = names.person(line, person_item)?;
            let room_items = lex::split_items(rooms_item.text, rooms_item.column, '|');
            if let Some(empty) = room_items.iter().find(|item| item.text.is_empty()) {
                return Err(ParseError::new(line, empty.column, "empty room name beside “|”"));
            }
            let rooms = distinct(line, &room_items, |item| names.room(line, item))?;
            Ok(if statement.keyword == Keyword::In {
                Rule::In { person, rooms }
            } else {
                Rule::NotIn { person, rooms }
            })
        }
        Keyword::AtLeast => {
            let [room_item, count_item] = items[..] else {
                return Err(ParseError::new(line, statement.body_column, "expected “at least: Room, number”"));
            };
            let room = names.room(line, room_item)?;
            let count = lex::number(line, count_item, "the count", 1, MAX_PEOPLE as u32)?;
            Ok(Rule::AtLeast { room, count })
        }
        Keyword::People | Keyword::Rooms => {
            Err(ParseError::new(line, 1, "internal: a declaration reached the constraint pass"))
        }
    }
}

/// Resolves every item, rejecting one named twice in the same list.
fn distinct(
    line: usize,
    items: &[Item<'_>],
    resolve: impl Fn(Item<'_>) -> Result<usize, ParseError>,
) -> Result<Vec<usize>, ParseError> {
    let mut seen = BTreeMap::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let index = resolve(*item)?;
        if let Some(column) = seen.insert(index, item.column) {
            return Err(ParseError::new(
                line,
                item.column,
                format!("“{}” is listed twice (first at column {column})", item.text),
            ));
        }
        out.push(index);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> ParseError {
        match parse(text) {
            Ok(problem) => panic!("parsed {problem:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn declarations_may_follow_constraints() {
        let problem = parse("together: A, B\npeople: A, B\nrooms: X").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(problem.constraints()[0].line, 1);
        assert_eq!(problem.people_line(), 2);
    }

    #[test]
    fn unknown_names_point_at_the_name() {
        let e = error("people: Ana, Ben\nrooms: Red\napart: Ana, ben");
        assert_eq!((e.line, e.column), (3, 13));
        assert!(e.message.contains("did you mean “Ben”"), "{e}");
    }

    #[test]
    fn capacity_errors_point_into_the_parentheses() {
        let e = error("people: A\nrooms: Red (x)");
        assert_eq!((e.line, e.column), (2, 13));
    }
}
