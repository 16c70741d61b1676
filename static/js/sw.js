// Landscape Academy's service worker: serves the courses a learner kept on their phone when there is no connection.
// Plain JavaScript, no build step; served from /sw.js so that its scope is the whole site (every language).
//
// The caches are written by the pages (static/js/offline.js), one per course and language ("course:<manifest address>"),
// from the course's manifest. This worker only reads them:
// - pages (navigations) and everything else that is not a file: network first, so an online learner always gets the
//   live page with their own progress; the kept copy only when the network fails, and the translated offline page
//   for a page not kept;
// - files (/static/, /media/): the kept copy first (they change address or rev when they change), else the network;
//   offline, an image not kept at the size asked is served at the size kept.
"use strict";

var COURSE_CACHE = "course:"; // offline.js names each kept course's cache "course:<its manifest's address>"
var STATIC_PREFIX = "/static/";
var MEDIA_PREFIX = "/media/";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function kept(request) {
  // Kept pages and files vary by cookie and language on the server; a kept copy is the learner's own either way.
  return caches.match(request, { ignoreVary: true, ignoreSearch: false });
}

function keptAtAnySize(url) {
  // "/media/images/name.width-720.jpg" asked, "/media/images/name.width-360.jpg" kept: the same picture, smaller.
  var match = url.pathname.match(/^(.*\/images\/[^/]+?)\.[^/.]+\.[a-z0-9]+$/i);
  if (!match) return Promise.resolve(undefined);
  var prefix = match[1] + ".";
  return caches.keys().then(function (names) {
    return names.filter(function (name) { return name.indexOf(COURSE_CACHE) === 0; }).reduce(function (found, name) {
      return found.then(function (response) {
        if (response) return response;
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            var same = requests.filter(function (request) { return new URL(request.url).pathname.indexOf(prefix) === 0; });
            return same.length ? cache.match(same[0]) : undefined;
          });
        });
      });
    }, Promise.resolve(undefined));
  });
}

function offlinePage(url) {
  var language = url.pathname.split("/")[1];
  return caches.match("/" + language + "/offline/", { ignoreVary: true }).then(function (page) {
    if (page) return page;
    return caches.keys().then(function (names) {
      // Another language's offline page is better than the browser's error: it lists what is kept.
      return names.reduce(function (found, name) {
        return found.then(function (response) {
          return response || caches.open(name).then(function (cache) {
            return cache.keys().then(function (requests) {
              var page = requests.filter(function (request) { return /^\/[a-z-]+\/offline\/$/.test(new URL(request.url).pathname); })[0];
              return page ? cache.match(page) : undefined;
            });
          });
        });
      }, Promise.resolve(undefined));
    });
  }).then(function (page) {
    // Nothing kept any more (the last course removed, the worker not yet gone): the browser's own offline page,
    // in the phone's language, rather than a word of ours in none.
    return page || Response.error();
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/admin/") === 0) return;
  var isFile = url.pathname.indexOf(STATIC_PREFIX) === 0 || url.pathname.indexOf(MEDIA_PREFIX) === 0;
  // offline.js asks for a fresh file (cache: "reload") when it updates a kept copy: that one comes from the network.
  if (isFile && request.cache !== "reload") {
    event.respondWith(kept(request).then(function (copy) {
      return copy || fetch(request).catch(function () {
        return keptAtAnySize(url).then(function (other) { return other || Response.error(); });
      });
    }));
    return;
  }
  event.respondWith(fetch(request).catch(function () {
    return kept(request).then(function (copy) {
      if (copy) return copy;
      if (request.mode === "navigate") return offlinePage(url);
      return Response.error();
    });
  }));
});
