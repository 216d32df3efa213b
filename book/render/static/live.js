// book serve's live reload (added to each page by the server, never part of the built site): the server's event
// stream says the number of the last good build and the last build's error. A new build reloads the page; an
// error is shown over the page, which stays as the last good build made it, until a build succeeds.
"use strict";
(function () {
  let shown = null;
  let error = null;

  function showError(text) {
    if (!error) {
      error = document.createElement("div");
      error.id = "book-serve-error";
      error.setAttribute("role", "alert");
      error.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:1000;" +
        "background:#fff0f0;color:#1a1a1a;border-top:4px solid #b00020;padding:.6em 1em;font:14px/1.45 monospace;";
      const title = document.createElement("p");
      title.style.cssText = "margin:0 0 .3em;font-weight:bold;";
      title.textContent = "The book could not be built; this page is the last good build.";
      const pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap;";
      error.append(title, pre);
      document.body.append(error);
    }
    error.querySelector("pre").textContent = text;
  }

  function hideError() {
    if (error) error.remove();
    error = null;
  }

  const events = new EventSource("/__book__/events");
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    if (shown !== null && state.build !== shown) {
      location.reload();
      return;
    }
    shown = state.build;
    document.documentElement.dataset.bookServeBuild = String(state.build);  // for tests and the reload benchmark
    if (state.error) showError(state.error); else hideError();
  });
})();
