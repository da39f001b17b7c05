// A slides file larger than the upload limit is refused as soon as it is chosen, before a byte
// of it is sent: on a slow connection a 60 MB file took minutes to go, only to be refused, and
// the link typed beside it came back empty (helper-212). The server refuses it anyway, in the
// same words (the input's data-too-large, in the page's language).
for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
  const limit = Number(input.dataset.maxBytes);
  const said = document.createElement("p");
  said.className = "error";
  said.id = `${input.id}-too-large`;
  said.setAttribute("role", "alert");
  said.hidden = true;
  input.closest(".field").append(said);
  input.addEventListener("change", () => {
    const file = input.files[0];
    const tooLarge = Boolean(file) && file.size > limit;
    said.hidden = !tooLarge;
    said.textContent = tooLarge ? input.dataset.tooLarge : "";
    input.closest(".field").classList.toggle("has-error", tooLarge);
    const described = (input.getAttribute("aria-describedby") || "").split(" ");
    const others = described.filter((id) => id && id !== said.id);
    input.setAttribute("aria-describedby", [...others, ...(tooLarge ? [said.id] : [])].join(" "));
    if (tooLarge) {
      input.value = ""; // not sent with the form: what else was typed still is
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  });
}
