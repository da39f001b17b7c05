// What a page opens with after a form was sent: a refusal, or the messages that say what was done
// ("Slot saved.", "Sent to …", a line-up found). The page opens with the focus on it, where the
// eyes, the keyboard and a screen reader are: a screen reader does not say a status that was there
// from the start (helper-188), and the focus left on the page itself said nothing either.
//
// A refusal first: the form's error summary, else its first field in error. A notice that stands
// on the page whatever was sent (`.standing`: the slots someone declined) is no refusal.
const refusal =
  document.querySelector(".error-summary:not(.standing)") ||
  document.querySelector('main [aria-invalid="true"]');
if (refusal) {
  if (refusal.classList.contains("error-summary") && !refusal.hasAttribute("tabindex")) {
    refusal.setAttribute("tabindex", "-1");
  }
  refusal.scrollIntoView({ block: "center" });
  refusal.focus({ preventScroll: true });
}

// The messages: flashed (base.html) or the result a page shows of the form sent (data-flashed).
const messages = [...document.querySelectorAll("[data-flashed]")];
// The id the address ends with, percent-decoded as the browser reads it. "#%" (typed, or cut
// short) is no percent-encoding: decoding it threw a URIError, and the messages went unsaid.
function fragment() {
  const written = location.hash.slice(1);
  try {
    return decodeURIComponent(written);
  } catch {
    return written;
  }
}
if (messages.length) {
  // One stop for all of them, where the first is: the focus on it, each is said.
  const group = document.createElement("div");
  group.className = "messages";
  group.setAttribute("tabindex", "-1");
  messages[0].before(group);
  group.append(...messages);
  // A page opened at a row or a heading (#slot-3, after a save or a move from it; #talk-heading)
  // scrolls to it, past the messages at its top: they are moved under it, in sight.
  const id = fragment();
  const target = id && document.getElementById(id);
  if (target && group.contains(target)) {
    // Already there (#result: the line-up found).
  } else if (target && target.tagName === "TR") {
    const under = document.createElement("tr");
    under.className = "flashed-row";
    const cell = document.createElement("td");
    cell.colSpan = target.cells.length;
    cell.append(group);
    under.append(cell);
    target.after(under);
  } else if (target) {
    // A heading (#talk-heading) or a section (#slots): under the heading it opens at. Any
    // other element keeps them at the top: in a field (#title) they would be out of sight.
    const heading = /^H[1-6]$/.test(target.tagName)
      ? target
      : target.querySelector("h1, h2, h3, h4, h5, h6");
    if (heading) heading.after(group);
  }
  if (!refusal) {
    // Once the page is loaded: opening at an address's #id, the browser moves the focus to it
    // (a row), or off everything (a heading, a paragraph), after the page's scripts ran.
    const focus = () => {
      group.focus({ preventScroll: true });
      group.scrollIntoView({ block: "nearest" });
    };
    if (document.readyState === "complete") focus();
    else window.addEventListener("load", () => setTimeout(focus));
  } else {
    // The refusal has the focus: the messages are said through a live region. It is filled once
    // it is there: a region created with its text says nothing.
    const said = document.createElement("div");
    said.className = "visually-hidden";
    said.setAttribute("aria-live", "polite");
    document.body.append(said);
    setTimeout(() => {
      said.textContent = messages.map((message) => message.textContent.trim()).join(" ");
    }, 250);
  }
}
