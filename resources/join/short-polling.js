// Short polling: ask every second; the server answers at once, 204 when there is nothing new.
function start() { poll("/updates", 1000); }
