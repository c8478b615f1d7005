// xingqi's service worker: lets a page that was open once open again without a network.
//
// - The app's code (/pkg/…) is cached at install, so it loads offline.
// - Pages are network-first: a fresh copy when online (and kept), the kept copy when offline.
// - Pushes, sign-in and server functions (POST, /api, /auth) never touch the cache.
// - A page can ask for a URL to be kept ({type: 'warm'}) and is told when it is.
// Issue 3 replaces this with a versioned precache of the hashed build.
const CACHE = 'xingqi-v1';
const APP_FILES = ['/pkg/xingqi.js', '/pkg/xingqi.wasm', '/pkg/xingqi.css'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(APP_FILES)).then(() => self.skipWaiting())
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function keepable(response) {
  return response && response.ok && !response.redirected && response.type === 'basic';
}

self.addEventListener('message', (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  if (data.type !== 'warm') return;
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => Promise.all((data.urls || []).map((url) =>
        fetch(url, { credentials: 'same-origin' }).then((response) => {
          if (!keepable(response)) throw new Error('not kept: ' + url + ' ' + response.status);
          return cache.put(url, response);
        }))))
      .then(() => port && port.postMessage({ ok: true }),
            (error) => port && port.postMessage({ ok: false, error: String(error) }))
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/auth/')) return;
  const isPage = request.mode === 'navigate';
  const isAppFile = url.pathname.startsWith('/pkg/');
  if (!isPage && !isAppFile) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (keepable(response)) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(isPage ? url.pathname : request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(isPage ? url.pathname : request, { ignoreVary: true, ignoreSearch: isPage })
          .then((hit) => hit || Response.error())
      )
  );
});
