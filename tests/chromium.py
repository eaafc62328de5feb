"""Headless Chromium driven over the DevTools protocol on a pipe (stdlib only).

``find_or_install()`` returns Debian's ``chromium`` (installing it with apt-get
where that is possible) or raises :class:`Unavailable` saying why.
``Browser`` starts it with a fresh profile and no network chatter, and speaks
the DevTools protocol on file descriptors 3 and 4 (``--remote-debugging-pipe``):
JSON messages ended by a NUL byte, no websocket library needed.

Run as a script to save a screenshot of a page: ``python tests/chromium.py
report.html shot.png``.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-quic", "--hide-scrollbars", "--remote-debugging-pipe")
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


# Put the pipe ends on the descriptors Chromium reads (3) and writes (4), then become it
# (via descriptors >= 10 first, so neither end is overwritten by the other).
_ON_FDS_3_AND_4 = """
import fcntl, os, sys
high = [fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3]]
os.dup2(high[0], 3)
os.dup2(high[1], 4)
os.execv(sys.argv[3], sys.argv[3:])
"""


class Unavailable(RuntimeError):
    """No Chromium here and none can be installed."""


def find_or_install() -> str:
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise Unavailable("chromium is not installed and apt-get cannot install it here "
                          "(not Debian, or not root): install Debian's 'chromium' package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "-y", "-qq"]
    done = subprocess.run([*apt, "install", "chromium"], env=env, capture_output=True)
    if done.returncode != 0:  # the package lists may be missing or stale
        subprocess.run([*apt, "update"], env=env, capture_output=True)
        done = subprocess.run([*apt, "install", "chromium"], env=env, capture_output=True)
    path = shutil.which("chromium")
    if path is None:
        raise Unavailable("apt-get could not install chromium: "
                          + done.stderr.decode(errors="replace")[-500:])
    return path


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, executable: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="mentormatch-chromium-")
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _ON_FDS_3_AND_4, str(to_child), str(from_child), executable,
             *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            pass_fds=(to_child, from_child), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""
        target = next(t for t in self.call("Target.getTargets")["targetInfos"]
                      if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=target["targetId"],
                                 flatten=True)["sessionId"]
        self.call("Page.enable")

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._proc.kill()
        self._proc.wait(timeout=30)
        os.close(self._out)
        os.close(self._in)
        shutil.rmtree(self._profile, ignore_errors=True)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events seen meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)
        raise TimeoutError(method)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(event)
            self.events.append(self._read())

    def open(self, url: str, width: int, height: int = 900, media: str = "screen") -> None:
        """Load ``url`` in a viewport ``width`` CSS pixels wide, as screen or print media."""
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        self.call("Emulation.setEmulatedMedia", media=media)
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """Run JavaScript in the page and return its JSON value."""
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                          awaitPromise=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"javascript failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path, width: int) -> Path:
        """Save the whole page, ``width`` pixels wide, as a PNG."""
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path


if __name__ == "__main__":
    page, shot = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    with Browser(find_or_install()) as browser:
        browser.open(page.as_uri(), width=1280)
        print(browser.screenshot(shot, width=1280))
