// The reference JavaScript stack (Digital Bazaar), measured on the same OB 3.0 sample and
// the same pinned contexts as the Python benchmark. Prints medians as JSON.
// Usage: node bench.mjs [seconds]
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  createSignCryptosuite as eddsaJcsSign, createVerifyCryptosuite as eddsaJcsVerify
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {documentLoader, edKey, keyPairFor, pKey, readInterop} from './common.mjs';

const seconds = Number(process.argv[2] || 2);

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

async function bench(name, cryptosuite, keyInfo, Multikey, verifyCryptosuite = cryptosuite) {
  const keyPair = await keyPairFor(keyInfo, Multikey);
  const unsigned = readInterop('ob3-unsigned.json');
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
