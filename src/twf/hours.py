"""Forecast-hour lists as people type them on command lines: `0-12`, `0-48:3`, `0,3,6` or a mix."""

from __future__ import annotations

from twf.errors import InvalidParameter


def parse_hours(text: str, option: str = "--fhs") -> list[int]:
    """`0-12`, `0-48:3` (every 3 h), `0,3,6` or a mix (`0-12,18-48:6`) → sorted unique hours."""
    hours: set[int] = set()
    try:
        for part in filter(None, text.split(",")):
            span, _, step = part.partition(":")
            low, _, high = span.partition("-")
            stride = int(step or 1)
            if stride < 1 or int(high or low) < int(low):
                raise ValueError(part)
            hours.update(range(int(low), int(high or low) + 1, stride))
    except ValueError:
        raise InvalidParameter(f"{option} {text!r} is not like 0-12, 0-48:3 or 0,3,6") from None
    if not hours:
        raise InvalidParameter(f"{option} {text!r} names no forecast hour")
    return sorted(hours)
