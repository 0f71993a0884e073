// LoyalNest's GraphiQL page: Strawberry's GraphiQL setup (explorer plugin, headers
// editor, subscriptions over graphql-transport-ws, the query and variables kept in the
// URL to share), loaded from the app's own files. An external script, not an inline
// one, so the page's Content-Security-Policy can refuse inline scripts.
(function () {
  "use strict";

  // /graphql answers staff with a session token only (`loyalnest token --shop ...`).
  // GraphiQL sends the Headers pane with every request, introspection included, and as
  // the connection_init payload of subscriptions, which is where /graphql reads it.
  // The pane is kept in this browser's localStorage, never in the URL.
  var HEADERS_HINT = JSON.stringify(
    { Authorization: "Bearer <session token from: loyalnest token --shop <shop>.myshopify.com>" },
    null,
    2,
  );

  var EXAMPLE_QUERY = [
    "# LoyalNest staff API.",
    "#",
    "# 1. Mint a session token:  .venv/bin/loyalnest token --shop demo.myshopify.com",
    "# 2. Put it in the Headers pane below:  {\"Authorization\": \"Bearer <token>\"}",
    "# 3. Run (Ctrl-Enter). Ctrl-Space completes field names.",
    "",
    "{",
    "  shop {",
    "    domain",
    "    currency",
    "  }",
    "}",
    "",
  ].join("\n");

  // "q", not "query": GET /graphql?query=... is a query over GET (refused), not this page
  var parameters = {};
  window.location.search
    .slice(1)
    .split("&")
    .forEach(function (entry) {
      var eq = entry.indexOf("=");
      if (eq >= 0) {
        parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(entry.slice(eq + 1));
      }
    });

  function updateURL(data) {
    Object.assign(parameters, data);
    var search = Object.keys(parameters)
      .filter(function (key) {
        return Boolean(parameters[key]);
      })
      .map(function (key) {
        return encodeURIComponent(key) + "=" + encodeURIComponent(parameters[key]);
      })
      .join("&");
    history.replaceState(null, "", "?" + search);
  }

  var fetchURL = window.location.href.split("?")[0].split("#")[0];
  var subscriptionURL = new URL(fetchURL);
  subscriptionURL.protocol = subscriptionURL.protocol === "https:" ? "wss:" : "ws:";

  var fetcher = GraphiQL.createFetcher({ url: fetchURL, subscriptionUrl: subscriptionURL.toString() });

  function LoyalNestGraphiQL() {
    var explorer = React.useMemo(function () {
      return GraphiQLPluginExplorer.explorerPlugin();
    }, []);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      query: parameters.q,
      variables: parameters.variables,
      defaultQuery: EXAMPLE_QUERY,
      defaultHeaders: HEADERS_HINT,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
      onEditQuery: function (query) {
        updateURL({ q: query });
      },
      onEditVariables: function (variables) {
        updateURL({ variables: variables });
      },
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(LoyalNestGraphiQL));
})();
