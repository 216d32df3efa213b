"""book add URL: public addresses only (checked on every hop, before connecting), one deadline, http(s), no credentials.

Every server here is real and listens on 127.0.0.1; each counts the connections it accepted, so "refused before
any connection" is what the server saw, not what the client says.
"""

from __future__ import annotations

import gzip
import http.server
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from book.cli import main
from book.errors import IngestError
from book.ingest import addresses, sources

DIGEST = b"""Ferry crossing closed as river falls

Nov 6 2020

By Jane Roe

The operator said the crossing would stay closed until the river rose again.
"""


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        self.server.hosts.append(self.headers.get("Host"))
        path, _, query = self.path.partition("?")
        arguments = {key: values[0] for key, values in urllib.parse.parse_qs(query).items()}
        route = getattr(self, "route_" + path.strip("/").replace("-", "_"), None)
        if route is None:
            self.send_error(404)
            return
        route(arguments)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_page(self, _):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(DIGEST)))
        self.end_headers()
        self.wfile.write(DIGEST)

    def route_redirect(self, arguments):
        self.redirect(arguments["to"])

    def route_loop(self, _):
        self.redirect("/loop")

    def route_slow_redirect(self, arguments):
        time.sleep(0.4)
        self.redirect(f"/slow-redirect?n={int(arguments.get('n', 0)) + 1}")

    def route_drip(self, _):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.drip(b"x" * 300)

    def route_drip_headers(self, _):
        self.drip(b"HTTP/1.0 200 OK\r\nX-Slow: " + b"a" * 300)

    def drip(self, data: bytes) -> None:
        """One byte every 0.1 s: each read is quick, so only a deadline for the whole fetch stops it."""
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.1)

    def route_endless(self, _):
        self.send_response(200)  # no Content-Length: the page ends when the connection does
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        for _ in range(10_000):
            self.wfile.write(b"word " * 200)

    def route_gzip(self, _):
        body = gzip.compress(b"x" * 1_000_000)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address=("127.0.0.1", 0)):
        super().__init__(address, _Handler)
        self.connections = 0
        self.hosts: list[str | None] = []

    def get_request(self):
        accepted = super().get_request()
        self.connections += 1
        return accepted

    def handle_error(self, request, client_address):
        pass  # the client hung up on a dripping or endless page on purpose

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"



def _seen(*servers: _Server) -> list[int]:
    """Connections each server accepted so far, after giving a connection in flight time to arrive."""
    time.sleep(0.1)
    return [server.connections for server in servers]


def _serve(server: http.server.HTTPServer):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


@pytest.fixture
def servers():
    """Two real HTTP servers on 127.0.0.1: `a` is the one the user names, `b` another host on the same machine."""
    started = [_serve(_Server()), _serve(_Server())]
    yield started
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.fixture
def book(tmp_path):
    root = tmp_path / "book"
    root.mkdir()
    (root / "book.yaml").write_text("title: T\n", encoding="utf-8")
    return root


def _add(book: Path, *arguments: str):
    result = CliRunner().invoke(main, ["add", "--project", str(book), *arguments])
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))
    return result


def _corpus(book: Path) -> list[str]:
    return sorted(path.name for path in (book / "corpus").glob("*.md")) if (book / "corpus").is_dir() else []


# --- the first address ------------------------------------------------------------------------------

@pytest.mark.parametrize("host, said", [("127.0.0.1", "127.0.0.1 is a loopback address"),
                                        ("localhost", "localhost (at 127.0.0.1) is a loopback address"),
                                        ("2130706433", "(at 127.0.0.1) is a loopback address")])  # 127.0.0.1 as one number
def test_a_private_address_is_refused_before_any_connection(book, servers, host, said):
    a, _ = servers
    result = _add(book, a.url("/page", host))
    assert result.exit_code == 1
    assert f"cannot add: {a.url('/page', host)}: " in result.output and said in result.output
    assert "refused before connecting" in result.output and "--allow-private" in result.output
    assert "nothing added" in result.output
    assert _seen(a) == [0] and _corpus(book) == []


