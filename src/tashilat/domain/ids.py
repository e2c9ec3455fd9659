"""Iranian identifiers: national ID (کد ملی) checksum and IBAN (شبا) mod-97."""

from __future__ import annotations

from tashilat.domain.errors import InvalidInput
from tashilat.domain.text import normalize_text


def national_id_is_valid(code: str) -> bool:
    """The 10-digit کد ملی checksum: ``sum(d_i * (10 - i)) % 11`` for the first nine
    digits gives the check digit (``r`` if ``r < 2`` else ``11 - r``). All-same-digit codes
    pass the arithmetic but are not issued, so they are rejected."""
    if len(code) != 10 or not code.isascii() or not code.isdigit():
        return False
    if len(set(code)) == 1:
        return False
    total = sum(int(code[i]) * (10 - i) for i in range(9))
    r = total % 11
    check = r if r < 2 else 11 - r
    return check == int(code[9])


def parse_national_id(text: str, *, field: str = "national_id") -> str:
    """Normalise (Persian digits, dashes, spaces; 8–9 digit codes are zero-padded as
    printed on old cards) and validate a national ID."""
    raw = normalize_text(str(text)).replace("-", "").replace(" ", "")
    if raw.isdigit() and 8 <= len(raw) < 10:
        raw = raw.zfill(10)
    if not national_id_is_valid(raw):
        raise InvalidInput(
            "national_id.invalid",
            f"کد ملی «{text}» معتبر نیست (رقم کنترل نادرست است).",
            f"National ID '{text}' is not valid (check digit mismatch).",
            field=field,
        )
    return raw


def iban_is_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check; Iranian IBANs (شبا) are ``IR`` + 24 digits."""
    iban = iban.replace(" ", "").upper()
    if len(iban) < 5 or not iban[:2].isalpha() or not iban[2:].isalnum() or not iban.isascii():
        return False
    if iban.startswith("IR") and (len(iban) != 26 or not iban[2:].isdigit()):
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def parse_iban(text: str, *, field: str = "iban") -> str:
    raw = normalize_text(str(text)).replace(" ", "").replace("-", "").upper()
    if raw.isdigit() and len(raw) == 24:
        raw = "IR" + raw
    if not iban_is_valid(raw):
        raise InvalidInput(
            "iban.invalid",
            f"شماره شبا «{text}» معتبر نیست (باید IR و ۲۴ رقم با کنترل mod-97 باشد).",
            f"IBAN '{text}' is not valid (IR followed by 24 digits, mod-97 check).",
            field=field,
        )
    return raw
