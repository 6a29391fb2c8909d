// SpineReview web app: keyboard shortcuts on the screening page, and decisions sent with fetch so the next record
// replaces the current one without reloading the page. Everything works without this script (plain forms and links).
(function () {
  "use strict";

  function status(text) {
    var s = document.getElementById("status");
    if (s) s.textContent = text;
  }

  function focusItem() {
    var h = document.getElementById("item-title");
    if (h) h.focus();
  }

  function swap(html) {
    var current = document.getElementById("screen-item");
    if (!current) return;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var next = holder.querySelector("#screen-item");
    if (next) current.replaceWith(next);
    focusItem();
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    status("Saving…");
    return fetch(form.action, { method: "POST", body: data, headers: { "X-Fragment": "1" }, credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (text) {
          if (!r.ok) { status(text || ("The decision was not stored (" + r.status + ").")); return; }
          swap(text);
          status("Stored. Next record loaded.");
        });
      })
      .catch(function () { status("The server could not be reached; the decision was not stored. Try again."); });
  }

  function open(url) {
    return fetch(url, { headers: { "X-Fragment": "1" }, credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (text) {
          if (!r.ok) { status(text); return; }
          swap(text);
          status("Your earlier decision is shown: decide again to change it.");
        });
      });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || form.id !== "decide") return;
    e.preventDefault();
    var submitter = e.submitter || document.activeElement;
    if (submitter && submitter.value === "exclude" && !form.querySelector("input[name=reason]:checked")) {
      status("Choose the reason for the exclusion first (keys 1 to 8).");
      var first = form.querySelector("input[name=reason]");
      if (first) first.focus();
      return;
    }
    send(form, submitter);
  });

  document.addEventListener("click", function (e) {
    var link = e.target instanceof Element ? e.target.closest("#change-last") : null;
    if (!link) return;
    e.preventDefault();
    open(link.getAttribute("href"));
  });

  document.addEventListener("keydown", function (e) {
    var form = document.getElementById("decide");
    var target = e.target;
    if (e.key === "Escape" && target && target.id === "note") { target.blur(); focusItem(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "SELECT" || (target.tagName === "INPUT" && target.type === "text"))) return;
    var key = e.key.toLowerCase();
    if (key === "z") {
      var change = document.getElementById("change-last");
      if (change) { e.preventDefault(); change.click(); }
      return;
    }
    if (!form) return;
    if (key === "n") { e.preventDefault(); var note = document.getElementById("note"); if (note) note.focus(); return; }
    if (/^[1-9]$/.test(key)) {
      var radio = form.querySelector("input[name=reason][data-key='" + key + "']");
      if (radio) { e.preventDefault(); radio.checked = true; radio.focus(); status("Reason: " + radio.labels[0].textContent.replace(/^\d\s*/, "")); }
      return;
    }
    var button = form.querySelector("button[data-key='" + key + "']");
    if (button) { e.preventDefault(); form.requestSubmit(button); }
  });
})();
