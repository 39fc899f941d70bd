// The transport alone, for scripts/bench.ts: the same pages fetched over TLS from the same
// replaying front, decoded to text and written unchanged to stdout (a pipe, blocking as the
// input's is), by the Node binary the executable embeds. What the input spends beyond this and
// beyond parsing and serialising is its own work.
//
//   node test/bench/transport.mjs <bearer token> <url>...
const [token = "", ...urls] = process.argv.slice(2);
process.stdout._handle?.setBlocking?.(true);
for (const url of urls) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200 || res.body === null) throw new Error(`${url}: HTTP ${res.status}`);
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== "") process.stdout.write(text);
  }
}
