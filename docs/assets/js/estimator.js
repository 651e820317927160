/* Benefit estimator: the rules of submit_fn/model/benefit_rules.py, from the same data
   (submit_fn/model/benefit_rules.json, written by the build as assets/data/benefit-rules.<lang>.json and
   fetched: at once on the guidance page, on the claim form only when the worker starts answering, so a
   first visit does not pay for it). tests/benefit_cases.json keeps this file and the Python module in
   step. It decides nothing: the centre decides. */
(function () {
  "use strict";

  var script = document.currentScript;
  var data = null, holidays = null;

  function loadRules(lang) {
    return fetch(new URL("../data/benefit-rules." + lang + ".json", script.src))
      .then(function (response) { return response.json(); })
      .then(function (loaded) { data = loaded; holidays = new Set(data.holidays); });
  }

  // Dates are whole days in UTC, written YYYY-MM-DD, so that time zones never shift them.
  function parse(text) { var p = text.split("-"); return new Date(Date.UTC(+p[0], +p[1] - 1, +p[2])); }
  function iso(day) { return day.toISOString().slice(0, 10); }
  function plusDays(day, n) { return new Date(day.getTime() + n * 86400000); }
  function daysInMonth(year, month) { return new Date(Date.UTC(year, month + 1, 0)).getUTCDate(); }

  function addMonths(day, months) {
    var index = day.getUTCMonth() + months;
    var year = day.getUTCFullYear() + Math.floor(index / 12), month = ((index % 12) + 12) % 12;
    return new Date(Date.UTC(year, month, Math.min(day.getUTCDate(), daysInMonth(year, month))));
  }

  // Benefit month `month` starts on the start day's date in its calendar month, or, where that month has no such
  // day, on the 1st of the next (Decree 374/2025 art. 15(2)): from 31 Jan, month 2 starts on 1 Mar (as benefit_rules.py).
  function benefitMonthStart(start, month) {
    var index = start.getUTCMonth() + month - 1;
    var year = start.getUTCFullYear() + Math.floor(index / 12), number = ((index % 12) + 12) % 12;
    var length = daysInMonth(year, number);
    return start.getUTCDate() <= length ? new Date(Date.UTC(year, number, start.getUTCDate())) : new Date(Date.UTC(year, number, length + 1));
  }

  function isWorkingDay(day) {
    var weekday = day.getUTCDay();
    return weekday !== 0 && weekday !== 6 && !holidays.has(iso(day));
  }

  function workingDaysAfter(start, count) {
    var day = start;
    while (count > 0) { day = plusDays(day, 1); if (isWorkingDay(day)) count -= 1; }
    return day;
  }

  function regimeOn(day) {
    var text = iso(day);
    return data.regimes.find(function (r) { return r.from <= text && text <= (r.until || "9999"); });
  }

  function figureOn(name, day) {
    var known = data.figures[name].filter(function (entry) { return entry.from <= iso(day); });
    return known.length ? known[known.length - 1] : null;
  }

  function values(regime) {
    var out = {};
    Object.keys(regime).forEach(function (key) {
      var rule = regime[key];
      if (rule && typeof rule === "object" && "value" in rule) out[key] = rule.value;
    });
    return out;
  }

  function benefitMonths(duration, total) {
    if (total === null) return null;
    if (total < 12) return 0;
    var extra = Math.floor(Math.max(0, total - duration.first_up_to) / duration.extra_month_per);
    return Math.min(duration.max_months, duration.first_months + extra);
  }

  function reservedMonths(reserve, duration, total, months) {  // reserve is undefined where the law has no rule here
    if (!reserve || total === null) return null;
    if (!months || total <= reserve.above) return 0;
    var used = duration.first_up_to + (months - duration.first_months) * duration.extra_month_per;
    return Math.max(0, Math.min(total, reserve.up_to) - used);
  }

  function monthlyAmount(value, given, end) {
    if (given.average_salary === null) return null;
    var figureName = value.cap_figure[given.salary_regime];
    var entry = figureOn(figureName, end);
    var percent = Math.round(value.rate * 100);
    var raw = Math.floor(given.average_salary * percent / 100);
    if (!entry) return { percent: percent, raw: raw, cap: null, amount: null, figure: figureName };
    var figure = typeof entry.value === "object" ? entry.value[given.region] : entry.value;
    var cap = value.cap_multiple * figure;
    return {
      percent: percent, raw: raw, figure: figureName, figure_value: figure, figure_act: entry.act,
      figure_verify: !!entry.verify, multiple: value.cap_multiple, cap: cap, amount: Math.min(raw, cap), capped: raw > cap
    };
  }

  // What in an estimate rests on something short of the official text, in the order shown (as benefit_rules.unconfirmed).
  function unconfirmed(regime, monthly, restDay) {
    var rulesUsed = Object.keys(regime).map(function (key) { return regime[key]; })
      .filter(function (rule) { return rule && typeof rule === "object" && "value" in rule; });
    var found = {
      transitional: !!(regime.transitional && regime.transitional.verify),
      rules: rulesUsed.some(function (rule) { return rule.verify; }),
      figure: !!(monthly && monthly.figure_verify),
      cap_month: !!(monthly && monthly.cap !== null && data.cap_month.verify),
      rest_day: restDay && !!data.periods.rest_day.verify
    };
    return Object.keys(found).filter(function (name) { return found[name]; });
  }

  function estimate(input) {
    var given = Object.assign({
      contract_type: "indefinite", months_in_window: null, total_months: null, average_salary: null,
      salary_regime: "employer", region: "I", reason: "other", filing_date: null
    }, input);
    var end = parse(given.contract_end);
    var regime = regimeOn(end);
    if (!regime) return null;  // before any rules we know: no guess
    var value = values(regime);
    var months = benefitMonths(value.duration, given.total_months);
    var problems = [];
    if (value.covered_contracts.indexOf(given.contract_type) < 0) problems.push("not_covered");
    if (value.excluded_reasons.indexOf(given.reason) >= 0) problems.push("excluded_reason");
    if (given.months_in_window !== null && given.months_in_window < value.min_contribution_months) problems.push("too_few_months");
    var deadline = addMonths(end, value.filing_months);
    var restDayEnd = isWorkingDay(deadline) ? null : workingDaysAfter(deadline, 1);
    var filing = given.filing_date ? parse(given.filing_date) : null;
    var start = null;
    if (filing) {
      start = value.start.working ? workingDaysAfter(filing, value.start.days) : plusDays(filing, value.start.days);
      if (filing > deadline) problems.push("late");
    }
    var notifications = [];
    if (value.notification_working_days && start && months) {
      for (var month = 2; month <= months; month++) {
        var first = benefitMonthStart(start, month);
        notifications.push({ month: month, from: iso(first), by: iso(workingDaysAfter(plusDays(first, -1), value.notification_working_days)) });
      }
    }
    var monthly = monthlyAmount(value, given, end);
    return {
      regime: regime.id,
      eligible: given.months_in_window === null && !problems.length ? null : !problems.length,
      problems: problems,
      deadline: iso(deadline),
      deadline_if_rest_day_rule: restDayEnd ? iso(restDayEnd) : null,
      monthly: monthly,
      months: months,
      reserved: reservedMonths(value.reserve, value.duration, given.total_months, months),
      start: start ? iso(start) : null,
      notifications: notifications,
      unconfirmed: unconfirmed(regime, monthly, restDayEnd !== null)
    };
  }

  function exposeForTests() {
    window.benefitEstimate = estimate;  // the tests call it with every row of tests/benefit_cases.json
    window.benefitMonth = function (start, month) {  // and this with its benefit months
      var day = parse(start);
      return { from: iso(benefitMonthStart(day, month)), to: iso(plusDays(benefitMonthStart(day, month + 1), -1)) };
    };
  }

  function formatDay(text, lang) {
    return parse(text).toLocaleDateString(lang === "vi" ? "vi-VN" : "en-GB", lang === "vi"
      ? { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }
      : { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function today() { return new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Ho_Chi_Minh" }); }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // The claim form: warn, never block, when the answers suggest a late or ineligible claim.

  function warnOnClaim(warning) {
    var claim = warning.closest("form"), words = data.words;
    var lang = warning.closest(".bhtn-form").getAttribute("data-lang");
    function check() {
      var end = claim.elements.contract_end_date.value;
      var months = window.bhtnNormalize.apply(["integer-words"], claim.elements.contribution_months.value.trim());  // "36 tháng"
      if (typeof months !== "number") months = NaN;
      var type = claim.querySelector("[name=contract_type]:checked, select[name=contract_type]");
      var reason = claim.elements.termination_reason ? claim.elements.termination_reason.value.toLowerCase() : "";
      var found = /^\d{4}-\d{2}-\d{2}$/.test(end) ? estimate({
        contract_end: end,
        contract_type: data.claim_form.contract_types[type && type.value] || "indefinite",
        total_months: isNaN(months) ? null : months,
        // the form asks for all months, not those in the window: fewer than the minimum in all is surely too few
        months_in_window: isNaN(months) ? null : months,
        filing_date: today()
      }) : null;
      var problems = found ? found.problems : [];
      var notes = [];
      if (problems.indexOf("late") >= 0) notes.push(fill(words.claim_warn_late, { deadline: formatDay(found.deadline, lang) }));
      if (problems.indexOf("too_few_months") >= 0) notes.push(words.claim_warn_months);
      if (data.claim_form.excluded_reason_words.some(function (word) { return reason.indexOf(word) >= 0; })) notes.push(words.claim_warn_reason);
      warning.textContent = notes.join(" ");
      warning.hidden = !notes.length;
    }
    claim.addEventListener("input", check);
    claim.addEventListener("change", check);
    check();
  }

  var CLAIM_ANSWERS = ["contract_end_date", "contribution_months", "contract_type", "termination_reason"];

  function warnOnClaimOnceAnswered(warning) {
    // The rules are fetched when the worker first answers a question the warning reads (or comes back
    // to such answers kept on the device); offline, the next answer tries again.
    var claim = warning.closest("form");
    var lang = warning.closest(".bhtn-form").getAttribute("data-lang");
    var started = false;
    function start() {
      if (started) return;
      started = true;
      loadRules(lang).then(function () { exposeForTests(); warnOnClaim(warning); }, function () { started = false; });
    }
    function startOnClaimAnswer(event) { if (CLAIM_ANSWERS.indexOf(event.target.name) >= 0) start(); }
    claim.addEventListener("input", startOnClaimAnswer);
    claim.addEventListener("change", startOnClaimAnswer);
    if (claim.elements.contract_end_date.value || claim.elements.contribution_months.value) start();
  }

  var claimWarning = document.querySelector(".bhtn-claim-warning");
  if (claimWarning) warnOnClaimOnceAnswered(claimWarning);

  // The guidance page's estimator ----------------------------------------------

  var box = document.querySelector(".bhtn-estimator");
  if (box) loadRules(box.getAttribute("data-lang")).then(function () { exposeForTests(); showEstimator(box); });

  function showEstimator(box) {
    var form = box.querySelector("form"), out = box.querySelector(".estimate");
    var lang = box.getAttribute("data-lang"), words = data.words;
    var locale = lang === "vi" ? "vi-VN" : "en-GB";
    box.hidden = false;

    function money(n) { return new Intl.NumberFormat(locale).format(n) + " đ"; }
    function day(text) { return formatDay(text, lang); }
    function typed(name, normalizer) {
      // As the forms read it (normalize.js): "24 tháng", "8.500.000 đ"; null if empty, NaN if it cannot be read.
      var v = form.elements[name].value.trim();
      if (v === "") return null;
      var n = window.bhtnNormalize.apply([normalizer], v);
      return typeof n === "number" ? n : NaN;
    }

    function line(list, text, className) {
      var item = document.createElement("li");
      item.textContent = text;
      if (className) item.className = className;
      list.appendChild(item);
    }

    function notEligible(list, found) {
      // Not eligible: why, and what to do instead; no amount, start date or schedule to mislead.
      line(list, words.est_not_eligible, "warn");
      found.problems.forEach(function (code) { line(list, words["est_problem_" + code], "warn"); });
      line(list, fill(words.est_deadline, { deadline: day(found.deadline) }));
      if (found.deadline_if_rest_day_rule) line(list, fill(words.est_rest_day, { next: day(found.deadline_if_rest_day_rule) }));
      if (found.problems.indexOf("too_few_months") >= 0) line(list, words.est_instead_more_months);
      line(list, words.est_instead);
      unconfirmedNotes(list, found.unconfirmed.filter(function (name) { return name !== "figure" && name !== "cap_month"; }));  // no amount shown
      return list;
    }

    function explain(found, given) {
      var regime = data.regimes.find(function (r) { return r.id === found.regime; });
      var list = document.createElement("ul");
      line(list, fill(words["est_regime_" + found.regime], { act: data.acts[regime.act].title[lang] }));
      if (found.eligible === true) line(list, words.est_eligible, "ok");
      if (found.eligible === null) line(list, words.est_need_window);
      if (found.eligible === false) return notEligible(list, found);
      var m = found.monthly;
      if (m && m.amount !== null) {
        var cap = fill(words[m.capped ? "est_capped" : "est_under_cap"], {
          cap: money(m.cap), multiple: m.multiple, figure: money(m.figure_value),
          figure_name: words["est_figure_" + m.figure], source: data.acts[m.figure_act].title[lang]
        });
        line(list, fill(words.est_amount, { amount: money(m.amount), percent: m.percent, average: money(given.average_salary), raw: money(m.raw) }) + " " + cap);
      } else if (m) {
        line(list, words.est_no_figure);
      }
      if (found.months !== null) line(list, fill(words.est_months, { months: found.months, total: given.total_months }));
      if (found.reserved) line(list, fill(words.est_reserved, { reserved: found.reserved }));
      line(list, fill(words.est_deadline, { deadline: day(found.deadline) }));
      if (found.deadline_if_rest_day_rule) line(list, fill(words.est_rest_day, { next: day(found.deadline_if_rest_day_rule) }));
      if (found.start) line(list, fill(words["est_start_" + found.regime], { start: day(found.start) }));
      if (regime.notification_working_days) line(list, words.est_first_notify);
      found.notifications.forEach(function (n) {
        line(list, fill(words.est_notify, { month: n.month, from: day(n.from), by: day(n.by) }));
      });
      unconfirmedNotes(list, found.unconfirmed);
      return list;
    }

    function unconfirmedNotes(list, names) {
      if (!names.length) return;
      line(list, words.est_unconfirmed, "unconfirmed");
      var items = document.createElement("ul");
      names.forEach(function (name) { line(items, words["est_unconfirmed_" + name]); });
      list.lastChild.appendChild(items);
    }

    function mistake(given) {
      // An answer the estimate cannot stand on: said, and nothing estimated from it.
      if (isNaN(given.months_in_window) || isNaN(given.total_months)) return words.est_bad_months;
      if (isNaN(given.average_salary)) return words.est_bad_amount;
      if (given.filing_date && given.filing_date < given.contract_end) return words.est_filing_before_end;
      return null;
    }

    function update() {
      out.innerHTML = "";
      if (!/^\d{4}-\d{2}-\d{2}$/.test(form.elements.contract_end.value)) { out.textContent = words.est_need_date; return; }
      var given = {
        contract_end: form.elements.contract_end.value,
        contract_type: form.elements.contract_type.value,
        reason: form.elements.reason.value,
        months_in_window: typed("months_in_window", "integer-words"),
        total_months: typed("total_months", "integer-words"),
        average_salary: typed("average_salary", "amount-vnd"),
        salary_regime: form.elements.salary_regime.value,
        region: form.elements.region.value,
        filing_date: form.elements.filing_date.value || null
      };
      var wrong = mistake(given);
      if (wrong) {
        var said = document.createElement("p");
        said.className = "warn";
        said.textContent = wrong;
        out.appendChild(said);
        return;
      }
      var found = estimate(given);
      if (!found) { out.textContent = fill(words.est_no_rules, { from: day(data.regimes[0].from) }); return; }
      out.appendChild(explain(found, given));
    }

    if (!form.elements.filing_date.value) form.elements.filing_date.value = today();
    form.addEventListener("input", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    update();
  }
})();