def test_allow_private_fetches_the_named_host(book, servers):
    a, _ = servers
    result = _add(book, "--allow-private", a.url("/page", "localhost"))
    assert result.exit_code == 0, result.output
    assert _corpus(book) == ["2020-11-06-ferry-crossing-closed-river.md"]
    assert _seen(a) == [1] and a.hosts == [f"localhost:{a.port}"]  # connected to the address, Host kept as the name


def test_the_deadline_is_overall_not_per_read(servers):
    a, _ = servers
    for path in ("/drip", "/drip-headers", "/slow-redirect"):  # body, headers, and a chain of slow redirects
        started = time.monotonic()
        with pytest.raises(IngestError, match=r"no complete answer within 1 second\)"):
            sources.fetch(a.url(path), [], timeout=1.0, allow_private=True)
        assert time.monotonic() - started < 1.5, path


def test_size_limit_counts_the_bytes_read_and_compressed_pages_are_not_unpacked(servers):
    a, _ = servers
    with pytest.raises(IngestError, match="more than 100000 bytes; nothing added"):
        sources.fetch(a.url("/endless"), [], limit=100_000, allow_private=True)
    with pytest.raises(IngestError, match="gzip-compressed, which is not read; nothing added"):
        sources.fetch(a.url("/gzip"), [], allow_private=True)
    with pytest.raises(IngestError, match="redirected more than 10 times; nothing added"):
        sources.fetch(a.url("/loop"), [], allow_private=True)


# --- every redirect -----------------------------------------------------------------------------------

def _to(a: _Server, location: str) -> str:
    return a.url("/redirect?to=" + urllib.parse.quote(location, safe=""))


def test_a_redirect_back_to_the_named_host_is_followed(book, servers):
    a, _ = servers
    result = _add(book, "--allow-private", _to(a, "/page"))
    assert result.exit_code == 0, result.output
    assert _seen(a) == [2] and len(_corpus(book)) == 1


@pytest.mark.parametrize("location, said", [
    ("http://localhost:{b}/page", "localhost (at 127.0.0.1) is a loopback address"),
    ("http://127.0.0.2:{b}/page", "127.0.0.2 is a loopback address"),
    ("http://0.0.0.0:{b}/page", "0.0.0.0 is an unspecified address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.0.0.1/", "10.0.0.1 is a private address"),
    ("http://192.168.1.1/", "is a private address"),
    ("http://100.64.0.1/", "is a non-public address"),
    ("http://224.0.0.1/", "is a multicast address"),
    ("http://[::1]:{b}/page", "::1 is a loopback address"),
    ("http://[fe80::1]/", "is a link-local address"),
    ("http://[fd00::1]/", "is a private address"),
    ("http://[::ffff:169.254.169.254]/", "is a link-local address (169.254.169.254)"),
    ("http://[::ffff:127.0.0.1]:{b}/page", "is a loopback address (127.0.0.1)"),
    ("http://[64:ff9b::a9fe:a9fe]/", "is a link-local address (169.254.169.254)"),  # NAT64
])
def test_a_redirect_to_another_private_host_is_refused_before_connecting(book, servers, location, said):
    """--allow-private covers the host the user named (here 127.0.0.1), not where its redirects point."""
    a, b = servers
    location = location.format(b=b.port)
    started = time.monotonic()
    result = _add(book, "--allow-private", _to(a, location))
    assert result.exit_code == 1
    assert f"redirected to {location}, where " in result.output and said in result.output
    assert "refused before connecting: --allow-private covers only 127.0.0.1" in result.output
    assert time.monotonic() - started < 2  # no connection was tried (10.0.0.1 or 169.254.169.254 would hang)
    assert _seen(a, b) == [1, 0] and _corpus(book) == []


@pytest.mark.parametrize("location", ["ftp://127.0.0.1:{b}/page", "file:///etc/passwd", "gopher://127.0.0.1:{b}/",
                                      "data:text/plain,Hello%20world", "//user:secret@127.0.0.1:{b}/page",
                                      "http://user:secret@127.0.0.1:{b}/page", "http://user@127.0.0.1:{b}/page"])
