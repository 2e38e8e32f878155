// coophub: starts GraphiQL (vendored, see assets/vendor/README.md) on this
// server's endpoint; a separate file because the pages' CSP runs no inline script.
(function () {
  "use strict";
  var here = window.location;
  var ws = (here.protocol === "https:" ? "wss://" : "ws://") + here.host + "/graphql/ws";
  var fetcher = GraphiQL.createFetcher({
    url: here.origin + "/graphql",
    subscriptionUrl: ws,
    fetch: function (url, opts) {
      return window.fetch(url, Object.assign({}, opts, { credentials: "same-origin" }));
    },
  });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultQuery:
        "# coophub: the open GraphQL hub of Polish social cooperatives.\n" +
        "# Press the play button (or Ctrl-Enter) to run this query.\n" +
        "{\n  cooperatives(first: 5, filter: {text: \"catering\"}) {\n" +
        "    totalCount\n    nodes { name seat { name } isSample }\n  }\n}\n",
    })
  );
})();
