// The site's menu (nine links for a co-lead, and the account) on one row where it fits; where it
// would wrap onto two or three rows (a phone, a tablet, a narrow window: helper-81, helper-201),
// with script, it folds behind a "Menu" button. Without script every link shows.
const header = document.querySelector("header.site");
const toggle = header && header.querySelector(".menu-toggle");
if (toggle) {
  header.classList.add("folding-menu");
  toggle.hidden = false;
  const brand = header.querySelector(".brand");
  const links = header.querySelectorAll("nav li");
  const account = header.querySelector(".user-menu");
  const middle = (element) => {
    const box = element.getBoundingClientRect();
    return box.top + box.height / 2;
  };
  // Laid out unfolded, does everything share the name's row? Read before the next paint, so
  // the unfolded layout is never shown.
  const fold = () => {
    header.classList.remove("folded");
    const row = middle(brand);
    const wraps = [...links, account].some((item) => Math.abs(middle(item) - row) > brand.offsetHeight / 2);
    header.classList.toggle("folded", wraps);
    if (!wraps && header.classList.contains("menu-open")) {
      header.classList.remove("menu-open");
      toggle.setAttribute("aria-expanded", "false");
    }
  };
  fold();
  window.addEventListener("resize", fold);
  document.fonts?.ready.then(fold);
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
