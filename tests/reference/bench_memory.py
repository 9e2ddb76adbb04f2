"""Reference for `cargo xtask bench memory`: the article's LongTermMemory written plainly with
NumPy (a matrix of embeddings, vectorized scores, argsort for retrieval, argmin for eviction),
on the same generated workload as the Rust side, timed phase by phase.

Usage: python3 tests/reference/bench_memory.py '{"total": 110000, "dims": 384, ...}'
Prints JSON with the seconds of each phase, the evicted ids in order and the retrieved ids.
"""

import json
import sys
import time

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix(stream, idx):
    """SplitMix64's finalizer over a counter: the same numbers as the Rust side."""
    with np.errstate(over="ignore"):
        z = (np.uint64(stream) * np.uint64(1 << 32) + idx.astype(np.uint64) + np.uint64(1)) * GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def vectors(stream, first, count, dims):
    idx = np.arange(first * dims, (first + count) * dims, dtype=np.uint64)
    v = (mix(stream, idx) * 2.0 - 1.0).astype(np.float32).reshape(count, dims)
    return v / np.linalg.norm(v, axis=1, keepdims=True).astype(np.float32)


class LongTermMemory:
    def __init__(self, dims, capacity):
        self.capacity = capacity
        self.emb = np.zeros((capacity + 1, dims), dtype=np.float32)
        self.norm = np.zeros(capacity + 1, dtype=np.float64)
        self.created = np.zeros(capacity + 1)
        self.importance = np.zeros(capacity + 1)
        self.access = np.zeros(capacity + 1)
        self.order = np.zeros(capacity + 1, dtype=np.int64)  # insertion order, for ties
        self.ids = [None] * (capacity + 1)
        self.n = 0

    def store(self, mid, embedding, importance, now):
        i = self.n
        self.emb[i] = embedding
        self.norm[i] = float(np.linalg.norm(embedding))
        self.created[i], self.importance[i], self.access[i], self.order[i] = now, importance, 0, mid
        self.ids[i] = mid
        self.n += 1
        if self.n > self.capacity:
            return self.evict(now)
        return None

    def evict(self, now):
        n = self.n
        recency = np.exp(-(now - self.created[:n]) / 720)
        score = 0.3 * self.importance[:n] + 0.3 * recency + 0.4 * np.minimum(self.access[:n] / 10, 1.0)
        lowest = np.flatnonzero(score == score.min())
        i = lowest[np.argmin(self.order[lowest])]
        gone = self.ids[i]
        last = n - 1
        for arr in (self.emb, self.norm, self.created, self.importance, self.access, self.order):
            arr[i] = arr[last]
        self.ids[i] = self.ids[last]
        self.n -= 1
        return gone

    def retrieve(self, query, k, now):
        n = self.n
        dots = (self.emb[:n] @ query).astype(np.float64)
        relevance = dots / (float(np.linalg.norm(query)) * self.norm[:n] + 1e-8)
        recency = np.exp(-(now - self.created[:n]) / 720)
        score = 0.5 * relevance + 0.2 * recency + 0.2 * self.importance[:n] + 0.1 * np.minimum(self.access[:n] / 10, 1.0)
        top = np.lexsort((self.order[:n], -score))[:k]
        self.access[top] += 1
        return [int(self.ids[i]) for i in top]


def main(cfg):
    total, dims, capacity = cfg["total"], cfg["dims"], cfg["capacity"]
    every, k, queries = cfg["retrieve_every"], cfg["k"], cfg["queries"]
    emb = vectors(1, 0, total, dims)
    importance = mix(2, np.arange(total, dtype=np.uint64))
    interleaved = vectors(4, 0, total // every + 1, dims)
    final_queries = vectors(3, 0, queries, dims)
    mem = LongTermMemory(dims, capacity)
    evicted, during = [], []
    start = time.perf_counter()
    for i in range(total):
        now = i / 60.0
        gone = mem.store(i, emb[i], float(importance[i]), now)
        if gone is not None:
            evicted.append(int(gone))
        if (i + 1) % every == 0:
            during.append(mem.retrieve(interleaved[(i + 1) // every - 1], k, now))
    store_s = time.perf_counter() - start
    now = (total - 1) / 60.0
    start = time.perf_counter()
    final = [mem.retrieve(final_queries[q], k, now) for q in range(queries)]
    retrieve_s = (time.perf_counter() - start) / queries
    print(json.dumps({"store_seconds": store_s, "retrieve_seconds": retrieve_s, "evicted": evicted,
                      "during": during, "final": final}))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
