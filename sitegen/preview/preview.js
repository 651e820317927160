// build.py serve's preview: reload the three frames after each rebuild (the server's build stamp changes).
"use strict";
(() => {
  const script = document.currentScript;
  let seen = script.dataset.stamp;
  setInterval(async () => {
    const now = await (await fetch(script.dataset.preview + "stamp", {cache: "no-store"})).text();
    if (now !== seen) {
      seen = now;
      document.getElementById("state").textContent = "build " + now;
      for (const frame of document.querySelectorAll("iframe")) frame.src = frame.src.split("#")[0].split("?")[0] + "?" + now;
    }
  }, 1000);
})();
