// Offline learning, added to pages that work without it: keeping a course on the phone (the course page's button),
// marking the courses kept, listing them on the offline page, and the queue of what a learner did without a
// connection (lessons marked complete, quizzes answered), kept in IndexedDB and sent when the connection is back.
// The server grades; nothing here knows a right answer. Strings come translated in the script tag's data-strings.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !window.Promise) return;
  var settings = script.dataset;
  var strings = JSON.parse(settings.strings || "{}");
  var language = document.documentElement.lang || "en";
  var canKeep = "serviceWorker" in navigator && "caches" in window && "indexedDB" in window;
  var KEPT = "course:"; // a kept course's cache is named by its manifest's address: "course:/fr/offline/courses/<key>/manifest.json"
  var learnerHere = settings.learner || ""; // who this page shows ("" for nobody logged in)
  var REMOVED_FLAG = "offline-removed"; // sessionStorage: the next page says the kept courses were removed

  function text(name, values) {
    var template = strings[name] || "";
    if (typeof template === "object") template = values && values.count === 1 ? template.one : template.other;
    return template.replace(/%\((\w+)\)s/g, function (_all, key) { return values && key in values ? values[key] : ""; });
  }

  function size(bytes) {
    var number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
    if (bytes < 1000 * 1000) return text("kilobytes", { number: number.format(Math.max(1, Math.round(bytes / 1000))) });
    return text("megabytes", { number: number.format(bytes / (1000 * 1000)) });
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) { node.append(child); });
    return node;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  }

  // ---- The queue: one IndexedDB store of actions, each with the key that makes its sending count once. ----

  var database = null;
  function store(mode) {
    if (!database) {
      database = new Promise(function (resolve, reject) {
        var opening = indexedDB.open("landscape-academy-offline", 1);
        opening.onupgradeneeded = function () { opening.result.createObjectStore("actions", { keyPath: "id" }); };
        opening.onsuccess = function () { resolve(opening.result); };
        opening.onerror = function () { reject(opening.error); };
      });
    }
    return database.then(function (db) { return db.transaction("actions", mode).objectStore("actions"); });
  }
  function request(operation) {
    return new Promise(function (resolve, reject) {
      operation.onsuccess = function () { resolve(operation.result); };
      operation.onerror = function () { reject(operation.error); };
    });
  }
  function allActions() { return store("readonly").then(function (s) { return request(s.getAll()); }); }
  function putAction(action) { return store("readwrite").then(function (s) { return request(s.put(action)); }); }
  function deleteAction(id) { return store("readwrite").then(function (s) { return request(s.delete(id)); }); }

  var sentNow = []; // results of this page's sendings, shown until the page is left
  var loginNeeded = "";

  // The box of what waits has an attribute of its own: workshop forms carry data-offline-queue (their queue).
  function statusBox() {
    var box = document.querySelector("[data-offline-waiting]");
    if (!box) {
      box = element("div", { class: "notice offline-queue", role: "status", "data-offline-waiting": "" });
      var main = document.querySelector("main") || document.body;
      main.insertBefore(box, main.querySelector(".messages") ? main.children[1] : main.firstChild);
    }
    return box;
  }

  function showQueue() {
    return allActions().then(function (actions) {
      var waiting = actions.filter(function (action) { return action.status === "waiting"; });
      var conflicts = actions.filter(function (action) { return action.status === "conflict"; });
      if (!waiting.length && !conflicts.length && !sentNow.length && !loginNeeded) {
        var old = document.querySelector("[data-offline-waiting]");
        if (old) old.remove();
        return;
      }
      var box = statusBox();
      box.replaceChildren();
      var quizzes = waiting.filter(function (action) { return action.kind === "quiz"; }).length;
      var lessons = waiting.length - quizzes;
      if (quizzes) box.append(element("p", {}, [text("waiting-quizzes", { count: quizzes })]));
      if (lessons) box.append(element("p", {}, [text("waiting-lessons", { count: lessons })]));
      if (loginNeeded) {
        var next = "?next=" + encodeURIComponent(location.pathname);
        var line = element("p", {}, [loginNeeded + " ", element("a", { href: settings.loginUrl + next }, [text("log-in")])]);
        if (!learnerHere) line.append(" · ", element("a", { href: settings.signupUrl + next }, [text("sign-up")]));
        box.append(line);
      }
      sentNow.forEach(function (result) {
        var line = element("p", { class: "offline-queue__sent" }, [result.message]);
        if (result.url && result.kind === "quiz") line.append(" ", element("a", { href: result.url }, [text("see-result")]));
        box.append(line);
      });
      conflicts.forEach(function (action) {
        var discard = element("button", { type: "button", class: "link-button" }, [text("discard")]);
        discard.addEventListener("click", function () { deleteAction(action.id).then(showQueue); });
        var line = element("p", { class: "offline-queue__conflict" }, [action.message + " "]);
        if (action.url) line.append(element("a", { href: action.url }, [text("open-quiz")]), " ");
        line.append(discard);
        box.append(line);
      });
    });
  }

  function answersOf(form) {
    var answers = {};
    new FormData(form).forEach(function (value, name) {
      if (name.indexOf("q-") !== 0) return; // the form's protocol (lms/quizzes/views.py): q-<question id>
      (answers[name.slice(2)] = answers[name.slice(2)] || []).push(String(value));
    });
    return answers;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-offline-action]");
    if (!form || navigator.onLine || !window.indexedDB) return; // online, the form posts as it does without this script
    event.preventDefault();
    var kind = form.dataset.offlineAction;
    var heading = document.querySelector("main h1");
    putAction({
      id: newKey(),
      kind: kind,
      key: form.dataset.offlineKey,
      revision: form.dataset.offlineRevision || null,
      answers: kind === "quiz" ? answersOf(form) : {},
      syncUrl: settings.syncUrl, // in the page's language: the server finds the lesson or quiz in that language
      learner: settings.learner || "", // sent only in this learner's session
      page: location.pathname,
      title: heading ? heading.textContent.trim() : document.title,
      status: "waiting",
      createdAt: new Date().toISOString()
    }).then(function () {
      var note = form.querySelector("[data-offline-note]") || element("p", { class: "notice", role: "status", "data-offline-note": "" });
      // A visitor's answers wait for them to log in, as online (lms/quizzes: answer_before_login).
      note.textContent = text(kind === "quiz" ? ("offlineVisitor" in form.dataset ? "queued-quiz-visitor" : "queued-quiz") : "queued-lesson");
      form.append(note);
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
      return showQueue();
    });
  });

  var sending = false;
  var retryIn = 2000;
  function sendWaiting() {
    if (sending || !navigator.onLine || !window.indexedDB) return Promise.resolve();
    sending = true;
    return allActions().then(function (actions) {
      // In the order they were done: the results are listed so.
      var waiting = actions.filter(function (action) { return action.status === "waiting"; }).sort(function (a, b) {
        return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
      });
      if (!waiting.length) return;
      statusBox().textContent = text("sending");
      var tokens = {};
      var learner = "";
      return waiting.reduce(function (previous, action) {
        return previous.then(function (carryOn) {
          if (carryOn === false) return false;
          var token = tokens[action.syncUrl] || fetch(action.syncUrl, { credentials: "same-origin" }).then(function (response) {
            return response.json().then(function (data) {
              if (response.status === 401) {
                // Nobody logged in: a visitor's answers ask them to log in or sign up; a learner's, to log in again.
                var visitors = waiting.every(function (candidate) { return !candidate.learner; });
                loginNeeded = visitors ? text("log-in-to-send") : data.message;
                return null;
              }
              loginNeeded = "";
              learner = data.learner;
              return data.csrf;
            });
          });
          tokens[action.syncUrl] = token;
          return token.then(function (csrf) {
            if (!csrf) return false; // logged out: everything stays on the phone
            if (action.learner && action.learner !== learner) return true; // another learner's: it waits for them
            return fetch(action.syncUrl, {
              method: "POST",
              credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
              body: JSON.stringify({ id: action.id, kind: action.kind, key: action.key, revision: action.revision, answers: action.answers })
            }).then(function (response) {
              return response.json().then(function (result) {
                if (response.status === 401) { loginNeeded = result.message; return false; }
                if (result.status === "done") {
                  sentNow.push({ kind: action.kind, message: result.message, url: result.url });
                  return deleteAction(action.id).then(function () { return refreshKeptPage(action.page); });
                }
                action.status = "conflict";
                action.message = result.message;
                action.url = result.url || "";
                return putAction(action);
              });
            });
          });
        });
      }, Promise.resolve(true));
    }).then(function () { retryIn = 2000; }, function () {
      // No answer: the connection came back only partly (the "online" event comes before the network works, or a
      // weak signal). What is left is sent again later, less and less often, while the browser says it is online.
      retryIn = Math.min(retryIn * 2, 60000);
      setTimeout(sendWaiting, retryIn);
    }).then(function () { sending = false; return showQueue(); });
  }

  // ---- Kept courses: one cache each, written here from the course's manifest; sw.js reads them. ----

  function keptCourses() {
    if (!canKeep) return Promise.resolve([]);
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(KEPT) === 0; }).map(function (name) {
        return caches.open(name).then(function (cache) { return cache.match(name.slice(KEPT.length)); }).then(function (stored) {
          return stored ? stored.json().then(function (manifest) { manifest.cacheName = name; return manifest; }) : null;
        });
      }));
    }).then(function (manifests) { return manifests.filter(Boolean); });
  }

  function download(cache, entries, progress) {
    // Three at a time: a slow link's latency, not its bandwidth, is what one-by-one would wait on.
    var queue = entries.slice();
    var done = 0;
    var stored = 0;
    function next() {
      var entry = queue.shift();
      if (!entry) return Promise.resolve();
      return fetch(entry.source || entry.url, { credentials: "same-origin", cache: "reload" }).then(function (response) {
        if (!response.ok || response.redirected) throw new Error(entry.url);
        return response.clone().arrayBuffer().then(function (body) {
          stored += body.byteLength;
          return cache.put(entry.url, response);
        });
      }).then(function () {
        done += 1;
        if (progress) progress(done, entries.length);
        return next();
      });
    }
    return Promise.all([next(), next(), next()]).then(function () { return stored; });
  }

  function keepCourse(manifestUrl, manifest, progress) {
    var name = KEPT + manifestUrl;
    return caches.open(name).then(function (cache) {
      return download(cache, manifest.entries, progress).then(function (stored) {
        manifest.stored = stored;
        manifest.learner = learnerHere; // its pages show this learner's progress: nobody else may read them
        return cache.put(manifestUrl, new Response(JSON.stringify(manifest), { headers: { "Content-Type": "application/json" } }));
      });
    }).then(function () { return manifest; }, function (error) {
      return caches.delete(name).then(function () { throw error; }); // nothing half-kept
    });
  }

  function writeManifest(cache, manifestUrl, manifest) {
    var stored = Object.assign({}, manifest);
    delete stored.cacheName;
    return cache.put(manifestUrl, new Response(JSON.stringify(stored), { headers: { "Content-Type": "application/json" } }));
  }

  function updateCourse(kept) {
    // Republished: download only the entries whose rev changed, forget those no longer in the course. The small
    // version stamp is asked first, so a page opened online costs a few bytes when nothing changed.
    // Kept by a visitor who has logged in since: its pages (a visitor's, with no progress and no "Mark as
    // complete") are all downloaded again as this learner's.
    var manifestUrl = kept.cacheName.slice(KEPT.length);
    var versionUrl = manifestUrl.replace(/manifest\.json$/, "version.json");
    var forVisitor = !kept.learner && !!learnerHere;
    return (forVisitor ? Promise.resolve({}) : fetch(versionUrl, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : null;
    })).then(function (stamp) {
      if (!stamp || (!forVisitor && stamp.version === kept.version)) return null;
      return fetch(manifestUrl, { credentials: "same-origin" });
    }).then(function (response) {
      if (!response || !response.ok) return null;
      return response.json().then(function (fresh) {
        if (!forVisitor && fresh.version === kept.version) return null;
        var before = {};
        kept.entries.forEach(function (entry) { before[entry.url] = forVisitor ? null : entry.rev; });
        var now = {};
        fresh.entries.forEach(function (entry) { now[entry.url] = true; });
        var changed = fresh.entries.filter(function (entry) { return before[entry.url] !== entry.rev; });
        return caches.open(kept.cacheName).then(function (cache) {
          // The learner's name goes on the copy before their pages do, so that a logout midway removes it whole;
          // with no version and no revs, so that a download cut short starts again on the next page.
          var claimed = Object.assign({}, kept, {
            learner: learnerHere,
            version: "",
            entries: kept.entries.map(function (entry) { return Object.assign({}, entry, { rev: null }); })
          });
          return (forVisitor ? writeManifest(cache, manifestUrl, claimed) : Promise.resolve()).then(function () {
            return download(cache, changed);
          }).then(function () {
            return Promise.all(kept.entries.filter(function (entry) { return !now[entry.url]; }).map(function (entry) { return cache.delete(entry.url); }));
          }).then(function () {
            fresh.stored = kept.stored;
            fresh.learner = forVisitor ? learnerHere : kept.learner;
            fresh.cacheName = kept.cacheName;
            fresh.updatedAt = new Date().toISOString();
            return cache.put(manifestUrl, new Response(JSON.stringify(fresh), { headers: { "Content-Type": "application/json" } }));
          }).then(function () { return fresh; });
        });
      });
    });
  }

  function refreshKeptPage(path) {
    // A lesson or quiz page just sent: its kept copy would still offer "Mark as complete"; fetch it again.
    return keptCourses().then(function (courses) {
      return Promise.all(courses.map(function (kept) {
        var entry = kept.entries.filter(function (candidate) { return candidate.url === path; })[0];
        if (!entry) return null;
        return caches.open(kept.cacheName).then(function (cache) { return download(cache, [entry]); });
      }));
    }).catch(function () { /* the old copy stays */ });
  }

  var updating = null;
  var onUpdated = function () {}; // the course page's button shows that its copy was just updated
  function updateKeptCourses() {
    // Whenever a page of the site is opened online, and when the connection comes back: one stamp per kept course.
    if (!navigator.onLine) return Promise.resolve();
    if (updating) return updating;
    updating = keptCourses().then(function (courses) {
      return courses.reduce(function (previous, kept) {
        return previous.then(function () { return updateCourse(kept); }).then(function (fresh) { if (fresh) onUpdated(fresh); });
      }, Promise.resolve());
    }).catch(function () { /* offline again, or the phone is full: the copy stays as it is */ }).then(function () { updating = null; });
    return updating;
  }

  function removeKeptCourses(courses) {
    // Their pages show the progress of the learner who kept them. Nothing kept any more: the site goes back to
    // working exactly as without this script.
    return Promise.all(courses.map(function (kept) { return caches.delete(kept.cacheName); })).then(keptCourses).then(function (left) {
      if (left.length || !navigator.serviceWorker) return left;
      return navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      }).then(function () { return left; });
    });
  }

  function forgetOtherLearners(courses) {
    // A page that shows another learner, or nobody, after a logout the script did not see (a session that expired,
    // a logout from another tab): the courses kept by someone else go. The queue stays, bound to its learner.
    // A visitor's copy shows nobody's learning: it stays, and updateCourse makes it this learner's.
    var theirs = courses.filter(function (kept) { return kept.learner && kept.learner !== learnerHere; });
    if (!theirs.length) return Promise.resolve(courses);
    sessionStorage.setItem(REMOVED_FLAG, "1");
    return removeKeptCourses(theirs).then(function (left) { sayRemoved(); return left; });
  }

  function forgetOnLogout(form) {
    // Logging out: what is waiting is sent first if it can be; then this learner's kept courses and queue go.
    return sendWaiting().then(keptCourses).then(function (courses) {
      var mine = courses.filter(function (kept) { return (kept.learner || "") === learnerHere; });
      return (mine.length ? removeKeptCourses(mine) : Promise.resolve()).then(function () {
        if (mine.length) sessionStorage.setItem(REMOVED_FLAG, "1");
        return window.indexedDB ? allActions() : [];
      });
    }).then(function (actions) {
      return Promise.all(actions.filter(function (action) { return (action.learner || "") === learnerHere; }).map(function (action) {
        sessionStorage.setItem(REMOVED_FLAG, "1");
        return deleteAction(action.id);
      }));
    }).catch(function () {}).then(function () { form.submit(); });
  }

  function sayRemoved() {
    if (!sessionStorage.getItem(REMOVED_FLAG)) return;
    sessionStorage.removeItem(REMOVED_FLAG);
    var main = document.querySelector("main") || document.body;
    var note = element("p", { class: "notice", role: "status", "data-offline-removed": "" }, [text("removed-on-logout")]);
    main.insertBefore(note, main.firstChild);
  }

  function markKept(courses) {
    // On the catalogue, "My learning" and elsewhere: a link to a kept course says so.
    courses.forEach(function (kept) {
      document.querySelectorAll('main a[href="' + kept.url + '"]').forEach(function (link) {
        if (link.closest("[data-offline-keep]") || link.querySelector(".offline-badge")) return;
        link.append(" ", element("span", { class: "offline-badge muted" }, ["(" + text("kept") + ")"]));
      });
    });
  }

  function listKept(courses) {
    var list = document.querySelector("[data-offline-kept-list]");
    if (!list || !courses.length) return;
    list.replaceChildren();
    courses.forEach(function (kept) {
      var pages = element("ul", {}, kept.entries.filter(function (entry) { return entry.title && entry.url !== kept.url; }).map(function (entry) {
        return element("li", {}, [element("a", { href: entry.url }, [entry.title])]);
      }));
      list.append(element("h3", { lang: kept.language }, [element("a", { href: kept.url }, [kept.title])]), pages);
    });
  }

  function keepButton(section, courses) {
    var manifestUrl = section.dataset.manifestUrl;
    var status = section.querySelector("[data-offline-keep-status]");
    var bar = section.querySelector("[data-offline-keep-progress]");
    var save = section.querySelector("[data-offline-save]");
    var remove = section.querySelector("[data-offline-remove]");
    var manifest = null;
    function showKept(kept) {
      status.textContent = text("saved", { size: size(kept.stored || kept.bytes) });
      if (kept.updatedAt) {
        var when = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(kept.updatedAt));
        status.append(" ", element("span", { "data-offline-updated": "" }, [text("updated", { date: when })]));
      }
      save.hidden = true;
      remove.hidden = false;
      bar.hidden = true;
    }
    function showToKeep() {
      save.hidden = false;
      remove.hidden = true;
      return fetch(manifestUrl, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(manifestUrl);
        return response.json();
      }).then(function (fresh) {
        manifest = fresh;
        status.textContent = text("size", { size: size(fresh.bytes) });
        section.hidden = false;
      });
    }
    onUpdated = function (fresh) { if (fresh.cacheName === KEPT + manifestUrl) showKept(fresh); };
    var kept = courses.filter(function (course) { return course.cacheName === KEPT + manifestUrl; })[0];
    if (kept) { showKept(kept); section.hidden = false; } else if (navigator.onLine) showToKeep().catch(function () {});
    save.addEventListener("click", function () {
      if (!manifest) return;
      save.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      navigator.serviceWorker.register(settings.workerUrl, { scope: "/" }).then(function () {
        return keepCourse(manifestUrl, manifest, function (done, total) {
          bar.value = Math.round((100 * done) / total);
          status.textContent = text("saving", { done: done, total: total });
        });
      }).then(function (stored) {
        return navigator.serviceWorker.ready.then(function () { showKept(stored); });
      }).catch(function () {
        status.textContent = text("save-failed");
        bar.hidden = true;
      }).then(function () { save.disabled = false; });
    });
    remove.addEventListener("click", function () {
      removeKeptCourses([{ cacheName: KEPT + manifestUrl }]).then(showToKeep).then(function () { status.textContent = text("removed") + " " + status.textContent; });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!canKeep || !form.matches || !form.matches("form[data-logout]")) return;
    event.preventDefault();
    forgetOnLogout(form);
  });

  sayRemoved();
  var ready = keptCourses().then(canKeep ? forgetOtherLearners : function (courses) { return courses; });
  ready.then(function (courses) {
    markKept(courses);
    listKept(courses);
    var section = document.querySelector("[data-offline-keep]");
    if (section && canKeep) keepButton(section, courses);
  }).catch(function () {});
  if (window.indexedDB) ready.then(showQueue).then(sendWaiting).then(updateKeptCourses).catch(function () {});
  window.addEventListener("online", function () { sendWaiting().then(updateKeptCourses); });
})();
