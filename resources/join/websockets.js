// WebSockets: one connection both ways; items are pushed, and the student can chat back.
function start() {
  const socket = new WebSocket(joinUrl("/feed", {}, location.protocol === "https:" ? "wss:" : "ws:"));
  let sent = 0;
  socket.onopen = () => {
    log("connected");
    offerTalk(text => socket.send(JSON.stringify({ type: "chat", id: studentName + "-" + (++sent), text })));
  };
  socket.onmessage = event => {
    let message;
    try { message = JSON.parse(event.data); } catch (e) { log(event.data); return; }
    if (message.type === "gap") log("missed items " + message.from + "–" + message.to);
    else if (message.text !== undefined) received(message.type + " " + (message.id ?? "") + ": " + message.text);
    else log(event.data);
  };
  socket.onclose = event => status("Connection closed (" + event.code + (event.reason ? ", " + event.reason : "") + ")");
}
