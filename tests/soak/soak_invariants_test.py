#!/usr/bin/env python3
"""The soak's checks must be able to fail: each test breaks one invariant
in an otherwise healthy world and expects exactly that one to be reported.

  python3 -B tests/soak/soak_invariants_test.py
"""
import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_invariants import Evidence, Planned, check  # noqa: E402

NEW_TENANT = "t-new"
CONTOSO = "c0000000-0000-4000-8000-000000000001"


def event(seq, kind, step="", **data):
    return {"sequence": seq, "type": kind, "step": step, "data": data}


def journal(status, *middle, outputs=None, error=None):
    """run_started, the given events (renumbered), run_finished."""
    events = [event(0, "run_started")] + list(middle) + [event(0, "run_finished", status=status)]
    for i, e in enumerate(events, 1):
        e["sequence"] = i
    run = {"status": status}
    if outputs is not None:
        run["outputs"] = outputs
    if error is not None:
        run["error"] = error
    return {"run": run, "events": events}


def healthy():
    planned = [
        Planned(n=1, key="k1", account=1001, shape="create", prefix="soak1001n1",
                domain="soak1001n1.onmicrosoft.com", run_id="r1"),
        Planned(n=2, key="k2", account=4002, shape="link", tenant_id=CONTOSO,
                decision="confirm", by="soak-2", run_id="r2", answered=True),
        Planned(n=3, key="k3", account=1002, shape="prereq", run_id="r3"),
    ]
    journals = {
        "r1": journal(
            "succeeded",
            event(0, "call_sent", "create_customer", idempotency_key="create-1"),
            event(0, "call_failed", "create_customer"),
            event(0, "call_sent", "create_customer", idempotency_key="create-1"),
            # A kill came between sending and the answer: sent again.
            event(0, "call_sent", "create_customer", idempotency_key="create-1", resent=True),
            event(0, "call_succeeded", "create_customer"),
            event(0, "call_sent", "welcome", idempotency_key="welcome-1"),
            event(0, "call_succeeded", "welcome"),
            outputs={"outcome": "created", "domain": "soak1001n1.onmicrosoft.com",
                     "tenant_id": NEW_TENANT}),
        "r2": journal(
            "succeeded",
            event(0, "confirmation_requested", "confirm_link"),
            event(0, "confirmation_answered", "confirm_link", answer="confirm", by="soak-2"),
            outputs={"outcome": "linked", "tenant_id": CONTOSO}),
        "r3": journal("failed", error={"step": "prerequisites", "kind": "check_failed"}),
    }
    for p in planned:
        p.final = {"status": journals[p.run_id]["run"]["status"]}
    evidence = Evidence(
        server_runs={i: {"id": i, "status": j["run"]["status"]} for i, j in journals.items()},
        journals=journals,
        tenants=[
            {"id": CONTOSO, "domains": ["contoso.onmicrosoft.com", "contoso.com"],
             "defaultDomain": "contoso.com", "createdByRequestIds": []},
            {"id": NEW_TENANT, "domains": ["soak1001n1.onmicrosoft.com"],
             "defaultDomain": "soak1001n1.onmicrosoft.com",
             "createdByRequestIds": ["create-1"]},
        ],
        seed_tenant_ids={CONTOSO},
        notifications=[{
            "ID": 1, "IdempotencyKey": "welcome-1", "To": "it@northwind.example",
            "Subject": "Your Microsoft tenant soak1001n1.onmicrosoft.com is ready",
            "Body": "user name: admin@soak1001n1.onmicrosoft.com\npassword: x"}],
        account_emails={1001: "it@northwind.example", 4002: "it@contoso-europe.example"})
    return planned, evidence


