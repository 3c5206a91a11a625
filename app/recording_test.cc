#include "app/recording.h"

#include <gtest/gtest.h>

namespace bssflow::app {
namespace {

engine::Event E(int64_t sequence, const char* type, const char* step,
                const char* data, int64_t time_ms = 1795500000000) {
  return {sequence, type, step, nlohmann::json::parse(data), time_ms};
}

TEST(RecordingTest, ARunAsItsRecording) {
  engine::RunRecord run;
  run.id = "r-1";
  run.workflow = "test.link";
  run.definition_hash = "abc123";
  run.status = engine::RunStatus::kSucceeded;
  run.inputs = {{"account_id", 4002}};
  run.created_ms = 1795500000000;
  run.updated_ms = 1795500001000;
  std::vector<engine::Event> journal = {
      E(1, "run_started", "", R"({"workflow": "test.link"})"),
      E(2, "step_started", "account", "{}", 1795500000100),
      E(3, "call_sent", "account",
        R"({"action": "bss.get_account", "arguments": {"id": 4002},
            "attempt": 1, "idempotency_key": "k-1"})"),
      E(4, "call_failed", "account",
        R"({"attempt": 1, "error": {"kind": "retryable", "code": "503",
            "message": "busy"}})"),
      E(5, "call_sent", "account",
        R"({"action": "bss.get_account", "arguments": {"id": 4002},
            "attempt": 2, "idempotency_key": "k-1"})"),
      E(6, "call_sent", "account",
        R"({"action": "bss.get_account", "arguments": {"id": 4002},
            "attempt": 2, "idempotency_key": "k-1", "resent": true})"),
      E(7, "call_succeeded", "account",
        R"({"attempt": 2, "result": {"name": "Contoso",
            "password": {"$secret": "v1:sealed"}}})"),
      E(8, "step_succeeded", "account", "{}"),
      E(9, "step_started", "ask", "{}", 1795500000200),
      E(10, "confirmation_requested", "ask", R"({"message": "Link?"})"),
      E(11, "confirmation_answered", "ask",
        R"({"answer": "confirm", "by": "alice"})"),
      E(12, "notification_sent", "ask",
        R"({"template": "welcome", "to": "it@contoso.example", "cc": null,
            "subject": "Hi"})"),
      E(13, "run_finished", "",
        R"({"status": "succeeded", "outputs": {"linked": true}})"),
  };
  nlohmann::json recording = MakeRecording(run, "workflow: test.link\n", journal);
  EXPECT_EQ(recording.dump(),
            R"j({"calls":[{"action":"bss.get_account","arguments":{"id":4002},)j"
            R"j("attempts":[{"attempt":1,"error":{"code":"503","kind":"retryable",)j"
            R"j("message":"busy"},"sent_at":"2026-11-24T06:00:00Z"},{"attempt":2,)j"
            R"j("resent":true,"result":{"name":"Contoso","password":"***"},)j"
            R"j("sent_at":"2026-11-24T06:00:00Z"}],"idempotency_key":"k-1",)j"
            R"j("step":"account"}],"clock":[{"step":"account","time":)j"
            R"j("2026-11-24T06:00:00Z","time_ms":1795500000100},{"step":"ask",)j"
            R"j("time":"2026-11-24T06:00:00Z","time_ms":1795500000200}],)j"
            R"j("confirmations":[{"answer":"confirm","by":"alice","message":)j"
            R"j("Link?","step":"ask"}],"format":"bssflow-recording","inputs":)j"
            R"j({"account_id":4002},"notifications":[{"cc":null,"step":"ask",)j"
            R"j("subject":"Hi","template":"welcome","to":"it@contoso.example"}],)j"
            R"j("outcome":{"outputs":{"linked":true},"status":"succeeded"},"run":)j"
            R"j({"created_at":"2026-11-24T06:00:00Z","id":"r-1","status":)j"
            R"j("succeeded","updated_at":"2026-11-24T06:00:01Z"},"version":1,)j"
            R"j("workflow":{"definition":"workflow: test.link\n","name":)j"
            R"j("test.link","version":"abc123"}})j");
}

TEST(RecordingTest, RecordRunReportsWhatCannotBeRead) {
  auto store = engine::MakeMemoryStore();
  EXPECT_EQ(RecordRun(*store, "nope").status().message(), "no run nope");
  engine::NewRun run;
  run.id = "r-1";
  run.workflow = "w";
  run.definition_hash = "h";
  ASSERT_TRUE(store->CreateRun(run).ok());
  EXPECT_EQ(RecordRun(*store, "r-1").status().message(),
            "no workflow definition h");
  ASSERT_TRUE(store->PutDefinition("h", "w", "workflow: w\n").ok());
  Result<nlohmann::json> recording = RecordRun(*store, "r-1");
  ASSERT_TRUE(recording.ok());
  EXPECT_EQ(recording.value()["outcome"].dump(), R"({"status":"pending"})");
}

}  // namespace
}  // namespace bssflow::app
