// Attendance and paper results keep what the facilitator entered when the phone has no connection, and send it when
// the connection is back (the "online" event, or the next page load). The page works without this script: the form
// then posts as any form. Sending the same sheet twice records it once: the server makes sure of that.
(function () {
  "use strict";
  if (!window.fetch || !window.localStorage || !window.URLSearchParams || !window.FormData) return;
  var OUTBOX = "workshop-outbox";
  var SENT = "workshop-sent";
  var status = document.querySelector(".offline-status");

  function load() {
    try { return JSON.parse(localStorage.getItem(OUTBOX)) || []; } catch (error) { return []; }
  }
  function store(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); }
  function remove(id) { store(load().filter(function (item) { return item.id !== id; })); }
  function say(kind) { if (status) status.textContent = status.getAttribute("data-" + kind) || ""; }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(item) {
    var body = new URLSearchParams(item.body);
    var token = csrfToken();  // the page's own token: the one saved may be older than a new login
    if (token) body.set("csrfmiddlewaretoken", token);
    return fetch(item.url, { method: "POST", body: body, credentials: "same-origin" });
  }

  // The page the server answered with (its message says what was recorded, or why the sheet was refused).
  function show(response) {
    return response.text().then(function (html) {
      if (window.history && history.replaceState) history.replaceState(null, "", response.url);
      document.open();
      document.write(html);
      document.close();
    });
  }

  // The server answered: the sheet is delivered (recorded, or refused with a reason shown on the page).
  function delivered(item, response) {
    remove(item.id);
    if (response.ok) {
      if (load().length) return flush();
      sessionStorage.setItem(SENT, "1");
      return show(response);
    }
    say("refused");
    return show(response);
  }

  var busy = false;
  function flush() {
    var items = load();
    if (busy || !items.length) return;
    busy = true;
    say("sending");
    var item = items[0];
    return post(item).then(function (response) {
      busy = false;
      return delivered(item, response);
    }, function () {
      busy = false;
      say("queued");  // still no connection: it waits for the next "online" event
    });
  }

  function fill(form, body) {
    var values = new URLSearchParams(body);
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.type === "hidden" || input.type === "submit") return;
      var given = values.getAll(input.name);
      if (input.type === "radio" || input.type === "checkbox") input.checked = given.indexOf(input.value) !== -1;
      else if (input.tagName === "SELECT") {
        // Several selects share a name (an ordering's items): each takes the value among its own options.
        Array.prototype.forEach.call(input.options, function (option) {
          option.selected = option.value !== "" && given.indexOf(option.value) !== -1;
        });
      } else if (given.length) input.value = given[0];
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-queue]"), function (form) {
    var key = form.getAttribute("data-offline-queue");
    load().forEach(function (item) { if (item.key === key) { fill(form, item.body); say("queued"); } });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var item = {
        id: Date.now() + "-" + Math.random().toString(36).slice(2),
        key: key,
        url: form.action || window.location.href,
        body: new URLSearchParams(new FormData(form)).toString()
      };
      // The newest entry of a sheet holds everything entered on it: it replaces an older one still waiting.
      store(load().filter(function (other) { return other.key !== key; }).concat([item]));
      if (navigator.onLine === false) { say("queued"); return; }
      flush();
    });
  });

  if (sessionStorage.getItem(SENT)) {
    sessionStorage.removeItem(SENT);
    say("sent");
  }
  window.addEventListener("online", function () { flush(); });
  if (navigator.onLine !== false) flush();
})();
