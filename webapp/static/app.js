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
    // a widened highlight's explanation is about the words that were found in it
    line("", mark.dataset.matched || "", mark.dataset.explanation);
    line("", mark.dataset.neutralLabel || "Neutral alternative:", mark.dataset.neutral);
    line("pop-note", "In English:", mark.dataset.neutralEn);
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

  // A kind switched off in the legend (added words start off) explains nothing: its words
  // showed their popover on hover, and took a Tab stop each, unmarked (QA, session 21).
  function switchedOff(mark) {
    return document.body.classList.contains("hide-" + mark.dataset.cat);
  }
  // ... and a printout does not explain a kind it does not show (style.css, print)
  function setTabStops(kind) {
    var off = document.body.classList.contains("hide-" + kind);
    document.querySelectorAll("mark.hl[data-cat='" + kind + "']:not(.sample)").forEach(
      function (mark) { mark.tabIndex = off ? -1 : 0; });
    document.querySelectorAll("dl.legend-help [data-kind='" + kind + "']").forEach(
      function (item) { item.toggleAttribute("data-off", off); });
  }

  document.addEventListener("mouseover", function (e) {
    var mark = e.target.closest && e.target.closest("mark.hl[data-label]:not(.sample)");
    if (mark && !switchedOff(mark)) show(mark);
  });
  document.addEventListener("mouseout", function (e) {
    var mark = e.target.closest && e.target.closest("mark.hl");
    if (mark && !mark.contains(e.relatedTarget)) hide();
  });
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("mark.hl[data-label]:not(.sample)") &&
        !switchedOff(e.target)) show(e.target);
  });
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });

  document.querySelectorAll("input[data-toggle]").forEach(function (box) {
    setTabStops(box.dataset.toggle);
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.dataset.toggle, !box.checked);
      setTabStops(box.dataset.toggle);
      hide();
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // --- readers' corrections of links -------------------------------------------------
  // The page comes from a cache shared by every visitor, so the session's form token is
  // fetched when first needed, and sent as a header.
  var tokenPromise = null;
  function token() {
    if (!tokenPromise) {
      tokenPromise = fetch("/api/csrf", { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (j) { return j.token; });
    }
    return tokenPromise;
  }
  function post(url, fields) {
    return token().then(function (t) {
      return fetch(url, {
        method: "POST", credentials: "same-origin", body: new URLSearchParams(fields),
        headers: { "X-CSRF-Token": t, "Accept": "application/json" }
      });
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!j.ok) throw new Error(j.error || "The correction was not saved.");
        return j;
      });
    });
  }
  function failed(err) { window.alert(err.message); }
  function reloadWith(ids, anchor) {
    var url = new URL(window.location.href);
    if (ids.length) url.searchParams.set("correction", ids.join("-"));
    else url.searchParams.delete("correction");
    url.hash = anchor || "";
    window.location.assign(url.toString());
  }
  var matrix = document.querySelector(".matrix");
  var eventId = matrix && matrix.dataset.event ? matrix.dataset.event : "";
  function correct(fields, anchor) {
    fields.event = eventId;
    return post("/links", fields).then(function (j) {
      reloadWith(j.corrections.map(function (c) { return c.id; }), anchor);
    }, failed);
  }
  document.querySelectorAll("[data-link-tools], .link-from, [data-link-help], [data-undo]")
    .forEach(function (el) { el.hidden = false; });
  // Back from a correction the page is anchored on a sentence, whose row (with its
  // "Confirmed by a reader" label) could sit under the sticky column heads: show the row.
  // (On "load": the browser's own jump to the anchor comes before it.)
  window.addEventListener("load", function () {
    var landed = window.location.hash && document.getElementById(window.location.hash.slice(1));
    var landedRow = landed && landed.closest && landed.closest(".mrow");
    if (landedRow) landedRow.scrollIntoView({ block: "start" });
  });

  // Which sentences a row's ✓ / ✗ are about: lit while the pointer or the focus is on them.
  function lightPair(tools, on) {
    (tools.dataset.pair || "").split(" ").forEach(function (id) {
      var sentence = id && document.getElementById(id);
      if (sentence) sentence.classList.toggle("pair-lit", on);
    });
  }
  document.querySelectorAll("[data-link-tools][data-pair]").forEach(function (tools) {
    tools.addEventListener("mouseenter", function () { lightPair(tools, true); });
    tools.addEventListener("mouseleave", function () { lightPair(tools, false); });
    tools.addEventListener("focusin", function () { lightPair(tools, true); });
    tools.addEventListener("focusout", function () { lightPair(tools, false); });
  });

  document.querySelectorAll("button[data-verdict]").forEach(function (b) {
    b.addEventListener("click", function () {
      correct({
        verdict: b.dataset.verdict,
        a_article: b.dataset.aArticle, a_sentence: b.dataset.aSentence,
        b_article: b.dataset.bArticle, b_sentence: b.dataset.bSentence
      }, "s-" + b.dataset.aArticle + "-" + b.dataset.aSentence.split(" ")[0]);
    });
  });
  document.querySelectorAll("button[data-undo]").forEach(function (b) {
    b.addEventListener("click", function () {
      post("/links/undo", { ids: b.dataset.undo }).then(function () { reloadWith([], ""); }, failed);
    });
  });

  // Adding a link: "Link…" after one sentence, then "Link here" after its counterpart in
  // another report. Buttons, so keyboard and touch work alike; Escape or Cancel stops.
  var picking = null;
  var bar = document.querySelector("[data-pick-bar]");
  function pickButtons() { return document.querySelectorAll("button.link-from"); }
  function stopPicking() {
    picking = null;
    document.body.classList.remove("picking");
    pickButtons().forEach(function (b) {
      b.textContent = "Link\u2026"; b.disabled = false; b.classList.remove("picked");
    });
    if (bar) bar.hidden = true;
  }
  function startPicking(b) {
    picking = b;
    document.body.classList.add("picking");
    pickButtons().forEach(function (other) {
      if (other === b) { other.textContent = "Linking\u2026"; other.classList.add("picked"); }
      else if (other.dataset.linkArticle === b.dataset.linkArticle) other.disabled = true;
      else other.textContent = "Link here";
    });
    if (bar) {
      bar.querySelector("[data-pick-text]").textContent = "Now press \u201cLink here\u201d " +
        "after the sentence of another report that says the same as this " +
        b.dataset.outletName + " sentence.";
      bar.hidden = false;
    }
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.link-from");
    if (!b) return;
    if (!picking) startPicking(b);
    else if (b === picking) stopPicking();
    else if (b.dataset.linkArticle !== picking.dataset.linkArticle) {
      var from = picking;
      correct({
        verdict: "added",
        a_article: from.dataset.linkArticle, a_sentence: from.dataset.linkSentence,
        b_article: b.dataset.linkArticle, b_sentence: b.dataset.linkSentence
      }, "s-" + from.dataset.linkArticle + "-" + from.dataset.linkSentence);
    }
  });
  var cancel = document.querySelector("[data-pick-cancel]");
  if (cancel) cancel.addEventListener("click", stopPicking);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && picking) stopPicking(); });

  // --- reading across languages ------------------------------------------------------
  // The browser's own on-device Translator API (Chrome, Edge); the control stays hidden
  // where there is none. Every cell carries its lang, so page translation works too.
  var tr = document.querySelector("[data-translate]");
  function pageLanguages() {
    var seen = {};
    document.querySelectorAll("main [lang]").forEach(function (c) {
      if (c.getAttribute("lang")) seen[c.getAttribute("lang")] = true;
    });
    return Object.keys(seen);
  }
  // Shown only when the browser can translate at least one of the page's languages
  // (on the device, or after fetching its own language pack), not merely names the API.
  if (tr && "Translator" in self) {
    var probes = pageLanguages().map(function (lang) {
      var target = lang === "en" ? "ru" : "en";
      return self.Translator.availability({ sourceLanguage: lang, targetLanguage: target })
        .catch(function () { return "unavailable"; });
    });
    Promise.all(probes).then(function (states) {
      if (states.some(function (s) { return s !== "unavailable"; })) tr.hidden = false;
    });
    var status = tr.querySelector("[data-translate-status]");
    tr.querySelector("[data-translate-go]").addEventListener("click", function () {
      var target = tr.querySelector("[data-translate-target]").value;
      var jobs = [];
      document.querySelectorAll(".sentence").forEach(function (el) {
        var holder = el.closest("[lang]");
        var source = holder ? holder.getAttribute("lang") : "";
        if (source && source !== target) jobs.push({ el: el, source: source });
      });
      var translators = {};
      function translator(source) {
        if (!translators[source]) {
          translators[source] = self.Translator.availability({ sourceLanguage: source, targetLanguage: target })
            .then(function (state) {
              if (state === "unavailable") throw new Error("Your browser cannot translate " + source + " into " + target + " on this device.");
              return self.Translator.create({ sourceLanguage: source, targetLanguage: target });
            });
        }
        return translators[source];
      }
      var done = 0;
      status.textContent = "Translating on this device\u2026";
      jobs.reduce(function (chain, job) {
        return chain.then(function () {
          return translator(job.source).then(function (t) { return t.translate(job.el.textContent); })
            .then(function (text) {
              var next = job.el.nextElementSibling;
              var out = next && next.classList.contains("translation") ? next : document.createElement("span");
              out.className = "translation";
              out.setAttribute("lang", target);
              out.textContent = text;
              if (out !== next) job.el.insertAdjacentElement("afterend", out);
              done += 1;
              status.textContent = "Translated " + done + " of " + jobs.length + " on this device.";
            });
        });
      }, Promise.resolve()).catch(function (err) { status.textContent = err.message; });
    });
  }

  // The glossary's sections are collapsed on screen; a printed glossary holds every entry
  // the page lists (the filters choose which), so printing opens them and then closes them.
  var shut = [];
  window.addEventListener("beforeprint", function () {
    shut = Array.prototype.filter.call(
      document.querySelectorAll("details.glossary-lang, details.glossary-category"),
      function (d) { return !d.open; });
    shut.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    shut.forEach(function (d) { d.open = false; });
    shut = [];
  });

  document.querySelectorAll("[data-today]").forEach(function (el) {
    el.textContent = new Date().toISOString().slice(0, 10);
  });
  document.querySelectorAll("input[data-select-all]").forEach(function (el) {
    el.addEventListener("focus", function () { el.select(); });
  });
})();
