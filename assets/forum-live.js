// coophub: a forum thread's new posts, live (docs/pages.md). Speaks
// graphql-transport-ws to this server's /graphql/ws: subscribes to postAdded
// for the thread, then pings; the pong says the feed listens (the server reads
// a connection's messages in order), and the page says so. Each post arrives
// as the API renders it for an anonymous reader (consent rules included) and
// is appended once. Written for coophub.
(function () {
  "use strict";
  var list = document.getElementById("posts");
  var status = document.getElementById("live-status");
  if (!list || !window.WebSocket) return;
  var thread = list.getAttribute("data-thread");
  var here = window.location;
  var url = (here.protocol === "https:" ? "wss://" : "ws://") + here.host + "/graphql/ws";
  var query =
    "subscription($t: ID!) { postAdded(threadId: $t) { id authorName bodyHtml createdAt } }";
  var retry = 1000;

  function say(text, state) {
    status.textContent = text;
    document.body.setAttribute("data-live", state);
  }

  function author(name) {
    return name === "Anonymous participant" ? "Uczestnik anonimowy" : name;
  }

  function append(post) {
    if (document.getElementById("post-" + post.id)) return;
    var li = document.createElement("li");
    li.className = "post";
    li.id = "post-" + post.id;
    li.setAttribute("data-id", post.id);
    var meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent =
      author(post.authorName) + " · " + String(post.createdAt).replace("T", " ").slice(0, 16);
    li.appendChild(meta);
    var body = document.createElement("div");
    // bodyHtml is rendered by the API from Markdown with raw HTML escaped.
    body.innerHTML = post.bodyHtml || "";
    li.appendChild(body);
    list.appendChild(li);
  }

  function connect() {
    var ws = new WebSocket(url, "graphql-transport-ws");
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "connection_init", payload: {} }));
    };
    ws.onmessage = function (event) {
      var m = JSON.parse(event.data);
      if (m.type === "connection_ack") {
        retry = 1000;
        ws.send(
          JSON.stringify({
            id: "posts",
            type: "subscribe",
            payload: { query: query, variables: { t: thread } },
          })
        );
        ws.send(JSON.stringify({ type: "ping", payload: { after: "posts" } }));
      } else if (m.type === "pong") {
        say("Na żywo: nowe posty pojawiają się same.", "listening");
      } else if (m.type === "ping") {
        ws.send(JSON.stringify({ type: "pong" }));
      } else if (m.type === "next" && m.payload && m.payload.data) {
        append(m.payload.data.postAdded);
      } else if (m.type === "error") {
        say("Nie można śledzić tego wątku na żywo.", "error");
      }
    };
    ws.onclose = function () {
      say("Połączenie przerwane; łączę ponownie…", "reconnecting");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
