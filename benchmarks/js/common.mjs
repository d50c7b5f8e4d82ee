// What bench.mjs and serve.mjs share: the pinned contexts (the same files as the Python
// side, no network), the interop keys and a document loader for both keys' did:key
// documents.
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const ctxDir = path.join(root, 'src', 'skillswallet', 'credentials', 'contexts');
export const interop = path.join(root, 'tests', 'conformance', 'interop');
const manifest = JSON.parse(readFileSync(path.join(ctxDir, 'manifest.json'), 'utf8'));
const contexts = new Map(Object.entries(manifest).map(
  ([url, {file}]) => [url, JSON.parse(readFileSync(path.join(ctxDir, file), 'utf8'))]));

export const readInterop = name => JSON.parse(readFileSync(path.join(interop, name), 'utf8'));
export const edKey = readInterop('issuer-ed25519.key.json');
export const pKey = readInterop('issuer-p256.key.json');

function didKeyDocuments(key) {
  const did = `did:key:${key.publicKeyMultibase}`;
  const id = `${did}#${key.publicKeyMultibase}`;
  const ctx = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'];
  const method = {id, type: 'Multikey', controller: did,
    publicKeyMultibase: key.publicKeyMultibase};
  return [
    [id, {'@context': ctx, ...method}],
    [did, {'@context': ctx, id: did, verificationMethod: [method],
      assertionMethod: [id], authentication: [id]}]
  ];
}

const documents = new Map([...didKeyDocuments(edKey), ...didKeyDocuments(pKey)]);

export async function documentLoader(url) {
  const document = contexts.get(url) ?? documents.get(url);
  if(document === undefined) {
    throw new Error(`refused: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

export async function keyPairFor(keyInfo, Multikey) {
  return Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1', type: 'Multikey',
    id: keyInfo.verificationMethod, controller: keyInfo.did,
    publicKeyMultibase: keyInfo.publicKeyMultibase, secretKeyMultibase: keyInfo.secretKeyMultibase
  });
}
