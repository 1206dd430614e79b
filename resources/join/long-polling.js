// Long polling: ask again right away; the server holds each request until there is something new.
function start() { poll("/poll", 0); }
