import http from "node:http";

/*
 * The baseline: a bare node:http server answering a static HTML page (10 KB) about the size of
 * Bascule's home page. Run as a child process (forked by bench/lib/processes.ts) so that it does
 * not share an event loop with the load generator; it reports its port over IPC and exits when
 * its parent goes away.
 */
const PAGE_BYTES = 10 * 1024;

function buildPage(): Buffer {
  const head = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Bascule</title></head><body><main>';
  const tail = "</main></body></html>";
  const paragraph = "<p>Votre mutuelle santé, vos garanties et vos remboursements en ligne.</p>";
  let html = head;
  while (Buffer.byteLength(html + paragraph + tail) <= PAGE_BYTES) html += paragraph;
  return Buffer.from(html + tail);
}

const page = buildPage();
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": page.length });
  res.end(page);
});
server.keepAliveTimeout = 65_000;

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("baseline server has no TCP address");
  process.send?.({ port: address.port, pageBytes: page.length });
});

process.on("disconnect", () => process.exit(0));
