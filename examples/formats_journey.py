"""The credentials people already hold, in one wallet: a person imports an Open Badges 2.0
badge (a signed assertion), an Ed25519Signature2020 diploma and an SD-JWT VC, sees all
three in the skills profile, and presents the SD-JWT VC to an employer with one claim
disclosed (the skill, not the grade); then the diploma and that skill together in one W3C
presentation (the SD-JWT VC enveloped in it).

Run: .venv/bin/python examples/formats_journey.py
"""

from __future__ import annotations

import base64
import hashlib
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from skillswallet import (
    KeyPair,
    did_from_public_key,
    issue_credential,
    verification_method_id,
    verify,
)
from skillswallet.openbadges2 import load_issuer_key
from skillswallet.skills.builders import Profile, Skill, diploma_credential
from skillswallet.wallet import Wallet

WELDING = "http://data.europa.eu/esco/skill/4f8d2b35-4ac8-4f1f-b4d2-1f2e54a6a0a1"
ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
SPREADSHEETS = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
EMAIL = "ada@example.org"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def open_badge_2(key: rsa.RSAPrivateKey) -> tuple[str, bytes]:
    """What a badge platform hands out: a signed Open Badges 2.0 assertion (RS256 JWS),
    and its public key document (which the person pins when importing)."""
    salt = "s4lt"
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "urn:uuid:0b6c1f4e-8d7a-4c2e-9b1a-3f5d6e7a8b9c",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": "sha256$" + hashlib.sha256((EMAIL + salt).encode()).hexdigest(),
        },
        "issuedOn": "2024-05-01T10:00:00Z",
        "verification": {"type": "SignedBadge", "creator": "https://badges.example.org/keys/1"},
        "badge": {
            "type": "BadgeClass",
            "id": "https://badges.example.org/badges/welding",
            "name": "MIG welding",
            "description": "Welds steel with MIG.",
            "image": "https://badges.example.org/badges/welding.png",
            "criteria": {"narrative": "Passed the practical test."},
            "alignment": [
                {"targetName": "weld metal", "targetUrl": WELDING, "targetFramework": "ESCO"}
            ],
            "issuer": {
                "type": "Profile",
                "id": "https://badges.example.org/issuer",
                "name": "Example Welding School",
                "url": "https://badges.example.org",
                "email": "contact@badges.example.org",
            },
        },
    }
    header = _b64(json.dumps({"alg": "RS256"}).encode())
    signing_input = f"{header}.{_b64(json.dumps(assertion).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    key_document = {
        "type": "CryptographicKey",
        "id": "https://badges.example.org/keys/1",
        "owner": "https://badges.example.org/issuer",
        "publicKeyPem": pem.decode(),
    }
    return f"{signing_input}.{_b64(signature)}", json.dumps(key_document).encode()


def main() -> int:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with (
            Wallet.create(work / "ada.vault", "Ada's long passphrase") as ada,
            Wallet.create(work / "agency.vault", "the agency's passphrase") as agency,
        ):
            me = ada.create_did("ed25519", label="me")

            # 1. An Open Badges 2.0 badge from a badge platform, awarded to Ada's email.
            token, key_document = open_badge_2(rsa.generate_private_key(65537, 2048))
            report = ada.import_credentials(
                [token], issuer_keys=[load_issuer_key(key_document)], recipients=[EMAIL]
            )
            print("Open Badges 2.0 badge:", report.outcomes[0].status)

            # 2. A diploma signed with Ed25519Signature2020 (what many wallets still use).
            college = KeyPair.generate("ed25519")
            diploma = issue_credential(
                diploma_credential(
                    name="Certificate in office work",
                    achievement_type="Certificate",
                    eqf_level=4,
                    awarding_body=Profile(did_from_public_key(college.public), "Example College"),
                    subject=me,
                    valid_from=now - timedelta(days=1),
                    skills=[Skill(SPREADSHEETS, "use spreadsheets software")],
                ),
                college.signer(verification_method_id(college.public)),
                cryptosuite="Ed25519Signature2020",
            )
            print("Ed25519Signature2020 diploma:", ada.add(diploma).status)

            # 3. An SD-JWT VC from an employment agency, bound to Ada's key: she may hide
            #    each claim (the skill, the grade) when she presents it.
            issuer = agency.create_did("p256")
            sd_jwt = agency.issue_sd_jwt(
                {
                    "skills": [{"id": ADVICE, "name": "give advice to others"}],
                    "grade": "excellent",
                },
                issuer,
                vct="https://agency.example/credentials/skill",
                disclosable=["skills", "grade"],
                holder=me,
            )
            print("SD-JWT VC:", ada.import_credentials([sd_jwt]).outcomes[0].status)

            # 4. All three in the skills profile.
            profile = ada.profile()
            for skill in profile.skills:
                level = skill.level.label if skill.level else "expired"
                print(f"  profile: {skill.label}: {level}")

            # 5. The employer asks (a nonce and its audience); Ada shows the skill only.
            record = next(s.id for s in ada.credentials() if s.format == "dc+sd-jwt")
            shown = ada.present_sd_jwt(
                record, disclose=["skills"], nonce="n-4711", audience="jobs.example"
            )
            sent = shown.presentation
            result = verify(sent.serialization, challenge="n-4711", domain="jobs.example")
            print("disclosed:", sent.disclosed, "withheld:", sent.withheld)
            print("employer's check, verified:", result.verified)

            # 6. Another employer wants the diploma and the skill in one W3C presentation:
            #    the SD-JWT VC goes inside it enveloped (a data: URL), still showing only
            #    the skill, its key binding tied to this presentation's challenge and domain.
            diploma_id = next(s.id for s in ada.credentials() if s.name and "office" in s.name)
            both = ada.present(
                [diploma_id, record],
                challenge="c-0815",
                domain="office.example",
                disclose={record: ["skills"]},
                did=me,
            )
            checked = verify(both.presentation, challenge="c-0815", domain="office.example")
            formats = [
                c.detail.get("format", c.detail.get("suite", "data integrity"))
                for c in checked.checks
                if c.id.value == "structure" and c.target.startswith("credential[")
            ]
            print("one presentation, credentials:", formats, "verified:", checked.verified)
            ok = (
                result.verified
                and checked.verified
                and len(profile.skills) == 3
                and all(s.level is not None for s in profile.skills)
                and "grade" in sent.withheld
            )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
