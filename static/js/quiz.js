// Save quiz answers as the learner goes, so a dropped connection loses nothing. The page works without this script:
// the form submits all answers anyway. The server answers {"saved": true|false}, never a grade or a hint.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz-form[data-save-url]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector(".save-status");
  var timer = null;
  function save() {
    fetch(form.dataset.saveUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) { if (data.saved && status) status.textContent = status.dataset.saved || "✓"; })
      .catch(function () { if (status) status.textContent = ""; });
  }
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(save, 400); });
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 1500); });
  // Submitting sends every answer: a save still waiting would reach a closed attempt (and be refused).
  form.addEventListener("submit", function () { clearTimeout(timer); });
})();
