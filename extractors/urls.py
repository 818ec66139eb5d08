"""Canonical URLs: one key per article whatever tracking parameters, scheme or trailing slash a feed adds.

courlan (trafilatura's URL library) lowercases the host, drops default ports, sorts the query and strips
the common trackers; we add the news-specific ones it keeps and drop fragments and trailing slashes.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import courlan

# Parameters outlets append to links in feeds and newsletters, beyond courlan's tracker list.
_TRACKING = re.compile(
    r"^(?:ocid|cmpid|cmp|smid|smtyp|ito|icid|ns_\w+|at_\w+|wt_\w+|wt\.\w+|sara_\w+|xtor|feature|share|rss|taid|"
    r"traffic_source|guccounter|guce_\w+|_hsenc|_hsmi|mkt_tok|s_cid|s_kwcid|ncid|soc_src|soc_trk)$",
    re.IGNORECASE,
)


def canonical_url(url: str) -> str:
    """The identity of the page behind `url`: the key under which its article is stored.

    Raises ValueError for something that is not an http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    normalized = courlan.normalize_url(urlunsplit(parts._replace(fragment="")), strict=False, trailing_slash=False)
    parts = urlsplit(normalized)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))
