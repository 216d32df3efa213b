// The web edition's glossary pop-ups. A term in a passage is a link to its glossary entry; with this script a
// click (or Enter) opens the entry in a small pop-up right there instead, from the <template> the chapter page
// carries for it. Escape, the close button or a click elsewhere closes it and gives the focus back to the term.
"use strict";
(function () {
  let open = null;  // {popup, term}

  function close(returnFocus) {
    if (!open) return;
    const {popup, term} = open;
    open = null;
    popup.remove();
    term.setAttribute("aria-expanded", "false");
    if (returnFocus) term.focus();
  }

  function show(term, template) {
    close(false);
    const popup = document.createElement("div");
    popup.className = "popup";
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", template.dataset.label);  // the words come from the page, in the book's language
    popup.tabIndex = -1;
    popup.appendChild(template.content.cloneNode(true));
    const button = document.createElement("button");
    button.type = "button";
    button.className = "popup-close";
    button.setAttribute("aria-label", template.dataset.close);
    button.textContent = "×";
    button.addEventListener("click", () => close(true));
    popup.prepend(button);
    term.after(popup);
    term.setAttribute("aria-expanded", "true");
    open = {popup, term};
    popup.focus();
  }

  document.addEventListener("click", (event) => {
    const term = event.target.closest("a.term");
    if (term) {
      const id = (term.getAttribute("href") || "").split("#")[1];
      const template = id && document.querySelector(`template.term-popup[data-term="${CSS.escape(id)}"]`);
      if (template) {
        event.preventDefault();
        if (open && open.term === term) close(true); else show(term, template);
        return;
      }
    }
    if (open && !open.popup.contains(event.target)) close(false);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && open) close(true);
  });
  for (const term of document.querySelectorAll("a.term")) term.setAttribute("aria-haspopup", "dialog");
})();
