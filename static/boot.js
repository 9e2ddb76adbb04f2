// Shows a readable error panel when the app cannot start (old browser, blocked
// WebAssembly, a failed download), instead of a page stuck on "Loading"; and, once it runs,
// when the WebAssembly itself stops (out of memory, a trap): Rust's panic hook never runs
// then, and the page would otherwise sit dead.
(function () {
  "use strict";
  var START_FAILED = ["Frontier Lab could not start",
    "The page's WebAssembly did not load. A reload often helps; otherwise try a current version of Firefox, Chrome, Edge or Safari."];
  var STOPPED = ["Frontier Lab stopped",
    "The page ran out of memory or hit an internal error, and cannot go on. Your saved work is still in this browser; reload to continue. If it happens again with the same input, the input is probably too large for this device."];
  function showBootError(detail, words) {
    words = words || START_FAILED;
    if (document.getElementById("fatal-error")) return;
    var body = document.body;
    if (!body) { window.addEventListener("DOMContentLoaded", function () { showBootError(detail, words); }); return; }
    var boot = document.getElementById("boot");
    if (boot) boot.remove();
    var panel = document.createElement("div");
    panel.id = "fatal-error";
    panel.setAttribute("role", "alert");
    var title = document.createElement("h2");
    title.textContent = words[0];
    var text = document.createElement("p");
    text.textContent = words[1];
    var pre = document.createElement("pre");
    pre.textContent = String(detail || "unknown error");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Reload";
    button.addEventListener("click", function () { location.reload(); });
    panel.append(title, text, pre, button);
    body.append(panel);
  }
  // The app removes #boot when it mounts; until then any error is a failed start.
  function started() { return !document.getElementById("boot") && document.readyState !== "loading"; }
  // A WebAssembly trap (an allocation that failed aborts as `unreachable`) or the engine's own
  // out-of-memory: the module's state is lost, so the page cannot continue.
  function isFatal(error, message) {
    if (typeof WebAssembly === "object" && error instanceof WebAssembly.RuntimeError) return true;
    return /out of memory|unreachable|memory access out of bounds|Maximum call stack/i.test(String(message || ""));
  }
  window.addEventListener("error", function (e) {
    if (!started()) showBootError(e.message);
    else if (isFatal(e.error, e.message)) showBootError(e.message, STOPPED);
  });
  window.addEventListener("unhandledrejection", function (e) {
    var reason = e.reason && (e.reason.message || e.reason);
    if (!started()) showBootError(reason);
    else if (isFatal(e.reason, reason)) showBootError(reason, STOPPED);
  });
  window.addEventListener("securitypolicyviolation", function (e) {
    if (e.blockedURI === "wasm-eval" || !started()) showBootError("Blocked by the Content-Security-Policy: " + e.violatedDirective);
  });
  if (typeof WebAssembly !== "object") showBootError("This browser does not support WebAssembly.");
  // Offline use: the service worker (dist/sw.js, written by `cargo xtask dist`) keeps the app
  // and whatever this site's pages have fetched. Without it (an old browser, a frame that may
  // not register one) the site simply needs the network.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("./sw.js").catch(function () {});
    });
  }
  // A new deploy is what the page loads next time; say so once, on that load (never in an
  // embed, where a blog's readers did not ask).
  function announceUpdate() {
    var table = bundleTable();
    var preload = document.querySelector('link[rel="modulepreload"]');
    var build = table ? table.build : preload ? preload.getAttribute("href") : "";
    var seen = null;
    try {
      seen = localStorage.getItem("frontier-lab:build");
      if (build) localStorage.setItem("frontier-lab:build", build);
    } catch (e) { return; }
    if (!build || !seen || seen === build || /^#\/embed\//.test(location.hash)) return;
    var note = document.createElement("div");
    note.className = "update-notice";
    note.setAttribute("role", "status");
    note.setAttribute("data-testid", "update-notice");
    var text = document.createElement("span");
    text.textContent = "Frontier Lab has been updated since your last visit; this page runs the new version.";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.addEventListener("click", function () { note.remove(); });
    note.append(text, close);
    document.body.prepend(note);
  }
  // The site is built as several modules (web/src/bundle.rs): `home` for the home, about,
  // landscape and benchmarks pages, one per problem for its pages, widgets and embeds, and `full` with
  // everything. `cargo xtask dist` lists them in <meta name="frontier-bundles">; without that
  // list (`trunk serve`) Trunk's own script loads the one app. The address is read exactly as
  // the app's router reads it (crates/state/src/route.rs); anything else gets `full`, which
  // serves every address.
  function bundleTable() {
    var meta = document.querySelector('meta[name="frontier-bundles"]');
    if (!meta) return null;
    try { return JSON.parse(meta.getAttribute("content")); } catch (e) { return null; }
  }
  function bundleFor(table, hash) {
    var path = hash.replace(/^#/, "").split("?")[0];
    var parts = path.split("/").filter(function (s) { return s !== ""; });
    var own = function (name) { return Object.prototype.hasOwnProperty.call(table.bundles, name) ? name : "full"; };
    if (parts.length === 0) return own("home");
    if (parts.length === 1 && (parts[0] === "about" || parts[0] === "landscape" || parts[0] === "benchmarks")) return own("home");
    if (parts.length === 2 && parts[0] === "embed") {
      return Object.prototype.hasOwnProperty.call(table.widgets, parts[1]) ? own(table.widgets[parts[1]]) : "full";
    }
    if (parts.length <= 2 && parts[0] !== "embed" && parts[0] !== "lessons" && table.problems.indexOf(parts[0]) >= 0) {
      return own(parts[0]);
    }
    return "full";
  }
  function loadBundle() {
    var table = bundleTable();
    if (!table) return;
    var files = table.bundles[bundleFor(table, location.hash)] || table.bundles.full;
    // The module's bytes start downloading with its script, not after it.
    var wasm = fetch("./" + files[1]);
    import("./" + files[0])
      .then(function (module) { return module.default({ module_or_path: wasm }); })
      .catch(function (e) { showBootError(e && e.message ? e.message : e); });
  }
  loadBundle();
  if (document.readyState === "loading") window.addEventListener("DOMContentLoaded", announceUpdate);
  else announceUpdate();
})();
