//! Scenario replays with scores computed by hand from the formulas, on two-dimensional toy
//! vectors so that every cosine is exact.

use frontier_memory::embed::{Embedder, HashEmbedder};
use frontier_memory::policy::Policy;
use frontier_memory::store::{Config, MemoryStore, NewMemory, Retrieved};
use frontier_memory::update::Operation;

fn new(id: &str, embedding: [f32; 2], importance: f64) -> NewMemory {
    NewMemory {
        id: Some(id.into()),
        content: id.into(),
        importance,
        source: "test".into(),
        embedding: embedding.to_vec(),
        derived_from: Vec::new(),
    }
}

fn store(config: Config) -> MemoryStore {
    MemoryStore::new(config).unwrap_or_else(|e| panic!("{e}"))
}

fn ids(results: &[Retrieved]) -> Vec<&str> {
    results.iter().map(|r| r.id.as_str()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-7
}

#[test]
fn the_articles_scores_evictions_and_forget_by_hand() {
    let mut s = store(Config { capacity: 3, ..Config::article(2) });
    let put = |s: &mut MemoryStore, m: NewMemory, t: f64| s.store(m, t).unwrap_or_else(|e| panic!("{e}"));
    put(&mut s, new("a", [1.0, 0.0], 0.5), 0.0);
    put(&mut s, new("b", [0.0, 1.0], 0.9), 0.0);
    put(&mut s, new("c", [0.6, 0.8], 0.1), 720.0);

    // At 720 h: a = 0.5·(1/(1+1e-8)) + 0.2·e⁻¹ + 0.2·0.5 = 0.673575883;
    // c = 0.5·0.6/(1+1e-8) + 0.2·1 + 0.2·0.1 = 0.519999997; b = 0.2·e⁻¹ + 0.2·0.9 = 0.253575888.
    let r = s.retrieve(&[1.0, 0.0], 2, 720.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&r), ["a", "c"]);
    assert!(close(r[0].parts.score, 0.673_575_883), "{:?}", r[0].parts);
    assert!(close(r[0].parts.recency, 0.367_879_441));
    assert!(close(r[1].parts.score, 0.519_999_997));
    // Returned memories were accessed: a's next score gains 0.1·min(1/10, 1) = 0.01.
    let r = s.retrieve(&[1.0, 0.0], 1, 720.0).unwrap_or_else(|e| panic!("{e}"));
    assert!(close(r[0].parts.score, 0.683_575_883) && r[0].parts.access == 0.1);

    // A fourth memory at 1440 h exceeds capacity 3. Eviction scores then:
    // a = 0.3·0.5 + 0.3·e⁻² + 0.4·0.2 = 0.2706; b = 0.27 + 0.3·e⁻² = 0.3106;
    // c = 0.03 + 0.3·e⁻¹ + 0.4·0.1 = 0.1804; d = 0.06 + 0.3 = 0.36 → c goes.
    // Before it, the scores at 1440 h name c as next to go.
    let (scores, next) = s.eviction_scores(1440.0);
    assert_eq!(next.map(|slot| s.memories()[slot].id.as_str()), Some("c"));
    assert!((scores[2] - (0.03 + 0.3 * (-1.0f64).exp() + 0.04)).abs() < 1e-12, "{scores:?}");
    let out = put(&mut s, new("d", [0.0, 1.0], 0.2), 1440.0);
    assert_eq!(out.evicted, ["c"]);
    assert_eq!(s.len(), 3);

    // Forget by similarity ≥ 0.85 to (0, 1): b and d (cosine 1), not a (cosine 0).
    let report = s.forget_similar(&[0.0, 1.0], 0.85, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.removed, ["b", "d"]);
    assert_eq!(s.memories().iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["a"]);
}

#[test]
fn ties_go_to_the_first_stored_and_capacity_one_evicts_at_once() {
    let mut s = store(Config { capacity: 1, ..Config::article(2) });
    let out = s.store(new("x", [1.0, 0.0], 0.5), 0.0).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.evicted.is_empty());
    // Equal scores: the article's stable sort evicts the first stored.
    let out = s.store(new("y", [1.0, 0.0], 0.5), 0.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.evicted, ["x"]);
    // A less important newcomer is itself the lowest, and goes at once.
    let out = s.store(new("z", [1.0, 0.0], 0.1), 0.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.evicted, ["z"]);

    let mut s = store(Config::article(2));
    for id in ["p", "q", "r"] {
        s.store(new(id, [0.0, 1.0], 0.5), 5.0).unwrap_or_else(|e| panic!("{e}"));
    }
    let r = s.retrieve(&[0.0, 1.0], 3, 5.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&r), ["p", "q", "r"]);
}

