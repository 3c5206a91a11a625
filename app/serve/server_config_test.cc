#include "app/serve/server_config.h"

#include <gtest/gtest.h>

#include <map>

namespace bssflow::serve {
namespace {

app::SecretSources FakeEnv(std::map<std::string, std::string> values) {
  app::SecretSources sources;
  sources.env = [values](const std::string& name)
      -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
  return sources;
}

std::string Problems(const ServeConfigResult& result) {
  return dsl::RenderAll(result.source, result.diagnostics);
}

TEST(ServeConfigTest, AnEmptyFileTakesEveryDefault) {
  ServeConfigResult result = ParseServeConfig("/etc/bssflow/serve.yaml", "");
  ASSERT_TRUE(result.ok()) << Problems(result);
  const ServeConfig& config = *result.config;
  EXPECT_EQ(config.host, "127.0.0.1");
  EXPECT_EQ(config.port, 8080);
  EXPECT_EQ(config.threads, 0);
  EXPECT_TRUE(config.tokens.empty());
  EXPECT_EQ(config.public_routes, (std::set<std::string>{"healthz", "readyz"}));
  EXPECT_EQ(config.callbacks.attempts, 8);
  EXPECT_EQ(config.limits.body_limit, 1024u * 1024u);
}

TEST(ServeConfigTest, ReadsEveryField) {
  const char* text = R"(listen: "[::1]:9090"
threads: 4
state_dir: state
workflows_dir: /srv/workflows
connectors: connectors.yaml
auth:
  tokens:
    - name: bss-prod
      token: {env: BSS_TOKEN}
      roles: [read, write]
    - {name: ops, token: 0123456789abcdef0123}
  public: [healthz, metrics]
callbacks:
  secret: {env: CALLBACK_SECRET}
  attempts: 3
  initial_backoff: 250ms
  max_backoff: 10s
  timeout: 2s
  allowed_urls: [https://bss.example.com/hooks, "http://127.0.0.1:9000"]
limits:
  header_bytes: 8192
  body_bytes: 65536
  header_timeout: 5s
  body_timeout: 6s
  idle_timeout: 7s
  max_connections: 100
  shutdown_timeout: 8s
)";
  ServeConfigResult result =
      ParseServeConfig("/etc/bssflow/serve.yaml", text,
                       FakeEnv({{"BSS_TOKEN", "bss-token-0123456789"},
                                {"CALLBACK_SECRET", "whsec"}}));
  ASSERT_TRUE(result.ok()) << Problems(result);
  const ServeConfig& config = *result.config;
  EXPECT_EQ(config.host, "::1");
  EXPECT_EQ(config.port, 9090);
  EXPECT_EQ(config.threads, 4);
  EXPECT_EQ(config.state_dir, "/etc/bssflow/state");
  EXPECT_EQ(config.workflows_dir, "/srv/workflows");
  EXPECT_EQ(config.connectors_file, "/etc/bssflow/connectors.yaml");
  ASSERT_EQ(config.tokens.size(), 2u);
  EXPECT_EQ(config.tokens[0].name, "bss-prod");
  EXPECT_EQ(config.tokens[0].token, "bss-token-0123456789");
  EXPECT_EQ(config.tokens[0].roles, (std::set<Role>{Role::kRead, Role::kWrite}));
  EXPECT_EQ(config.tokens[1].roles,
            (std::set<Role>{Role::kRead, Role::kWrite, Role::kAdmin}));
  EXPECT_EQ(config.public_routes,
            (std::set<std::string>{"healthz", "metrics"}));
  EXPECT_EQ(config.callbacks.secret, "whsec");
  EXPECT_EQ(config.callbacks.attempts, 3);
  EXPECT_EQ(config.callbacks.initial_backoff.count(), 250);
  EXPECT_EQ(config.callbacks.max_backoff.count(), 10000);
  EXPECT_EQ(config.callbacks.timeout.count(), 2000);
  ASSERT_EQ(config.callbacks.allowed_urls.size(), 2u);
  EXPECT_EQ(config.callbacks.allowed_urls[0].ToString(),
            "https://bss.example.com:443/hooks");
  EXPECT_EQ(config.callbacks.allowed_urls[1].ToString(),
            "http://127.0.0.1:9000/");
  EXPECT_EQ(config.limits.header_limit, 8192u);
  EXPECT_EQ(config.limits.body_limit, 65536u);
  EXPECT_EQ(config.limits.header_timeout.count(), 5000);
  EXPECT_EQ(config.limits.body_timeout.count(), 6000);
  EXPECT_EQ(config.limits.idle_timeout.count(), 7000);
  EXPECT_EQ(config.limits.max_connections, 100u);
  EXPECT_EQ(config.limits.shutdown_timeout.count(), 8000);
}

TEST(ServeConfigTest, EveryProblemIsReportedWithItsPosition) {
  const char* text = R"(listen: localhost
threds: 2
auth:
  tokens:
    - {name: bss, token: short, roles: [read, owner]}
    - {name: bss, token: another-long-enough-token}
  public: [healthz, runs]
)";
  ServeConfigResult result = ParseServeConfig("serve.yaml", text);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(Problems(result),
            R"(serve.yaml:1:9: listen address 'localhost' must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080 (port 0: any free port)
    listen: localhost
            ^
serve.yaml:2:1: unknown field 'threds' in the serve configuration; did you mean 'threads'?
    threds: 2
    ^
serve.yaml:5:26: the token of 'bss' is shorter than 16 characters; use a long random one (e.g. openssl rand -hex 32)
        - {name: bss, token: *****, roles: [read, owner]}
                             ^
serve.yaml:5:47: unknown role 'owner'; the roles are read, write and admin
        - {name: bss, token: *****, roles: [read, owner]}
                                                  ^
serve.yaml:6:14: two tokens are named 'bss'; names must be unique
        - {name: bss, token: *************************}
                 ^
serve.yaml:7:21: 'public' lists 'runs'; only healthz, readyz, metrics and openapi can be public
      public: [healthz, runs]
                        ^
)");
}

TEST(ServeConfigTest, AllowedCallbackUrlsAreUrlsWithoutAQuery) {
  const char* text = R"(callbacks:
  allowed_urls:
    - https://bss.example.com/hooks?token=1
    - ftp://bss.example.com
    - {env: HOOKS}
)";
  ServeConfigResult result = ParseServeConfig("serve.yaml", text);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(Problems(result),
            R"(serve.yaml:3:7: 'allowed_urls': 'https://bss.example.com/hooks?token=1' has a query; an allowed URL is a scheme, a host, a port and a path
        - https://bss.example.com/hooks?token=1
          ^
serve.yaml:4:7: 'allowed_urls': invalid URL "ftp://bss.example.com": unsupported scheme "ftp" (expected http or https)
        - ftp://bss.example.com
          ^
serve.yaml:5:7: 'allowed_urls': a URL must be a string, got a map
        - {env: HOOKS}
          ^
)");
  EXPECT_EQ(Problems(ParseServeConfig("serve.yaml",
                                      "callbacks: {allowed_urls: x}\n")),
            R"(serve.yaml:1:27: 'allowed_urls' must be a list of URLs, got 'x'
    callbacks: {allowed_urls: x}
                              ^
)");
}

