// inventory: stock levels for checkout. Node.js 20, no framework.
const http = require('node:http');
const { lookupStock } = require('./stock');

const server = http.createServer(async (req, res) => {
  const match = /^\/stock\/([\w-]+)$/.exec(req.url ?? '');
  if (req.method !== 'GET' || !match) {
    res.writeHead(404).end();
    return;
  }
  const stock = await lookupStock(match[1]);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(stock) + '\n');
});

server.listen(3000, () => {
  console.log('inventory listening on :3000');
});
