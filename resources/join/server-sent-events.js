// Server-sent events: one EventSource; the browser reconnects by itself with Last-Event-ID.
function start() {
  const source = new EventSource(joinUrl("/events"));
  const show = event => received("event " + event.lastEventId + ": " + event.data);
  source.onmessage = show;
  source.addEventListener("price", show);
  source.onopen = () => log("stream open");
  source.onerror = () => log(source.readyState === EventSource.CLOSED ? "stream closed" : "reconnecting…");
}