#[test]
fn an_empty_store_answers_nothing_and_bad_input_is_refused() {
    let mut s = store(Config::article(2));
    assert_eq!(s.retrieve(&[1.0, 0.0], 5, 0.0).map(|r| r.len()), Ok(0));
    assert!(s.forget_similar(&[1.0, 0.0], 0.85, false).is_ok_and(|r| r.removed.is_empty()));
    assert!(s.store(new("a", [1.0, 0.0], 1.5), 0.0).is_err());
    assert!(s.store(NewMemory { embedding: vec![1.0], ..new("a", [1.0, 0.0], 0.5) }, 0.0).is_err());
    assert!(s.store(new("a", [f32::NAN, 0.0], 0.5), 0.0).is_err());
    assert!(s.store(new("a", [1.0, 0.0], 0.5), f64::NAN).is_err());
    assert!(s.store(new("a", [1.0, 0.0], 0.5), 0.0).is_ok());
    assert!(s.store(new("a", [1.0, 0.0], 0.5), 0.0).is_err(), "a repeated id is refused");
    assert!(MemoryStore::new(Config { capacity: 0, ..Config::article(2) }).is_err());
}

#[test]
fn generative_agents_normalizes_each_part_per_query() {
    let mut s = store(Config { policy: Policy::GENERATIVE_AGENTS, ..Config::article(2) });
    s.store(new("p", [1.0, 0.0], 0.2), 0.0).unwrap_or_else(|e| panic!("{e}"));
    s.store(new("q", [0.0, 1.0], 0.8), 10.0).unwrap_or_else(|e| panic!("{e}"));
    s.store(new("r", [0.6, 0.8], 0.5), 20.0).unwrap_or_else(|e| panic!("{e}"));
    let r = s.retrieve(&[1.0, 0.0], 3, 20.0).unwrap_or_else(|e| panic!("{e}"));
    // Relevance (1, 0, 0.6) → (1, 0, 0.6); recency 0.995^(20, 10, 0) → (0, q̂, 1) with
    // q̂ = (0.995^10 − 0.995^20)/(1 − 0.995^20); importance (0.2, 0.8, 0.5) → (0, 1, 0.5).
    let q_hat = (0.995f64.powi(10) - 0.995f64.powi(20)) / (1.0 - 0.995f64.powi(20));
    assert_eq!(ids(&r), ["r", "q", "p"]);
    assert!(close(r[0].parts.score, 0.6 + 1.0 + 0.5));
    assert!(close(r[1].parts.score, q_hat + 1.0) && close(q_hat, 0.487_471_3), "{q_hat}");
    assert!(close(r[2].parts.score, 1.0));
}

#[test]
fn moving_supersedes_and_the_past_still_knows_the_old_address() {
    let e = HashEmbedder::default();
    let mut s = store(Config { updates: true, ..Config::article(e.dims()) });
    let mut say = |text: &str, t: f64| {
        let m = NewMemory { content: text.into(), importance: 0.5, embedding: e.embed(text), ..NewMemory::default() };
        s.store(m, t).unwrap_or_else(|err| panic!("{err}"))
    };
    assert_eq!(say("I live in Bern", 0.0).decision.operation, Operation::Add);
    let moved = say("I moved to Zurich", 100.0);
    assert_eq!((moved.decision.operation, moved.superseded.clone()), (Operation::Supersede, vec!["m1".to_string()]));
    let repeat = say("I moved to Zurich.", 110.0);
    assert_eq!((repeat.decision.operation, repeat.id.as_str()), (Operation::Noop, "m2"));
    assert_eq!(s.len(), 2, "a repeat does not pile up");
    let q = e.embed("where do I live");
    let now = s.retrieve(&q, 5, 120.0).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(ids(&now), ["m2"]);
    let then = s.retrieve(&q, 5, 50.0).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(ids(&then), ["m1"]);
    assert_eq!(s.get("m1").and_then(|m| m.valid_to_hours), Some(100.0));
}

