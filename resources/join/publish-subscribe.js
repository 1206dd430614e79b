// Publish-subscribe: a subscriber of every topic on the broker, who may also publish on "chat".
function start() {
  const socket = new WebSocket(joinUrl("/", {}, location.protocol === "https:" ? "wss:" : "ws:"));
  let sent = 0;
  socket.onopen = () => {
    socket.send(JSON.stringify({ type: "subscribe", topics: ["prices", "news", "weather", "sports", "chat"] }));
    log("subscribed to prices, news, weather, sports and chat");
    offerTalk(text => socket.send(JSON.stringify({ type: "publish", topic: "chat", id: studentName + "-" + (++sent),
      payload: studentName + ": " + text })));
  };
  socket.onmessage = event => {
    let message;
    try { message = JSON.parse(event.data); } catch (e) { log(event.data); return; }
    if (message.type === "deliver")
      received(message.topic + " #" + message.seq + ": " + JSON.stringify(message.payload));
    else log(event.data);
  };
  socket.onclose = event => status("Connection closed (" + event.code + (event.reason ? ", " + event.reason : "") + ")");
}
