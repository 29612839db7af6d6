"""URL normalisation for exact duplicate detection: the same page under cosmetic URL variants."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

# Tracking parameters carry no identity of the page.
_TRACKING = ("utm_", "fbclid", "gclid", "ref", "source", "share", "amp")


def normalise_url(url: str | None) -> str | None:
    """Scheme-less, lower-cased host without ``www.``/``m.``/``amp.``, percent-decoded path without a
    trailing slash or ``/amp``, query without tracking parameters (sorted), no fragment."""
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    path = unquote(parts.path).rstrip("/")
    if path.endswith("/amp"):
        path = path[: -len("/amp")]
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    )
    return host + path + ("?" + urlencode(query) if query else "")
