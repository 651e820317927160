/* The fillable form: keeps answers as they are typed, asks conditional questions only when
   they apply, checks answers before sending, sends once (Idempotency-Key), keeps a filing on the
   device when sending fails and sends it when the connection returns (outbox.js), shows the
   receipt and remembers it, and saves the filled form as a PDF file; a PDF form filled in a PDF
   reader is sent as application/pdf, its receipt or errors shown here.
   Without this script the forms still post (the PDF button opens the PDF in a new tab, the
   PDF file goes as multipart/form-data and the function answers with a page). */
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.querySelector("form[data-procedure]");
  if (!form) return;
  var page = form.closest(".bhtn-form");
  var lang = page.dataset.lang;
  var words = JSON.parse(document.getElementById("bhtn-words").textContent);
  var procedure = form.dataset.procedure;
  var storeKey = "bhtn:" + procedure;
  var dataUrl = new URL("../data/", script.src);
  var summary = page.querySelector(".bhtn-summary");
  var status = page.querySelector(".bhtn-status");
  var review = form.querySelector(".bhtn-review");
  var receiptBox = page.querySelector(".bhtn-receipt");
  var sendButton = form.querySelector("button[type=submit]");
  var clearButton = form.querySelector(".bhtn-clear");

  function controls() {  // the answers' controls; files are documents.js's
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name.charAt(0) !== "_" && el.type !== "file";
    });
  }

  function question(name) {
    return form.querySelector('.q[data-name="' + name + '"]');
  }

  /* Saving and restoring ------------------------------------------------ */

  function save() {
    var data = { _saved: Date.now() };  // when: a receipt remembered later was for these answers
    controls().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) (data[el.name] = data[el.name] || []).push(el.value);
      } else if (el.value) {
        data[el.name] = el.value;
      }
    });
    try { localStorage.setItem(storeKey, JSON.stringify(data)); } catch (e) { /* private mode: nothing kept */ }
  }

  function draft() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }

  function forgetDraft() {
    try { localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
  }

  function restore() {
    var data = draft();
    form.reset();  // the draft is the answers, not what the browser remembered of the fields
    if (!data || !Object.keys(data).some(function (key) { return key.charAt(0) !== "_"; })) return Promise.resolve();
    controls().forEach(function (el) {
      var value = data[el.name];
      if (value === undefined) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = value.indexOf(el.value) >= 0;
      else if (!el.dataset.wardsOf) el.value = value;
    });
    say(words.restored);
    return Promise.all(wardSelects().map(function (select) { return loadWards(select, data[select.name]); }));
  }

  /* Communes/wards of the chosen province ------------------------------- */

  function wardSelects() {
    return Array.prototype.slice.call(form.querySelectorAll("select[data-wards-of]"));
  }

  function loadWards(select, wanted) {
    var province = form.elements[select.dataset.wardsOf];
    var code = province && province.value;
    select.innerHTML = "";
    select.appendChild(new Option(code ? words.choose : words.choose_province_first, ""));
    select.disabled = !code || isHidden(select);
    if (!code) return Promise.resolve();
    return fetch(new URL("wards/" + code + ".json", dataUrl)).then(function (response) {
      return response.json();
    }).then(function (wards) {
      wards.forEach(function (ward) { select.appendChild(new Option(ward[1], ward[0])); });
      if (wanted) select.value = wanted;
    }).catch(function () { select.disabled = true; });
  }

  /* Questions asked only when they apply -------------------------------- */

  function currentValue(name) {
    var el = form.elements[name];
    if (!el) return undefined;
    if (el instanceof RadioNodeList) return el.value;
    if (el.type === "checkbox") return el.checked ? el.value : "";
    return el.value;
  }

  function isHidden(el) {
    var q = el.closest(".q");
    return Boolean(q && q.hidden);
  }

  function applyConditions() {
    form.querySelectorAll(".q[data-shown-when]").forEach(function (q) {
      var rule = JSON.parse(q.dataset.shownWhen);
      var shown = rule.values.indexOf(currentValue(rule.field)) >= 0;
      q.hidden = !shown;
      q.querySelectorAll("input, select, textarea").forEach(function (el) {
        el.disabled = !shown || (el.dataset.wardsOf && !form.elements[el.dataset.wardsOf].value);
      });
    });
  }

  /* The answers as JSON, the same shape the function expects ------------- */

  function put(target, path, value) {
    for (var i = 0; i < path.length - 1; i++) {
      var key = path[i];
      if (target[key] === undefined) target[key] = /^\d+$/.test(path[i + 1]) ? [] : {};
      target = target[key];
    }
    target[path[path.length - 1]] = value;
  }

  function compact(value) {
    if (Array.isArray(value)) {
      return value.filter(function (item) { return item !== undefined && item !== null; }).map(compact);
    }
    if (value && typeof value === "object") {
      Object.keys(value).forEach(function (key) { value[key] = compact(value[key]); });
    }
    return value;
  }

  function answers() {
    var data = {};
    controls().forEach(function (el) {
      if (el.disabled) return;
      var type = el.dataset.type;
      var path = el.name.split(".");
      if (el.type === "checkbox" || el.type === "radio") {
        if (!el.checked) return;
        if (type === "array") {
          var list = data;
          path.forEach(function (key, i) { if (i < path.length - 1) list = list[key] = list[key] || {}; });
          (list[path[path.length - 1]] = list[path[path.length - 1]] || []).push(el.value);
          return;
        }
        put(data, path, type === "boolean" ? true : el.value);
        return;
      }
      if (!el.value.trim()) return;
      var value = window.bhtnNormalize ? bhtnNormalize.control(el) : el.value.trim();  // as typed, made clean (normalize.js)
      put(data, path, type === "integer" && /^-?\d+$/.test(value) ? Number(value) : value);
    });
    return compact(data);
  }

  /* The schema's rules, checked before sending (the function checks again and has the last word) */

  var rules = JSON.parse(document.getElementById("bhtn-rules").textContent);

  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }

  function holds(test, object) {
    // An `if` of the kind the schemas use: properties with const or enum, and required.
    if (!isObject(object)) return false;
    var ok = (test.required || []).every(function (key) { return key in object; });
    Object.keys(test.properties || {}).forEach(function (key) {
      var rule = test.properties[key];
      if (!(key in object)) return;
      if ("const" in rule && object[key] !== rule.const) ok = false;
      if (rule.enum && rule.enum.indexOf(object[key]) < 0) ok = false;
    });
    return ok;
  }

  function parentsOf(data, pointer) {
    // The objects holding the answer at `pointer`, every row for '*', with the answer's own pointer.
    var parts = pointer.split("/").slice(1), key = parts.pop(), found = [{ value: data, at: "" }];
    parts.forEach(function (part) {
      var next = [];
      found.forEach(function (place) {
        if (part === "*" && Array.isArray(place.value)) {
          place.value.forEach(function (item, i) { next.push({ value: item, at: place.at + "/" + i }); });
        } else if (isObject(place.value) && part in place.value) {
          next.push({ value: place.value[part], at: place.at + "/" + part });
        }
      });
      found = next;
    });
    return found.filter(function (place) { return isObject(place.value); })
      .map(function (place) { return { parent: place.value, key: key, pointer: place.at + "/" + key }; });
  }

  function isRealDate(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
    var day = new Date(text + "T00:00:00Z");
    return !isNaN(day) && day.toISOString().slice(0, 10) === text;
  }

  var TYPES = {
    string: function (v) { return typeof v === "string"; },
    integer: function (v) { return Number.isInteger(v); },
    number: function (v) { return typeof v === "number"; },
    boolean: function (v) { return typeof v === "boolean"; },
    array: Array.isArray,
    object: isObject
  };

  function matches(pattern, value) {
    try { return new RegExp(pattern, "u").test(value); } catch (e) { return true; }  // the function judges
  }

  function broken(checks, value) {
    var found = [];  // every keyword breaks on its own, as the function reports them
    if (checks.type && TYPES[checks.type] && !TYPES[checks.type](value)) found.push("type");
    var length = typeof value === "string" ? Array.from(value).length : null;
    if (length !== null) {
      if (checks.pattern && !matches(checks.pattern, value)) found.push("pattern");
      if (checks.format === "date" && !isRealDate(value)) found.push("format");
      if ("minLength" in checks && length < checks.minLength) found.push("minLength");
      if ("maxLength" in checks && length > checks.maxLength) found.push("maxLength");
    }
    if (typeof value === "number") {
      if ("minimum" in checks && value < checks.minimum) found.push("minimum");
      if ("maximum" in checks && value > checks.maximum) found.push("maximum");
    }
    if (Array.isArray(value)) {
      if ("minItems" in checks && value.length < checks.minItems) found.push("minItems");
      if ("maxItems" in checks && value.length > checks.maxItems) found.push("maxItems");
      if (checks.uniqueItems && new Set(value).size !== value.length) found.push("uniqueItems");
      if (checks.contains && !value.some(function (item) { return !broken(checks.contains, item).length; })) found.push("contains");
    }
    if ("const" in checks && value !== checks.const) found.push("const");
    if (checks.enum && checks.enum.indexOf(value) < 0) found.push("enum");
    if (checks.oneOf && checks.oneOf.indexOf(value) < 0) found.push("oneOf");
    return found;
  }

  function failures(set, value) {
    return broken(set.checks, value).map(function (keyword) { return { keyword: keyword, message: set.messages[keyword] }; });
  }

  function answerFailures(rule, parent, value) {
    // The answer's own checks, then those an `if`/`then` adds when its `if` holds; one per keyword.
    var asked = rule.required || rule.when.some(function (c) { return holds(c.if, parent); });
    if (value === undefined) return asked ? [{ keyword: "required", message: rule.messages.required }] : [];
    var found = failures(rule, value);
    rule.also.forEach(function (set) {
      if (holds(set.if, parent)) found = found.concat(failures(set, value));
    });
    return found.filter(function (f, i) { return found.findIndex(function (g) { return g.keyword === f.keyword; }) === i; });
  }

  function validate(data, today) {
    var errors = [];
    rules.forEach(function (rule) {
      parentsOf(data, rule.pointer).forEach(function (place) {
        answerFailures(rule, place.parent, place.parent[place.key]).forEach(function (f) {
          errors.push({ pointer: place.pointer, keyword: f.keyword, message: f.message });
        });
      });
    });
    return window.bhtnChecks ? errors.concat(bhtnChecks.errors(data, errors, today)) : errors;  // checks.js: x-checks
  }

  window.bhtnValidate = validate;  // the tests compare it with the function on every example
  window.bhtnAnswers = answers;  // checks.js shows warnings from the answers as they are

  /* Errors, the GOV.UK way: a summary that links to each field, and the message beside it */

  function clearErrors() {
    summary.hidden = true;
    summary.querySelector("ul").innerHTML = "";
    form.querySelectorAll(".error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showErrors(errors) {
    clearErrors();
    var list = summary.querySelector("ul");
    errors.forEach(function (error) {
      var name = error.pointer.slice(1).split("/").join(".");
      var q = question(name);
      while (!q && name.indexOf(".") > 0) { name = name.slice(0, name.lastIndexOf(".")); q = question(name); }
      var target = q && (q.querySelector("input:not([type=hidden]), select, textarea, fieldset") || q);
      var id = target ? (target.id || (target.id = "q-" + name.replace(/\./g, "-"))) : "";
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + id;
      link.textContent = error.message;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (target) { target.focus(); target.scrollIntoView({ block: "center" }); }
      });
      item.appendChild(link);
      list.appendChild(item);
      var beside = q && q.querySelector(".error");
      if (beside) { beside.textContent = error.message; beside.hidden = false; }
      if (target) target.setAttribute("aria-invalid", "true");
    });
    summary.hidden = false;
    summary.focus();
  }

  /* Check your answers before sending ----------------------------------- */

  function answerText(q) {
    var chosen = Array.prototype.filter.call(q.querySelectorAll("input[type=radio], input[type=checkbox]"), function (el) { return el.checked; });
    if (chosen.length) return chosen.map(function (el) { return el.parentNode.textContent.trim(); }).join("; ");
    var el = q.querySelector("select, textarea, input:not([type=radio]):not([type=checkbox])");
    if (!el) return null;
    if (el.tagName === "SELECT") return el.value ? el.options[el.selectedIndex].text : "";
    if (el.type === "date" && /^\d{4}-\d{2}-\d{2}$/.test(el.value)) return el.value.split("-").reverse().join("/");
    return el.value.trim();
  }

  function labelOf(q) {
    var label = q.querySelector("legend, label, .group-title");
    return label ? label.textContent.replace("*", "").trim() : q.dataset.name;
  }

  function showReview() {
    // One list per block of questions, under the block's own title (which address is which).
    var answersBox = review.querySelector(".bhtn-review-answers");
    var group = null, list = null;
    answersBox.innerHTML = "";
    form.querySelectorAll(".q").forEach(function (q) {
      if (q.hidden) return;
      if (q.classList.contains("q-group") || q.classList.contains("q-list")) { group = q; list = null; return; }
      if (group && q.dataset.name.indexOf(group.dataset.name + ".") !== 0) { group = null; list = null; }
      var declaration = q.classList.contains("q-checkbox");
      var text = declaration ? (q.querySelector("input").checked ? words.ticked : "") : answerText(q);
      if (text === null || (text === "" && !q.querySelector("[required]"))) return;
      if (!list) {
        if (group) {
          var title = document.createElement("h3");
          title.textContent = labelOf(group);
          answersBox.appendChild(title);
        }
        list = answersBox.appendChild(document.createElement("dl"));
      }
      var term = document.createElement("dt");
      term.textContent = labelOf(q) + (q.dataset.row ? " " + (Number(q.dataset.row) + 1) : "");
      var value = document.createElement("dd");
      value.textContent = text || words.not_answered;
      var change = document.createElement("a");
      change.href = "#";
      change.className = "change";
      change.textContent = words.change;
      change.addEventListener("click", function (event) {
        event.preventDefault();
        var el = q.querySelector("input, select, textarea");
        if (el) { el.focus(); el.scrollIntoView({ block: "center" }); }
      });
      value.appendChild(document.createTextNode(" "));
      value.appendChild(change);
      list.appendChild(term);
      list.appendChild(value);
    });
    review.hidden = false;
    sendButton.textContent = words.confirm_send;
    review.scrollIntoView({ block: "start" });
    review.querySelector("h2").setAttribute("tabindex", "-1");
    review.querySelector("h2").focus();
  }

  function leaveReview() {
    review.hidden = true;
    sendButton.textContent = words.send;
  }

  /* Sending once, keeping everything when it fails ----------------------- */

  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function filing() {
    // The request to send, kept in the outbox first; sent again unchanged (same key, same body)
    // until the function answers, so a retry never files twice.
    var body = JSON.stringify(answers());
    return bhtnOutbox.pending(procedure).catch(function () { return null; }).then(function (kept) {
      var key = kept && !kept.answer && kept.body === body ? kept.headers["Idempotency-Key"] : newKey();
      return { procedure: procedure, url: form.action, headers: jsonHeaders({ "Idempotency-Key": key }), body: body, at: Date.now(),
               withDocuments: Boolean(form.bhtnPostWithDocuments) };  // sent by this page only: it holds the files
    });
  }

  function sayReload(text) {
    // The form changed (a new version of the law's form): reloading restores the saved answers.
    say(text);
    var reload = document.createElement("button");
    reload.type = "button";
    reload.className = "md-button md-button--primary";
    reload.textContent = words.reload;
    reload.addEventListener("click", function () { location.reload(); });
    status.appendChild(document.createTextNode(" "));
    status.appendChild(reload);
  }

  function addButton(parent, text, onClick) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button";
    button.textContent = text;
    button.addEventListener("click", onClick);
    parent.appendChild(document.createTextNode(" "));
    parent.appendChild(button);
  }

  function say(text, withRetry) {
    status.textContent = text;
    if (withRetry) addButton(status, words.retry, send);
  }

  function jsonHeaders(extra) {
    var headers = { "Content-Type": "application/json", "Accept-Language": lang, "Schema-Version": form.elements._schema_version.value };
    Object.keys(extra || {}).forEach(function (name) { headers[name] = extra[name]; });
    return headers;
  }

  var sending = false;

  function showOutcome(outcome) {
    // The function's answer to a filing: the outbox has remembered a receipt, and keeps a filing after a server error.
    var body = outcome.body;
    if (outcome.status === 201) return showReceipt(body.receipt);
    if (outcome.status < 500) bhtnOutbox.drop(procedure);
    if (outcome.status === 422 && body.errors) { leaveReview(); say(""); return showErrors(body.errors); }
    if (body.current_version) return sayReload(body.detail);
    say(outcome.status >= 500 ? words.server_down : (body.detail || words.server_down), true);
  }

  function waitForConnection() {
    say(words.waiting_to_send, true);
    if ("serviceWorker" in navigator) {  // Background Sync sends it even if the page is closed (sw.js)
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.sync && registration.sync.register("bhtn-outbox");
      }).catch(function () { /* sent at the next visit or when this page sees the connection return */ });
    }
  }

  function deliver(entry) {
    if (sending) return Promise.resolve();  // a double tap sends once
    sending = true;
    sendButton.disabled = true;
    say(words.sending);
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 20000);
    return posted(entry, controller.signal).then(showOutcome, waitForConnection).then(function () {
      clearTimeout(timer);
      sending = false;
      sendButton.disabled = false;
    });
  }

  function posted(entry, signal) {
    // A form with papers to attach sends them with its answers (documents.js: multipart, with upload
    // progress; the files stay in its draft until a receipt), else the outbox posts the JSON it kept.
    if (!form.bhtnPostWithDocuments) return bhtnOutbox.deliver(entry, signal);
    var headers = {};
    Object.keys(entry.headers).forEach(function (name) { if (name !== "Content-Type") headers[name] = entry.headers[name]; });
    return form.bhtnPostWithDocuments(JSON.parse(entry.body), headers).then(function (outcome) { return bhtnOutbox.settle(entry, outcome); });
  }

  function send() {
    if (sending) return;
    filing().then(function (entry) {
      return bhtnOutbox.keep(entry).catch(function () { /* not kept: sent all the same */ }).then(function () { return deliver(entry); });
    });
  }

  function sendWaiting() {
    bhtnOutbox.pending(procedure).then(function (entry) {
      if (entry && !entry.answer) deliver(entry);
    });
  }

  function receivedAt(receipt) {
    return new Date(receipt.received_at).toLocaleString(lang === "vi" ? "vi-VN" : "en-GB", { timeZone: "Asia/Ho_Chi_Minh" });
  }

  function lookUpLink() {
    var link = document.createElement("a");
    link.href = (lang === "en" ? "/en" : "") + "/tra-cuu/";
    link.textContent = words.look_up;
    return link;
  }

  function showReceipt(receipt, fromPdf) {
    forgetDraft();  // the answers stay in the page for "print the answers", but not on the device
    sentNote.hidden = true;
    var rows = [
      [words.receipt_id, receipt.id],
      [words.received_by, receipt.centre.name[lang]],
      [words.received_at, receivedAt(receipt)],
      [words.due_date, receipt.due_date ? new Date(receipt.due_date + "T00:00:00+07:00").toLocaleDateString(lang === "vi" ? "vi-VN" : "en-GB", { timeZone: "Asia/Ho_Chi_Minh" }) : words.no_due_date]
    ];
    receiptBox.innerHTML = "";
    receiptBox.setAttribute("data-receipt-id", receipt.id);
    var heading = document.createElement("h2");
    heading.textContent = words.received;
    heading.tabIndex = -1;
    receiptBox.appendChild(heading);
    var list = document.createElement("dl");
    rows.forEach(function (row) {
      var term = document.createElement("dt");
      term.textContent = row[0];
      var value = document.createElement("dd");
      value.textContent = row[1];
      list.appendChild(term);
      list.appendChild(value);
    });
    receiptBox.appendChild(list);
    var filed = document.createElement("p");
    filed.textContent = words.filed_with.replace("{centre}", receipt.centre.name[lang]) + " ";
    filed.appendChild(lookUpLink());
    receiptBox.appendChild(filed);
    var next = document.createElement("p");
    next.innerHTML = "<strong></strong> ";
    next.firstChild.textContent = words.next + ":";
    next.appendChild(document.createTextNode(words.next_steps));
    receiptBox.appendChild(next);
    var print = document.createElement("button");
    print.type = "button";
    print.className = "md-button md-button--primary";
    print.textContent = words.print_receipt;
    print.addEventListener("click", function () { window.print(); });
    receiptBox.appendChild(print);
    var receiptPdf = document.createElement("a");
    receiptPdf.className = "md-button";
    receiptPdf.href = "/api/receipts/" + receipt.id + ".pdf";
    receiptPdf.textContent = words.receipt_pdf;
    receiptBox.appendChild(document.createTextNode(" "));
    receiptBox.appendChild(receiptPdf);
    if (!fromPdf) addButton(receiptBox, words.print_answers, askPdf);  // a PDF filing's answers are in the worker's own file
    form.hidden = true;
    upload.hidden = true;
    summary.hidden = true;
    say("");
    receiptBox.hidden = false;
    heading.focus();
  }

  /* The filled form as a PDF file, to print or keep (the function stores nothing) */

  var pdfButton = form.querySelector(".bhtn-pdf");

  function savePdf(blob) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = form.dataset.procedure + ".pdf";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
    say(words.pdf_saved);
  }

  function askPdf() {
    var errors = validate(answers());
    if (errors.length) return showErrors(errors);
    say(words.making_pdf);
    fetch(pdfButton.formAction, { method: "POST", headers: jsonHeaders(), body: JSON.stringify(answers()) })
      .then(function (response) {
        if (response.ok) return response.blob().then(savePdf);
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status === 422 && body.errors) { say(""); return showErrors(body.errors); }
          say(body.detail || words.server_down);
        });
      })
      .catch(function () { say(navigator.onLine === false ? words.offline : words.server_down); });
  }

  /* A PDF form filled in a PDF reader, sent as it is ------------------------ */

  var upload = page.querySelector(".bhtn-pdf-upload");
  var uploadForm = upload.querySelector("form");
  var uploadStatus = upload.querySelector(".bhtn-pdf-status");

  function sayUpload(text, errors) {
    uploadStatus.textContent = text;
    if (errors && errors.length) {
      var list = document.createElement("ul");
      errors.forEach(function (error) {
        var item = document.createElement("li");
        item.textContent = error.message;
        list.appendChild(item);
      });
      uploadStatus.appendChild(list);
    }
    uploadStatus.hidden = !text;
  }

  function sendPdf(event) {
    event.preventDefault();
    var file = uploadForm.elements.form_pdf.files[0];
    if (!file) return sayUpload(words.pdf_choose_first);
    if (sending) return;
    sending = true;
    sayUpload(words.sending);
    fetch(uploadForm.action, {
      method: "POST",
      headers: { "Content-Type": "application/pdf", "Accept-Language": lang, "Idempotency-Key": newKey() },
      body: file
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 201) {
          sayUpload("");
          bhtnOutbox.remember(procedure, body.receipt);
          return showReceipt(body.receipt, true);
        }
        if (response.status === 422 && body.errors) return sayUpload(words.pdf_errors, body.errors);
        sayUpload(response.status >= 500 ? words.server_down : (body.detail || words.server_down));
      });
    }).catch(function () {
      sayUpload(navigator.onLine === false ? words.offline : words.server_down);
    }).then(function () { sending = false; });
  }

  /* What this device remembers: the last receipt, a filing waiting to be sent ---- */

  var sentNote = document.createElement("p");
  sentNote.className = "bhtn-sent";
  sentNote.setAttribute("role", "status");
  sentNote.hidden = true;
  page.insertBefore(sentNote, page.firstChild);
  var synced = null;  // when this page last looked; null: not yet, so the draft's time decides

  function showSentNote(receipt) {
    sentNote.textContent = words.sent_before.replace("{time}", receivedAt(receipt)).replace("{id}", receipt.id) + " ";
    sentNote.appendChild(lookUpLink());
    sentNote.hidden = false;
  }

  function fromDevice() {
    // A receipt newer than the answers on this page means they were sent (by the service worker,
    // another tab, or this page before Back/Forward): show it rather than offer them as unsent.
    var saved = synced === null ? (draft() || {})._saved : synced;
    synced = Date.now();
    return Promise.all([bhtnOutbox.lastReceipt(procedure), bhtnOutbox.pending(procedure)]).then(function (found) {
      var last = found[0], entry = found[1];
      var shown = receiptBox.getAttribute("data-receipt-id");
      if (last && shown !== last.receipt.id && saved && last.at > saved) return showReceipt(last.receipt);
      if (last && shown !== last.receipt.id) showSentNote(last.receipt);
      if (entry && entry.answer) return showOutcome(entry.answer);
      if (entry) return navigator.onLine === false ? waitForConnection() : deliver(entry);
    }).catch(function () { /* nothing remembered */ });
  }

  function clearAnswers() {
    if (!window.confirm(words.clear_confirm)) return;
    forgetDraft();
    bhtnOutbox.drop(procedure);
    bhtnOutbox.forgetReceipt(procedure);
    form.reset();
    var pasted = page.querySelector(".id-card-text");
    if (pasted) pasted.value = "";
    clearErrors();
    leaveReview();
    sentNote.hidden = true;
    wardSelects().forEach(function (select) { loadWards(select); });
    applyConditions();
    say(words.cleared);
  }

  /* Wiring ---------------------------------------------------------------- */

  form.noValidate = true;  // the function's messages say how to fix an answer; the browser's do not
  form.addEventListener("input", function () { save(); leaveReview(); });
  form.addEventListener("change", function (event) {
    if (event.target.name && /province$/.test(event.target.name)) {
      wardSelects().forEach(function (select) {
        if (select.dataset.wardsOf === event.target.name) loadWards(select);
      });
    }
    applyConditions();
    save();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (event.submitter === pdfButton) return askPdf();
    if (!review.hidden) return send();
    var errors = validate(answers());
    if (errors.length) return showErrors(errors);
    clearErrors();
    showReview();
  });
  uploadForm.noValidate = true;  // the function says what is wrong with a file, in the page's language
  uploadForm.addEventListener("submit", sendPdf);
  clearButton.addEventListener("click", clearAnswers);
  clearButton.hidden = false;
  window.addEventListener("online", sendWaiting);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) return fromDevice();  // back from the back/forward cache
    // On Back/Forward or reload the browser puts back what the fields held, after `load`: the draft is the answers.
    var navigation = performance.getEntriesByType("navigation")[0];
    if (navigation && navigation.type !== "navigate") restore().then(applyConditions);
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox") fromDevice();
    });
  }
  wardSelects().forEach(function (select) { select.classList.remove("js-only"); });
  applyConditions();
  restore().then(applyConditions).then(fromDevice);
})();
