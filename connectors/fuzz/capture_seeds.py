#!/usr/bin/env python3
"""Captures the seeds of http_response_fuzzer (connectors/fuzz/seeds/
http_response/): responses of `bssflow sim` byte for byte, as the
connectors' HTTP client reads them: tokens, JSON bodies, a HEAD 404, and
the simulators' faults (429 with Retry-After, 503, 401 for an expired
token). Each request asks the server to close, so a response is everything
up to the end of the stream. Run it again when the simulators change what
they answer.

    connectors/fuzz/capture_seeds.py BSSFLOW

The other seeds beside these are kept as they are: hand-written shapes the
simulators do not send (chunked-201.http, 503-retry-after-date.http,
http10-until-eof.http) and the inputs that found bugs (regression-*.http).
"""
import base64
import json
import os
import re
import socket
import subprocess
import sys
import urllib.parse

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds",
                   "http_response")


def start_sim(bssflow):
    sim = subprocess.Popen(
        [bssflow, "sim", "--partner-center-port", "0", "--bss-port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    urls = {}
    while len(urls) < 2:
        line = sim.stdout.readline()
        if not line:
            sys.exit("bssflow sim exited early")
        match = re.match(r"^(partner center|bss) simulator: *(http\S+)", line)
        if match:
            urls[match.group(1)] = urllib.parse.urlsplit(match.group(2))
    return sim, urls["partner center"], urls["bss"]


def exchange(url, method, target, headers=None, body=b""):
    """The raw bytes the server answers one request with."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {url.netloc}",
             "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    with socket.create_connection((url.hostname, url.port)) as conn:
        conn.sendall(request)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def body_of(response):
    return json.loads(response.split(b"\r\n\r\n", 1)[1])


def save(name, response):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(response)
    status = response.split(b"\r\n", 1)[0].decode()
    print(f"{name}: {status}, {len(response)} bytes")


def form(fields):
    return urllib.parse.urlencode(fields).encode()


def faults(url, plan):
    exchange(url, "POST", "/_sim/faults", {"Content-Type": "application/json"},
             json.dumps(plan).encode())


def partner_center(pc):
    exchange(pc, "POST", "/_sim/reset")
    token = exchange(pc, "POST", "/common/oauth2/token",
                     {"Content-Type": "application/x-www-form-urlencoded"},
                     form({"grant_type": "client_credentials",
                           "client_id": "0b5f1c0e-5ca1-4e55-9b1e-000000000001",
                           "client_secret": "demo-client-secret",
                           "resource": "https://api.partnercenter.microsoft.com"}))
    save("pc-token.http", token)
    auth = {"Authorization": "Bearer " + body_of(token)["access_token"],
            "Accept": "application/json"}
    page = exchange(pc, "GET", "/v1/customers?size=1", auth)
    save("pc-customers-page.http", page)
    customer = body_of(page)["items"][0]["id"]
    save("pc-customer.http", exchange(pc, "GET", f"/v1/customers/{customer}", auth))
    save("pc-customer-404.http",
         exchange(pc, "GET", "/v1/customers/00000000-0000-0000-0000-000000000000",
                  auth))
    save("pc-head-domain-404.http",
         exchange(pc, "HEAD", "/v1/domains/free-fuzz-seed.onmicrosoft.com", auth))
    faults(pc, {"faults": [{"kind": "throttle", "path": "/v1/*", "count": 1,
                            "retryAfter": 5}]})
    save("pc-throttled-429.http",
         exchange(pc, "GET", f"/v1/customers/{customer}", auth))
    faults(pc, {"faults": [{"kind": "server_error", "path": "/v1/*", "count": 1,
                            "status": 503}]})
    save("pc-server-error-503.http",
         exchange(pc, "GET", f"/v1/customers/{customer}", auth))
    faults(pc, {"faults": [{"kind": "expire_tokens", "count": 1}]})
    save("pc-expired-token-401.http",
         exchange(pc, "GET", f"/v1/customers/{customer}", auth))
    exchange(pc, "POST", "/_sim/reset")


def bss(url):
    exchange(url, "POST", "/_sim/reset")
    token = exchange(url, "POST", "/oauth/token",
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "Authorization": "Basic " + base64.b64encode(
                          b"bssflow-demo-client:bssflow-demo-secret").decode()},
                     form({"grant_type": "password",
                           "username": "integration@bss.example",
                           "password": "demo-password"}))
    save("bss-token.http", token)
    auth = {"Authorization": "Bearer " + body_of(token)["access_token"],
            "Accept": "application/json"}
    save("bss-account.http", exchange(url, "GET", "/api/Accounts/1001", auth))
    save("bss-account-404.http", exchange(url, "GET", "/api/Accounts/999999", auth))
    faults(url, {"Rules": [{"Method": "GET", "Path": "/api/Accounts/*",
                            "Kind": "Throttle", "Count": 1,
                            "RetryAfterSeconds": 7}]})
    save("bss-throttled-429.http", exchange(url, "GET", "/api/Accounts/1001", auth))
    faults(url, {"Rules": [{"Path": "/api/*", "Kind": "ServerError",
                            "Status": 503, "Count": 1}]})
    save("bss-server-error-503.http",
         exchange(url, "GET", "/api/Accounts/1001", auth))
    exchange(url, "POST", "/_sim/reset")


def main():
    os.makedirs(OUT, exist_ok=True)
    sim, pc, bss_url = start_sim(os.path.abspath(sys.argv[1]))
    try:
        partner_center(pc)
        bss(bss_url)
    finally:
        sim.terminate()
        sim.wait()


if __name__ == "__main__":
    main()
