"""Feeds checked by the W3C Feed Validator, run from its public source (``tests/vendor``).

The online validator (validator.w3.org/feed) shows errors and warnings, each event
once; :func:`w3c_messages` does the same offline. Pass the URL the feed is served at:
the validator resolves relative references against it, and compares it with the
feed's self link.
"""
from __future__ import annotations

import sys
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"


def w3c_messages(data: bytes, url: str) -> list[str]:
    """The validator's errors and warnings for a feed, as 'line N, column M: message (Kind)'."""
    if str(VENDOR) not in sys.path:
        sys.path.insert(0, str(VENDOR))
    import feedvalidator
    from feedvalidator import compatibility
    from feedvalidator.formatter.text_plain import Formatter

    events = feedvalidator.validateString(data, firstOccurrenceOnly=1, base=url)["loggedEvents"]
    shown = compatibility.AA(events)  # errors and warnings, as the online service lists them
    return [f"{line} ({type(event).__name__}: {event.params.get('value', '')})"
            for event, line in zip(shown, Formatter(shown))]
