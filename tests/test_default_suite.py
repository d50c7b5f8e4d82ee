"""The suite a key signs with when none is named (issue #14: @direction and RDFC)."""

from __future__ import annotations

from skillswallet import KeyPair, verification_method_id
from skillswallet.credentials.issue import issue_credential
from skillswallet.credentials.suites import default_suite
from skillswallet.did.multikey import KeyType
from skillswallet.verify import verify

PLAIN = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "credentialSubject": {"name": "Carpentry"},
}
DIRECTED = {**PLAIN, "description": {"@value": "نجارة", "@language": "ar", "@direction": "rtl"}}


def test_rdfc_by_default_and_jcs_for_a_text_direction() -> None:
    assert default_suite(KeyType.ED25519, PLAIN) == "eddsa-rdfc-2022"
    assert default_suite(KeyType.P256, PLAIN) == "ecdsa-rdfc-2019"
    assert default_suite(KeyType.ED25519, DIRECTED) == "eddsa-jcs-2022"
    assert default_suite(KeyType.P384, DIRECTED) == "ecdsa-jcs-2019"
    assert default_suite(KeyType.ED25519) == "eddsa-rdfc-2022"


def test_the_chosen_suite_signs_the_direction_so_flipping_it_fails() -> None:
    for key_type in (KeyType.ED25519, KeyType.P256):
        pair = KeyPair.generate(key_type)
        signer = pair.signer(verification_method_id(pair.public))
        vc = issue_credential(DIRECTED, signer, cryptosuite=default_suite(key_type, DIRECTED))
        assert verify(vc).verified
        vc["description"]["@direction"] = "ltr"
        assert not verify(vc).verified
