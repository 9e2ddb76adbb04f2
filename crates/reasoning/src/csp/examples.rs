//! The worked examples the page loads: the article's "5 people, 3 rooms", and one that cannot be
//! solved.

/// The article's example made concrete. It has exactly [`EXAMPLE_SOLUTION_COUNT`] solutions.
///
/// By hand: the capacities add up to 5, so every room is full. Ana and Ben share a room, which
/// must hold 2, so it is Red or Blue.
/// - Ana and Ben in Red: Dee must be in Blue (Red is full), Eli must avoid Green, so Eli is in
///   Blue; Cai takes Green, away from Ana. One solution.
/// - Ana and Ben in Blue: the same reasoning puts Dee and Eli in Red and Cai in Green. One more.
///
/// Total 2, out of 3^5 = 243 ways to place everyone. The tests confirm it by brute force.
pub const EXAMPLE: &str = "\
# The article's example: five people, three rooms
people: Ana, Ben, Cai, Dee, Eli
rooms: Red (2), Blue (2), Green (1)   # capacity in parentheses
together: Ana, Ben                     # share a room
apart: Ana, Cai                        # different rooms
in: Dee, Red | Blue                    # one of these rooms
not in: Eli, Green
";

/// Solutions of [`EXAMPLE`], counted by hand (see there) and by brute force in the tests.
pub const EXAMPLE_SOLUTION_COUNT: u64 = 2;

/// Three people who must all be apart, but only two rooms: by the pigeonhole principle two of
/// them share one, so no assignment exists, whatever the capacities.
pub const IMPOSSIBLE_EXAMPLE: &str = "\
# Impossible: three people pairwise apart need three rooms
people: Ana, Ben, Cai, Dee
rooms: Red (2), Blue (2)
apart: Ana, Ben, Cai
";
