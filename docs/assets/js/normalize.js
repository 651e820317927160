/* Answers as people type them, made clean before they are checked or sent: the normalisers a
   question names in its schema (`x-normalize`), the same as submit_fn/model/normalize.py, which
   the function applies again (tests/test_normalize.py keeps the two in step). Each leaves an
   answer it cannot read unchanged, for the checks to explain. When the worker leaves a field,
   it shows the cleaned answer, so what is on the screen is what is sent. */
(function (root) {
  "use strict";
  var SPACES = "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff";
  var SPACE_RUN = new RegExp("[" + SPACES + "]+", "g");
  var EDGE_SPACES = new RegExp("^[" + SPACES + "]+|[" + SPACES + "]+$", "g");
  var DIGIT_GROUPS = new RegExp("^[0-9][0-9" + SPACES + ".-]*$");
  var PHONE_SEPARATORS = new RegExp("[" + SPACES + ".()-]", "g");
  var MAX_NUMBER_DIGITS = 15;
  var MONTH_WORDS = ["tháng", "Tháng", "THÁNG", "month", "months", "Month", "Months", "MONTH", "MONTHS"];
  var CURRENCY_WORDS = ["đồng", "Đồng", "ĐỒNG", "vnđ", "VNĐ", "Vnđ", "vnd", "VND", "Vnd", "đ", "Đ", "₫"];  // longest first
  var COUNT = new RegExp("^([0-9]{1,6})[" + SPACES + "]*([\\s\\S]*)$");
  var GROUPED_AMOUNT = new RegExp("^[0-9]{1,3}(?:([.," + SPACES + "])[0-9]{3})(?:\\1[0-9]{3})*$");

  function trim(value) { return value.replace(EDGE_SPACES, ""); }
  function nfc(value) { return value.normalize("NFC"); }

  var normalizers = {
    "trim": trim,
    "collapse-spaces": function (value) { return trim(value).replace(SPACE_RUN, " "); },
    "nfc": nfc,
    "digits": function (value) {
      var cleaned = trim(value);
      return DIGIT_GROUPS.test(cleaned) ? cleaned.replace(/[^0-9]/g, "") : value;
    },
    "phone-vn": function (value) {
      var compact = value.replace(PHONE_SEPARATORS, "");
      if (!/^\+?[0-9]+$/.test(compact)) return value;
      var prefixes = ["+84", "0084", "84"];
      for (var i = 0; i < prefixes.length; i++) {
        if (compact.indexOf(prefixes[i]) === 0) {
          var national = compact.slice(prefixes[i].length);
          return national.charAt(0) === "0" ? national : "0" + national;
        }
      }
      return compact.charAt(0) === "+" ? value : compact;
    },
    "integer-words": function (value) {
      var found = COUNT.exec(trim(nfc(value)));
      if (!found || (found[2] !== "" && MONTH_WORDS.indexOf(found[2]) < 0)) return value;
      return Number(found[1]);
    },
    "amount-vnd": function (value) {
      var text = trim(nfc(value));
      for (var i = 0; i < CURRENCY_WORDS.length; i++) {
        if (text.endsWith(CURRENCY_WORDS[i])) {
          text = trim(text.slice(0, text.length - CURRENCY_WORDS[i].length));
          break;
        }
      }
      if (/^[0-9]+$/.test(text) || GROUPED_AMOUNT.test(text)) {
        var number = text.replace(/[^0-9]/g, "");
        if (number.replace(/^0+/, "").length <= MAX_NUMBER_DIGITS) return Number(number);
      }
      return value;
    }
  };

  function apply(names, value) {
    for (var i = 0; i < names.length && typeof value === "string"; i++) value = normalizers[names[i]](value);
    return value;
  }

  function control(el) {
    // A form control's answer, cleaned by the normalisers its question names (data-normalize).
    var value = el.value.trim();
    return el.dataset && el.dataset.normalize ? apply(el.dataset.normalize.split(" "), value) : value;
  }

  var api = { normalizers: normalizers, apply: apply, control: control };
  root.bhtnNormalize = api;
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  document.addEventListener("change", function (event) {  // capture: before the form saves the answer
    var el = event.target;
    if (!el.dataset || !el.dataset.normalize) return;
    var shown = String(control(el));
    if (shown !== el.value) el.value = shown;
  }, true);
})(typeof window !== "undefined" ? window : globalThis);
