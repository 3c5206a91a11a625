#include "app/event_format.h"

#include <gtest/gtest.h>

namespace bssflow::app {
namespace {

engine::Event Make(const char* type, const char* step, const char* data) {
  engine::Event event;
  event.type = type;
  event.step = step;
  event.data = nlohmann::json::parse(data);
  return event;
}

TEST(EventFormatTest, SealedValuesReadAsStarsEvenInErrorMessages) {
  EXPECT_EQ(DescribeEvent(Make("step_failed", "notify",
                               R"({"error": {"kind": "fatal", "code": "x",
                                   "message": {"$secret": "v1:abc"}}})")),
            "notify: failed: fatal: *** (code x)");
  EXPECT_EQ(DescribeEvent(Make("run_finished", "",
                               R"({"status": "failed", "error":
                                   {"kind": "fail", "code": "fail",
                                    "message": {"$secret": "v1:abc"}}})")),
            "run finished: failed (fail: ***)");
  EXPECT_EQ(DescribeEvent(Make("call_succeeded", "create",
                               R"({"attempt": 1, "result": {"id": "t-1",
                                   "password": {"$secret": "v1:abc"}}})")),
            R"(create: call succeeded: {"id":"t-1","password":"***"})");
}

TEST(EventFormatTest, CheckFailuresListEveryMessage) {
  EXPECT_EQ(DescribeEvent(Make("check_failed", "prerequisites",
                               R"({"messages": ["no phone", "no email"]})")),
            "prerequisites: check failed:\n    - no phone\n    - no email");
}

// One event, one line: line breaks of messages never start a line that
// reads as an event of its own.
TEST(EventFormatTest, LineBreaksInMessagesStayUnderTheirEvent) {
  EXPECT_EQ(DescribeEvent(Make("step_failed", "chk",
                               R"({"error": {"kind": "check_failed",
                                   "code": "check_failed",
                                   "message": "too small\nodd"}})")),
            "chk: failed: check_failed: too small; odd");
  EXPECT_EQ(DescribeEvent(Make("run_finished", "",
                               R"({"status": "failed", "error":
                                   {"kind": "fail", "message": "a\r\nb"}})")),
            "run finished: failed (fail: a; b)");
  EXPECT_EQ(DescribeEvent(Make("confirmation_requested", "ask",
                               R"({"message": "Link?\nThe tenant stays."})")),
            "ask: asks for confirmation: Link?\n    The tenant stays.");
  EXPECT_EQ(DescribeEvent(Make("check_failed", "chk",
                               R"({"messages": ["two\nlines"]})")),
            "chk: check failed:\n    - two\n      lines");
}

TEST(EventFormatTest, MalformedPayloadsDoNotThrow) {
  EXPECT_EQ(DescribeEvent(Make("call_failed", "a",
                               R"({"attempt": 2, "error": "gone"})")),
            "a: call failed (attempt 2): error: ");
  EXPECT_EQ(DescribeEvent(Make("confirmation_answered", "ask",
                               R"({"answer": 7, "by": null})")),
            "ask: answered 7 by null");
  // Members of another type than the engine writes (a database edited by
  // hand) are shown as they are, secrets masked.
  EXPECT_EQ(DescribeEvent(Make("step_succeeded", "in_progress",
                               R"({"skipped": "yes"})")),
            R"(in_progress: step_succeeded {"skipped":"yes"} (not as the )"
            R"(engine writes it))");
  EXPECT_EQ(DescribeEvent(Make("call_sent", "a",
                               R"({"attempt": "2", "token": {"$secret": "v1:x"}})")),
            R"(a: call_sent {"attempt":"2","token":"***"} (not as the engine )"
            R"(writes it))");
}

TEST(EventFormatTest, TimesAreUtc) {
  EXPECT_EQ(FormatClock(1700000000123), "22:13:20.123");
  EXPECT_EQ(FormatTimestamp(1700000000123), "2023-11-14T22:13:20Z");
}

}  // namespace
}  // namespace bssflow::app
