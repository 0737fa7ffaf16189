// Help for the forms, where scripts run (every form works without it): drafts saved while the
// person types, and a warning before the session ends. The pages carry the words (translated).
(function () {
  "use strict";
  var WARN_BEFORE = 10 * 60 * 1000; // ten minutes
  var AUTOSAVE_AFTER = 3000; // after the person stops typing
  var body = document.body;
  var warning = document.getElementById("session-warning");
  var endsAt = null;

  function sessionLeft(seconds) {
    endsAt = Date.now() + Number(seconds) * 1000;
    if (warning) { warning.hidden = true; }
  }

  function watchSession() {
    if (!warning || endsAt === null) { return; }
    var left = endsAt - Date.now();
    var ending = warning.querySelector("[data-ending]");
    var ended = warning.querySelector("[data-ended]");
    var stay = warning.querySelector("button");
    if (left <= 0) {
      ending.hidden = true; ended.hidden = false; stay.hidden = true; warning.hidden = false;
    } else if (left <= WARN_BEFORE) {
      ending.hidden = false; ended.hidden = true; stay.hidden = false; warning.hidden = false;
    }
  }

  if (warning && body.dataset.sessionSeconds) {
    sessionLeft(body.dataset.sessionSeconds);
    watchSession();
    setInterval(watchSession, 15000);
    warning.querySelector("button").addEventListener("click", function () {
      fetch("/session/stay", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) { if (answer) { sessionLeft(answer.seconds); } });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), function (form) {
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    function save() {
      var data = new FormData(form);
      Array.from(data.keys()).forEach(function (name) {
        if (data.get(name) instanceof File) { data.delete(name); }
      });
      data.set("action", "autosave");
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
        .then(function (r) {
          if (r.ok) {
            return r.json().then(function (answer) {
              status.textContent = answer.saved;
              sessionLeft(answer.seconds);
            });
          }
          // The session had ended: the portal kept the draft all the same (web/kept.py).
          status.textContent = status.dataset.ended;
          endsAt = Date.now();
          watchSession();
        });
    }
    function typed() {
      clearTimeout(timer);
      timer = setTimeout(save, AUTOSAVE_AFTER);
    }
    form.addEventListener("input", typed);
    form.addEventListener("change", typed);
  });
})();
