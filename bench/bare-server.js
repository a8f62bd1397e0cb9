// The baseline of bench/cold-start.ts: a bare node:http server started the same way.
require('node:http')
  .createServer((req, res) => res.end('ok'))
  .listen(Number(process.env.PORT));
