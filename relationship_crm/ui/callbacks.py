"""Helpers for callbacks that arrive from the TaskRunner after a widget may have gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject

T = TypeVar("T")


def while_alive(owner: QObject, callback: Callable[[T], None]) -> Callable[[T], None]:
    """Wrap a runner callback so it does nothing once `owner` (a closed dialog) was deleted."""

    def call(value: T) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call
