// Small behaviours that would otherwise need inline script (our CSP allows none).
document.addEventListener("click", (event) => {
  const printButton = event.target.closest("[data-print]");
  if (printButton) {
    event.preventDefault();
    window.print();
  }
});

// After an htmx swap: keep keyboard focus and tell screen readers what changed (WCAG 2.4.3,
// 4.1.3). The focused button or field is often inside what the swap replaced; the browser then
// drops focus to the page's start. Focus moves to the new content instead, and one polite live
// region in base.html (#announcer) reads out what the new content says happened.
//
// Markers a fragment may carry:
//   data-focus (or autofocus)  the element to focus; an invalid field (aria-invalid) next,
//                              then the first heading, else the swapped element itself
//   data-announce              text to read out (its value, or else its text); every marked
//                              element is read, in order. Without one: an alert, a status or
//                              success message, else the heading
// A swap nobody asked for (a progress bar polling every second) moves no focus and reads out
// only what carries data-announce, so only its finished state speaks.
(() => {
  const HEADING = "h1, h2, h3, h4, h5, h6";
  const FOCUS = ["[data-focus], [autofocus]", "[aria-invalid='true']", HEADING];
  const SAID = ["[data-announce]", "[role='alert'], [role='status'], .alert", HEADING];
  const focusedBefore = new WeakMap(); // request -> the element that had focus before its swap
  let batch = null;

  const within = (roots, selector) =>
    roots.flatMap((root) => [
      ...(root.matches(selector) ? [root] : []),
      ...root.querySelectorAll(selector),
    ]);

  const textOf = (element) =>
    (element.dataset.announce || element.textContent).replace(/\s+/g, " ").trim();

  const sentence = (text) => (/[.!?…:]$/.test(text) ? text : `${text}.`);

  function announce(text) {
    const region = document.getElementById("announcer");
    if (!region || !text) return;
    // Emptied first, then filled a moment later: the same words twice are read twice.
    region.textContent = "";
    window.setTimeout(() => {
      region.textContent = text;
    }, 100);
  }

  // What the first of these selectors finds, in order of preference.
  const firstFound = (roots, selectors) =>
    selectors.map((selector) => within(roots, selector)).find((found) => found.length) || [];

  function focusWithin(roots) {
    const target = firstFound(roots, FOCUS)[0] || roots[0];
    if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1"); // focusable by script, not a Tab stop
    }
    target.focus();
  }

  function settled({ roots, detail }) {
    roots = roots.filter((root) => root instanceof Element && root.isConnected);
    if (!roots.length) return;
    // A poll has no triggering event: the person did nothing, so nothing moves under them.
    const asked = Boolean(detail.requestConfig && detail.requestConfig.triggeringEvent);
    const before = detail.xhr && focusedBefore.get(detail.xhr);
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    const hadFocus = before && before !== document.body && !before.isConnected;
    if (lost && (asked || hadFocus)) focusWithin(roots);
    const found = firstFound(roots, asked ? SAID : SAID.slice(0, 1));
    // A heading has no full stop of its own: one keeps it apart from what follows.
    announce(found.map(textOf).filter(Boolean).map(sentence).join(" "));
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr) focusedBefore.set(event.detail.xhr, document.activeElement);
  });
  // Fired once for each element a swap put in: handled together, once the swap has settled.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (!batch) {
      batch = { roots: [], detail: event.detail };
      queueMicrotask(() => {
        const done = batch;
        batch = null;
        settled(done);
      });
    }
    batch.roots.push(event.target);
  });
})();

// A wide table scrolls sideways in its own box on a phone (.table-responsive, a door list's
// times). A box that scrolls is made reachable by keyboard (Tab to it, then the arrow keys)
// and named for a screen reader by its table's caption, else the heading it sits under
// (WCAG 2.1.1). Checked when the page loads, after an htmx swap, and when the window resizes:
// a box that fits again is left as it was.
(() => {
  const BOXES = ".table-responsive, .door-list-times";
  const HEADING = "h1, h2, h3, h4, h5, h6";
  let named = 0;

  function labelFor(box) {
    const caption = box.querySelector("caption");
    if (caption) return caption;
    for (let at = box; at && at !== document.body; at = at.parentElement) {
      for (let before = at.previousElementSibling; before; before = before.previousElementSibling) {
        if (before.matches(HEADING)) return before;
        const inside = before.querySelectorAll(HEADING);
        if (inside.length) return inside[inside.length - 1];
      }
    }
    return null;
  }

  function reachable() {
    for (const box of document.querySelectorAll(BOXES)) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.dataset.scrollReachable = "";
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        const label = labelFor(box);
        if (label) {
          if (!label.id) label.id = `scroll-label-${++named}`;
          box.setAttribute("aria-labelledby", label.id);
        }
      } else if (!scrolls && "scrollReachable" in box.dataset) {
        delete box.dataset.scrollReachable;
        for (const name of ["tabindex", "role", "aria-labelledby"]) box.removeAttribute(name);
      }
    }
  }

  let pending = null;
  const soon = () => {
    window.clearTimeout(pending);
    pending = window.setTimeout(reachable, 150);
  };
  document.addEventListener("DOMContentLoaded", reachable);
  document.addEventListener("htmx:afterSettle", soon);
  window.addEventListener("resize", soon);
})();
