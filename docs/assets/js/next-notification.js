/* On a monthly notification's form: once the receipt is shown, offer the next notification
   window. The function works it out from the answers just sent (the benefit month, the
   decision's first day and months), with the same rules as the calendar file; this script
   only asks after the notification was received, and shows the words it is given. */
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.querySelector("form[data-procedure]");
  var receipt = document.querySelector(".bhtn-receipt");
  if (!form || !receipt) return;
  var lang = form.closest(".bhtn-form").dataset.lang;

  function answer(name) {
    var el = form.elements[name];
    return el && el.value ? el.value.trim() : "";
  }

  function show(next) {
    var box = document.createElement("div");
    box.className = "next-notification";
    var title = document.createElement("h3");
    title.textContent = next.title;
    var text = document.createElement("p");
    text.textContent = next.text;
    var link = document.createElement("a");
    link.href = next.url;
    link.textContent = next.link;
    var line = document.createElement("p");
    line.appendChild(link);
    box.appendChild(title);
    box.appendChild(text);
    box.appendChild(line);
    receipt.appendChild(box);
  }

  function offerNext() {
    var query = new URLSearchParams({
      start: answer(script.dataset.start), months: answer(script.dataset.months),
      after: answer(script.dataset.month), lang: lang
    });
    if (!query.get("start") || !query.get("months") || !query.get("after")) return;
    fetch("/api/notification-schedule?" + query, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body && body.next) show(body.next); })
      .catch(function () { /* the receipt stands without it; the schedule page has every window */ });
  }

  new MutationObserver(function (changes, observer) {
    if (!receipt.hasAttribute("data-receipt-id")) return;
    observer.disconnect();
    offerNext();
  }).observe(receipt, { attributes: true, attributeFilter: ["data-receipt-id"] });
})();
