"""How wording becomes an interval: the one place where the widths are set.

| wording                           | kind     | interval                                        |
|-----------------------------------|----------|-------------------------------------------------|
| bare number                       | exact    | value ± min(granularity / 2, 5 % of value)      |
| etwa, rund / about, around        | approx   | value ± 10 % (never narrower than bare)         |
| mindestens, mehr als / at least   | at_least | [value, unbounded)                              |
| bis zu, höchstens / up to         | at_most  | (unbounded, value]                              |
| fast, knapp / almost, nearly      | almost   | [90 % of value, value]                          |
| weniger als, unter / fewer than   | below    | (unbounded, value]                              |
| Tausende / thousands (unit u)     | vague    | [2u, 10u], value = 2u                           |
| 10.000 bis 12.000 / 11 to 12,000  | range    | [low, high], value = midpoint                   |

Granularity is the place value of the last written digit: "12.000" → 1,000 (so ±500),
"11.837" → exact, "2,8 Millionen" → 100,000 (so ±50,000). Unbounded ends are None.
"""

from __future__ import annotations

APPROX_SHARE = 0.10
ROUNDING_CAP_SHARE = 0.05
ALMOST_SHARE = 0.10
VAGUE_LOW, VAGUE_HIGH = 2, 10


def rounding_band(value: float, granularity: float) -> float:
    """Half a unit of the last written digit, at most 5 % of the value."""
    return min(granularity / 2, abs(value) * ROUNDING_CAP_SHARE)


def interval(kind: str, value: float, granularity: float) -> tuple[float | None, float | None]:
    """(low, high) for a number with hedge `kind`."""
    band = rounding_band(value, granularity)
    if kind == "approx":
        band = max(band, abs(value) * APPROX_SHARE)
        return _round(value - band), _round(value + band)
    if kind == "at_least":
        return value, None
    if kind in ("at_most", "below"):
        return None, value
    if kind == "almost":
        return _round(value * (1 - ALMOST_SHARE)), value
    return _round(value - band), _round(value + band)


def vague_interval(unit: float) -> tuple[float, float, float]:
    """(value, low, high) for a vague amount such as "Tausende" (unit 1,000)."""
    return VAGUE_LOW * unit, VAGUE_LOW * unit, VAGUE_HIGH * unit


def _round(x: float) -> float:
    """Drop float noise (0.1 * 3) without losing real decimals."""
    return round(x, 6)
