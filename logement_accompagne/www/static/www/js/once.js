// Forms marked data-once send their request once: the submit button is
// disabled (and says so) after the first click, so a double click or an
// impatient second click does not post twice. The server refuses a second
// transition anyway; this only spares the person a confusing message.
(function () {
  "use strict";
  function lock(form, submitter) {
    if (form.dataset.sent === "true") {
      return false;
    }
    form.dataset.sent = "true";
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    // Disable after the browser has collected the form data (a disabled
    // submitter would not send its name/value).
    window.setTimeout(function () {
      buttons.forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
      if (submitter && submitter.dataset.sendingLabel) {
        submitter.textContent = submitter.dataset.sendingLabel;
      }
    }, 0);
    return true;
  }
  // A message the page opens on (an edit conflict) takes the focus, so that
  // screen reader and keyboard users start from it.
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.querySelector("[data-autofocus]");
    if (target) {
      target.focus();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) {
      return;
    }
    if (!lock(form, event.submitter)) {
      event.preventDefault();
    }
  });
})();
