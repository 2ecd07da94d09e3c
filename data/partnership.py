"""The partnership's name and logo, printed on the invitation and the documents it sends."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from data.actor import User
from data.errors import Forbidden, InvalidInput
from data.permissions import is_administrator
from data.store import Store
from data.text_fields import required_text

DEFAULT_NAME = "Safeguarding Children Partnership"
MAX_NAME = 120
MAX_LOGO_BYTES = 512 * 1024
NAME_KEY, LOGO_KEY = "partnership_name", "partnership_logo"
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Partnership:
    name: str
    logo: bytes | None  # PNG or JPEG bytes

    @property
    def logo_mime(self) -> str | None:
        return logo_type(self.logo) if self.logo else None


def logo_type(data: bytes) -> str | None:
    return next((mime for magic, mime in LOGO_TYPES.items() if data.startswith(magic)), None)


def get_partnership(store: Store) -> Partnership:
    values = dict(
        store.query("SELECT key, value FROM settings WHERE key IN (?, ?)", [NAME_KEY, LOGO_KEY])
    )
    logo = base64.b64decode(values[LOGO_KEY]) if values.get(LOGO_KEY) else None
    return Partnership(values.get(NAME_KEY) or DEFAULT_NAME, logo)


def _require_admin(user: User) -> None:
    if not is_administrator(user):
        raise Forbidden("only an administrator can change the partnership's name and logo")


def _put(cur, key: str, value: str | None) -> None:
    cur.execute("DELETE FROM settings WHERE key = ?", [key])
    if value is not None:
        cur.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [key, value])


def set_partnership(
    store: Store, user: User, name: str, logo: bytes | None = None, *, remove_logo: bool = False
) -> Partnership:
    """Set the name; replace the logo when one is given, or remove it."""
    _require_admin(user)
    name = check_partnership(name, logo)
    with store.transaction() as cur:
        _put(cur, NAME_KEY, name)
        if logo is not None:
            _put(cur, LOGO_KEY, base64.b64encode(logo).decode("ascii"))
        elif remove_logo:
            _put(cur, LOGO_KEY, None)
    return get_partnership(store)


def check_partnership(name: str, logo: bytes | None) -> str:
    """The cleaned name, or InvalidInput for a bad name or logo."""
    name = required_text(name, "the partnership's name", MAX_NAME)
    if logo is not None:
        if len(logo) > MAX_LOGO_BYTES:
            raise InvalidInput(
                f"the logo is {len(logo) // 1024} KB; the maximum is {MAX_LOGO_BYTES // 1024} KB"
            )
        if logo_type(logo) is None:
            raise InvalidInput("the logo is not a PNG or JPEG image")
    return name
