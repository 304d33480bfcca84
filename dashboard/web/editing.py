"""Who may write the record from the app: editing is off unless the deployment turns it on.

The Add article page proposes candidate events to anyone; merging them into ``events.yaml`` writes the
data every visitor sees, so it needs an explicit switch (``FRONTLINES_EDITING=1``, or ``editing = true``
in Streamlit's secrets), and, where the app is reached by a name other than this machine's own, a
token as well (``FRONTLINES_EDIT_TOKEN`` or the secret ``edit_token``) that the editor types in.
Pure: the page passes in the environment, the secrets and the host it is served as.

Examples
--------
>>> editing_policy({}, {}, "localhost").allowed
False
>>> editing_policy({"FRONTLINES_EDITING": "1"}, {}, "localhost")
Editing(allowed=True, reason='')
>>> editing_policy({"FRONTLINES_EDITING": "1"}, {}, "frontlines.example.org").allowed
False
>>> policy = editing_policy({"FRONTLINES_EDITING": "1", "FRONTLINES_EDIT_TOKEN": "s3cret"}, {}, "example.org")
>>> policy.allowed, policy.accepts("s3cret"), policy.accepts("guess")
(True, True, False)
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EDITING_ENV = "FRONTLINES_EDITING"
TOKEN_ENV = "FRONTLINES_EDIT_TOKEN"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_YES = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class Editing:
    """Whether the page may merge, the token it must be given first (``""``: none), and why not."""

    allowed: bool
    token: str = field(default="", repr=False)  # never printed
    reason: str = ""

    def accepts(self, given: str) -> bool:
        """Whether ``given`` unlocks merging (compared in constant time)."""
        return self.allowed and (not self.token or hmac.compare_digest(given.encode(), self.token.encode()))



def editing_policy(env: Mapping[str, str], secrets: Mapping[str, Any], host: str) -> Editing:
    """The editing rules for a page served as ``host``, from the environment and Streamlit's secrets."""
    switched_on = env.get(EDITING_ENV, "").strip().lower() in _YES or secrets.get("editing") is True
    if not switched_on:
        return Editing(False, reason=f"Editing is off here: the app merges into events.yaml only when it is "
                                     f"started with {EDITING_ENV}=1 (or the secret editing = true).")
    token = str(env.get(TOKEN_ENV) or secrets.get("edit_token") or "")
    if host.strip().lower() in LOCAL_HOSTS:
        return Editing(True, token=token)
    if not token:
        return Editing(False, reason=f"Editing is on, but this app is served beyond this machine ({host}): "
                                     f"merging also needs a token ({TOKEN_ENV}, or the secret edit_token).")
    return Editing(True, token=token)
