"""An example line for every command's ``--help`` (shown at its end), in one place so
that the examples stay consistent with each other. A command whose own help already
shows an example (``Example:`` in its docstring) is left as it is."""

from __future__ import annotations

EXAMPLES: dict[str, str] = {
    # start here
    "tour": "skillswallet tour",
    # keys and DIDs
    "key": "skillswallet key generate --out issuer-key.json",
    "key generate": "skillswallet key generate --type ed25519 --out issuer-key.json",
    "did": "skillswallet did create --label work",
    "did create": "skillswallet did create --type ed25519 --label work",
    "did import": "skillswallet did import issuer-key.json --label school",
    "did list": "skillswallet did list --json",
    "did web": "skillswallet did web create --domain school.example --out site/",
    "did web create": "skillswallet did web create --domain school.example --out site/",
    "did web add-key": "skillswallet did web add-key did:web:school.example --out site/",
    # the vault
    "init": "skillswallet init --kdf sensitive",
    "import": "skillswallet import diploma.json badges.json --status-dir status-lists/",
    "list": "skillswallet list --text nursing --json",
    "show": "skillswallet show 3f2a",
    "delete": "skillswallet delete 3f2a",
    "export": "skillswallet export --out my-credentials/",
    "backup": "skillswallet backup --out vault-backup.sww",
    "restore": "skillswallet restore vault-backup.sww",
    "passphrase": "skillswallet passphrase change",
    "passphrase change": "skillswallet passphrase change --new-passphrase-file new.txt",
    "unlock": "skillswallet unlock --for 15m",
    "lock": "skillswallet lock",
    # skills
    "new": "skillswallet new diploma --help",
    "new badge": (
        "skillswallet new badge --name 'First aid' --criteria 'Passed the course' "
        "--image badge.png --issuer did:key:z6Mk... --subject did:key:z6Mk... --out badge.json"
    ),
    "new self-assessment": (
        "skillswallet new self-assessment --skill http://data.europa.eu/esco/skill/... "
        "--subject did:key:z6Mk... --level B --out mine.json"
    ),
    "new endorsement": (
        "skillswallet new endorsement --issuer did:key:z6Mk... --subject did:key:z6Mk... "
        "--relationship manager --comment 'Led our audits' --skill http://data.europa.eu/esco/skill/..."
    ),
    "self-assess": (
        "skillswallet self-assess --skill http://data.europa.eu/esco/skill/... --level B "
        "--as did:key:z6Mk..."
    ),
    "match": "skillswallet match --occupation http://data.europa.eu/esco/occupation/...",
    "taxonomy": "skillswallet taxonomy search 'give advice'",
    "taxonomy search": "skillswallet taxonomy search nurse --kind occupation --limit 5",
    "taxonomy show": "skillswallet taxonomy show http://data.europa.eu/esco/skill/...",
    "taxonomy load": "skillswallet taxonomy load ESCO-dataset-v1.2.0-en/",
    "taxonomy info": "skillswallet taxonomy info --json",
    "bake": ("skillswallet bake --credential badge.json --image badge.png --out badge-baked.png"),
    # sharing
    "present": (
        "skillswallet present --credential 3f2a --challenge 8d1c... --domain jobs.example "
        "--out presentation.json"
    ),
    "request": (
        "skillswallet request new --domain jobs.example "
        "--skill http://data.europa.eu/esco/skill/... > request.json"
    ),
    "request new": (
        "skillswallet request new --domain jobs.example --min-level assessed "
        "--skill http://data.europa.eu/esco/skill/... > request.json"
    ),
    "respond": "skillswallet respond request.json --out answer.json",
    "disclosures": "skillswallet disclosures show",
    "disclosures show": "skillswallet disclosures show --json",
    # checking
    "verify": "skillswallet verify diploma.json badge.png --trust schools.json",
    "report": "skillswallet report check report.json",
    "jwt": (
        "skillswallet jwt issue claims.json --as did:key:zDna... "
        "--vct https://school.example/skill "
        "--disclosable grade --holder did:key:z6Mk... --out skill.sd-jwt"
    ),
    # issuing
    "issue": "skillswallet issue unsigned.json --key issuer-key.json --out signed.json",
    "status": "skillswallet status revoke urn:uuid:6f1c...",
    "status init": (
        "skillswallet status init --url https://school.example/status/1 "
        "--issuer did:web:school.example --purpose revocation"
    ),
    "status lists": "skillswallet status lists --json",
    "status revoke": "skillswallet status revoke urn:uuid:6f1c...",
    "status suspend": "skillswallet status suspend urn:uuid:6f1c...",
    "status unsuspend": "skillswallet status unsuspend urn:uuid:6f1c...",
    "status publish": "skillswallet status publish --as did:web:school.example --out site/status/",
    "trust": "skillswallet trust init schools.json --name 'Schools we accept'",
    "trust init": "skillswallet trust init schools.json --name 'Schools we accept'",
    "trust add": (
        "skillswallet trust add schools.json --issuer did:web:school.example --scope diploma"
    ),
    "trust remove": "skillswallet trust remove schools.json --issuer did:web:school.example",
    "trust show": "skillswallet trust show schools.json",
    # serving
    "serve": "skillswallet serve --trust schools.json --allow-network status.school.example",
}


def example_for(path: str, shown: str) -> str | None:
    """The epilog for the command at ``path`` (``"did web create"``) whose help text is
    ``shown``: ``Example: ...``, or None when its help shows one already."""
    if "Example" in shown:
        return None
    example = EXAMPLES.get(path)
    return f"Example: {example}" if example else None