#[test]
fn forgetting_a_subject_cascades_to_what_was_derived() {
    let e = HashEmbedder::default();
    let mut s = store(Config::article(e.dims()));
    let texts = [
        ("m1", "Alice lives in Paris", vec![]),
        ("m2", "Lunch with Alice on Friday", vec![]),
        ("m3", "Weekly summary: two lunches out", vec!["m2".to_string()]),
        ("m4", "Bob likes tea", vec![]),
        ("m5", "Digest of the summaries", vec!["m3".to_string()]),
    ];
    for (id, text, derived_from) in texts {
        let m = NewMemory {
            id: Some(id.into()),
            content: text.into(),
            importance: 0.5,
            embedding: e.embed(text),
            derived_from,
            ..NewMemory::default()
        };
        s.store(m, 0.0).unwrap_or_else(|err| panic!("{err}"));
    }
    let preview = s.forget_subject("alice", true);
    assert_eq!(
        (preview.removed.clone(), preview.cascaded.clone()),
        (vec!["m1".into(), "m2".into()], vec!["m3".into(), "m5".into()])
    );
    assert!(preview.dry_run && preview.remaining_mentions.is_empty());
    assert_eq!(s.len(), 5, "a dry run changes nothing");
    let done = s.forget_subject("Alice", false);
    assert_eq!(done.removed.len() + done.cascaded.len(), 4);
    assert_eq!(s.memories().iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["m4"]);
    // By id, with nothing derived.
    assert_eq!(s.forget_ids(&["m4".to_string(), "nope".to_string()], false).removed, ["m4"]);
    assert!(s.is_empty());
}

#[test]
fn export_and_import_round_trip() {
    let mut s = store(Config::article(2));
    s.store(new("a", [1.0, 0.0], 0.5), 0.0).unwrap_or_else(|e| panic!("{e}"));
    s.store(new("b", [0.6, 0.8], 0.7), 3.0).unwrap_or_else(|e| panic!("{e}"));
    s.retrieve(&[1.0, 0.0], 1, 4.0).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_string(&s.export()).unwrap_or_else(|e| panic!("{e}"));
    let records = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let mut back = MemoryStore::import(*s.config(), records).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.export(), s.export());
    let q = [0.8, 0.6];
    assert_eq!(back.retrieve(&q, 2, 10.0), s.retrieve(&q, 2, 10.0));
    // A later store continues the numbering instead of reusing an id.
    let next = back.store(NewMemory { embedding: vec![1.0, 0.0], ..NewMemory::default() }, 11.0);
    assert_eq!(next.map(|o| o.id), Ok("m3".to_string()));
    // Numbers taken by explicit ids are skipped.
    back.store(NewMemory { id: Some("m5".into()), embedding: vec![1.0, 0.0], ..NewMemory::default() }, 12.0)
        .unwrap_or_else(|e| panic!("{e}"));
    let next = back.store(NewMemory { embedding: vec![0.0, 1.0], ..NewMemory::default() }, 13.0);
    assert_eq!(next.map(|o| o.id), Ok("m6".to_string()), "m5 is the fifth number but already an id");
}

#[test]
fn top_k_selection_returns_exactly_the_head_of_the_full_ranking() {
    // 3,000 memories of 64 dimensions, some of them exact duplicates so that ties must still
    // go to the first stored: retrieval selects the k best without sorting everything.
    let dims = 64;
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    };
    let mut s = store(Config { capacity: 10_000, ..Config::article(dims) });
    let mut vectors: Vec<Vec<f32>> = Vec::new();
    for i in 0..3000 {
        let v: Vec<f32> = if i % 100 == 99 { vectors[i - 50].clone() } else { (0..dims).map(|_| next()).collect() };
        vectors.push(v.clone());
        let m = NewMemory { importance: (i % 7) as f64 / 7.0, embedding: v, ..NewMemory::default() };
        s.store(m, i as f64 / 10.0).unwrap_or_else(|e| panic!("{e}"));
    }
    for q in 0..20 {
        let query: Vec<f32> = if q % 5 == 0 { vectors[q * 37].clone() } else { (0..dims).map(|_| next()).collect() };
        let full: Vec<(String, f64)> = s
            .rank(&query, 400.0)
            .into_iter()
            .take(10)
            .map(|(slot, p)| (s.memories()[slot].id.clone(), p.score))
            .collect();
        let fast: Vec<(String, f64)> = s
            .retrieve(&query, 10, 400.0)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|r| (r.id, r.parts.score))
            .collect();
        assert_eq!(fast, full, "query {q}");
    }
}
