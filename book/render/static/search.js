// The search page: the words in ?q= looked up in the Pagefind index beside this page (pagefind/, made at build
// time), each hit shown as the passage it falls in, linked by the passage's own anchor. Nothing is fetched
// from anywhere but this site.
const form = document.querySelector(".search-page-form");
const input = document.getElementById("search-q");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
// The page's words, in the book's language (search.html carries them; this script has none of its own).
const WORDS = JSON.parse(document.getElementById("search-words").textContent);
const PLURAL = new Intl.PluralRules(document.documentElement.lang);

function say(message, values) {
  return message.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function found(count, query) {
  // Integers fall in the categories the page lists (Russian has no "other" for them); any form beats none.
  const message = WORDS.found[PLURAL.select(count)] || WORDS.found.other || Object.values(WORDS.found).pop();
  return say(message, {num: count.toLocaleString(document.documentElement.lang), query});
}

const PASSAGE_ELEMENTS = new Set(["div", "dt"]);  // passages (div id="<article>-<n>") and glossary entries (dt)

function snippet(words, at) {
  const start = Math.max(0, at - 12);
  const fragment = document.createDocumentFragment();
  if (start > 0) fragment.append("… ");
  words.slice(start, at + 18).forEach((word, i) => {
    if (start + i === at) {
      const mark = document.createElement("mark");
      mark.textContent = word;
      fragment.append(mark, " ");
    } else {
      fragment.append(word + " ");
    }
  });
  fragment.append("…");
  return fragment;
}

function hits(data) {
  // Each matched word belongs to the last passage anchor before it; one hit per passage, in page order.
  const anchors = data.anchors.filter((a) => PASSAGE_ELEMENTS.has(a.element)).sort((a, b) => a.location - b.location);
  const found = new Map();
  for (const location of [...data.locations].sort((a, b) => a - b)) {
    let anchor = null;
    for (const candidate of anchors) {
      if (candidate.location <= location) anchor = candidate; else break;
    }
    const key = anchor ? anchor.id : "";
    if (!found.has(key)) found.set(key, {anchor, location});
  }
  return [...found.values()];
}

async function run(query) {
  input.value = query;
  list.replaceChildren();
  if (!query.trim()) {
    status.textContent = "";
    return;
  }
  status.textContent = WORDS.searching;
  const pagefind = await import("../pagefind/pagefind.js");
  const search = await pagefind.search(query);
  const pages = await Promise.all(search.results.slice(0, 20).map((result) => result.data()));
  let count = 0;
  for (const data of pages) {
    const page = data.url.split("/").pop() || "index.html";
    const words = data.content.split(/\s+/);
    for (const {anchor, location} of hits(data).slice(0, 10)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = page + (anchor ? "#" + anchor.id : "");
      link.textContent = data.meta.title || page;
      const text = document.createElement("p");
      text.append(snippet(words, location));
      item.append(link, text);
      list.append(item);
      count += 1;
    }
  }
  status.textContent = count ? found(count, query) : say(WORDS.none, {query});
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value;
  history.replaceState(null, "", "?q=" + encodeURIComponent(query));
  run(query).catch((error) => { status.textContent = say(WORDS.failed, {error: error.message}); });
});
run(new URLSearchParams(location.search).get("q") || "").catch((error) => { status.textContent = say(WORDS.failed, {error: error.message}); });
