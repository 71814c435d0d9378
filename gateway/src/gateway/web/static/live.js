/* Live pages: an element [data-live-events] names a server-sent event stream and the event
   name to listen for; each event (it carries a case id, nothing else) makes the page's live
   part re-fetch itself (htmx: hx-trigger="cb-changed from:body"). Events arriving together
   cause one re-fetch. EventSource reconnects by itself, sending Last-Event-ID. */
(function () {
  "use strict";
  var marker = document.querySelector("[data-live-events]");
  if (!marker || !window.EventSource || !window.htmx) { return; }
  var source = new EventSource(marker.getAttribute("data-live-events"));
  var pending = null;
  source.addEventListener(marker.getAttribute("data-live-name"), function () {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(function () {
      pending = null;
      window.htmx.trigger(document.body, "cb-changed");
    }, 250);
  });
  source.addEventListener("open", function () { document.body.setAttribute("data-live", "open"); });
  window.addEventListener("pagehide", function () { source.close(); });
})();
