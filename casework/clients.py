"""What a session row says of its client: a rough description of the browser and the network, never more."""

from __future__ import annotations

import ipaddress

# Markers in the User-Agent, most specific first (Edge and Opera also say Chrome; Chrome also says Safari).
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def describe_client(user_agent: str | None) -> str:
    """A rough description of the browser, enough for a user to recognise their session ("Firefox on Linux")."""
    text = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in text), "Another browser")
    system = next((name for marker, name in _SYSTEMS if marker in text), "an unknown system")
    return f"{browser} on {system}"


def client_network(address: str | None) -> str:
    """The client's network, cut to /24 (IPv4) or /48 (IPv6): enough to recognise, never the address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
