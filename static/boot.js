// Shows a readable error panel when the app cannot start (old browser, blocked
// WebAssembly, a failed download), instead of a page stuck on "Loading".
(function () {
  "use strict";
  function showBootError(detail) {
    if (document.getElementById("fatal-error")) return;
    var body = document.body;
    if (!body) { window.addEventListener("DOMContentLoaded", function () { showBootError(detail); }); return; }
    var boot = document.getElementById("boot");
    if (boot) boot.remove();
    var panel = document.createElement("div");
    panel.id = "fatal-error";
    panel.setAttribute("role", "alert");
    var title = document.createElement("h2");
    title.textContent = "Frontier Lab could not start";
    var text = document.createElement("p");
    text.textContent = "The page's WebAssembly did not load. A reload often helps; otherwise try a current version of Firefox, Chrome, Edge or Safari.";
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
  window.addEventListener("error", function (e) { if (!started()) showBootError(e.message); });
  window.addEventListener("unhandledrejection", function (e) { if (!started()) showBootError(e.reason && (e.reason.message || e.reason)); });
  window.addEventListener("securitypolicyviolation", function (e) {
    if (e.blockedURI === "wasm-eval" || !started()) showBootError("Blocked by the Content-Security-Policy: " + e.violatedDirective);
  });
  if (typeof WebAssembly !== "object") showBootError("This browser does not support WebAssembly.");
})();
