//! Word lists for the generators. Lower-case ASCII, so that counting letters needs no Unicode
//! case rules; many have repeated letters or letter pairs, which is where counting goes wrong.

/// 200 words for the counting probes.
pub const WORDS: [&str; 200] = [
    "strawberry", "mississippi", "bookkeeper", "banana", "committee", "balloon", "coffee", "parallel",
    "assessment", "necessary", "occurrence", "embarrass", "millennium", "possession", "accommodate", "address",
    "apple", "letter", "butterfly", "raspberry", "blueberry", "cranberry", "gooseberry", "pepper",
    "tomato", "potato", "avocado", "cucumber", "broccoli", "spaghetti", "cappuccino", "espresso",
    "chocolate", "vanilla", "cinnamon", "caramel", "marshmallow", "lollipop", "bubblegum", "popcorn",
    "hippopotamus", "giraffe", "elephant", "kangaroo", "alligator", "crocodile", "rhinoceros", "armadillo",
    "chimpanzee", "gorilla", "dolphin", "penguin", "squirrel", "raccoon", "mosquito", "caterpillar",
    "grasshopper", "ladybug", "dragonfly", "bumblebee", "woodpecker", "parrot", "peacock", "rooster",
    "umbrella", "telephone", "television", "computer", "keyboard", "calculator", "refrigerator", "microwave",
    "typewriter", "pineapple", "watermelon", "grapefruit", "tangerine", "pomegranate", "mulberry", "elderberry",
    "referee", "success", "successful", "difficult", "different", "beginning", "tomorrow", "yesterday",
    "afternoon", "weekend", "holiday", "vacation", "adventure", "mountain", "volcano", "waterfall",
    "river", "ocean", "island", "desert", "forest", "jungle", "meadow", "valley",
    "tennessee", "massachusetts", "connecticut", "philippines", "caribbean", "mediterranean", "sahara", "himalaya",
    "engineer", "teacher", "doctor", "lawyer", "programmer", "carpenter", "plumber", "gardener",
    "cheerleader", "volunteer", "pioneer", "mirror", "terror", "horror", "error", "barrel",
    "carrot", "cherry", "berry", "merry", "sorry", "worry", "hurry", "current",
    "arrow", "narrow", "sparrow", "marrow", "borrow", "furrow", "burrow", "array",
    "google", "noodle", "poodle", "doodle", "puzzle", "dazzle", "fizzle", "bottle",
    "kettle", "little", "rattle", "settle", "battle", "cattle", "shuttle", "subtle",
    "innocent", "irresistible", "independent", "interrupt", "illiterate", "intelligence", "occasionally", "unnecessary",
    "bassoon", "saxophone", "xylophone", "harmonica", "accordion", "trombone", "tambourine", "piccolo",
    "abracadabra", "onomatopoeia", "antidisestablishment", "supercalifragilistic", "floccinaucinihilipilification",
    "jazz", "fluffy", "succeed",
    "pneumonia", "rhythm", "queue", "zigzag", "kayak", "racecar", "level", "civic",
    "radar", "refer", "rotor", "stats", "tenet", "madam", "noon", "deed",
];

/// First names for the room-assignment probes: short, distinct, and none a room colour.
pub const NAMES: [&str; 24] = [
    "Ana", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kim", "Lea", "Max", "Ned", "Ola",
    "Pat", "Rex", "Sam", "Tia", "Uma", "Val", "Wes", "Yan", "Zoe",
];

/// Room names for the room-assignment probes.
pub const ROOMS: [&str; 6] = ["Red", "Blue", "Green", "Yellow", "White", "Orange"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_distinct_lower_case_ascii() {
        let mut sorted = WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), WORDS.len());
        assert!(WORDS.iter().all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())));
    }
}
