/* Every page: once it has loaded (so that the first visit is not slowed), start the site's
   service worker (sw.js, written by the build) and tell it the page and the files it loaded, so
   that this page opens with no signal next time. The worker keeps nothing else. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var root = new URL("../../", document.currentScript.src);

  function loaded() {
    var files = performance.getEntriesByType("resource").map(function (entry) { return entry.name; });
    return [location.href].concat(files);
  }

  function askToKeep() {
    var worker = navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "keep", urls: loaded() });
  }

  window.addEventListener("load", function () {
    // A worker takes this page over at the first visit and after each new build: tell each one.
    navigator.serviceWorker.addEventListener("controllerchange", askToKeep);
    askToKeep();
    // "all": the browser's cache may answer the update check, since sw.js and outbox.js are always
    // revalidated (site/_headers, the local server): an unchanged worker costs a 304, not a download.
    navigator.serviceWorker.register(new URL("sw.js", root).href, { scope: root.pathname, updateViaCache: "all" })
      .catch(function () { /* no service worker (private mode, an old browser): pages need the network */ });
  });
})();
