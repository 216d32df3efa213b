"""Which network addresses `book add URL` may connect to: public ones, unless the user allows private ones."""

from __future__ import annotations

import ipaddress

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that carry an IPv4 address in their last 32 bits and reach it (NAT64, RFC 6052 and 8215).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (IPv4-mapped, NAT64, 6to4, Teredo), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour:
        return address.sixtofour
    return address.teredo[1] if address.teredo else None


def kind(address: Address) -> str | None:
    """Why `address` is not public ('a loopback address', …), or None if it is a public address."""
    inner = embedded_ipv4(address)
    if inner is not None:
        reason = kind(inner)
        return f"{reason} ({inner})" if reason else None
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-public", not address.is_global),  # shared (100.64/10), documentation, benchmarking …
    )
    found = next((name for name, applies in checks if applies), None)
    return f"a{'n' * (found[0] in 'aeiou')} {found} address" if found else None


def parse(text: str) -> Address | None:
    """`text` as an IP address (a zone such as '%eth0' allowed), or None if it is a host name."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
