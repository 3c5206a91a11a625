// callback_sink: a callback receiver for the end-to-end tests of
// `bssflow serve` (tests/http/serve_test.sh). It listens on a free loopback
// port, records every request it receives and answers it, so that a test
// can check what the server delivered, in which order, with which headers.
//
//   callback_sink --out FILE [--fail-first N]
//
// Prints one line on stdout once it listens:
//   callback_sink: listening on http://127.0.0.1:PORT
// then appends one JSON line per request to FILE, flushed at once:
//   {"method":"POST","target":"/cb","headers":{"bssflow-delivery":"..."},
//    "body":"<the raw body>","answered":204}
// Header names are lower case (HTTP field names are case-insensitive), so
// that a test can look them up with jq without guessing their case. The
// first N requests are answered 503 (to prove that the sender retries), the
// others 204. SIGTERM or SIGINT stops it; it exits 0.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/http/status.hpp>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_server.h"

namespace {

namespace http = boost::beast::http;
using bssflow::net::ServerRequest;
using bssflow::net::ServerResponse;

struct SinkOptions {
  std::string out_file;
  /// Requests answered 503 before the sink starts answering 204.
  int fail_first = 0;
};

std::optional<SinkOptions> ParseArguments(int argc, char** argv) {
  SinkOptions options;
  for (int i = 1; i < argc; i += 2) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    if (arg == "--out") {
      options.out_file = argv[i + 1];
    } else if (arg == "--fail-first") {
      char* end = nullptr;
      long n = std::strtol(argv[i + 1], &end, 10);
      if (*end != '\0' || n < 0 || n > 1000) return std::nullopt;
      options.fail_first = static_cast<int>(n);
    } else {
      return std::nullopt;
    }
  }
  if (options.out_file.empty()) return std::nullopt;
  return options;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  return lower;
}

/// Records requests to the file and answers them. Called only on the one
/// thread that runs the io_context, so it needs no lock.
class Sink {
 public:
  Sink(std::ofstream out, int fail_first)
      : out_(std::move(out)), fail_first_(fail_first) {}

  ServerResponse Answer(const ServerRequest& request) {
    const bool fail = received_ < fail_first_;
    ++received_;
    const unsigned status = fail ? 503 : 204;
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& field : request) {
      headers[Lower(field.name_string())] = std::string(field.value());
    }
    nlohmann::json line = {{"method", std::string(request.method_string())},
                           {"target", std::string(request.target())},
                           {"headers", headers},
                           {"body", request.body()},
                           {"answered", status}};
    // ensure_ascii off: jq -j gives back the body's exact bytes.
    out_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
         << '\n';
    out_.flush();
    ServerResponse response{static_cast<http::status>(status), 11};
    if (fail) {
      response.set(http::field::content_type, "text/plain");
      response.body() = "the sink fails this request on purpose\n";
    }
    return response;
  }

 private:
  std::ofstream out_;
  int fail_first_;
  int received_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::optional<SinkOptions> options = ParseArguments(argc, argv);
  if (!options.has_value()) {
    std::cerr << "usage: callback_sink --out FILE [--fail-first N]\n";
    return 2;
  }
  std::ofstream out(options->out_file, std::ios::app | std::ios::binary);
  if (!out) {
    std::cerr << "callback_sink: cannot open " << options->out_file << "\n";
    return 2;
  }
  auto sink = std::make_shared<Sink>(std::move(out), options->fail_first);

  boost::asio::io_context io;
  bssflow::net::HttpServer server(
      io,
      [sink](ServerRequest request)
          -> boost::asio::awaitable<std::optional<ServerResponse>> {
        co_return sink->Answer(request);
      });
  bssflow::Result<uint16_t> port = server.Listen("127.0.0.1", 0);
  if (!port.ok()) {
    std::cerr << "callback_sink: " << port.status().message() << "\n";
    return 2;
  }
  if (bssflow::Status started = server.Start(); !started.ok()) {
    std::cerr << "callback_sink: " << started.message() << "\n";
    return 2;
  }
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait(
      [&server](const boost::system::error_code&, int) { server.Stop(); });
  std::cout << "callback_sink: listening on http://127.0.0.1:" << port.value()
            << std::endl;
  io.run();
  return 0;
}
