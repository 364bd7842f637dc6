// The extra-questions editor: everything goes through the GraphQL API with the pasted access token.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var text = $("editori").dataset;
  var rows = [];

  function status(message) { $("tila").textContent = message; }
  function selection() { return { koulutustoimijaOid: $("koulutustoimija").value.trim(), kyselytyyppi: $("kyselytyyppi").value }; }

  function auth() { return { "Authorization": "Bearer " + $("token").value.trim() }; }

  // Errors in the page's language: the API's code picks the message, the field (if any) is named.
  function localised(code, field) {
    var message = { UNAUTHENTICATED: text.errAuth, FORBIDDEN: text.errForbidden, VALIDATION_FAILED: text.errValidation,
      NOT_FOUND: text.errNotfound }[code] || text.errGeneric;
    return message + (field ? " (" + field + ")" : "");
  }

  function gql(query, variables) {
    return fetch("/graphql", {
      method: "POST",
      headers: Object.assign({ "Content-Type": "application/json" }, auth()),
      body: JSON.stringify({ query: query, variables: variables })
    }).then(function (r) {
      if (r.status === 401) { throw new Error(localised("UNAUTHENTICATED")); }
      return r.json();
    }).then(function (body) {
      if (body.errors) {
        throw new Error(body.errors.map(function (e) {
          var ext = e.extensions || {};
          return localised(ext.code, ext.field);
        }).join("; "));
      }
      return body.data;
    });
  }

  // The provider picker: the providers the pasted token may read.
  function loadOrganisations() {
    if (!$("token").value.trim()) { return; }
    fetch("/editori/organisaatiot", { headers: auth() }).then(function (r) {
      if (!r.ok) { throw new Error(localised("UNAUTHENTICATED")); }
      return r.json();
    }).then(function (orgs) {
      var select = $("koulutustoimija");
      select.textContent = "";
      orgs.forEach(function (o) {
        var option = document.createElement("option");
        option.value = o.oid; option.textContent = o.nimi;
        select.appendChild(option);
      });
      status(orgs.length ? "" : text.errForbidden);
    }).catch(function (e) { status(e.message); });
  }

  function typeName(tyyppi) {
    var option = $("tyyppi").querySelector('option[value="' + tyyppi + '"]');
    return option ? option.textContent : tyyppi;
  }

  // Follow-up triggers: the survey's national questions, then the provider's extra ones.
  function triggers() {
    var select = $("nayta-kysymys"), keep = select.value;
    var national = JSON.parse($("kyselytyyppi").selectedOptions[0].dataset.kysymykset || "[]");
    select.textContent = "";
    var always = document.createElement("option");
    always.value = ""; always.textContent = text.always; select.appendChild(always);
    national.concat(rows.map(function (r) { return [r.tunnus, r.teksti.fi]; })).forEach(function (q) {
      var option = document.createElement("option");
      option.value = q[0]; option.textContent = q[1]; select.appendChild(option);
    });
    select.value = keep;
  }

  var FIELDS = "id tunnus jarjestys tyyppi pakollinen maxPituus enOsaaSanoa teksti { fi sv en } " +
    "vaihtoehdot { koodi teksti { fi sv en } } naytaKun { kysymys arvot }";

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "toissijainen"; b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function render() {
    var list = $("lista");
    list.textContent = "";
    if (!rows.length) { var li = document.createElement("li"); li.textContent = text.empty; list.appendChild(li); }
    rows.forEach(function (row, i) {
      var li = document.createElement("li");
      li.appendChild(document.createTextNode(row.teksti.fi + " / " + row.teksti.sv + " / " + row.teksti.en +
        " (" + typeName(row.tyyppi) + (row.pakollinen ? ", " + text.required : "") + ") "));
      if (i > 0) { li.appendChild(button(text.up, function () { move(i, -1); })); }
      if (i < rows.length - 1) { li.appendChild(button(text.down, function () { move(i, 1); })); }
      li.appendChild(button(text.edit, function () { edit(row); }));
      li.appendChild(button(text.retire, function () { retire(row); }));
      list.appendChild(li);
    });
  }

  function load() {
    status(text.loading);
    return gql("query($koulutustoimijaOid: String!, $kyselytyyppi: Kyselytyyppi!) { lisakysymykset(koulutustoimijaOid: $koulutustoimijaOid, kyselytyyppi: $kyselytyyppi) { " + FIELDS + " } kyselyAsetus(koulutustoimijaOid: $koulutustoimijaOid, kyselytyyppi: $kyselytyyppi) { uudelleenohjausUrl } }", selection())
      .then(function (data) {
        rows = data.lisakysymykset;
        $("uudelleenohjaus").value = data.kyselyAsetus.uudelleenohjausUrl || "";
        render(); triggers(); status("");
      }).catch(function (e) { status(e.message); });
  }

  function move(i, step) {
    var ids = rows.map(function (r) { return r.id; });
    var moved = ids.splice(i, 1)[0];
    ids.splice(i + step, 0, moved);
    var v = selection(); v.ids = ids;
    gql("mutation($koulutustoimijaOid: String!, $kyselytyyppi: Kyselytyyppi!, $ids: [Int!]!) { reorderLisakysymykset(koulutustoimijaOid: $koulutustoimijaOid, kyselytyyppi: $kyselytyyppi, ids: $ids) { id } }", v)
      .then(load).catch(function (e) { status(e.message); });
  }

  function retire(row) {
    if (!window.confirm(text.confirm)) { return; }
    gql("mutation($id: Int!) { retireLisakysymys(id: $id) { id } }", { id: row.id })
      .then(load).catch(function (e) { status(e.message); });
  }

  function edit(row) {
    $("muokattava").value = row.id;
    $("tyyppi").value = row.tyyppi;
    ["fi", "sv", "en"].forEach(function (k) { $("teksti-" + k).value = row.teksti[k]; });
    $("vaihtoehdot").value = row.vaihtoehdot.map(function (v) {
      return [v.koodi, v.teksti.fi, v.teksti.sv, v.teksti.en].join("; ");
    }).join("\n");
    $("max-pituus").value = row.maxPituus || 1000;
    $("pakollinen").checked = row.pakollinen;
    $("en-osaa-sanoa").checked = row.enOsaaSanoa;
    $("nayta-kysymys").value = row.naytaKun ? row.naytaKun.kysymys : "";
    $("nayta-arvot").value = row.naytaKun ? row.naytaKun.arvot.join(", ") : "";
    $("teksti-fi").focus();
    preview();
  }

  function maaritys() {
    var tyyppi = $("tyyppi").value;
    var m = { tyyppi: tyyppi, pakollinen: $("pakollinen").checked,
      teksti: { fi: $("teksti-fi").value, sv: $("teksti-sv").value, en: $("teksti-en").value } };
    if (tyyppi === "valinta" || tyyppi === "monivalinta") {
      m.vaihtoehdot = $("vaihtoehdot").value.split("\n").filter(function (l) { return l.trim(); }).map(function (l) {
        var p = l.split(";").map(function (s) { return s.trim(); });
        return { koodi: p[0] || "", teksti: { fi: p[1] || "", sv: p[2] || "", en: p[3] || "" } };
      });
    }
    if (tyyppi === "teksti") { m.maxPituus = parseInt($("max-pituus").value, 10) || null; }
    if (tyyppi === "likert") { m.enOsaaSanoa = $("en-osaa-sanoa").checked; }
    if ($("nayta-kysymys").value) {
      m.naytaKun = { kysymys: $("nayta-kysymys").value,
        arvot: $("nayta-arvot").value.split(",").map(function (v) { return v.trim(); }).filter(Boolean) };
    }
    return m;
  }

  // The live preview: the question in its stored form, drawn by the survey form's own template.
  var previewTimer = null;
  function preview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      var m = maaritys(), stored = { tyyppi: m.tyyppi, teksti: m.teksti, pakollinen: m.pakollinen };
      if (m.vaihtoehdot) { stored.vaihtoehdot = m.vaihtoehdot; }
      if (m.maxPituus) { stored.max_pituus = m.maxPituus; }
      if (m.enOsaaSanoa) { stored.en_osaa_sanoa = true; }
      if (m.naytaKun) { stored.nayta_kun = m.naytaKun; }
      var url = "/editori/esikatselu?lang=" + document.documentElement.lang + "&m=" + encodeURIComponent(JSON.stringify(stored));
      fetch(url).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
        if (html === null) { $("esikatselu").textContent = text.incomplete; } else { $("esikatselu").innerHTML = html; }
      });
    }, 250);
  }

  $("haku").addEventListener("submit", function (e) { e.preventDefault(); load(); });
  $("token").addEventListener("change", loadOrganisations);
  $("kyselytyyppi").addEventListener("change", triggers);
  $("kysymys").addEventListener("input", preview);
  $("kysymys").addEventListener("change", preview);
  triggers();
  preview();
  $("kysymys").addEventListener("reset", function () { $("muokattava").value = ""; setTimeout(preview, 0); });
  $("kysymys").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = $("muokattava").value;
    var done = id
      ? gql("mutation($id: Int!, $m: LisakysymysInput!) { editLisakysymys(id: $id, maaritys: $m) { id } }", { id: parseInt(id, 10), m: maaritys() })
      : gql("mutation($koulutustoimijaOid: String!, $kyselytyyppi: Kyselytyyppi!, $m: LisakysymysInput!) { addLisakysymys(koulutustoimijaOid: $koulutustoimijaOid, kyselytyyppi: $kyselytyyppi, maaritys: $m) { id } }",
          Object.assign(selection(), { m: maaritys() }));
    done.then(function () { $("kysymys").reset(); return load(); }).then(function () { status(text.saved); })
      .catch(function (err) { status(err.message); });
  });
  $("url").addEventListener("submit", function (e) {
    e.preventDefault();
    gql("mutation($koulutustoimijaOid: String!, $kyselytyyppi: Kyselytyyppi!, $url: String) { setUudelleenohjausUrl(koulutustoimijaOid: $koulutustoimijaOid, kyselytyyppi: $kyselytyyppi, url: $url) { uudelleenohjausUrl } }",
      Object.assign(selection(), { url: $("uudelleenohjaus").value.trim() || null }))
      .then(function (data) { $("uudelleenohjaus").value = data.setUudelleenohjausUrl.uudelleenohjausUrl || ""; status(text.saved); })
      .catch(function (err) { status(err.message); });
  });
})();
