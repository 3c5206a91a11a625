// HttpClient's pure parts; the client itself is tested over loopback in
// tests/net/http_test.cc.
#include "net/http_client.h"

#include <gtest/gtest.h>

namespace bssflow::net {
namespace {

using std::chrono::milliseconds;

LogLine Line(LogLine::Event event) {
  LogLine line;
  line.event = event;
  line.method = "POST";
  line.url = "https://login.example.com:443/token?code=***";
  line.request_id = "id-1";
  line.attempt = 2;
  return line;
}

TEST(FormatLogLineTest, Request) {
  LogLine line = Line(LogLine::Event::kRequest);
  line.headers = {{"Authorization", "***"}, {"Accept", "application/json"}};
  line.body = "client_secret=***";
  EXPECT_EQ(FormatLogLine(line),
            "http request POST https://login.example.com:443/token?code=*** "
            "attempt=2 id=id-1 headers=[Authorization: ***, Accept: "
            "application/json] body=client_secret=***");
}

TEST(FormatLogLineTest, ResponseFailureAndRetry) {
  LogLine response = Line(LogLine::Event::kResponse);
  response.status = 503;
  response.duration = milliseconds(12);
  EXPECT_EQ(FormatLogLine(response),
            "http response POST https://login.example.com:443/token?code=*** "
            "attempt=2 id=id-1 status=503 in 12 ms");

  LogLine failure = Line(LogLine::Event::kFailure);
  failure.duration = milliseconds(30000);
  failure.message = "no response within the read timeout of 30000 ms";
  failure.request_id.clear();
  EXPECT_EQ(FormatLogLine(failure),
            "http failure POST https://login.example.com:443/token?code=*** "
            "attempt=2 after 30000 ms: no response within the read timeout of "
            "30000 ms");

  LogLine retry = Line(LogLine::Event::kRetry);
  retry.duration = milliseconds(1000);
  retry.message = "status 503";
  EXPECT_EQ(FormatLogLine(retry),
            "http retry POST https://login.example.com:443/token?code=*** "
            "attempt=2 id=id-1 in 1000 ms: status 503");
}

}  // namespace
}  // namespace bssflow::net
