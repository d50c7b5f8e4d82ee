// Reads JSON documents (one a line) and canonizes each as Digital Bazaar's cryptosuites do
// (jsonld.js in safe mode, RDFC-1.0, our pinned contexts). Prints one JSON line each:
// {"ok": n-quads} or {"error": event code or message}. Used by crosscheck_canonical.py.
// Usage: node canonize.mjs DOCUMENTS.jsonl
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import jsonld from 'jsonld';

const here = path.dirname(fileURLToPath(import.meta.url));
const ctxDir = path.join(here, '..', '..', 'src', 'skillswallet', 'credentials', 'contexts');
const manifest = JSON.parse(readFileSync(path.join(ctxDir, 'manifest.json'), 'utf8'));
const contexts = new Map(Object.entries(manifest).map(
  ([url, {file}]) => [url, JSON.parse(readFileSync(path.join(ctxDir, file), 'utf8'))]));
const documentLoader = async url => {
  if(!contexts.has(url)) throw new Error('unknown context ' + url);
  return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
};
const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
for(const line of lines) {
  const doc = JSON.parse(line);
  try {
    const nq = await jsonld.canonize(doc, {
      algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader, safe: true,
      base: null});
    console.log(JSON.stringify({ok: nq}));
  } catch(e) {
    const details = e.details || {};
    const code = (details.event && details.event.code) || details.code || e.message;
    console.log(JSON.stringify({error: code}));
  }
}
