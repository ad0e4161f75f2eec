// Manabi's service worker (hand-written; served by config/pwa.py so the URLs below are the real ones).
// Shell: cache first. Pages the server marks "X-Manabi-Offline: keep" (a signed-in learner's wallet
// list and QR pages): network first, the saved copy when offline. Nothing else is stored.
"use strict";
const SHELL = "manabi-shell-v1";
const SAVED = "manabi-saved-v1";
const SHELL_URLS = {{ shell_json|safe }};
const STATIC_PREFIX = "{{ static_prefix|escapejs }}";
const OFFLINE_URL = "{{ offline_url|escapejs }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== SHELL && n !== SAVED).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget") {
    event.waitUntil(caches.delete(SAVED));
  }
});

async function fromShell(request) {
  const cached = await caches.match(request, { cacheName: SHELL });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL)).put(request, response.clone());
  return response;
}

async function networkThenSaved(request) {
  const saved = await caches.open(SAVED);
  try {
    const response = await fetch(request);
    if (response.ok && response.headers.get("X-Manabi-Offline") === "keep") {
      await saved.put(request, response.clone());
    } else if (request.mode === "navigate") {
      await saved.delete(request); // signed out, or no longer ours: never show the old copy again
    }
    return response;
  } catch (error) {
    const copy = await saved.match(request, { ignoreSearch: true });
    if (copy) return copy;
    if (request.mode === "navigate") {
      const offline = await caches.match(OFFLINE_URL, { cacheName: SHELL });
      if (offline) return offline;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(fromShell(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkThenSaved(request));
  }
});
