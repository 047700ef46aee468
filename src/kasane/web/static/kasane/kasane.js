// Kasane: tiny progressive enhancements. Everything works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    var confirmable = event.target.closest("[data-confirm]");
    if (confirmable && !window.confirm(confirmable.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // The header's user menu (<details>): a click elsewhere or Escape closes it.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-user-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details[data-user-menu][open]").forEach(function (menu) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      });
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) {
      event.target.form.submit();
    }
  });

  // ○/◎ grid (sheets): one ◎ per grid — choosing ◎ turns an earlier ◎ into ○.
  // Without scripts the server refuses two ◎ on submit.
  document.addEventListener("change", function (event) {
    var main = event.target;
    if (!main.matches("input[data-mcm-main]") || !main.checked) return;
    var grid = main.closest(".mcm");
    grid.querySelectorAll("input[data-mcm-main]:checked").forEach(function (other) {
      if (other === main) return;
      var ring = grid.querySelector('input[name="' + other.name + '"][value="marked"]');
      if (ring) ring.checked = true;
    });
  });

  // Unsaved changes: leaving a page while a form marked data-dirty-guard holds typing that
  // was neither submitted nor autosaved (htmx) asks first. A form shown again with errors
  // and no autosave starts out unsaved. data-leaves-form: a form whose submit abandons the
  // page's forms on purpose (下書きを削除).
  function guardedForm(el) {
    var form = el && (el.form || (el.closest && el.closest("form")));
    return form && form.hasAttribute("data-dirty-guard") ? form : null;
  }
  function touched(event) {
    var form = guardedForm(event.target);
    if (form) {
      form.kasaneEdits = (form.kasaneEdits || 0) + 1;
      form.kasaneDirty = true;
    }
  }
  document.addEventListener("input", touched);
  document.addEventListener("change", touched);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) return;
    if (form.hasAttribute("data-dirty-guard")) form.kasaneDirty = false;
    if (form.hasAttribute("data-leaves-form")) {
      document.querySelectorAll("form[data-dirty-guard]").forEach(function (f) { f.kasaneDirty = false; });
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = guardedForm(event.detail.elt);
    if (form) form.kasaneSent = form.kasaneEdits || 0;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = guardedForm(event.detail.elt);
    if (form && event.detail.successful && (form.kasaneEdits || 0) === form.kasaneSent) {
      form.kasaneDirty = false;
    }
  });
  document.querySelectorAll("form[data-dirty-guard]:not([hx-post])").forEach(function (form) {
    if (form.querySelector(".field-invalid, .form-errors, .errorlist")) form.kasaneDirty = true;
  });
  window.addEventListener("beforeunload", function (event) {
    var forms = document.querySelectorAll("form[data-dirty-guard]");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].kasaneDirty) {
        event.preventDefault();
        event.returnValue = "";
        return "";
      }
    }
  });

  // A new sheet form refused on submit is already the draft's page: show its address.
  var moved = document.querySelector("form[data-replace-url]");
  if (moved && window.history.replaceState) {
    window.history.replaceState(null, "", moved.getAttribute("data-replace-url"));
  }
  // Live events (kasane.notify): one EventSource per page on /events/stream. Each event only
  // tells htmx to refresh the header's badge, the alert banner or an open alert page; a new
  // 緊急案件 also beeps (Web Audio, no file, no network). Without scripts or behind a
  // buffering proxy the badge and the banner poll (hx-trigger="every …").
  var eventsUrl = document.body.getAttribute("data-events-url");
  function beep() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = "sine"; osc.frequency.value = 880; gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.35);
      osc.onended = function () { ctx.close(); };
    } catch (e) { /* audio is a courtesy; the banner is the alert */ }
  }
  function fire(name) {
    if (window.htmx) { window.htmx.trigger(document.body, name); }
  }
  if (eventsUrl && window.EventSource) {
    var source = new window.EventSource(eventsUrl);
    source.addEventListener("hello", function () { document.body.setAttribute("data-live", "on"); });
    source.addEventListener("notification", function () { fire("kasane:notification"); });
    source.addEventListener("alert", function () { fire("kasane:alert"); beep(); });
    source.addEventListener("alert_update", function () {
      fire("kasane:alert"); fire("kasane:alert-update"); fire("kasane:notification");
    });
    source.addEventListener("bye", function () { document.body.setAttribute("data-live", "off"); });
  }
})();
