// Copy buttons: progressive enhancement (without JavaScript the field stays selectable and the button hidden).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-kopieer]").forEach((knop) => {
    const veld = document.getElementById(knop.dataset.kopieer);
    if (!veld || !navigator.clipboard) return;
    knop.hidden = false;
    knop.addEventListener("click", async () => {
      await navigator.clipboard.writeText(veld.value);
      const status = document.querySelector("[data-kopieer-status]");
      if (status) status.textContent = document.documentElement.lang === "en" ? "Copied." : "Gekopieerd.";
    });
  });
});
