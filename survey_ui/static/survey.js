// Progressive enhancement only: the form works the same without this file.
(function () {
  "use strict";
  var summary = document.getElementById("virheyhteenveto");
  if (summary) { summary.focus(); }

  var form = document.querySelector("form.kysely");
  if (!form) { return; }
  var followUps = Array.prototype.slice.call(form.querySelectorAll("[data-nayta-kun]"));

  function answersOf(name) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name === name && el.checked) { values.push(el.value); }
    });
    return values;
  }

  // A follow-up question is shown only when its trigger has one of the trigger answers (hidden ones are dropped
  // by the server anyway). Triggers come earlier in the form, so one pass in order settles chains.
  function update() {
    followUps.forEach(function (box) {
      var trigger = document.getElementById("k-" + box.dataset.naytaKun.replace(":", "-"));
      var wanted = box.dataset.arvot.split(" ");
      var shown = (!trigger || !trigger.hidden) && answersOf(box.dataset.naytaKun).some(function (v) {
        return wanted.indexOf(v) !== -1;
      });
      box.hidden = !shown;
    });
  }
  form.addEventListener("change", update);
  update();
  // With this script follow-ups appear only when they apply, so the no-script hint about them is noise.
  Array.prototype.forEach.call(form.querySelectorAll(".jatko-ohje"), function (hint) { hint.hidden = true; });

  // Save and return: keep the answers so far on the server a moment after each change and when the page is
  // left, so the same link reopens with them. Only the send button submits the answers.
  var saved = null, timer = null;
  function draft() {
    var data = new URLSearchParams(new FormData(form));
    data.set("toiminto", "luonnos");
    return data;
  }
  function save(beacon) {
    clearTimeout(timer);
    var data = draft(), text = data.toString();
    if (text === saved) { return; }
    saved = text;
    if (beacon && navigator.sendBeacon) {
      navigator.sendBeacon(form.action, new Blob([text], { type: "application/x-www-form-urlencoded" }));
    } else {
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin", keepalive: true });
    }
  }
  saved = draft().toString();
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 1000); });
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
  var sending = false;
  form.addEventListener("submit", function () { sending = true; clearTimeout(timer); });
  window.addEventListener("pagehide", function () { if (!sending) { save(true); } });
})();
