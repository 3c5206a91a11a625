#include "net/url.h"

#include <gtest/gtest.h>

#include <string>

namespace bssflow::net {
namespace {

std::string ErrorOf(const Result<Url>& result) {
  return result.ok() ? "(no error)" : result.status().message();
}

TEST(ParseUrlTest, SplitsHttpsUrlWithDefaultPort) {
  Result<Url> url =
      ParseUrl("https://api.partnercenter.microsoft.com/v1/customers?size=10");
  ASSERT_TRUE(url.ok()) << ErrorOf(url);
  EXPECT_EQ(url.value().scheme, "https");
  EXPECT_EQ(url.value().host, "api.partnercenter.microsoft.com");
  EXPECT_EQ(url.value().port, 443);
  EXPECT_EQ(url.value().target, "/v1/customers?size=10");
  EXPECT_TRUE(url.value().tls());
  EXPECT_EQ(url.value().Origin(),
            "https://api.partnercenter.microsoft.com:443");
  EXPECT_EQ(url.value().HostHeader(), "api.partnercenter.microsoft.com");
}

TEST(ParseUrlTest, ExplicitPortAppearsInHostHeader) {
  Result<Url> url = ParseUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(url.ok()) << ErrorOf(url);
  EXPECT_EQ(url.value().port, 8080);
  EXPECT_EQ(url.value().target, "/");
  EXPECT_FALSE(url.value().tls());
  EXPECT_EQ(url.value().HostHeader(), "127.0.0.1:8080");
  EXPECT_EQ(url.value().ToString(), "http://127.0.0.1:8080/");
}

TEST(ParseUrlTest, SchemeAndHostAreLowerCasedAndFragmentDropped) {
  Result<Url> url = ParseUrl("HTTPS://Example.COM/Path?Q=1#frag");
  ASSERT_TRUE(url.ok()) << ErrorOf(url);
  EXPECT_EQ(url.value().scheme, "https");
  EXPECT_EQ(url.value().host, "example.com");
  EXPECT_EQ(url.value().target, "/Path?Q=1");
}

TEST(ParseUrlTest, QueryWithoutPathGetsASlash) {
  Result<Url> url = ParseUrl("http://localhost?x=1");
  ASSERT_TRUE(url.ok()) << ErrorOf(url);
  EXPECT_EQ(url.value().target, "/?x=1");
}

TEST(ParseUrlTest, Ipv6LiteralIsUnbracketed) {
  Result<Url> url = ParseUrl("http://[::1]:9000/x");
  ASSERT_TRUE(url.ok()) << ErrorOf(url);
  EXPECT_EQ(url.value().host, "::1");
  EXPECT_EQ(url.value().port, 9000);
  EXPECT_EQ(url.value().Origin(), "http://[::1]:9000");
  EXPECT_EQ(url.value().HostHeader(), "[::1]:9000");
}

TEST(ParseUrlTest, Errors) {
  EXPECT_EQ(ErrorOf(ParseUrl("example.com/x")),
            "invalid URL \"example.com/x\": expected an absolute URL such as "
            "https://host/path");
  EXPECT_EQ(ErrorOf(ParseUrl("ftp://example.com/")),
            "invalid URL \"ftp://example.com/\": unsupported scheme \"ftp\" "
            "(expected http or https)");
  EXPECT_EQ(ErrorOf(ParseUrl("https:///path")),
            "invalid URL \"https:///path\": missing host");
  EXPECT_EQ(ErrorOf(ParseUrl("https://host:99999/")),
            "invalid URL \"https://host:99999/\": invalid port \"99999\" "
            "(expected a number from 1 to 65535)");
  EXPECT_EQ(ErrorOf(ParseUrl("https://host:/")),
            "invalid URL \"https://host:/\": invalid port \"\" (expected a "
            "number from 1 to 65535)");
  EXPECT_EQ(
      ErrorOf(ParseUrl("https://user:secret@host/")),
      "invalid URL \"https://user:secret@host/\": user information "
      "(\"user:password@\") is not allowed; send credentials in a header");
  EXPECT_EQ(ErrorOf(ParseUrl("https://ho st/")),
            "invalid URL \"https://ho st/\": invalid character ' ' (a space) "
            "in host");
  EXPECT_EQ(ErrorOf(ParseUrl("https://host/a b")),
            "invalid URL \"https://host/a b\": invalid character ' ' (a space) "
            "in path or query (percent-encode it)");
  EXPECT_EQ(ErrorOf(ParseUrl("http://[::1/")),
            "invalid URL \"http://[::1/\": missing ']' after the IPv6 address");
  EXPECT_EQ(ErrorOf(ParseUrl("http://[zz]/")),
            "invalid URL \"http://[zz]/\": \"zz\" is not an IPv6 address");
}

// Whether `url` is under `base` (both must parse).
bool Under(const char* url, const char* base) {
  Result<Url> parsed_url = ParseUrl(url);
  Result<Url> parsed_base = ParseUrl(base);
  EXPECT_TRUE(parsed_url.ok() && parsed_base.ok()) << url << " " << base;
  return parsed_url.ok() && parsed_base.ok() &&
         IsUnder(parsed_url.value(), parsed_base.value());
}

TEST(IsUnderTest, ThePathGoesOnFromTheBaseAfterASlash) {
  const char* base = "https://bss.example.com/hooks";
  EXPECT_TRUE(Under("https://bss.example.com/hooks", base));
  EXPECT_TRUE(Under("https://bss.example.com/hooks/", base));
  EXPECT_TRUE(Under("https://bss.example.com/hooks/bssflow?run=1", base));
  EXPECT_TRUE(Under("https://bss.example.com/hooks?run=1", base));
  EXPECT_TRUE(Under("HTTPS://BSS.example.com:443/hooks/a", base));
  EXPECT_FALSE(Under("https://bss.example.com/hooksx", base));
  EXPECT_FALSE(Under("https://bss.example.com/", base));
  EXPECT_FALSE(Under("https://bss.example.com/Hooks/a", base));
  EXPECT_TRUE(Under("https://bss.example.com/a/b", "https://bss.example.com"));
  EXPECT_TRUE(Under("https://bss.example.com/hooks/a",
                    "https://bss.example.com/hooks/"));
  EXPECT_FALSE(Under("https://bss.example.com/hooks",
                     "https://bss.example.com/hooks/"));
}

TEST(IsUnderTest, SchemeHostAndPortMustBeTheBases) {
  const char* base = "https://bss.example.com/hooks";
  EXPECT_FALSE(Under("http://bss.example.com/hooks", base));
  EXPECT_FALSE(Under("https://bss.example.com:8443/hooks", base));
  EXPECT_FALSE(Under("https://bss.example.com.evil.example/hooks", base));
  EXPECT_FALSE(Under("https://169.254.169.254/hooks", base));
  EXPECT_TRUE(Under("http://[::1]:9000/x/y", "http://[::1]:9000/x"));
}

TEST(IsUnderTest, APathThatCouldClimbIsUnderNothing) {
  const char* base = "https://bss.example.com/hooks";
  EXPECT_FALSE(Under("https://bss.example.com/hooks/../admin", base));
  EXPECT_FALSE(Under("https://bss.example.com/hooks/..", base));
  EXPECT_FALSE(Under("https://bss.example.com/hooks/./a", base));
  EXPECT_FALSE(Under("https://bss.example.com/hooks/%2E%2e/admin", base));
  EXPECT_FALSE(Under("https://bss.example.com/hooks/..%5cadmin", base));
  EXPECT_FALSE(Under("https://bss.example.com/hooks/a\\..\\b", base));
  EXPECT_TRUE(Under("https://bss.example.com/hooks/a..b/c.d?x=..", base));
}

TEST(LoopbackTest, RecognisesLoopbackHosts) {
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("LocalHost"));
  EXPECT_TRUE(IsLoopbackHost("sim.localhost"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.255.0.9"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("128.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("localhost.example.com"));
  EXPECT_FALSE(IsLoopbackHost("mylocalhost"));
  EXPECT_FALSE(IsLoopbackHost("::2"));
}

TEST(LoopbackTest, IpLiterals) {
  EXPECT_TRUE(IsIpLiteral("10.1.2.3"));
  EXPECT_TRUE(IsIpLiteral("fe80::1"));
  EXPECT_FALSE(IsIpLiteral("example.com"));
  EXPECT_FALSE(IsIpLiteral("1.2.3"));
}

TEST(PercentEncodeTest, KeepsOnlyUnreservedBytes) {
  EXPECT_EQ(PercentEncode("a-Z_0.9~"), "a-Z_0.9~");
  EXPECT_EQ(PercentEncode("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
  EXPECT_EQ(FormEncode({{"grant_type", "password"}, {"user name", "a&b"}}),
            "grant_type=password&user%20name=a%26b");
}

}  // namespace
}  // namespace bssflow::net
