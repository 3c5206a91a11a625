"""The processes of the soak and the HTTP it speaks to them: `bssflow sim`
and `bssflow serve`, each a process of its own on loopback, and a small
client that rides out the server's restarts.

Standard library only (python3 of Debian 12), so the soak needs nothing
scripts/setup does not install.
"""
import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.parse


class SoakError(Exception):
    """The soak cannot go on (a process died, a service refused the driver)."""


def free_port():
    # The server must come back on the same port after each SIGKILL, so the
    # port is chosen once here rather than with `--listen 127.0.0.1:0`.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base, method, path, body=None, headers=None, timeout=30):
    """One HTTP request on a new connection: (status, headers, parsed body).
    Connection errors raise OSError or http.client.HTTPException."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        parsed = json.loads(data) if data.strip()[:1] in (b"{", b"[") else data.decode()
        return response.status, dict(response.getheaders()), parsed
    finally:
        conn.close()


def expect_ok(base, method, path, body=None, headers=None):
    status, _, parsed = request(base, method, path, body, headers)
    if status // 100 != 2:
        raise SoakError(f"{method} {base}{path}: {status} {parsed}")
    return parsed


class Simulators:
    """`bssflow sim` on free ports; writes the connectors file pointing at it."""

    def __init__(self, bssflow, work):
        self.work = work
        out = open(os.path.join(work, "sim.out"), "w+")
        err = open(os.path.join(work, "sim.err"), "w")
        self.process = subprocess.Popen(
            [bssflow, "sim", "--partner-center-port", "0", "--bss-port", "0"],
            stdout=out, stderr=err)
        self.pc = self.bss = None
        for _ in range(300):
            out.seek(0)
            for line in out.read().splitlines():
                if line.startswith("partner center simulator:"):
                    self.pc = line.split()[3]
                if line.startswith("bss simulator:"):
                    self.bss = line.split()[2]
            if self.pc and self.bss:
                break
            if self.process.poll() is not None:
                raise SoakError(f"bssflow sim exited: see {work}/sim.err")
            time.sleep(0.05)
        else:
            raise SoakError(f"bssflow sim printed no URLs: see {work}/sim.out")

    def write_connectors(self, path):
        # The demo credentials both simulators accept (tests/lib/simulators.sh).
        with open(path, "w") as f:
            f.write(f"""partner_center:
  api_base_url: {self.pc}
  login_base_url: {self.pc}
  client_id: 0b5f1c0e-5ca1-4e55-9b1e-000000000001
  client_secret: demo-client-secret
  refresh_token: demo-refresh-token
bss:
  base_url: {self.bss}
  client_key: bssflow-demo-client
  client_secret: bssflow-demo-secret
  username: integration@bss.example
  password: demo-password
""")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Server:
    """`bssflow serve --config FILE`, started, SIGKILLed and started again on
    the same port and state directory. Its stderr (JSON log lines) of every
    life goes to serve.err, one `# start N` line between lives."""

    def __init__(self, bssflow, config, work, port):
        self.command = [bssflow, "serve", "--config", config,
                        "--listen", f"127.0.0.1:{port}"]
        self.base = f"http://127.0.0.1:{port}"
        self.work = work
        self.process = None
        self.starts = 0

    def start(self, timeout=60):
        self.starts += 1
        log = open(os.path.join(self.work, "serve.err"), "a")
        log.write(f"# start {self.starts}\n")
        log.flush()
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL,
                                        stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SoakError(f"bssflow serve exited with {self.process.returncode} "
                                f"at start {self.starts}: see {self.work}/serve.err")
            try:
                if request(self.base, "GET", "/readyz", timeout=2)[0] == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.02)
        raise SoakError(f"bssflow serve was not ready after {timeout} s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


class Client:
    """Requests to the server that wait out its restarts: a refused or
    dropped connection, or 503 while it starts or stops, is sent again until
    `patience` seconds have passed. Only safe for requests that may be
    repeated: reads, starts with an Idempotency-Key, answers (a second
    answer is 409) and cancels (a second cancel is 200)."""

    def __init__(self, base, patience=120):
        self.base = base
        self.patience = patience
        self.lock = threading.Lock()
        self.resent = 0  # requests sent again because the server was away

    def send(self, method, path, body=None, headers=None):
        deadline = time.monotonic() + self.patience
        while True:
            try:
                status, _, parsed = request(self.base, method, path, body, headers)
                if status != 503:
                    return status, parsed
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                raise SoakError(f"{method} {path}: the server did not answer "
                                f"for {self.patience} s")
            with self.lock:
                self.resent += 1
            time.sleep(0.05)


class BssAdmin:
    """The BSS API as an operator uses it between two presses of Save &
    Synchronize: unlink an account, change its Domain Prefix
    (docs/connectors/bss.md). The soak's BSS faults are set to miss these
    calls; only --sabotage's notification meets them."""

    def __init__(self, base):
        self.base = base
        self.auth = {}
        self.login()

    def login(self):
        basic = base64.b64encode(b"bssflow-demo-client:bssflow-demo-secret").decode()
        token = expect_ok(
            self.base, "POST", "/oauth/token",
            "grant_type=password&username=integration%40bss.example&password=demo-password",
            {"Authorization": f"Basic {basic}",
             "Content-Type": "application/x-www-form-urlencoded"})
        self.auth = {"Authorization": f"Bearer {token['access_token']}"}

    def call(self, method, path, body=None, headers=None):
        # Every call here may be repeated (DELETE, PUT, a POST with an
        # Idempotency-Key): a dropped connection is retried. Tokens live an
        # hour: a long soak signs in again.
        for attempt in range(5):
            try:
                status, _, parsed = request(self.base, method, path, body,
                                            dict(self.auth, **(headers or {})))
            except (OSError, http.client.HTTPException) as e:
                status, parsed = 0, str(e)
                time.sleep(0.1)
                continue
            if status != 401:
                break
            self.login()
        if status // 100 != 2:
            raise SoakError(f"{method} {self.base}{path}: {status} {parsed}")
        return parsed

    def arm(self, account, domain_prefix):
        self.call("DELETE", f"/api/Accounts/{account}/customercode")
        self.call("PUT", f"/api/Accounts/{account}/syncoptions/MSCSP",
                  [{"Code": "DomainPrefix", "Value": domain_prefix}])

    def send_notification(self, to, subject, body, key):
        return self.call("POST", "/api/Notifications",
                         {"To": to, "Subject": subject, "Body": body},
                         {"Idempotency-Key": key})
