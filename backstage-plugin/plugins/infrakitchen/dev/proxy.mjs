/* eslint-disable no-console */ // a command-line script: the console is its output
// Stands in for the Backstage backend's proxy while developing or in the e2e test:
//   /api/proxy/infrakitchen/*  ->  <INFRAKITCHEN_URL>/*   with  Authorization: Bearer <INFRAKITCHEN_TOKEN>
//   and the WebSocket /api/proxy/infrakitchen/api/v1/ws, with the token as its second subprotocol
// In a real Backstage the proxy forwards the signed-in user's token (`credentials: forward`) instead.
// It answers CORS for the dev app's origin, as the Backstage backend does, and lets X-Pagination through.
import http from 'node:http';

export function startProxy({ port, target, token, appOrigin, log = () => {} }) {
  const prefix = '/api/proxy/infrakitchen';
  // appOrigin may be an object whose toString() is filled in later (the e2e learns the app's port last).
  const corsHeaders = () => ({
    'Access-Control-Allow-Origin': String(appOrigin),
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    'Access-Control-Expose-Headers': 'X-Pagination',
  });
  const server = http.createServer((req, res) => {
    const cors = corsHeaders();
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (!req.url?.startsWith(`${prefix}/`)) {
      res.writeHead(404, { ...cors, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { name: 'NotFoundError', message: 'not proxied' } }));
      return;
    }
    const url = new URL(req.url.slice(prefix.length), target);
    const headers = { ...req.headers, host: url.host, authorization: `Bearer ${token}` };
    delete headers.origin;
    delete headers.referer;
    // A connection of its own per request (agent: false): Node keeps idle sockets for 5 s, gunicorn closes
    // them after 2 s, and a request sent on one it just closed fails with "socket hang up".
    const upstream = http.request(url, { method: req.method, headers, agent: false }, up => {
      log(`${req.method} ${url.pathname}${url.search} -> ${up.statusCode}`);
      res.writeHead(up.statusCode ?? 502, { ...up.headers, ...cors });
      up.pipe(res);
    });
    upstream.on('error', error => {
      log(`${req.method} ${url.pathname} -> ${error.message}`);
      res.writeHead(502, { ...cors, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: 502, status: 'Bad Gateway', message: error.message }));
    });
    req.pipe(upstream);
  });
  // The WebSocket (/api/proxy/infrakitchen/api/v1/ws): the guest dev app has no token to offer, so the
  // proxy offers the service token as the second subprotocol, as the plugin does with a user's token.
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith(`${prefix}/`)) {
      socket.destroy();
      return;
    }
    const url = new URL(req.url.slice(prefix.length), target);
    const offered = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map(p => p.trim())
      .filter(Boolean);
    const protocols = [offered[0] ?? 'infrakitchen.v1', token];
    const headers = { ...req.headers, host: url.host, 'sec-websocket-protocol': protocols.join(', ') };
    delete headers.origin;
    const upstream = http.request(url, { method: 'GET', headers });
    upstream.on('upgrade', (up, upSocket, upHead) => {
      log(`WS ${url.pathname} -> ${up.statusCode} ${up.headers['sec-websocket-protocol'] ?? ''}`);
      const lines = [`HTTP/1.1 ${up.statusCode} ${up.statusMessage}`];
      for (let i = 0; i < up.rawHeaders.length; i += 2) lines.push(`${up.rawHeaders[i]}: ${up.rawHeaders[i + 1]}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (upHead?.length) socket.write(upHead);
      if (head?.length) upSocket.write(head);
      upSocket.pipe(socket).pipe(upSocket);
      upSocket.on('error', () => socket.destroy());
      socket.on('error', () => upSocket.destroy());
    });
    upstream.on('response', res => {
      log(`WS ${url.pathname} -> ${res.statusCode} (no upgrade)`);
      socket.end(`HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n\r\n`);
    });
    upstream.on('error', error => {
      log(`WS ${url.pathname} -> ${error.message}`);
      socket.destroy();
    });
    upstream.end();
  });
  return new Promise(resolve => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// `node dev/proxy.mjs` for the dev app: INFRAKITCHEN_URL and INFRAKITCHEN_TOKEN from the environment.
if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.env.INFRAKITCHEN_URL ?? 'http://127.0.0.1:7777';
  const token = process.env.INFRAKITCHEN_TOKEN;
  if (!token) {
    console.error('Set INFRAKITCHEN_TOKEN (e.g. the admin token `infrakitchen demo` prints).');
    process.exit(1);
  }
  await startProxy({
    port: Number(process.env.PROXY_PORT ?? 7007),
    target,
    token,
    appOrigin: process.env.APP_ORIGIN ?? 'http://localhost:3000',
    log: line => console.log(line),
  });
  console.log(`proxy on http://localhost:${process.env.PROXY_PORT ?? 7007}/api/proxy/infrakitchen -> ${target}`);
}
