// Frontier Lab's service worker, written into dist/sw.js by `cargo xtask dist`, which fills in
// the build's version and its shell (the page, its boot script, styles, manifest and icon).
// After one visit a page works offline: the shell is cached on install, and every other file of
// this site a page fetches (the module of its part of the site, the worker, an example, a
// lesson) is kept when it is first used. The Model lab's model (models/) is not: the page keeps
// it in a cache of its own when the reader downloads it, removes it on request, and it must
// outlive a deploy. Installing never downloads
// the modules of parts the reader has not opened. The page itself is fetched from the network first, so a new
// deploy is picked up on the next load; the cache of an older build is dropped once the new
// one is active. Nothing from another origin is ever fetched or cached.
"use strict";
const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const CACHE = "frontier-lab-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("frontier-lab-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function keep(request, response) {
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.includes("/models/")) return;
  if (request.mode === "navigate") {
    // The page: the network's when there is one (a new deploy), else the cached shell.
    event.respondWith(
      fetch(request)
        .then((response) => keep("./", response))
        .catch(() => caches.match("./", { ignoreSearch: true }).then((hit) => hit || Response.error()))
    );
    return;
  }
  event.respondWith(
    caches.match(request).then((hit) => hit || fetch(request).then((response) => keep(request, response)))
  );
});
