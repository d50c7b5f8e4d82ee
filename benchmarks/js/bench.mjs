// The reference JavaScript stack (Digital Bazaar), measured on the same OB 3.0 sample and
// the same pinned contexts as the Python benchmark. Prints medians as JSON.
// Usage: node bench.mjs [seconds]
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  createSignCryptosuite as eddsaJcsSign, createVerifyCryptosuite as eddsaJcsVerify
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const ctxDir = path.join(root, 'src', 'skillswallet', 'credentials', 'contexts');
const interop = path.join(root, 'tests', 'conformance', 'interop');
const manifest = JSON.parse(readFileSync(path.join(ctxDir, 'manifest.json'), 'utf8'));
const contexts = new Map(Object.entries(manifest).map(
  ([url, {file}]) => [url, JSON.parse(readFileSync(path.join(ctxDir, file), 'utf8'))]));
const seconds = Number(process.argv[2] || 2);

function didKeyDocument(key) {
  const did = `did:key:${key.publicKeyMultibase}`;
  const id = `${did}#${key.publicKeyMultibase}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase: key.publicKeyMultibase,
    _controllerDoc: {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [{id, type: 'Multikey', controller: did,
        publicKeyMultibase: key.publicKeyMultibase}],
      assertionMethod: [id], authentication: [id]
    }
  };
}

function loaderFor(keys) {
  const docs = new Map();
  for(const k of keys) {
    const vm = didKeyDocument(k);
    docs.set(vm.id, (({_controllerDoc, ...rest}) => rest)(vm));
    docs.set(vm.controller, vm._controllerDoc);
  }
  return async url => {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
    }
    if(docs.has(url)) {
      return {contextUrl: null, documentUrl: url, document: docs.get(url)};
    }
    throw new Error(`refused: ${url}`);
  };
}

async function measure(fn) {
  await fn();
  const samples = [];
  const end = performance.now() + seconds * 1000;
  while(performance.now() < end || samples.length < 20) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  return {median_ms: Number(median.toFixed(4)), per_second: Number((1000 / median).toFixed(1)),
    runs: samples.length};
}

const edKey = JSON.parse(readFileSync(path.join(interop, 'issuer-ed25519.key.json'), 'utf8'));
const pKey = JSON.parse(readFileSync(path.join(interop, 'issuer-p256.key.json'), 'utf8'));
const documentLoader = loaderFor([edKey, pKey]);

async function bench(name, cryptosuite, keyInfo, Multikey, verifyCryptosuite = cryptosuite) {
  const keyPair = await Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1', type: 'Multikey',
    id: keyInfo.verificationMethod, controller: keyInfo.did,
    publicKeyMultibase: keyInfo.publicKeyMultibase, secretKeyMultibase: keyInfo.secretKeyMultibase
  });
  const unsigned = JSON.parse(readFileSync(path.join(interop, 'ob3-unsigned.json'), 'utf8'));
  unsigned.issuer.id = keyInfo.did;
  const date = '2025-06-01T12:00:00Z';
  const signSuite = () => new DataIntegrityProof({signer: keyPair.signer(), date, cryptosuite});
  const signed = await vc.issue({credential: structuredClone(unsigned), suite: signSuite(),
    documentLoader});
  const verifySuite = new DataIntegrityProof({cryptosuite: verifyCryptosuite});
  const check = await vc.verifyCredential({credential: signed, suite: verifySuite,
    documentLoader, checkStatus: undefined});
  if(!check.verified) {
    throw new Error(`${name}: reference failed to verify its own credential`);
  }
  return {
    sign: await measure(() => vc.issue({credential: structuredClone(unsigned),
      suite: signSuite(), documentLoader})),
    verify: await measure(() => vc.verifyCredential({credential: signed, suite: verifySuite,
      documentLoader}))
  };
}

const out = {
  'eddsa-rdfc-2022': await bench('eddsa-rdfc-2022', eddsaRdfc, edKey, Ed25519Multikey),
  'eddsa-jcs-2022': await bench('eddsa-jcs-2022', eddsaJcsSign(), edKey, Ed25519Multikey,
    eddsaJcsVerify()),
  'ecdsa-rdfc-2019': await bench('ecdsa-rdfc-2019', ecdsaRdfc, pKey, EcdsaMultikey),
};
console.log(JSON.stringify(out, null, 2));