class InvariantsTest(unittest.TestCase):
    def assert_only(self, planned, evidence, invariant, text):
        report = check(planned, evidence)
        self.assertEqual(list(report.violations), [invariant], dict(report.violations))
        self.assertIn(text, "\n".join(report.violations[invariant]))

    def test_a_healthy_world_passes(self):
        report = check(*healthy())
        self.assertTrue(report.ok, dict(report.violations))
        self.assertEqual(report.checks["every create made exactly one tenant"], 1)

    def test_a_second_tenant_for_one_create(self):
        planned, evidence = healthy()
        evidence.tenants.append({"id": "t-again", "domains": ["soak1001n1b.onmicrosoft.com"],
                                 "defaultDomain": "soak1001n1b.onmicrosoft.com",
                                 "createdByRequestIds": ["create-1"]})
        self.assert_only(planned, evidence, "every create made exactly one tenant", "t-again")

    def test_a_tenant_no_run_created(self):
        planned, evidence = healthy()
        evidence.tenants.append({"id": "t-stray", "domains": ["stray.onmicrosoft.com"],
                                 "defaultDomain": "stray.onmicrosoft.com",
                                 "createdByRequestIds": ["unknown-key"]})
        self.assert_only(planned, evidence, "no tenant without its run", "t-stray")

    def test_a_domain_in_two_tenants(self):
        planned, evidence = healthy()
        evidence.tenants[1]["domains"].append("contoso.com")
        self.assert_only(planned, evidence, "no domain in two tenants", "contoso.com")

    def test_a_welcome_sent_twice_under_another_key(self):
        planned, evidence = healthy()
        again = dict(evidence.notifications[0], ID=2, IdempotencyKey="other")
        evidence.notifications.append(again)
        self.assert_only(planned, evidence,
                         "every welcome notification sent exactly once, to the account",
                         "also announced by notification(s) [2]")

    def test_a_welcome_to_the_wrong_recipient(self):
        planned, evidence = healthy()
        evidence.notifications[0]["To"] = "someone@else.example"
        self.assert_only(planned, evidence,
                         "every welcome notification sent exactly once, to the account",
                         "someone@else.example")

    def test_a_welcome_never_sent(self):
        planned, evidence = healthy()
        evidence.notifications.clear()
        self.assert_only(planned, evidence,
                         "every welcome notification sent exactly once, to the account",
                         "expected one notification to it@northwind.example")

    def test_a_lost_confirmation(self):
        planned, evidence = healthy()
        events = evidence.journals["r2"]["events"]
        events[:] = [e for e in events if e["type"] != "confirmation_answered"]
        for i, e in enumerate(events, 1):
            e["sequence"] = i
        self.assert_only(planned, evidence, "no confirmation was lost",
                         "answered confirm by soak-2")

    def test_a_call_without_outcome(self):
        planned, evidence = healthy()
        events = evidence.journals["r1"]["events"]
        del events[5]  # the create's call_succeeded
        for i, e in enumerate(events, 1):
            e["sequence"] = i
        self.assert_only(planned, evidence, "every journal is complete",
                         "of step create_customer has no outcome")

    def test_a_call_sent_under_a_new_key(self):
        planned, evidence = healthy()
        evidence.journals["r1"]["events"][3]["data"]["idempotency_key"] = "create-2"
        self.assert_only(planned, evidence, "every journal is complete", "under 2 keys")

    def test_a_journal_without_run_finished(self):
        planned, evidence = healthy()
        evidence.journals["r3"]["events"].pop()
        self.assert_only(planned, evidence, "every journal is complete",
                         "does not end with run_finished")

    def test_a_run_left_running(self):
        planned, evidence = healthy()
        evidence.server_runs["r3"]["status"] = "running"
        report = check(planned, evidence)
        self.assertIn("every run reached a final status", report.violations)
        # The driver saw it failed: its status did not survive the restart.
        self.assertIn("final statuses survive a SIGKILL", report.violations)

    def test_a_start_that_ran_twice(self):
        planned, evidence = healthy()
        evidence.server_runs["r9"] = {"id": "r9", "status": "succeeded"}
        self.assert_only(planned, evidence, "every start made exactly one run", "r9")

    def test_a_lost_run(self):
        planned, evidence = healthy()
        del evidence.server_runs["r3"]
        self.assert_only(planned, evidence, "every start made exactly one run", "lost")

    def test_a_wrong_outcome(self):
        planned, evidence = healthy()
        evidence.journals["r2"]["run"]["outputs"]["outcome"] = "rejected"
        self.assert_only(planned, evidence, "every run ended as its account's shape says",
                         "expected ('succeeded', 'linked'")

    def test_a_failure_under_faults_is_listed_not_counted(self):
        planned, evidence = healthy()
        evidence.journals = copy.deepcopy(evidence.journals)
        evidence.journals["r2"] = journal(
            "failed", error={"step": "existing", "kind": "throttled", "message": "429"})
        planned[1].answered = False
        planned[1].final = {"status": "failed"}
        evidence.server_runs["r2"]["status"] = "failed"
        report = check(planned, evidence)
        self.assertTrue(report.ok, dict(report.violations))
        self.assertEqual(len(report.fault_failures), 1)

    def test_a_run_failing_on_a_refused_token_is_a_violation(self):
        # The connectors renew a refused token several times in a row
        # (kTokenRenewals): a run that still fails with `auth` is a defect.
        planned, evidence = healthy()
        evidence.journals["r1"] = journal(
            "failed", error={"step": "domain", "kind": "auth", "code": "401",
                             "message": "check domain soak1001n1.onmicrosoft.com: HTTP 401"})
        evidence.tenants.pop()
        evidence.notifications.clear()
        planned[0].final = {"status": "failed"}
        evidence.server_runs["r1"]["status"] = "failed"
        report = check(planned, evidence)
        self.assertFalse(report.ok)
        self.assertIn("every run ended as its account's shape says", report.violations)

    def test_a_prerequisite_run_failing_earlier_under_faults_is_listed(self):
        planned, evidence = healthy()
        evidence.journals["r3"]["run"]["error"] = {"step": "system", "kind": "retryable"}
        report = check(planned, evidence)
        self.assertTrue(report.ok, dict(report.violations))
        self.assertEqual(len(report.fault_failures), 1)

    def test_another_auth_failure_is_a_violation(self):
        planned, evidence = healthy()
        evidence.journals["r2"] = journal(
            "failed", error={"step": "domain", "kind": "auth", "code": "403", "message": "no"})
        planned[1].answered = False
        planned[1].final = {"status": "failed"}
        evidence.server_runs["r2"]["status"] = "failed"
        self.assert_only(planned, evidence, "every run ended as its account's shape says",
                         "auth: no")


if __name__ == "__main__":
    unittest.main()
