// The line-up's lists of offices to tick (must include, must exclude; 200 at 200 offices): with
// script, a box above each list shows only the offices whose code or name holds what is typed,
// and says how many. Enter there does not send the rules. Without script the whole list shows.
for (const find of document.querySelectorAll(".office-picker .office-find")) {
  const box = find.querySelector("input");
  const found = find.querySelector("[role=status]");
  const offices = [...find.parentElement.querySelectorAll(".office-boxes li")];
  // An office is found by the words its box shows, not its rule said unseen ("must include").
  const words = new Map(
    offices.map((office) => {
      const label = office.querySelector("label").cloneNode(true);
      for (const unseen of label.querySelectorAll(".visually-hidden")) unseen.remove();
      return [office, label.textContent.toLowerCase()];
    }),
  );
  find.hidden = false;
  box.addEventListener("input", () => {
    const wanted = box.value.trim().toLowerCase();
    let shown = 0;
    for (const office of offices) {
      office.hidden = wanted !== "" && !words.get(office).includes(wanted);
      shown += office.hidden ? 0 : 1;
    }
    found.textContent = wanted === "" ? "" : `${shown} of ${offices.length} shown`;
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
}
