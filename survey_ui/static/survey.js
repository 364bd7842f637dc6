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
})();
