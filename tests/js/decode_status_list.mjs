// Reads {listCredential, credential, indices} on stdin; prints what Digital Bazaar's
// vc-bitstring-status-list makes of them: the list's length, the status of each index,
// and whether it accepts the credential's status entry.
import {
  decodeList, getCredentialStatus, statusTypeMatches
} from '@digitalbazaar/vc-bitstring-status-list';

let input = '';
for await (const chunk of process.stdin) {
  input += chunk;
}
const {listCredential, credential, indices} = JSON.parse(input);
const list = await decodeList({encodedList: listCredential.credentialSubject.encodedList});
const statuses = {};
for(const index of indices) {
  statuses[index] = list.getStatus(index);
}
const entry = getCredentialStatus({credential, statusPurpose: 'revocation'});
console.log(JSON.stringify({
  length: list.length,
  statuses,
  typeMatches: statusTypeMatches({credential}),
  entryIndex: entry.statusListIndex,
}));
