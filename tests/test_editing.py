"""Editing rules (dashboard/web/editing.py): off unless switched on; a token beyond this machine."""

from __future__ import annotations

import pytest

from dashboard.web.editing import EDITING_ENV, TOKEN_ENV, editing_policy

ON = {EDITING_ENV: "1"}


@pytest.mark.parametrize(("env", "secrets", "host", "allowed", "token"), [
    ({}, {}, "localhost", False, ""),  # nothing said: off, even on this machine
    ({EDITING_ENV: "0"}, {}, "localhost", False, ""),
    ({EDITING_ENV: "yes"}, {}, "127.0.0.1", True, ""),
    ({}, {"editing": True}, "localhost", True, ""),
    ({}, {"editing": "true"}, "localhost", False, ""),  # a secret must be a TOML boolean
    (ON, {}, "frontlines.example.org", False, ""),  # served beyond this machine: a token is needed
    ({**ON, TOKEN_ENV: "t0ken"}, {}, "frontlines.example.org", True, "t0ken"),
    (ON, {"edit_token": "s3cret"}, "10.0.0.5", True, "s3cret"),
    ({**ON, TOKEN_ENV: "t0ken"}, {}, "localhost", True, "t0ken"),  # set: asked for here too
])
def test_editing_needs_a_switch_and_beyond_localhost_a_token(env, secrets, host, allowed, token):
    policy = editing_policy(env, secrets, host)
    assert policy.allowed is allowed
    assert policy.token == token
    assert bool(policy.reason) is not allowed
    if allowed and token:
        assert policy.accepts(token) and not policy.accepts("") and not policy.accepts(token + "x")
    if not allowed:
        assert not policy.accepts(token)
    assert token not in repr(policy) or not token