TEST(ServeConfigTest, ParseListen) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(ParseListen("0.0.0.0:0", host, port).ok());
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 0);
  EXPECT_EQ(ParseListen("127.0.0.1:99999", host, port).message(),
            "listen address '127.0.0.1:99999' must be HOST:PORT, e.g. "
            "127.0.0.1:8080 or [::1]:8080 (port 0: any free port)");
}

}  // namespace
}  // namespace bssflow::serve

namespace bssflow::serve {
namespace {

// The example the docs point to stays a valid configuration.
TEST(ServeConfigTest, TheExampleFileIsValid) {
  app::SecretSources sources = FakeEnv({{"BSSFLOW_TOKEN_BSS", "bss-token-0123456789"},
                                        {"BSSFLOW_CALLBACK_SECRET", "whsec_0123"}});
  sources.read_file = [](const std::string& path) -> Result<std::string> {
    if (path != "/etc/bssflow/ops.token") return Status::Error("unexpected");
    return std::string("ops-token-0123456789\n");
  };
  ServeConfigResult result = LoadServeConfigFile(
      std::string(BSSFLOW_SOURCE_DIR) + "/examples/serve.yaml", sources);
  ASSERT_TRUE(result.ok()) << Problems(result);
  EXPECT_EQ(result.config->tokens.size(), 2u);
  EXPECT_EQ(result.config->tokens[1].token, "ops-token-0123456789");
  EXPECT_EQ(result.config->connectors_file,
            std::string(BSSFLOW_SOURCE_DIR) + "/examples/connectors.yaml");
}

}  // namespace
}  // namespace bssflow::serve
