/* Answers each valid but impossible together, or with today's date: the schema's `x-checks`,
   judged as submit_fn/model/answer_checks.py judges them, with the function's own words
   (embedded by the build). An error is shown as the other errors are (form.js asks for them);
   a warning is shown beside its question and never blocks, and a warning's next step is a link
   to another form that first puts the answers already given into that form's draft on this
   device. "Today" is the device's date. */
(function () {
  "use strict";
  var source = document.getElementById("bhtn-checks");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var holidays = new Set(data.holidays || []);
  var DAY = 86400000;

  /* Dates are YYYY-MM-DD text, compared as text; arithmetic on whole days in UTC. */

  function pad(n, width) { var s = String(n); while (s.length < width) s = "0" + s; return s; }
  function iso(y, m, d) { return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2); }
  function daysInMonth(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }

  function localToday() {
    var now = new Date();
    return iso(now.getFullYear(), now.getMonth() + 1, now.getDate());
  }

  function asDate(value) {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
    var y = +value.slice(0, 4), m = +value.slice(5, 7), d = +value.slice(8, 10);
    return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m) ? value : null;
  }

  function asInteger(value) { return Number.isInteger(value) ? value : null; }
  function asText(value) { return typeof value === "string" ? value : null; }
  var SHAPES = { date: asDate, integer: asInteger, text: asText };

  function parts(day) { return { y: +day.slice(0, 4), m: +day.slice(5, 7), d: +day.slice(8, 10) }; }
  function utc(day) { var p = parts(day); var t = new Date(0); t.setUTCFullYear(p.y, p.m - 1, p.d); return t.getTime(); }
  function fromUtc(time) { var t = new Date(time); return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()); }

  function birthday(born, years) {
    var p = parts(born), y = p.y + years;
    if (y > 9999) return "9999-12-31";
    return iso(y, p.m, Math.min(p.d, daysInMonth(y, p.m)));
  }

  function workingLifeMonths(born, fromAge, until) {
    var start = birthday(born, fromAge);
    if (until < start) return 0;
    var s = parts(start), u = parts(until);
    return (u.y - s.y) * 12 + u.m - s.m + 1;
  }

  function isWorkingDay(time) {
    var weekday = new Date(time).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !holidays.has(fromUtc(time));
  }

  function atMostWorkingDaysAgo(day, count, today) {
    if (day >= today) return true;
    if ((utc(today) - utc(day)) / DAY > 2 * count + 30) return false;
    var time = utc(day), left = count;
    while (left > 0) { time += DAY; if (isWorkingDay(time)) left -= 1; }
    return today <= fromUtc(time);
  }

  function sum(values) { return values.reduce(function (a, b) { return a + b; }, 0); }

  var KINDS = {
    "date-not-future": { shapes: ["date"], holds: function (v, today) { return v[0] <= today; } },
    "age-at-least": { shapes: ["date"], holds: function (v, today, years) { return birthday(v[0], years) <= today; } },
    "date-on-or-after": { shapes: ["date", "date"], holds: function (v) { return v[0] >= v[1]; } },
    "date-after": { shapes: ["date", "date"], holds: function (v) { return v[0] > v[1]; } },
    "not-equal": { shapes: ["text", "text"], holds: function (v) { return v[0] !== v[1]; } },
    "not-value": { shapes: ["text"], holds: function (v, today, value) { return v[0] !== value; } },
    "at-most": { shapes: ["integer", "integer"], holds: function (v) { return v[0] <= v[1]; } },
    "sum-equals": { shapes: ["integer", "integer"], more: "integer", holds: function (v) { return v[0] === sum(v.slice(1)); } },
    "months-within-working-life": { shapes: ["integer", "date", "date"], optional: 1, holds: function (v, today, age) {
      return v[0] <= workingLifeMonths(v[1], age, v.length > 2 ? v[2] : today);
    } },
    "working-days-since-at-most": { shapes: ["date"], holds: function (v, today, count) { return atMostWorkingDaysAgo(v[0], count, today); } }
  };

  function answerAt(answers, pointer) {
    var value = answers;
    pointer.split("/").slice(1).forEach(function (part) {
      value = value !== null && typeof value === "object" && !Array.isArray(value) ? value[part] : undefined;
    });
    return value;
  }

  function values(check, answers) {
    var kind = KINDS[check.kind], count = check.fields.length, found = [];
    if (count < kind.shapes.length - (kind.optional || 0) || (count > kind.shapes.length && !kind.more)) return null;
    for (var i = 0; i < count; i++) {
      var pointer = check.fields[i];
      var value = pointer ? SHAPES[kind.shapes[i] || kind.more](answerAt(answers, pointer)) : null;
      if (value === null) return null;
      found.push(value);
    }
    return found;
  }

  function applies(check, answers) {
    // A check with `when` is judged only for the answers it names (as answer_checks._applies).
    return !check.when || (check.when.field !== null && check.when.in.indexOf(answerAt(answers, check.when.field)) >= 0);
  }

  function touches(check, invalid) {
    return check.fields.some(function (field) {
      return invalid.some(function (pointer) { return field === pointer || (field || "").indexOf(pointer + "/") === 0; });
    });
  }

  function failed(answers, today, invalid) {
    // The checks these answers break, in the order declared, at most one per answer and level.
    // An answer an earlier error refused is not judged again (as answer_checks.failed_checks).
    var found = [], taken = {}, refused = invalid.slice();
    data.checks.forEach(function (check) {
      var place = check.at + " " + check.level;
      if (taken[place] || touches(check, refused) || !applies(check, answers)) return;
      var given = values(check, answers);
      if (given !== null && !KINDS[check.kind].holds(given, today, check.value)) {
        found.push(check);
        taken[place] = true;
        if (check.level === "error") refused.push(check.at);
      }
    });
    return found;
  }

  function errors(answers, fieldErrors, today) {
    var invalid = fieldErrors.map(function (e) { return e.pointer; });
    return failed(answers, today || localToday(), invalid)
      .filter(function (check) { return check.level === "error"; })
      .map(function (check) { return { pointer: check.at, keyword: "x-check", message: check.message }; });
  }

  window.bhtnChecks = { errors: errors };  // form.js adds these to its own errors

  /* Warnings beside their questions, and the next step they point to ------------------------ */

  var form = document.querySelector("form[data-procedure]");
  var warningChecks = data.checks.filter(function (check) { return check.level === "warning"; });
  if (!form || !warningChecks.length) return;

  function currentWarnings() {
    if (!window.bhtnAnswers || !window.bhtnValidate) return [];
    var answers = window.bhtnAnswers();
    var invalid = window.bhtnValidate(answers).filter(function (e) { return e.keyword !== "x-check"; })
      .map(function (e) { return e.pointer; });
    return failed(answers, localToday(), invalid).filter(function (check) { return check.level === "warning"; })
      .map(function (check) { return { check: check, answers: answers }; });
  }

  function carryOver(next, answers) {
    // Into the other form's draft, in form.js's format: control name → text, or a list for choices.
    var key = "bhtn:" + next.procedure, draft;
    try { draft = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { draft = {}; }
    next.carry.forEach(function (item) {
      var value = "const" in item ? item.const : answerAt(answers, item.from);
      if (value === undefined || value === null || value === "") return;
      draft[item.to] = item.list ? [String(value)] : String(value);
    });
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* private mode: the link still opens the form */ }
  }

  function nextLink(found) {
    var link = document.createElement("a");
    link.className = "md-button bhtn-next";
    link.href = found.check.next.href;
    link.textContent = found.check.next.link;
    link.addEventListener("click", function () { carryOver(found.check.next, window.bhtnAnswers ? window.bhtnAnswers() : found.answers); });
    return link;
  }

  var notes = {};  // a live paragraph under each question a warning can be about, made once
  warningChecks.forEach(function (check) {
    var q = form.querySelector('.q[data-name="' + check.at.slice(1).split("/").join(".") + '"]');
    if (!q || notes[check.at]) return;
    var note = document.createElement("div");
    note.className = "warning";
    note.setAttribute("role", "status");
    note.hidden = true;
    q.appendChild(note);
    notes[check.at] = note;
  });

  function showWarnings() {
    var shown = {};
    currentWarnings().forEach(function (found) {
      var note = notes[found.check.at];
      if (!note || shown[found.check.at]) return;
      shown[found.check.at] = true;
      note.textContent = "";
      var text = document.createElement("p");
      text.textContent = found.check.message;
      note.appendChild(text);
      if (found.check.next) note.appendChild(nextLink(found));
      note.hidden = false;
    });
    Object.keys(notes).forEach(function (at) { if (!shown[at]) { notes[at].hidden = true; notes[at].textContent = ""; } });
  }

  function onReceipt(receipt) {
    // After sending, the next steps again, where the worker looks: under the receipt.
    var seen = {};
    currentWarnings().forEach(function (found) {
      var next = found.check.next;
      if (!next || seen[next.procedure]) return;
      seen[next.procedure] = true;
      var box = document.createElement("div");
      box.className = "warning";
      var text = document.createElement("p");
      text.textContent = found.check.message;
      box.appendChild(text);
      box.appendChild(nextLink(found));
      receipt.appendChild(box);
    });
  }

  form.addEventListener("input", showWarnings);
  form.addEventListener("change", showWarnings);
  document.addEventListener("DOMContentLoaded", function () { setTimeout(showWarnings, 0); });
  var receipt = document.querySelector(".bhtn-receipt");
  if (receipt) {
    new MutationObserver(function () {
      if (!receipt.hidden && receipt.getAttribute("data-receipt-id") && !receipt.querySelector(".bhtn-next")) onReceipt(receipt);
    }).observe(receipt, { attributes: true, attributeFilter: ["hidden", "data-receipt-id"] });
  }
})();
