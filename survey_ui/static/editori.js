// The extra-questions editor: everything goes through the GraphQL API with the pasted bearer token.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var text = $("editori").dataset;
  var rows = [];

  function status(message) { $("tila").textContent = message; }
  function selection() { return { koulutustoimijaOid: $("koulutustoimija").value.trim(), kyselytyyppi: $("kyselytyyppi").value }; }

  function gql(query, variables) {
    return fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + $("token").value.trim() },
      body: JSON.stringify({ query: query, variables: variables })
    }).then(function (r) { return r.json(); }).then(function (body) {
      if (body.errors) {
        throw new Error(body.errors.map(function (e) {
          var field = e.extensions && e.extensions.field;
          return e.message + (field ? " (" + field + ")" : "");
        }).join("; "));
      }
      return body.data;
    });
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
        " [" + row.tyyppi + (row.pakollinen ? ", *" : "") + "] "));
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
        render(); status("");
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
    $("teksti-fi").focus();
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
    return m;
  }

  $("haku").addEventListener("submit", function (e) { e.preventDefault(); load(); });
  $("kysymys").addEventListener("reset", function () { $("muokattava").value = ""; });
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
