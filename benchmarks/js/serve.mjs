// The reference JavaScript stack (Digital Bazaar) as a long-lived child of
// benchmarks/run.py: one JSON request a line on stdin, one JSON answer a line on stdout.
// The Python runner interleaves its own rounds with ours, so the host's noise lands on
// both sides alike. Requests:
//   {"cmd": "setup", "case": ID, "suite": NAME, "document": {...},
//    "mandatory": [POINTER...], "selective": [POINTER...]}
//       signs the document (and, for ecdsa-sd-2023, derives), verifies once, warms up;
//   {"cmd": "run", "case": ID, "op": "sign" | "verify" | "base" | "derive", "n": N}
//       times N operations, answers {"samples_ms": [...]};
//   {"cmd": "versions"} answers the pinned package versions.
// Suites: the Data Integrity cryptosuites, and Ed25519Signature2020 (the legacy proof
// type, @digitalbazaar/ed25519-signature-2020). Contexts come from the same pinned files
// as the Python side (common.mjs; no network).
import {readFileSync} from 'node:fs';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  createSignCryptosuite as eddsaJcsSign, createVerifyCryptosuite as eddsaJcsVerify
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {
  createSignCryptosuite as sdSign, createDiscloseCryptosuite as sdDisclose,
  createVerifyCryptosuite as sdVerify
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {documentLoader, edKey, keyPairFor, pKey} from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DATE = '2025-06-01T12:00:00Z';

const SUITES = {
  'eddsa-rdfc-2022': {key: edKey, Multikey: Ed25519Multikey,
    sign: () => eddsaRdfc, verify: () => eddsaRdfc},
  'eddsa-jcs-2022': {key: edKey, Multikey: Ed25519Multikey,
    sign: () => eddsaJcsSign(), verify: () => eddsaJcsVerify()},
  'ecdsa-rdfc-2019': {key: pKey, Multikey: EcdsaMultikey,
    sign: () => ecdsaRdfc, verify: () => ecdsaRdfc},
  'ecdsa-sd-2023': {key: pKey, Multikey: EcdsaMultikey,
    sign: ({mandatory}) => sdSign({mandatoryPointers: mandatory}),
    verify: () => sdVerify()},
  // The legacy proof type (not a Data Integrity cryptosuite): its own suite class.
  'Ed25519Signature2020': {key: edKey, Multikey: Ed25519Multikey, legacy: Ed25519Signature2020},
};

const cases = new Map();

async function setup({case: id, suite, document, mandatory = [], selective = []}) {
  const spec = SUITES[suite];
  if(!spec) {
    throw new Error(`unknown suite ${suite}`);
  }
  const keyPair = await keyPairFor(spec.key, spec.Multikey);
  const unsigned = structuredClone(document);
  unsigned.issuer.id = spec.key.did;
  const signSuite = () => spec.legacy ?
    new spec.legacy({signer: keyPair.signer(), date: DATE}) :
    new DataIntegrityProof({
      signer: keyPair.signer(), date: DATE, cryptosuite: spec.sign({mandatory})});
  const verifySuite = spec.legacy ? new spec.legacy() :
    new DataIntegrityProof({cryptosuite: spec.verify()});
  const issue = () => vc.issue({credential: structuredClone(unsigned), suite: signSuite(),
    documentLoader});
  const signed = await issue();
  const ops = {};
  let toVerify = signed;
  if(suite === 'ecdsa-sd-2023') {
    const discloseSuite = new DataIntegrityProof({
      cryptosuite: sdDisclose({selectivePointers: selective})});
    const derive = () => vc.derive({verifiableCredential: signed, suite: discloseSuite,
      documentLoader});
    toVerify = await derive();
    ops.base = issue;
    ops.derive = derive;
  } else {
    ops.sign = issue;
  }
  ops.verify = () => vc.verifyCredential({credential: toVerify, suite: verifySuite,
    documentLoader});
  const check = await ops.verify();
  if(!check.verified) {
    throw new Error(`${id}: the reference failed to verify its own credential: ` +
      JSON.stringify(check.error ?? check.results?.[0]?.error ?? check));
  }
  for(const fn of Object.values(ops)) {
    await fn();  // warm (contexts, JIT) as a long-running service would be
  }
  cases.set(id, ops);
  return {ok: true, ops: Object.keys(ops)};
}

async function run({case: id, op, n}) {
  const fn = cases.get(id)?.[op];
  if(!fn) {
    throw new Error(`no operation ${op} for case ${id}`);
  }
  const samples = [];
  for(let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return {samples_ms: samples};
}

function versions() {
  const lock = JSON.parse(readFileSync(path.join(here, 'package-lock.json'), 'utf8'));
  const out = {node: process.version};
  for(const [where, info] of Object.entries(lock.packages ?? {})) {
    const name = where.replace(/^node_modules\//, '');
    if(name.startsWith('@digitalbazaar/') || name === 'jsonld') {
      out[name] = info.version;
    }
  }
  return out;
}

const handlers = {setup, run, versions};
const lines = createInterface({input: process.stdin});
for await (const line of lines) {
  if(!line.trim()) {
    continue;
  }
  let answer;
  try {
    const request = JSON.parse(line);
    const handler = handlers[request.cmd];
    if(!handler) {
      throw new Error(`unknown command ${request.cmd}`);
    }
    answer = await handler(request);
  } catch(e) {
    answer = {error: String(e?.stack ?? e)};
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
