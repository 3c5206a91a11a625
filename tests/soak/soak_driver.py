#!/usr/bin/env python3
"""The soak: thousands of Save & Synchronize runs over HTTP against
`bssflow serve` (SQLite store) and `bssflow sim`, with Partner Center and
BSS faults, the server SIGKILLed at random moments and started again on the
same state directory; then the invariants of soak_invariants.py.

Usually started by tests/soak/soak.sh; see docs/reliability.md, "Soak".
Exit status: 0 every invariant held; 1 one failed (each failure names the
run); 2 the soak could not run.
"""
import argparse
import collections
import concurrent.futures
import datetime
import http.client
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time

from soak_invariants import FINAL, INVARIANTS, Evidence, Planned, check, describe
from soak_processes import (BssAdmin, Client, Server, Simulators, SoakError,
                            expect_ok, free_port)

WORKFLOW = "microsoft.provision-tenant"
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONTOSO = "c0000000-0000-4000-8000-000000000001"
TREY = "c0000000-0000-4000-8000-000000000002"

# The BSS simulator cannot add accounts (docs/simulators/bss.md), so the
# demo accounts with valid details are re-armed before each run through the
# BSS API, as an operator would: unlink the account, set its Domain Prefix.
# A fresh prefix makes a new tenant; another prefix gives the account
# another shape. One run at a time per such account.
ARMABLE = {
    1001: ("create",),                 # Northwind: direct customer
    2001: ("create",),                 # Adatum: indirect reseller, the reseller's address
    2002: ("create",),                 # Wide World Importers: sub-customer, GB address
    4001: ("create", "inaccessible"),  # prefix contoso: found only by its alias
    5001: ("create", "inaccessible"),  # prefix fabrikam: a tenant we cannot access
    4002: ("link",),                   # contoso.com, held by 4003: "same Customer Code ... in BSS"
    4004: ("create", "link"),          # treyresearch, unlinked: "... in Partner Cloud Services GL"
}
NOT_NEW = {  # account -> (Domain Prefix, tenant id) of its non-create shape
    4001: ("contoso", ""), 5001: ("fabrikam", ""),
    4002: ("contoso.com", CONTOSO), 4004: ("treyresearch", TREY),
}
# Accounts the driver never touches: any number of runs at once.
FIXED = {1002: "prereq", 1003: "prereq", 1004: "prereq", 1005: "prereq",
         3001: "prereq", 4003: "already_linked"}
PREREQ = sorted(a for a, shape in FIXED.items() if shape == "prereq")
DECISIONS = (("confirm", 0.45), ("reject", 0.40), ("cancel", 0.15))


def partner_center_faults(seed):
    """Every kind Partner Center can show, at rates the workflow's retries
    (4 to 5 attempts) outlast nearly always. The half-done create comes
    first: of several rules only the first answer-changing one acts."""
    return {"seed": seed, "faults": [
        {"kind": "latency", "probability": 0.2, "delayMs": 20},
        {"kind": "expire_tokens", "probability": 0.01},
        {"kind": "timeout_after_commit", "method": "POST", "path": "/v1/customers",
         "probability": 0.15, "delayMs": 100},
        {"kind": "throttle", "probability": 0.03, "retryAfter": 1},
        {"kind": "server_error", "probability": 0.03, "status": 503},
        {"kind": "drop", "probability": 0.02, "delayMs": 10},
    ]}


def bss_faults(seed):
    """BSS faults on the engine's calls only (GET, PUT .../syncstatus, POST
    /api/Notifications): the driver's own DELETE and PUT .../syncoptions
    never match. A notification sent whose answer is lost tests that a
    resend with the same Idempotency-Key does not send it twice."""
    return {"Seed": seed, "Rules": [
        {"Kind": "Latency", "Probability": 0.1, "LatencyMs": 10, "Count": -1},
        {"Kind": "DropConnection", "Method": "POST", "Path": "/api/Notifications",
         "AfterProcessing": True, "Probability": 0.2, "Count": -1},
        {"Kind": "DropConnection", "Method": "PUT", "Path": "/api/Accounts/*/syncstatus/*",
         "AfterProcessing": True, "Probability": 0.03, "Count": -1},
        {"Kind": "Throttle", "Method": "GET", "Path": "/api/*", "Probability": 0.02,
         "RetryAfterSeconds": 1, "Count": -1},
        {"Kind": "ServerError", "Method": "GET", "Path": "/api/*", "Probability": 0.02,
         "Status": 502, "Count": -1},
        {"Kind": "ExpireToken", "Method": "GET", "Path": "/api/*", "Probability": 0.005,
         "Count": -1},
    ]}


