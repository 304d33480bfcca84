"""The screen features of every epoch, computed once per process and shared between sessions."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import threading
import time

from dashboard.core.features import Feature, state_features
from dashboard.core.model import ControlModel


class EpochFeatures:
    """:func:`state_features` of each epoch, computed once and shared (thread-safe; treat as read-only).

    ``warm()`` computes every epoch ahead in a background thread, so the first visit of a state
    costs a lookup instead of ~35 ms of geometry (``bench/bench_core.py``).  The thread works only
    while nobody else has asked for features for ``idle_s`` seconds: it would otherwise hold the GIL
    against the very requests it is meant to speed up.

    >>> layers = EpochFeatures(small_model, simplify_m=1000)  # small_model: a ControlModel
    >>> layers(dt.date(2016, 7, 15)) is layers(dt.date(2016, 7, 16))  # same epoch
    True
    >>> layers(dt.date(2016, 6, 25)) is layers(dt.date(2016, 6, 26))  # Fallujah retaken on the 26th
    False
    """

    def __init__(self, model: ControlModel, simplify_m: float = 0.0, idle_s: float = 0.5):
        self.model = model
        self.simplify_m = simplify_m
        self.idle_s = idle_s
        self._done: dict[dt.date, list[Feature]] = {}
        self._lock = threading.Lock()
        self._warming: threading.Thread | None = None
        self._last_asked = 0.0  # time.monotonic() of the last request from another thread

    def __call__(self, date: dt.date) -> list[Feature]:
        if threading.current_thread() is not self._warming:
            self._last_asked = time.monotonic()
        start = self.model.epoch(date).valid_from
        with self._lock:
            found = self._done.get(start)
        if found is None:  # two threads may both compute an epoch: the first result is kept
            found = state_features(self.model, start, self.simplify_m)
            with self._lock:
                found = self._done.setdefault(start, found)
        return found

    def __len__(self) -> int:
        """Epochs computed so far."""
        with self._lock:
            return len(self._done)

    def warm(self) -> threading.Thread:
        """Compute every epoch in a daemon thread, started on the first call (returned, for joining).

        On Linux the thread runs at a lower CPU priority, so pages being served come first.
        """
        with self._lock:
            if self._warming is None:
                self._warming = threading.Thread(target=self._warm, name="frontlines-warm", daemon=True)
                self._warming.start()
            return self._warming

    def _warm(self) -> None:
        if sys.platform == "linux":  # per-thread priority: Linux only
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        for epoch in self.model.epochs():
            while (wait := self._last_asked + self.idle_s - time.monotonic()) > 0:
                time.sleep(wait)
            self(epoch.valid_from)
