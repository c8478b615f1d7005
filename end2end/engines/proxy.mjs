// The "network" between a browser and xingqi in the WebDriver journeys: a reverse proxy the
// browser talks to. WebDriver has no offline switch; stopping this proxy (closing its port and
// every open connection) is the phone losing its signal, starting it again is the signal back.
import { createServer, request } from 'node:http';

export function stoppableProxy(port, target) {
  let server = null;
  const sockets = new Set();
  const handle = (req, res) => {
    const upstream = request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (up) => { res.writeHead(up.statusCode, up.headers); up.pipe(res); },
    );
    upstream.on('error', () => { res.destroy(); });
    req.pipe(upstream);
  };
  return {
    // Starting a running proxy changes nothing (a second listener would fail, and the first
    // would live on unseen by stop()).
    start: () => new Promise((resolve, reject) => {
      if (server) return resolve();
      const starting = createServer(handle);
      starting.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
      starting.once('error', reject);
      starting.listen(port, '127.0.0.1', () => { server = starting; resolve(); });
    }),
    stop: () => new Promise((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      sockets.clear();
      server = null;
    }),
  };
}
