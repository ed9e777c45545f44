// framing: highlight popovers, category toggles, print. No dependencies; text only
// through textContent, never innerHTML (article text is untrusted).
(function () {
  "use strict";
  var pop = document.getElementById("popover");

  function line(cls, label, text) {
    if (!text) return;
    var p = document.createElement("p");
    p.className = cls;
    if (label) {
      var b = document.createElement("strong");
      b.textContent = label + " ";
      p.appendChild(b);
    }
    p.appendChild(document.createTextNode(text));
    pop.appendChild(p);
  }

  function show(mark) {
    if (!pop) return;
    pop.textContent = "";
    line("pop-title", "", mark.dataset.label);
    var quoted = document.createElement("p");
    quoted.className = "pop-text";
    quoted.textContent = "\u201c" + mark.textContent + "\u201d";
    pop.appendChild(quoted);
    line("", "", mark.dataset.explanation);
    line("", "Neutral alternative:", mark.dataset.neutral);
    line("pop-note", "Note:", mark.dataset.note);
    line("pop-note", "Also:", mark.dataset.also);
    pop.hidden = false;
    var r = mark.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX +
      document.documentElement.clientWidth - pop.offsetWidth - 8));
    pop.style.top = top + "px";
    pop.style.left = left + "px";
    mark.setAttribute("aria-describedby", "popover");
  }

  function hide() { if (pop) pop.hidden = true; }

  document.addEventListener("mouseover", function (e) {
    var mark = e.target.closest && e.target.closest("mark.hl[data-label]:not(.sample)");
    if (mark) show(mark);
  });
  document.addEventListener("mouseout", function (e) {
    var mark = e.target.closest && e.target.closest("mark.hl");
    if (mark && !mark.contains(e.relatedTarget)) hide();
  });
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("mark.hl[data-label]:not(.sample)")) show(e.target);
  });
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });

  document.querySelectorAll("input[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.dataset.toggle, !box.checked);
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