class Soak:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.lock = threading.Lock()
        self.freed = threading.Condition(self.lock)
        self.free = set(ARMABLE)
        self.planned = []
        self.started = 0
        self.finished = 0
        self.kills = 0
        self.pc_faults = collections.Counter()
        self.pc_calls = 0
        self.pc_seq = 0
        self.abort = threading.Event()  # set when the soak cannot go on
        self.errors = []

    # ---- processes -----------------------------------------------------
    def start(self):
        self.sims = Simulators(self.args.bssflow, self.work)
        self.sims.write_connectors(os.path.join(self.work, "connectors.yaml"))
        config = os.path.join(self.work, "serve.yaml")
        with open(config, "w") as f:
            f.write(f"state_dir: state\n"
                    f"workflows_dir: {REPO}/workflows/microsoft\n"
                    f"connectors: connectors.yaml\n")
        self.server = Server(self.args.bssflow, config, self.work, free_port())
        self.server.start()
        self.client = Client(self.server.base)
        self.bss = BssAdmin(self.sims.bss)
        state = expect_ok(self.sims.pc, "GET", "/_sim/state")
        self.seed_tenants = {t["id"] for t in state["tenants"]}
        if not self.args.no_faults:
            expect_ok(self.sims.pc, "POST", "/_sim/faults", partner_center_faults(self.args.seed))
            expect_ok(self.sims.bss, "POST", "/_sim/faults", bss_faults(self.args.seed))

    def stop(self):
        for stop in (getattr(self, "server", None), getattr(self, "sims", None)):
            if stop:
                stop.stop()

    # ---- the workload --------------------------------------------------
    def plan(self, n):
        """Chooses the account and shape of run n: an armable account for
        60% of the runs (waiting until one is free), else a fixed one."""
        rng = random.Random(f"{self.args.seed}-{n}")
        p = Planned(n=n, key=f"soak-{self.args.seed}-{n}", account=0, shape="")
        if rng.random() < 0.6:
            with self.freed:
                self.freed.wait_for(lambda: self.free)
                p.account = rng.choice(sorted(self.free))
                self.free.discard(p.account)
        if p.account:
            p.shape = rng.choice(ARMABLE[p.account])
            if p.shape == "create":
                p.prefix = f"soak{p.account}n{n}"
                p.domain = p.prefix + ".onmicrosoft.com"
            else:
                p.prefix, p.tenant_id = NOT_NEW[p.account]
        else:
            p.account = 4003 if rng.random() < 0.3 else rng.choice(PREREQ)
            p.shape = FIXED[p.account]
        if p.shape == "link":
            p.decision = rng.choices([d for d, _ in DECISIONS], [w for _, w in DECISIONS])[0]
            p.by = f"soak-{n}"
        return p

    def worker(self):
        while not self.abort.is_set():
            with self.lock:
                if self.started >= self.args.runs:
                    return
                n = self.started = self.started + 1
            p = self.plan(n)
            with self.lock:
                self.planned.append(p)
            try:
                self.drive(p)
            except Exception as e:  # the soak stops; the message names the run
                self.errors.append(f"{describe(p)}: {type(e).__name__}: {e}")
                self.abort.set()
            finally:
                with self.lock:
                    self.finished += 1
                    if p.account in ARMABLE:
                        self.free.add(p.account)
                        self.freed.notify()

    def drive(self, p):
        if p.account in ARMABLE:
            self.bss.arm(p.account, p.prefix)
        status, run = self.client.send(
            "POST", f"/v1/workflows/{WORKFLOW}/runs", {"inputs": {"account_id": p.account}},
            {"Idempotency-Key": p.key})
        if status not in (200, 202):
            raise SoakError(f"start: {status} {run}")
        p.run_id = run["id"]
        deadline = time.monotonic() + self.args.run_timeout
        asked = False
        while time.monotonic() < deadline:
            status, run = self.client.send("GET", f"/v1/runs/{p.run_id}")
            if status != 200:
                raise SoakError(f"GET run: {status} {run}")
            if run["status"] in FINAL:
                p.final = run
                return
            if run["status"] == "awaiting_confirmation" and not asked:
                # Answered once only: asking again after an answer would
                # hide an answer the server lost.
                self.answer(p)
                asked = True
            time.sleep(self.args.poll)
        # Left unfinished: the invariants report it by name.

    def answer(self, p):
        if p.decision == "cancel":
            status, body = self.client.send("POST", f"/v1/runs/{p.run_id}/cancel")
            if status != 200:
                raise SoakError(f"cancel: {status} {body}")
            return
        status, body = self.client.send("POST", f"/v1/runs/{p.run_id}/confirmation",
                                        {"decision": p.decision, "by": p.by})
        # 409 "not awaiting" can only mean an earlier try of this very
        # answer arrived and its reply was lost in a kill: nothing else
        # answers. Either way the journal must now hold it.
        if status not in (200, 409):
            raise SoakError(f"confirmation: {status} {body}")
        p.answered = True

    # ---- kills and faults ----------------------------------------------
    def killer(self):
        """SIGKILL when the starts pass random points (so runs are in
        flight), a random moment later; down a random moment, during which
        starts, polls and answers meet refused connections."""
        rng = random.Random(f"{self.args.seed}-kills")
        low = max(1, self.args.runs // 20)
        points = sorted(rng.randint(low, self.args.runs) for _ in range(self.args.kills))
        for point in points:
            while self.started < point and not self.abort.is_set():
                time.sleep(0.01)
            if self.abort.is_set():
                return
            time.sleep(rng.uniform(0, 0.5))
            self.server.kill()
            self.kills += 1
            time.sleep(rng.uniform(0, 0.3))
            try:
                self.server.start()
            except SoakError as e:
                self.errors.append(str(e))
                self.abort.set()
                return

    def count_pc_faults(self):
        """Partner Center's call log keeps the last 50000 calls: read it as
        it grows."""
        calls = expect_ok(self.sims.pc, "GET", f"/_sim/calls?since={self.pc_seq}")["calls"]
        for call in calls:
            self.pc_seq = max(self.pc_seq, call["sequence"])
            self.pc_calls += 1
            for kind in filter(None, call["fault"].split(",")):
                self.pc_faults[kind] += 1

    def watch(self, workers):
        began = time.monotonic()
        last = 0
        while any(w.is_alive() for w in workers):
            time.sleep(0.2)
            if time.monotonic() - last >= 5:
                last = time.monotonic()
                self.count_pc_faults()
                print(f"  {time.monotonic() - began:6.1f} s: {self.started} started, "
                      f"{self.finished} finished, {self.kills} kills", flush=True)

    def run(self):
        began = time.monotonic()
        workers = [threading.Thread(target=self.worker) for _ in range(self.args.workers)]
        killer = threading.Thread(target=self.killer)
        for t in workers + [killer]:
            t.start()
        self.watch(workers)
        if self.started < self.args.runs:
            self.abort.set()  # every worker stopped early: so does the killer
        killer.join()
        if self.errors:
            raise SoakError("; ".join(self.errors[:5]))
        self.sabotage()
        # A last SIGKILL once every run is final: what the driver saw must
        # have been durable.
        self.server.kill()
        self.kills += 1
        self.server.start()
        self.count_pc_faults()
        return time.monotonic() - began

    def sabotage(self):
        """--sabotage: breaks an invariant on purpose, through the services'
        own APIs, to show the checks read the real data."""
        kind = self.args.sabotage
        if kind == "duplicate-notification":
            sent = expect_ok(self.sims.bss, "GET", "/_sim/notifications")["Items"]
            if not sent:
                raise SoakError("--sabotage duplicate-notification: no notification to repeat")
            n = sent[0]
            self.bss.send_notification(n["To"], n["Subject"], n["Body"], "sabotage-1")
        elif kind == "unplanned-run":
            self.client.send("POST", f"/v1/workflows/{WORKFLOW}/runs",
                             {"inputs": {"account_id": 1002}}, {"Idempotency-Key": "sabotage-1"})

    # ---- the end -------------------------------------------------------
    def collect(self):
        server_runs, after = {}, ""
        while True:
            status, page = self.client.send(
                "GET", f"/v1/runs?workflow={WORKFLOW}&limit=1000" + (f"&after={after}" if after else ""))
            if status != 200:
                raise SoakError(f"GET /v1/runs: {status} {page}")
            server_runs.update((r["id"], r) for r in page["runs"])
            after = page["next"]
            if not after:
                break
        ids = set(server_runs) | {p.run_id for p in self.planned if p.run_id}

        def journal(run_id):
            status, body = self.client.send("GET", f"/v1/runs/{run_id}/journal")
            return run_id, body if status == 200 else None
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            journals = {i: j for i, j in pool.map(journal, sorted(ids)) if j}
        bss_state = expect_ok(self.sims.bss, "GET", "/_sim/state")
        return Evidence(
            server_runs=server_runs, journals=journals,
            tenants=expect_ok(self.sims.pc, "GET", "/_sim/state")["tenants"],
            seed_tenant_ids=self.seed_tenants,
            notifications=expect_ok(self.sims.bss, "GET", "/_sim/notifications")["Items"],
            account_emails={a["ID"]: a["Email"] for a in bss_state["Accounts"]})

    def runs_across_kills(self):
        """Runs that journaled events in two lives of the server or more:
        in flight (or parked) at a kill, and driven on after it. Read from
        the `run_event` lines of serve.err, which the driver splits into
        lives with its `# start N` lines. (The server's `runs_resumed` line
        comes only once every resumed run has finished or parked, so a
        quick kill leaves it out.)"""
        lives = collections.defaultdict(set)
        life = 0
        with open(os.path.join(self.work, "serve.err")) as log:
            for line in log:
                if line.startswith("# start "):
                    life += 1
                elif '"run_event"' in line:
                    lives[json.loads(line)["run_id"]].add(life)
        return sum(1 for seen in lives.values() if len(seen) > 1)

    def bss_fault_hits(self):
        hits = collections.Counter()
        for rule in expect_ok(self.sims.bss, "GET", "/_sim/faults")["Rules"]:
            kind = rule["Kind"] + (" after processing" if rule["AfterProcessing"] else "")
            hits[kind] += rule["Hits"]
        return hits


def outcome_of(p):
    run = p.final or {}
    if run.get("status") == "succeeded":
        return (run.get("outputs") or {}).get("outcome", "succeeded")
    return run.get("status", "not final")


def seconds(run):
    """How long a run took, from its creation to its last update."""
    def parse(stamp):
        return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    return parse(run["updated_at"]) - parse(run["created_at"])


def summarize(soak, report, wall):
    outcomes = collections.Counter(outcome_of(p) for p in soak.planned)
    shapes = collections.Counter(p.shape for p in soak.planned)
    print(f"\nsoak: {len(soak.planned)} runs in {wall:.1f} s with {soak.args.workers} workers, "
          f"{soak.kills} SIGKILLs of bssflow serve ({soak.server.starts} starts), seed {soak.args.seed}")
    print("  shapes:   " + ", ".join(f"{k} {v}" for k, v in sorted(shapes.items())))
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    took = sorted(((seconds(p.final), p) for p in soak.planned if p.final),
                  key=lambda pair: pair[0])
    if took:
        slowest = took[-1][1]
        print(f"  run time: median {took[len(took) // 2][0]:.2f} s, "
              f"p99 {took[int(len(took) * 0.99)][0]:.2f} s, "
              f"max {took[-1][0]:.2f} s ({describe(slowest)})")
    print(f"  runs in flight or parked at a kill, driven on after it from their journals: "
          f"{soak.runs_across_kills()}")
    print(f"  requests sent again while the server was away: {soak.client.resent}")
    print(f"  partner center: {soak.pc_calls} calls, faults: "
          + (", ".join(f"{k} {v}" for k, v in sorted(soak.pc_faults.items())) or "none"))
    bss = soak.bss_fault_hits()
    print("  bss faults: " + (", ".join(f"{k} {v}" for k, v in sorted(bss.items())) or "none"))
    print(f"  journals: {report.events} events; {report.resent_calls} calls sent again "
          "after a kill caught them in flight")
    print(f"invariants ({sum(report.checks.values())} checks):")
    for name in INVARIANTS:
        failed = report.violations.get(name, [])
        print(f"  {'FAIL' if failed else 'ok  '} {name} ({report.checks[name]} checks)")
        for message in failed[:20]:
            print(f"         {message}")
        if len(failed) > 20:
            print(f"         ... and {len(failed) - 20} more")
    for title, items in (("runs that failed under faults (allowed)", report.fault_failures),
                         ("tenants of create runs that then failed", report.orphan_tenants)):
        print(f"{title}: {len(items)}")
        for item in items[:10]:
            print(f"  {item}")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="soak.sh BSSFLOW",
        description="Soak bssflow serve: many provisioning runs over HTTP, faults, SIGKILLs, "
                    "then the invariants (docs/reliability.md).")
    parser.add_argument("--bssflow", required=True, help="the bssflow executable")
    parser.add_argument("--runs", type=int, default=300, help="logical runs to start (300)")
    parser.add_argument("--kills", type=int, default=3,
                        help="SIGKILLs of the server while runs are in flight (3); one more at the end")
    parser.add_argument("--workers", type=int, default=12, help="runs driven at once (12)")
    parser.add_argument("--seed", type=int, default=1, help="seeds the choices and the fault draws (1)")
    parser.add_argument("--poll", type=float, default=0.1, help="seconds between polls of a run (0.1)")
    parser.add_argument("--run-timeout", type=float, default=300,
                        help="seconds a run may take before it is reported unfinished (300)")
    parser.add_argument("--no-faults", action="store_true", help="inject no faults")
    parser.add_argument("--sabotage", choices=("duplicate-notification", "unplanned-run"),
                        help="break an invariant on purpose; exit 0 only if the checks catch it")
    parser.add_argument("--work", help="working directory (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    return parser.parse_args(argv)


SABOTAGED = {"duplicate-notification": "every welcome notification sent exactly once, to the account",
             "unplanned-run": "every start made exactly one run"}


def main(argv):
    args = parse_args(argv)
    work = args.work or tempfile.mkdtemp(prefix="bssflow-soak.")
    os.makedirs(work, exist_ok=True)
    print(f"soak: {args.runs} runs, {args.kills} kills, {args.workers} workers; files in {work}",
          flush=True)
    soak = Soak(args, work)
    try:
        soak.start()
        wall = soak.run()
        report = check(soak.planned, soak.collect())
        summarize(soak, report, wall)
    except (SoakError, OSError, http.client.HTTPException) as e:
        print(f"soak: could not run: {e}\nsoak: files kept in {work}", file=sys.stderr)
        return 2
    finally:
        soak.stop()
    if args.sabotage:
        caught = SABOTAGED[args.sabotage] in report.violations
        print(f"sabotage {args.sabotage}: {'caught' if caught else 'NOT CAUGHT'} "
              f"by '{SABOTAGED[args.sabotage]}'")
        code = 0 if caught else 1
    else:
        code = 0 if report.ok else 1
    print("soak: " + ("every invariant held" if report.ok else "INVARIANTS FAILED"))
    if code == 0 and not args.keep and not args.work:
        shutil.rmtree(work)
    else:
        print(f"soak: files kept in {work} (serve.err: the server's log of every start)")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
