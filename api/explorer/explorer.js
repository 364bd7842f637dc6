// The offline API explorer: GraphiQL from the vendored assets, every request with the pasted bearer token.
(function () {
  "use strict";
  var input = document.getElementById("token");
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  var FIRST_QUERY = "# The caller and its roles. Paste the token above, press Use token, then run (Ctrl-Enter).\n" +
    "{ me { nimi tyyppi roolit { rooli organisaatio { oid nimi tyyppi kuntakoodi } } } }\n";

  function fetcher(params) {
    return fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + input.value.trim() },
      body: JSON.stringify(params)
    }).then(function (response) { return response.json(); });
  }

  var generation = 0;
  function render() {
    // A new key remounts GraphiQL, so the schema (and its Docs) is fetched again with the new token.
    generation += 1;
    root.render(React.createElement(GraphiQL, { key: generation, fetcher: fetcher, defaultQuery: FIRST_QUERY }));
  }
  document.getElementById("use-token").addEventListener("click", render);
  input.addEventListener("keydown", function (event) { if (event.key === "Enter") { render(); } });
  render();
})();
