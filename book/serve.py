"""`book serve`: the web edition built, served on 127.0.0.1, rebuilt when a project file changes, open pages reloaded.

Open pages learn of each build through Server-Sent Events (/__book__/events, read by /__book__/live.js, which
the server adds to every page it sends; the built files stay as `book build` writes them). A build that fails
leaves the last good site in place and is shown over it as `path:line: message` lines until a build succeeds.
"""

from __future__ import annotations

import functools
import http.server
import json
import signal
import socket
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from book.errors import BookError

LIVE_PREFIX = "/__book__/"
LIVE_SCRIPT = Path(__file__).resolve().parent / "render" / "static" / "live.js"
NOT_BUILT = (b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Not built yet</title></head>\n'
             b"<body><main><h1>Not built yet</h1><p>The book could not be built yet; "
             b"this page shows why, and reloads once it has been built.</p></main></body></html>\n")
SSE_HEARTBEAT = 15.0  # seconds between comments that keep an idle event stream open through proxies


class ServeError(BookError):
    """The server could not start."""

    category = "cannot serve"


@dataclass(frozen=True)
class BuildState:
    """What open pages are told: the number of the last successful build, and the last build's error if it failed."""

    build: int
    site: Path | None  # the folder of the last good web edition
    error: str | None


class Builds:
    """The project's web edition, built on demand; each finished build wakes the pages' event streams."""

    def __init__(self, project_dir: Path):
        self.project_dir = project_dir
        self._state = BuildState(0, None, None)
        self._changed = threading.Condition()
        self.stopping = False

    @property
    def state(self) -> BuildState:
        with self._changed:
            return self._state

    def build(self) -> BuildState:
        """One build of the web edition (through the build cache); its result becomes the state pages see."""
        from book.pipeline import build

        try:
            outputs = build(self.project_dir, formats=("html",))
        except BookError as error:
            lines = [str(diagnostic) for diagnostic in error.diagnostics] + [str(error)]
            return self._publish(error="\n".join(lines))
        except OSError as error:
            return self._publish(error=f"file system: {error.filename or ''}: {error.strerror or error}")
        except Exception:  # a bug: shown in the page, and the server goes on serving the last good build
            return self._publish(error="internal error (please report it):\n" + traceback.format_exc())
        return self._publish(site=next(path for path in outputs if path.is_dir()))

    def _publish(self, site: Path | None = None, error: str | None = None) -> BuildState:
        with self._changed:
            old = self._state
            self._state = (BuildState(old.build + 1, site, None) if site is not None
                           else BuildState(old.build, old.site, error))
            self._changed.notify_all()
            return self._state

    def wait(self, seen: BuildState, timeout: float) -> BuildState:
        """The state once it differs from `seen` (or after `timeout`, or when stopping)."""
        with self._changed:
            self._changed.wait_for(lambda: self._state != seen or self.stopping, timeout)
            return self._state

    def stop(self) -> None:
        with self._changed:
            self.stopping = True
            self._changed.notify_all()


class Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the last good web edition; pages get the live-reload script; /__book__/ for the script and events."""

    builds: Builds

    def __init__(self, *args, builds: Builds, **kwargs):
        self.builds = builds
        site = builds.state.site
        super().__init__(*args, directory=str(site) if site else "/nonexistent", **kwargs)

    def log_message(self, *args) -> None:  # requests are not news; build results are printed instead
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build, never a cached page
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == LIVE_PREFIX + "live.js":
            return self._send(LIVE_SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        if path == LIVE_PREFIX + "events":
            return self._events()
        state = self.builds.state
        if state.site is None:  # no good build yet: a page that shows the error and waits for one
            return self._send(_page(NOT_BUILT), "text/html; charset=utf-8")
        if path.endswith("/") or path.endswith(".html"):
            file = Path(self.translate_path(path))
            file = file / "index.html" if file.is_dir() else file
            if file.is_file():
                return self._send(_page(file.read_bytes()), "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """The build state now, then each time it changes, as `state` events (JSON) until the page goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state = self.builds.state
        try:
            while True:
                message = json.dumps({"build": state.build, "error": state.error})
                self.wfile.write(f"event: state\ndata: {message}\n\n".encode())
                self.wfile.flush()
                while True:
                    new = self.builds.wait(state, SSE_HEARTBEAT)
                    if self.builds.stopping:
                        return
                    if new != state:
                        state = new
                        break
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def _page(html: bytes) -> bytes:
    """The page with the live-reload script added at the end of its head (or its start, if it has none)."""
    tag = f'<script src="{LIVE_PREFIX}live.js"></script>'.encode()
    at = html.find(b"</head>")
    return html[:at] + tag + html[at:] if at >= 0 else tag + html


def serve(project_dir: Path, host: str = "127.0.0.1", port: int = 8000, echo=print) -> None:
    """Build, serve and watch until Ctrl-C (or SIGTERM); returns once everything has stopped."""
    builds = Builds(project_dir)
    first = builds.build()
    echo(f"build {first.build}: ready" if first.error is None else f"build failed:\n{first.error}")
    try:
        server = _server_class(host)((host, port), functools.partial(Handler, builds=builds))
    except OSError as error:
        raise ServeError(f"{host}:{port}: {error.strerror or error}; choose another with --port (or --host)") from None
    server.daemon_threads = True
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(builds, stop, echo), name="book-serve-watch")
    watcher.start()
    previous = signal.signal(signal.SIGTERM, _interrupt) if threading.current_thread() is threading.main_thread() else None
    name = f"[{host}]" if ":" in host else host
    echo(f"serving http://{name}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        builds.stop()
        server.server_close()
        watcher.join()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    echo("stopped")


def _server_class(host: str) -> type[http.server.ThreadingHTTPServer]:
    """The threading HTTP server, for IPv6 when the host is an IPv6 address (`--host ::1`)."""
    if ":" not in host:
        return http.server.ThreadingHTTPServer
    return type("IPv6Server", (http.server.ThreadingHTTPServer,), {"address_family": socket.AF_INET6})


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _watch(builds: Builds, stop: threading.Event, echo) -> None:
    """Rebuild after each batch of changes to the project's files (dist/ and hidden folders aside)."""
    import watchfiles

    root = Path(builds.project_dir).resolve()

    def relevant(change, path: str) -> bool:
        parts = Path(path).relative_to(root).parts if Path(path).is_relative_to(root) else ()
        return bool(parts) and parts[0] != "dist" and not any(part.startswith(".") for part in parts)

    # step: how long the files must stay quiet before a batch is built; an editor's save is a burst of events.
    for changes in watchfiles.watch(root, watch_filter=relevant, stop_event=stop, step=30, debounce=400,
                                    raise_interrupt=False, rust_timeout=200):
        # An editor's save may pass through temporary files that are gone again: name only what is there, or was deleted.
        names = sorted({Path(path).relative_to(root).as_posix() for change, path in changes
                        if Path(path).exists() or change == watchfiles.Change.deleted}) or ["files"]
        state = builds.build()
        if state.error is None:
            echo(f"build {state.build}: ready ({', '.join(names)} changed)")
        else:
            echo(f"build failed ({', '.join(names)} changed); still serving build {state.build}:\n{state.error}")