def test_a_redirect_to_another_scheme_or_with_credentials_is_refused_before_following(book, servers, location):
    a, b = servers
    location = location.format(b=b.port)
    result = _add(book, "--allow-private", _to(a, location))
    assert result.exit_code == 1 and "redirected to " in result.output and "nothing added" in result.output
    if "@" in location:
        assert "has a user name or password in it; they are never sent" in result.output
        shown = result.output.split("redirected to ", 1)[1]  # (the first address carries the redirect in its query)
        assert "secret" not in shown and "user@" not in shown
    else:
        assert "is not an http:// or https:// address" in result.output
    assert _seen(a, b) == [1, 0] and _corpus(book) == []


def test_credentials_in_the_address_are_refused_and_never_shown(book, servers):
    a, _ = servers
    for url in (f"http://user:secret@127.0.0.1:{a.port}/page", f"http://user@127.0.0.1:{a.port}/page"):
        result = _add(book, "--allow-private", url)
        assert result.exit_code == 1
        assert f"cannot add: http://***@127.0.0.1:{a.port}/page: the address has a user name or password in it" \
            in result.output
        assert "secret" not in result.output and "user" not in result.output.replace("user name", "")
    assert _seen(a) == [0] and _corpus(book) == []


def test_other_schemes_and_broken_addresses_on_the_command_line_are_refused(book):
    for url in ("ftp://127.0.0.1/x", "file:///etc/passwd"):
        result = _add(book, "--allow-private", url)
        assert result.exit_code == 1 and "only http:// and https:// addresses can be fetched; nothing added" in result.output
    for url, said in (("http://[::1/x", "is not a valid URL"), ("http://:80/x", "names no host"),
                      ("http://127.0.0.1:99999/x", "is not a valid URL"), ("https://", "names no host"),
                      ("http://no-such-host.invalid/x", "host 'no-such-host.invalid' not found")):
        result = _add(book, "--allow-private", url)
        assert result.exit_code == 1 and f"cannot add: {url}: " in result.output and said in result.output, result.output
        assert result.output.rstrip().endswith("nothing added")


def test_the_address_checked_is_the_address_connected_to(servers, monkeypatch):
    """DNS rebinding: a name that resolves to a public address, then to 127.0.0.1, is looked up once."""
    a, _ = servers
    answers = iter(["192.0.0.170", "127.0.0.1"])  # 192.0.0.170 (NAT64 discovery) is refused: see the next case
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        looked_up.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(IngestError, match=r"rebind.test \(at 192.0.0.170\) is a private address; refused before"):
        sources.fetch(f"http://rebind.test:{a.port}/page", [])
    assert looked_up == ["rebind.test"] and _seen(a) == [0]

    answers = iter(["8.8.8.8", "127.0.0.1"])  # public first: the connection goes to 8.8.8.8, never to 127.0.0.1
    looked_up.clear()
    with pytest.raises(IngestError, match="cannot fetch the page"):
        sources.fetch(f"http://rebind.test:{a.port}/page", [], timeout=1.0)
    assert looked_up == ["rebind.test"] and _seen(a) == [0]


# --- HTTPS: the certificate is checked for the name while the connection goes to the checked address ---------

@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the test certificate is the only one trusted
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda _socket, name, _context: names.append(name)
    server = _Server()
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.names = names
    _serve(server)
    yield server
    server.shutdown()
    server.server_close()


def test_https_keeps_the_host_name_for_sni_certificate_and_host_header(tls_server):
    source = sources.fetch(f"https://localhost:{tls_server.port}/page", [], allow_private=True)
    assert "crossing would stay closed" in source.text
    assert tls_server.names == ["localhost"] and tls_server.hosts == [f"localhost:{tls_server.port}"]
    with pytest.raises(IngestError, match="cannot fetch the page \\(TLS: .*(IP address mismatch|certificate)"):
        sources.fetch(f"https://127.0.0.1:{tls_server.port}/page", [], allow_private=True)  # the certificate names localhost


# --- the address rules on their own -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.169.254",
                                  "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.1",
                                  "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1",
                                  "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254",
                                  "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1", "2002:a9fe:a9fe::1", "2002:7f00:1::1",
                                  "2001:0:4136:e378:8000:63bf:f5ff:fffe", "::a00:1"])
def test_addresses_that_are_not_public(text):
    assert addresses.kind(ipaddress.ip_address(text)) is not None


@pytest.mark.parametrize("text", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001::1",
                                  "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])
def test_public_addresses(text):
    assert addresses.kind(ipaddress.ip_address(text)) is None
