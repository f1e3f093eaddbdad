'use strict';
// The peer for the fan-out benchmark: a minimal broadcast relay on npm `ws`. Every text frame a
// client sends goes to every connected client.  node ws-relay.js PORT
const { WebSocketServer } = require('ws');
const port = Number(process.argv[2] || 0);
const server = new WebSocketServer({ port, host: '127.0.0.1', backlog: 4096 });
server.on('listening', () => console.log(`relay listening on ws://127.0.0.1:${server.address().port}`));
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    for (const client of server.clients) client.send(data, { binary: isBinary });
  });
});
