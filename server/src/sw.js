// xingqi's service worker, served by the server with this build's file list (`/sw.js`).
//
// - Install: precaches this build's hashed app files, the manifest and icons, under a cache
//   named for the build's version; activate removes every other version's cache.
// - Pages are network-first: a fresh copy when online (and kept), the kept copy when offline.
// - The app's hashed files never change: cache-first.
// - Pushes, sign-in and server functions (POST, /api, /auth) never touch the cache.
// - A page can ask for a URL to be kept ({type: 'warm'}) and is told when it is.
const VERSION = '__VERSION__';
const CACHE = 'xingqi-' + VERSION;
const APP_FILES = __APP_FILES__;

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
      .then(() => port && port.postMessage({ ok: true, version: VERSION }),
            (error) => port && port.postMessage({ ok: false, error: String(error) }))
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/auth/')) return;
  if (APP_FILES.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
    return;
  }
  const isPage = request.mode === 'navigate';
  const isAppFile = url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/icons/');
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
