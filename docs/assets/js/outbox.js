/* The outbox: a filing kept on this device until the function has answered it, and the last
   receipt of each form. In IndexedDB, so that the service worker (sw.js) can send a filing when
   the connection returns with no page open (Background Sync), and the form page (form.js) finds
   what happened when the worker comes back. A filing is resent with its own Idempotency-Key and
   body, so a resend never files twice (CONTRACT.md). Where IndexedDB cannot be opened (some
   private modes) the outbox lives in memory, for as long as the page is open. */
(function (scope) {
  "use strict";
  var NAME = "bhtn-outbox";
  var STORES = ["outbox", "receipts"];  // both keyed by procedure: one pending filing, one last receipt
  var memory = { outbox: {}, receipts: {} };
  var opened;

  function open() {
    if (!opened) {
      opened = new Promise(function (resolve) {
        var request;
        try { request = scope.indexedDB.open(NAME, 1); } catch (e) { return resolve(null); }
        request.onupgradeneeded = function () {
          STORES.forEach(function (store) { request.result.createObjectStore(store, { keyPath: "procedure" }); });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { resolve(null); };
      });
    }
    return opened;
  }

  function run(store, write, work) {
    // `work(objectStore)` returns an IDBRequest or nothing; the promise holds its result when the transaction ends.
    return open().then(function (db) {
      if (!db) return work(null, memory[store]);
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, write ? "readwrite" : "readonly");
        var request = work(transaction.objectStore(store));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function put(store, record) {
    return run(store, true, function (objects, kept) {
      if (!objects) { kept[record.procedure] = record; return undefined; }
      return objects.put(record);
    });
  }

  function get(store, procedure) {
    return run(store, false, function (objects, kept) { return objects ? objects.get(procedure) : kept[procedure]; });
  }

  function remove(store, procedure) {
    return run(store, true, function (objects, kept) {
      if (!objects) { delete kept[procedure]; return undefined; }
      return objects.delete(procedure);
    });
  }

  function all(store) {
    return run(store, false, function (objects, kept) {
      return objects ? objects.getAll() : Object.keys(kept).map(function (key) { return kept[key]; });
    });
  }

  function remember(procedure, receipt) {
    return put("receipts", { procedure: procedure, receipt: receipt, at: Date.now() });
  }

  function settle(entry, outcome) {
    // 201: a receipt, remembered and the filing gone. A refusal (4xx) is kept with the filing for the
    // form page to show (the answers need the worker); a server error keeps it to be sent again.
    if (outcome.status === 201 && outcome.body.receipt) {
      return remember(entry.procedure, outcome.body.receipt)
        .then(function () { return remove("outbox", entry.procedure); })
        .then(function () { return outcome; });
    }
    if (outcome.status >= 500 || outcome.status === 408 || outcome.status === 429) return Promise.resolve(outcome);
    entry.answer = outcome;
    return put("outbox", entry).then(function () { return outcome; });
  }

  function answered(entry, response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      return settle(entry, { status: response.status, body: body });
    });
  }

  function deliver(entry, signal) {
    // Rejects when the network fails: the filing stays in the outbox, unchanged.
    return fetch(entry.url, { method: "POST", headers: entry.headers, body: entry.body, signal: signal, credentials: "same-origin" })
      .then(function (response) { return answered(entry, response); });
  }

  function deliverAll() {
    // Every filing not yet answered; rejects if any could not reach the function (Background Sync tries again).
    return all("outbox").then(function (entries) {
      // A filing with papers is sent by its form page, which holds the files (documents.js).
      return Promise.all(entries.filter(function (entry) { return !entry.answer && !entry.withDocuments; }).map(function (entry) {
        return deliver(entry);
      }));
    });
  }

  scope.bhtnOutbox = {
    keep: function (entry) { return put("outbox", entry); },
    pending: function (procedure) { return get("outbox", procedure); },
    drop: function (procedure) { return remove("outbox", procedure); },
    remember: remember,
    lastReceipt: function (procedure) { return get("receipts", procedure); },
    forgetReceipt: function (procedure) { return remove("receipts", procedure); },
    deliver: deliver,
    settle: settle,
    deliverAll: deliverAll
  };
})(self);
