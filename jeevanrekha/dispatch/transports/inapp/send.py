"""In-app: the notification row itself is the message; the desk's pages list them.

Nothing travels, so sending cannot fail; the Delivery row records that it was shown.
"""

from __future__ import annotations

from jeevanrekha.dispatch.transports import Outgoing


def send(message: Outgoing) -> None:
    """Nothing to do: the desk reads in-app notifications from the database."""
    return None
