/* Fill a form from the QR code on the front of the chip identity card (căn cước).
   The code holds: number|old ID number|full name|birth date DDMMYYYY|sex|permanent address|date of
   issue DDMMYYYY (6 fields or more). Each part goes into the question the schema marks with
   x-id-card (data-id-card on the page); the address is matched to today's divisions where it can be.
   Everything happens on this device: the QR decoder and the list of communes/wards are fetched when
   the worker asks to scan (or goes to the scanner box), before anything is read; what is read is
   never sent, logged or kept by this script. The function never parses a card. */
(function () {
  "use strict";
  var script = document.currentScript;
  var assets = new URL("../", script.src);
  var form = document.querySelector("form[data-procedure]");
  var block = document.querySelector(".bhtn-id-card");
  var words = JSON.parse((document.getElementById("bhtn-id-card-words") || { textContent: "{}" }).textContent);

  /* Reading the card's text -------------------------------------------------------- */

  // Windows-1252's characters for the bytes 0x80-0x9F, as a scanner reading UTF-8 as "ANSI" types them.
  var CP1252 = {
    0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
    0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91,
    0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98,
    0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f
  };

  function repairMojibake(text) {
    // UTF-8 read as Latin-1 or Windows-1252 ("Nguyá»…n"): back to its bytes, read again as UTF-8.
    if (!/[\u0080-\u00ff]/.test(text)) return text;
    var bytes = [];
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code < 0x100) bytes.push(code);
      else if (CP1252[code]) bytes.push(CP1252[code]);
      else return text;  // a character no single byte stands for: the text was read right
    }
    try { return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes)); } catch (e) { return text; }
  }

  function cardDate(text) {  // DDMMYYYY → YYYY-MM-DD, a real date only
    if (!/^[0-9]{8}$/.test(text)) return null;
    var iso = text.slice(4) + "-" + text.slice(2, 4) + "-" + text.slice(0, 2);
    var day = new Date(iso + "T00:00:00Z");
    return !isNaN(day) && day.toISOString().slice(0, 10) === iso ? iso : null;
  }

  function fold(text) {  // compare Vietnamese words without diacritics, case or extra spaces
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase()
      .replace(/\s+/g, " ").trim();
  }

  function parse(raw) {
    // The card's fields, or null when the text is not an identity card's QR code.
    var text = repairMojibake(String(raw)).normalize("NFC").replace(/^\ufeff/, "").replace(/\s+$/, "");
    var parts = text.split("|").map(function (part) { return part.trim(); });
    if (parts.length < 6) return null;
    var card = {
      number: parts[0], old_id: parts[1], name: parts[2].replace(/\s+/g, " "), birth_date: cardDate(parts[3]),
      sex: parts[4], address: parts[5], issue_date: parts[6] ? cardDate(parts[6]) : null
    };
    var sex = fold(card.sex);
    var valid = /^[0-9]{12}$/.test(card.number) && card.name.length > 1 && !/[0-9]/.test(card.name) &&
      card.birth_date && (sex === "nam" || sex === "nu") && (!parts[6] || card.issue_date);
    return valid ? card : null;
  }

  /* Matching the address to today's provinces and communes/wards ---------------------- */

  var DISTRICT = /^(quan|huyen|thi xa|thanh pho|tp\.?) /;  // the level abolished on 1 July 2025
  var OLD_WARD = /^thi tran /;  // townships became communes or wards then
  var PROVINCE_WORD = /^(tinh|thanh pho|tp\.?) ?/;
  var WARD_WORD = /^(phuong|xa|dac khu) /;

  function addressParts(address) {
    // {street, ward, province, old}: the card's address, split the way it is written.
    var parts = address.split(",").map(function (part) { return part.trim(); }).filter(Boolean);
    var last = parts.length - 1;
    var old = last >= 2 && DISTRICT.test(fold(parts[last - 1]));
    var wardAt = old ? last - 2 : last - 1;
    return {
      province: parts[last] || "",
      ward: wardAt >= 0 ? parts[wardAt] : "",
      street: parts.slice(0, Math.max(wardAt, 0)).join(", "),
      old: old || (wardAt >= 0 && OLD_WARD.test(fold(parts[wardAt])))
    };
  }

  function provinceCode(select, name) {
    var wanted = fold(name).replace(PROVINCE_WORD, "");
    var found = Array.prototype.find.call(select.options, function (option) {
      return option.value && fold(option.text).replace(PROVINCE_WORD, "") === wanted;
    });
    return found ? found.value : null;
  }

  function wardCode(wards, name) {
    var wanted = fold(name);
    var exact = wards.filter(function (ward) { return fold(ward[1]) === wanted; });
    if (exact.length === 1) return exact[0][0];
    var bare = wanted.replace(WARD_WORD, "");
    var loose = wards.filter(function (ward) { return fold(ward[1]).replace(WARD_WORD, "") === bare; });
    return loose.length === 1 ? loose[0][0] : null;
  }

  /* Filling the questions the schema marks ------------------------------------------- */

  function questions(part) {
    return Array.prototype.filter.call(form.querySelectorAll('.q[data-id-card="' + part + '"]'), function (q) {
      return !q.hidden;
    });
  }

  function label(q) {
    var found = q.querySelector("legend, label, .group-title");
    return found ? found.textContent.replace("*", "").trim() : q.dataset.name;
  }

  function announce(el, events) {
    events.forEach(function (type) { el.dispatchEvent(new Event(type, { bubbles: true })); });
  }

  function setText(q, value) {
    var el = q.querySelector("input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea");
    if (!el || el.disabled || !value) return false;
    el.value = value;
    announce(el, ["input", "change"]);
    return true;
  }

  function setChoice(q, value) {
    var wanted = fold(value);
    var choice = Array.prototype.find.call(q.querySelectorAll("input[type=radio]"), function (el) {
      return fold(el.value) === wanted;
    });
    if (!choice || choice.disabled) return false;
    choice.checked = true;
    announce(choice, ["input", "change"]);
    return true;
  }

  function setAddress(q, address, wards, notes) {
    var name = q.dataset.name;
    var wardSelect = form.querySelector('select[data-wards-of^="' + name + '."]');
    if (!wardSelect) return false;
    var provinceSelect = form.elements[wardSelect.dataset.wardsOf];
    var street = Array.prototype.find.call(form.querySelectorAll('input[type=text][name^="' + name + '."]'), function (el) {
      return el.name.split(".").length === name.split(".").length + 1;
    });
    var parts = addressParts(address);
    if (street && parts.street.length > 1) { street.value = parts.street; announce(street, ["input", "change"]); }
    var province = provinceCode(provinceSelect, parts.province);
    if (!province) { notes.push(words.id_card_no_province); return Boolean(street && parts.street); }
    provinceSelect.value = province;
    announce(provinceSelect, ["input"]);  // not "change": form.js would fetch the wards the list below holds
    var list = (wards && wards[province]) || [];
    wardSelect.innerHTML = "";
    wardSelect.appendChild(new Option(words.choose, ""));
    list.forEach(function (ward) { wardSelect.appendChild(new Option(ward[1], ward[0])); });
    wardSelect.disabled = list.length === 0;
    var ward = parts.old ? null : wardCode(list, parts.ward);
    if (ward) { wardSelect.value = ward; announce(wardSelect, ["input"]); }
    else notes.push(parts.old ? words.id_card_old_address : words.id_card_no_ward);
    return true;
  }

  function fill(card, wards) {
    var filled = [], notes = [];
    ["name", "number", "birth_date", "issue_date"].forEach(function (part) {
      questions(part).forEach(function (q) { if (setText(q, card[part])) filled.push(label(q)); });
    });
    questions("sex").forEach(function (q) { if (setChoice(q, card.sex)) filled.push(label(q)); });
    questions("address").forEach(function (q) { if (setAddress(q, card.address, wards, notes)) filled.push(label(q)); });
    say([words.id_card_filled.replace("{fields}", filled.join(", "))].concat(notes).join(" "));
  }

  /* Camera, decoder and the scanner box ---------------------------------------------- */

  var status = block && block.querySelector(".id-card-status");
  var video = block && block.querySelector(".id-card-video");
  var scanButton = block && block.querySelector(".id-card-scan");
  var stopButton = block && block.querySelector(".id-card-stop");
  var pasted = block && block.querySelector(".id-card-text");
  var wardsReady = null, decoderReady = null, stream = null, timer = null;

  function say(text) { status.textContent = text; }

  function loadWards() {
    wardsReady = wardsReady || fetch(new URL("data/all-wards.json", assets))
      .then(function (response) { return response.json(); })
      .catch(function () { return null; });  // offline: the province is still filled, the ward left to choose
    return wardsReady;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function vendoredDecoder() {
    return loadScript(new URL("js/vendor/jsQR.js", assets)).then(function () {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function (frame) {
        canvas.width = frame.videoWidth;
        canvas.height = frame.videoHeight;
        context.drawImage(frame, 0, 0);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (!found) return Promise.resolve(null);
        try {
          return Promise.resolve(new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(found.binaryData)));
        } catch (e) {
          return Promise.resolve(found.data);
        }
      };
    });
  }

  function loadDecoder() {
    // The browser's own BarcodeDetector where it reads QR codes; else the decoder vendored from npm.
    decoderReady = decoderReady || (("BarcodeDetector" in window) ? window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") < 0) return vendoredDecoder();
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function (frame) {
          return detector.detect(frame).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
        };
      }) : vendoredDecoder());
    return decoderReady;
  }

  function use(text) {
    return loadWards().then(function (wards) {
      var card = parse(text);
      if (!card) return say(words.id_card_malformed);
      fill(card, wards);
    });
  }

  function stop() {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    stopButton.hidden = true;
    scanButton.hidden = false;
  }

  function look(decode) {
    if (!stream) return;
    var next = function () { timer = setTimeout(function () { look(decode); }, 150); };
    if (video.readyState < 2) return next();
    decode(video).then(function (text) {
      if (!stream) return;
      if (text === null) return next();
      stop();
      use(text);
    }, next);
  }

  function scan() {
    say(words.id_card_loading);
    scanButton.hidden = true;
    stopButton.hidden = false;
    Promise.all([loadDecoder(), loadWards()]).then(function (ready) {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (opened) {
        stream = opened;
        video.srcObject = opened;
        video.hidden = false;
        return video.play();
      }).then(function () {
        say(words.id_card_point);
        look(ready[0]);
      });
    }).catch(function () {
      stop();
      say(words.id_card_no_camera);
    });
  }

  window.bhtnIdCard = { parse: parse, repairMojibake: repairMojibake, addressParts: addressParts };  // for the tests
  if (!form || !block) return;
  block.hidden = false;
  if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) scanButton.hidden = true;
  scanButton.addEventListener("click", scan);
  stopButton.addEventListener("click", function () { stop(); say(""); });
  pasted.addEventListener("focus", loadWards);
  pasted.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;  // a USB scanner "types" the code, then Enter
    event.preventDefault();
    var text = pasted.value;
    pasted.value = "";  // the card's text is not left on the page
    if (text.trim()) use(text);
  });
  pasted.addEventListener("paste", function (event) {
    event.preventDefault();
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (text.trim()) use(text);
  });
})();
