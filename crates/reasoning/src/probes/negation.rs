//! "What is NOT true given these facts?" Three objects stand in a row, all of different sizes,
//! each of one colour. Three facts are stated; of four lettered statements exactly one is
//! contradicted by the facts and the other three follow from them.
//!
//! Exactness: every statement is judged against every world the facts allow. Colour, position
//! and size are independent, so the worlds are enumerated per attribute: 5³ colourings, 3! orders
//! and 3! size rankings. "Follows" means true in every allowed world, "contradicted" false in every
//! one; statements true in some and false in others are never used.

use super::rng::SplitMix64;

const OBJECTS: [&str; 10] = ["ball", "box", "cup", "book", "lamp", "vase", "hat", "key", "shoe", "clock"];
const COLOURS: [&str; 5] = ["red", "blue", "green", "yellow", "white"];
const PERMUTATIONS: [[usize; 3]; 6] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Claim {
    Colour(usize, usize),
    LeftOf(usize, usize),
    RightOf(usize, usize),
    Bigger(usize, usize),
    Smaller(usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Statement {
    claim: Claim,
    negated: bool,
}

/// 0 colour, 1 position, 2 size: the attribute a claim is about.
fn attribute(claim: Claim) -> usize {
    match claim {
        Claim::Colour(..) => 0,
        Claim::LeftOf(..) | Claim::RightOf(..) => 1,
        Claim::Bigger(..) | Claim::Smaller(..) => 2,
    }
}

/// One world: colours[o], positions[o] (0 leftmost) and sizes[o] (0 smallest).
#[derive(Debug, Clone, Copy)]
struct World {
    colours: [usize; 3],
    positions: [usize; 3],
    sizes: [usize; 3],
}

fn holds(world: &World, statement: Statement) -> bool {
    let value = match statement.claim {
        Claim::Colour(o, c) => world.colours[o] == c,
        Claim::LeftOf(a, b) => world.positions[a] < world.positions[b],
        Claim::RightOf(a, b) => world.positions[a] > world.positions[b],
        Claim::Bigger(a, b) => world.sizes[a] > world.sizes[b],
        Claim::Smaller(a, b) => world.sizes[a] < world.sizes[b],
    };
    value != statement.negated
}

fn text(objects: &[&str; 3], statement: Statement) -> String {
    let not = if statement.negated { "not " } else { "" };
    match statement.claim {
        Claim::Colour(o, c) => format!("The {} is {not}{}.", objects[o], COLOURS[c]),
        Claim::LeftOf(a, b) => format!("The {} is {not}to the left of the {}.", objects[a], objects[b]),
        Claim::RightOf(a, b) => format!("The {} is {not}to the right of the {}.", objects[a], objects[b]),
        Claim::Bigger(a, b) => format!("The {} is {not}bigger than the {}.", objects[a], objects[b]),
        Claim::Smaller(a, b) => format!("The {} is {not}smaller than the {}.", objects[a], objects[b]),
    }
}

/// Every statement the generator may use.
fn all_statements() -> Vec<Statement> {
    let mut claims = Vec::new();
    for o in 0..3 {
        claims.extend((0..COLOURS.len()).map(|c| Claim::Colour(o, c)));
    }
    for a in 0..3 {
        for b in (0..3).filter(|&b| b != a) {
            claims.extend([Claim::LeftOf(a, b), Claim::RightOf(a, b), Claim::Bigger(a, b), Claim::Smaller(a, b)]);
        }
    }
    claims.into_iter().flat_map(|claim| [false, true].map(|negated| Statement { claim, negated })).collect()
}

/// Whether the facts force `statement` true (`Some(true)`), false (`Some(false)`) or neither.
fn verdict(facts: &[Statement], statement: Statement) -> Option<bool> {
    let relevant: Vec<Statement> =
        facts.iter().copied().filter(|f| attribute(f.claim) == attribute(statement.claim)).collect();
    let mut seen_true = false;
    let mut seen_false = false;
    for world in worlds(attribute(statement.claim)) {
        if relevant.iter().all(|&f| holds(&world, f)) {
            if holds(&world, statement) {
                seen_true = true;
            } else {
                seen_false = true;
            }
        }
    }
    match (seen_true, seen_false) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Worlds varying one attribute (the others fixed, since no claim spans two attributes).
fn worlds(attribute: usize) -> Vec<World> {
    let base = World { colours: [0; 3], positions: [0, 1, 2], sizes: [0, 1, 2] };
    match attribute {
        0 => (0..125).map(|i| World { colours: [i % 5, i / 5 % 5, i / 25], ..base }).collect(),
        1 => PERMUTATIONS.iter().map(|&positions| World { positions, ..base }).collect(),
        _ => PERMUTATIONS.iter().map(|&sizes| World { sizes, ..base }).collect(),
    }
}

/// A statement true of the hidden world, about the given attribute; phrased with "not" a third of
/// the time unless `positive_only`.
fn fact(rng: &mut SplitMix64, world: &World, attribute: usize, positive_only: bool) -> Statement {
    let negated = !positive_only && rng.chance(1, 3);
    let (a, b) = match rng.distinct(3, 2)[..] {
        [a, b] => (a, b),
        _ => (0, 1),
    };
    if attribute == 0 {
        let colour = world.colours[a];
        let named = if negated { (colour + 1 + rng.index(4)) % 5 } else { colour };
        return Statement { claim: Claim::Colour(a, named), negated };
    }
    let flip = rng.chance(1, 2);
    let relation = |a, b| match (attribute, flip) {
        (1, false) => Claim::LeftOf(a, b),
        (1, true) => Claim::RightOf(a, b),
        (_, false) => Claim::Bigger(a, b),
        (_, true) => Claim::Smaller(a, b),
    };
    // Positions and sizes are all different, so a relation and its swap have opposite truth.
    let forward = Statement { claim: relation(a, b), negated };
    if holds(world, forward) {
        forward
    } else {
        Statement { claim: relation(b, a), negated }
    }
}

/// (prompt, answer) for one item.
pub(super) fn make(rng: &mut SplitMix64) -> Option<(String, String)> {
    let picked = rng.distinct(OBJECTS.len(), 3);
    let objects = [OBJECTS[picked[0]], OBJECTS[picked[1]], OBJECTS[picked[2]]];
    for attempt in 0..20 {
        let positions = PERMUTATIONS[rng.index(6)];
        let sizes = PERMUTATIONS[rng.index(6)];
        let colours = [rng.index(5), rng.index(5), rng.index(5)];
        let world = World { colours, positions, sizes };
        let forced = attempt >= 10;
        let mut facts = vec![fact(rng, &world, 0, forced)];
        let kinds = if forced { [1, 2] } else { [rng.index(3), rng.index(3)] };
        for kind in kinds {
            let candidate = fact(rng, &world, kind, false);
            if !facts.contains(&candidate) {
                facts.push(candidate);
            }
        }
        if facts.len() < 3 {
            continue;
        }
        if let Some(item) = statements(rng, &objects, &facts) {
            return Some(item);
        }
    }
    // Not reached: from attempt 10 the colour fact is positive, which always gives four
    // statements that follow ("is not" each other colour) and one that is contradicted.
    None
}

fn statements(rng: &mut SplitMix64, objects: &[&str; 3], facts: &[Statement]) -> Option<(String, String)> {
    let mut follows: [Vec<Statement>; 3] = Default::default();
    let mut contradicted: [Vec<Statement>; 3] = Default::default();
    for statement in all_statements() {
        if facts.contains(&statement) {
            continue;
        }
        match verdict(facts, statement) {
            Some(true) => follows[attribute(statement.claim)].push(statement),
            Some(false) => contradicted[attribute(statement.claim)].push(statement),
            None => {}
        }
    }
    if follows.iter().map(Vec::len).sum::<usize>() < 3 || contradicted.iter().all(Vec::is_empty) {
        return None;
    }
    let mut chosen = vec![draw(rng, &mut contradicted)?];
    for _ in 0..3 {
        chosen.push(draw(rng, &mut follows)?);
    }
    let mut order = [0, 1, 2, 3];
    rng.shuffle(&mut order);
    let letters = ['A', 'B', 'C', 'D'];
    let answer = order.iter().position(|&i| i == 0).map_or('A', |slot| letters[slot]);
    let fact_lines: Vec<String> =
        facts.iter().enumerate().map(|(i, &f)| format!("{}. {}", i + 1, text(objects, f))).collect();
    let option_lines: Vec<String> =
        order.iter().zip(letters).map(|(&i, letter)| format!("({letter}) {}", text(objects, chosen[i]))).collect();
    let prompt = format!(
        "A {}, a {} and a {} stand in a row; all three have different sizes, and each has one colour.\n\
         Facts:\n{}\n\
         Exactly one of these statements is NOT true given the facts; each of the others follows from them:\n{}\n\
         Which statement is NOT true? Answer with its letter.",
        objects[0],
        objects[1],
        objects[2],
        fact_lines.join("\n"),
        option_lines.join("\n")
    );
    Some((prompt, answer.to_string()))
}

/// Removes and returns a statement: an attribute first (uniformly among those with any left),
/// then a statement of it, so colour statements, the most numerous, do not crowd out the rest.
fn draw(rng: &mut SplitMix64, pools: &mut [Vec<Statement>; 3]) -> Option<Statement> {
    let non_empty: Vec<usize> = (0..3).filter(|&a| !pools[a].is_empty()).collect();
    let attribute = *rng.pick(&non_empty)?;
    let pool = &mut pools[attribute];
    let index = rng.index(pool.len());
    Some(pool.swap_remove(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_positive_colour_fact_decides_every_colour_of_its_object() {
        let facts = [Statement { claim: Claim::Colour(0, 0), negated: false }];
        assert_eq!(verdict(&facts, Statement { claim: Claim::Colour(0, 1), negated: true }), Some(true));
        assert_eq!(verdict(&facts, Statement { claim: Claim::Colour(0, 0), negated: true }), Some(false));
        assert_eq!(verdict(&facts, Statement { claim: Claim::Colour(1, 0), negated: false }), None);
    }

    #[test]
    fn order_facts_chain() {
        let facts = [
            Statement { claim: Claim::LeftOf(0, 1), negated: false },
            Statement { claim: Claim::LeftOf(1, 2), negated: false },
        ];
        assert_eq!(verdict(&facts, Statement { claim: Claim::RightOf(2, 0), negated: false }), Some(true));
        assert_eq!(verdict(&facts, Statement { claim: Claim::LeftOf(2, 0), negated: false }), Some(false));
    }
}
