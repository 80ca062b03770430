// No lost typing on the dossier's section pages (issue #7, item 9).
//
// A form marked data-autosave-url is saved as a draft a moment after the
// person stops typing: the same form is posted to that URL, which saves it
// through the same service and the same conflict rule as the « Enregistrer »
// button and answers in JSON. The page says when it last saved. Leaving the
// page while something typed is not saved yet asks for confirmation.
//
// Progressive enhancement: without JavaScript the form works as before.
// No inline script and no eval, for the site's strict Content-Security-Policy.
(function () {
  "use strict";

  // Fields that change with each save, not with what the person typed.
  var BOOKKEEPING = { csrfmiddlewaretoken: true, version: true, fingerprint: true };

  function serialize(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (!BOOKKEEPING[name] && typeof value === "string") {
        parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
      }
    });
    return parts.join("&");
  }

  function setup(form) {
    var url = form.getAttribute("data-autosave-url");
    var delay = parseInt(form.getAttribute("data-autosave-delay") || "2000", 10);
    var status = form.querySelector("[data-autosave-status]");
    // What the server holds, as this page knows it. A page shown again after an unsaved post
    // (errors to correct, a line added, a conflict) holds input the server does not have yet.
    var unsaved = form.hasAttribute("data-autosave-unsaved");
    var saved = unsaved ? null : serialize(form);
    var lastSent = null;
    var timer = null;
    var inFlight = false;
    // After a conflict the person saves knowingly, with the button: never automatically.
    var suspended = form.hasAttribute("data-autosave-suspended");
    var leaving = false; // the form itself is being sent
    var pendingSubmitter = null;

    function dirty() {
      return serialize(form) !== saved;
    }

    function say(text, kind) {
      if (!status) {
        return;
      }
      status.textContent = text;
      status.classList.toggle("www-draft-status--error", kind === "error");
    }

    function setHidden(name, value) {
      var input = form.querySelector("input[type=hidden][name='" + name + "']");
      if (input && value !== undefined && value !== null) {
        input.value = String(value);
      }
    }

    function finish() {
      inFlight = false;
      if (pendingSubmitter !== null) {
        var submitter = pendingSubmitter;
        pendingSubmitter = null;
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit(submitter || undefined);
        } else {
          form.submit();
        }
        return;
      }
      if (!suspended && dirty() && serialize(form) !== lastSent) {
        schedule();
      }
    }

    function save() {
      timer = null;
      if (inFlight || suspended || leaving || !dirty()) {
        return;
      }
      inFlight = true;
      var sending = serialize(form);
      lastSent = sending;
      say("Enregistrement du brouillon…");
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) {
            throw new Error("not json");
          }
          return response.json();
        })
        .then(function (answer) {
          if (answer.saved) {
            setHidden("version", answer.version);
            setHidden("fingerprint", answer.fingerprint);
            saved = sending;
            say(answer.message);
          } else {
            if (answer.conflict) {
              suspended = true;
            }
            say(answer.message, "error");
          }
        })
        .catch(function () {
          say(
            "Brouillon non enregistré automatiquement (connexion ou session interrompue) : " +
              "vos saisies restent dans la page, enregistrez-les avec le bouton.",
            "error"
          );
        })
        .then(finish);
    }

    function schedule() {
      if (suspended || leaving) {
        return;
      }
      if (timer !== null) {
        window.clearTimeout(timer);
      }
      timer = window.setTimeout(save, delay);
    }

    if (unsaved) {
      schedule();
    }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);

    form.addEventListener("submit", function (event) {
      if (timer !== null) {
        window.clearTimeout(timer);
        timer = null;
      }
      if (inFlight) {
        // Wait for the draft being saved: the form then carries the version it produced,
        // and the person's own automatic save is not taken for someone else's change.
        event.preventDefault();
        event.stopPropagation();
        pendingSubmitter = event.submitter || null;
        return;
      }
      leaving = true;
    });

    window.addEventListener("beforeunload", function (event) {
      if (leaving || !(inFlight || dirty())) {
        return undefined;
      }
      // The browser asks « Quitter la page ? » in its own words.
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave-url]").forEach(setup);
  });
})();
