// On a phone the site's menu (nine links for a co-lead, and the account) took half the screen
// before any content (helper-81). With script, below 640 px it folds behind a "Menu" button;
// without script, or on a wider screen, every link shows as before.
const header = document.querySelector("header.site");
const toggle = header && header.querySelector(".menu-toggle");
if (toggle) {
  header.classList.add("folding-menu");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = header.classList.toggle("menu-open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  // Escape closes it, and gives the focus back to the button.
  header.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && header.classList.contains("menu-open")) {
      header.classList.remove("menu-open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
}
