/* Papers attached to a filing: the form's file controls, one per paper of the schema's
   x-documents, in order (the n-th `documents` part is the n-th paper). A photo is made smaller
   here before it is sent (long side 2,000 px, JPEG quality 0.8: a 4 MB phone photo goes as
   about 400 KB); the chosen files are kept with the draft in IndexedDB where the browser allows,
   else the page says they must be chosen again; form.js sends the answers and the files through
   form.bhtnPostWithDocuments, multipart/form-data with a progress bar. Without this script the
   form posts the files as they are, and the function answers with a page. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-procedure]");
  var wordsElement = document.getElementById("bhtn-documents-words");
  if (!form || !wordsElement) return;
  var words = JSON.parse(wordsElement.textContent);
  var lang = form.closest(".bhtn-form").dataset.lang;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=file][name=documents]"));
  var keptNote = form.querySelector(".bhtn-documents-kept");
  var progress = form.querySelector(".bhtn-upload-progress");
  var LONG_SIDE = 2000;
  var QUALITY = 0.8;
  var MAX_BYTES = 5000000;  // as the function allows (submit_fn/service/documents.py)
  var draftKey = "bhtn:" + form.dataset.procedure;
  var chosen = inputs.map(function () { return null; });  // per control: {blob, name}, as it will be sent

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return values[name]; });
  }

  function sizeText(bytes) {
    if (bytes < 1000000) return Math.ceil(bytes / 1000) + " KB";
    var megabytes = (bytes / 1000000).toFixed(1);
    return (lang === "vi" ? megabytes.replace(".", ",") : megabytes) + " MB";
  }

  function tell(input, text) {
    var status = input.parentNode.querySelector(".bhtn-document-status");
    status.textContent = text;
    status.hidden = !text;
  }

  /* Making photos smaller ---------------------------------------------------- */

  function shrink(file) {
    if (!/^image\//.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";  // a transparent screenshot on white, not black
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob && blob.size < file.size ? blob : file); }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });  // a picture this browser cannot draw goes as it is: the function judges it
  }

  function jpegName(name) {
    return name.replace(/\.[^.]*$/, "") + ".jpg";
  }

  function choose(index) {
    var input = inputs[index];
    var file = input.files && input.files[0];
    if (!file) {
      chosen[index] = null;
      tell(input, "");
      return keep();
    }
    return shrink(file).then(function (blob) {
      var name = blob === file ? file.name : jpegName(file.name);
      chosen[index] = { blob: blob, name: name };
      if (blob.size > MAX_BYTES) tell(input, words.documents_js_too_large);
      else if (blob !== file) tell(input, fill(words.documents_js_shrunk, { before: sizeText(file.size), after: sizeText(blob.size) }));
      else tell(input, fill(words.documents_js_ready, { name: name, size: sizeText(blob.size) }));
      return keep();
    });
  }

  /* Kept with the draft (IndexedDB) ------------------------------------------- */

  var database = new Promise(function (resolve) {
    try {
      var opening = indexedDB.open("bhtn-documents", 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore("drafts"); };
      opening.onsuccess = function () { resolve(opening.result); };
      opening.onerror = function () { resolve(null); };
    } catch (e) {
      resolve(null);  // no IndexedDB here (some private modes, in-app browsers)
    }
  });

  function drafts(mode, work) {
    return database.then(function (db) {
      if (!db) throw new Error("no IndexedDB");
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction("drafts", mode);
        var request = work(transaction.objectStore("drafts"));
        transaction.oncomplete = function () { resolve(request.result); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function keep() {
    var any = chosen.some(Boolean);
    return drafts("readwrite", function (store) {
      return any ? store.put(chosen, draftKey) : store.delete(draftKey);
    }).then(function () {
      keptNote.textContent = words.documents_js_kept;
      keptNote.hidden = !any;
    }, function () {
      keptNote.textContent = words.documents_js_not_kept;
      keptNote.hidden = !any;
    });
  }

  function restore() {
    return drafts("readonly", function (store) { return store.get(draftKey); }).then(function (saved) {
      (saved || []).forEach(function (paper, index) {
        if (!paper || !inputs[index]) return;
        chosen[index] = paper;
        tell(inputs[index], fill(words.documents_js_restored, { name: paper.name, size: sizeText(paper.blob.size) }));
      });
      keptNote.textContent = words.documents_js_kept;
      keptNote.hidden = !chosen.some(Boolean);
    }, function () { /* nothing kept: nothing to restore */ });
  }

  /* Sending, for form.js ----------------------------------------------------- */

  function showProgress(share) {
    var percent = Math.round(share * 100);
    progress.value = percent;
    progress.textContent = fill(words.documents_js_uploading, { percent: percent });
    progress.setAttribute("aria-label", progress.textContent);
    progress.hidden = false;
  }

  form.bhtnPostWithDocuments = function (answers, headers) {
    var body = new FormData();
    body.append("answers", JSON.stringify(answers));
    inputs.forEach(function (input, index) {
      var paper = input.disabled ? null : chosen[index];  // a paper whose question is not asked is not sent
      if (paper) body.append("documents", paper.blob, paper.name);
      else body.append("documents", new Blob([]), "");  // an empty part keeps the next papers in their places
    });
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      Object.keys(headers).forEach(function (name) { request.setRequestHeader(name, headers[name]); });
      request.upload.onprogress = function (event) {
        if (event.lengthComputable) showProgress(event.loaded / event.total);
      };
      request.onload = function () {
        var reply;
        try { reply = JSON.parse(request.responseText); } catch (e) { reply = {}; }
        progress.hidden = true;
        if (request.status === 201) {
          chosen = chosen.map(function () { return null; });
          keep();
        }
        if (reply.document && inputs[reply.document - 1]) tell(inputs[reply.document - 1], reply.detail);
        resolve({ status: request.status, body: reply });
      };
      request.onerror = request.onabort = request.ontimeout = function () {
        progress.hidden = true;
        reject(new Error("not sent"));
      };
      showProgress(0);
      request.send(body);
    });
  };

  inputs.forEach(function (input, index) {
    input.addEventListener("change", function () { choose(index); });
  });
  restore();
})();
