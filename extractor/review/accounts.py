"""The workbench's local accounts: argon2id password hashes (argon2-cffi), roles, nothing else.

Names are what the record shows as "who"; a password is never stored or
logged, only its hash, and a hash made with weaker parameters than today's
is replaced at the next successful login.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from extractor.i18n import _
from extractor.review.decisions import ROLES
from extractor.review.tables import UserRow

MIN_PASSWORD = 10
_NAME = re.compile(r"^[\w.\-]{1,64}$")  # \w admits Chinese names
_HASHER = PasswordHasher()


class AccountError(ValueError):
    """A user that cannot be added as asked (the message says why)."""


def add_user(session: Session, name: str, role: str, password: str) -> UserRow:
    if not _NAME.match(name):
        raise AccountError(_("{name!r}: a user name is 1 to 64 letters, digits, '.', '-' or '_'").format(name=name))
    if role not in ROLES:
        raise AccountError(_("{role!r}: a role is one of {roles}").format(role=role, roles=", ".join(ROLES)))
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("the password must have at least {n} characters").format(n=MIN_PASSWORD))
    user = UserRow(name=name, role=role, password_hash=_HASHER.hash(password), active=True,
                   created=datetime.now(timezone.utc))
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AccountError(_("{name!r}: there is a user of that name already").format(name=name)) from None
    return user


def authenticate(session: Session, name: str, password: str) -> UserRow | None:
    """The active user if the password is theirs, else None (an unknown name costs a hash too, so the
    answer's timing does not tell which names exist)."""
    user = session.scalar(select(UserRow).where(UserRow.name == name, UserRow.active.is_(True)))
    stored = user.password_hash if user else _DUMMY
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
        session.commit()
    return user


_DUMMY = _HASHER.hash("not a password of anyone's")
