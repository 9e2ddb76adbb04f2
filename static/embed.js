// Optional helper for pages that embed Frontier Lab widgets: resizes every
// <iframe data-frontier-lab> to the height the widget reports.
// Include with <script src=".../embed.js" defer></script>.
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "frontier-lab:resize" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe[data-frontier-lab]");
    for (var i = 0; i < frames.length; i++) {
      // Only the frame that sent the message, so one widget cannot resize another.
      if (frames[i].contentWindow === event.source) {
        var height = Math.max(100, Math.min(4000, Math.ceil(data.height)));
        frames[i].style.height = height + "px";
      }
    }
  });
})();
