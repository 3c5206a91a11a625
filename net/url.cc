#include "net/url.h"

#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>

namespace bssflow::net {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status UrlError(std::string_view text, std::string_view problem) {
  return Status::Error("invalid URL \"" + std::string(text) +
                       "\": " + std::string(problem));
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
         c == '_';
}

// "'c'" for printable characters, "byte 0xNN" for the others.
std::string Describe(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte > 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  if (c == ' ') return "' ' (a space)";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 15];
}

Result<uint16_t> ParsePort(std::string_view text, std::string_view port) {
  unsigned value = 0;
  auto [end, ec] =
      std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() ||
      value == 0 || value > 65535) {
    return UrlError(text, "invalid port \"" + std::string(port) +
                              "\" (expected a number from 1 to 65535)");
  }
  return static_cast<uint16_t>(value);
}

// Splits "host[:port]" or "[v6]:port" into url.host and url.port.
Status ParseAuthority(std::string_view text, std::string_view authority,
                      Url& url) {
  if (authority.find('@') != std::string_view::npos) {
    return UrlError(text,
                    "user information (\"user:password@\") is not allowed; "
                    "send credentials in a header");
  }
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return UrlError(text, "missing ']' after the IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return UrlError(text, "expected ':' or '/' after the IPv6 address");
    has_port = !rest.empty();
    if (has_port) port = rest.substr(1);
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(std::string(host), ec);
    if (ec) {
      return UrlError(text,
                      "\"" + std::string(host) + "\" is not an IPv6 address");
    }
  } else {
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      has_port = true;
    }
    for (char c : host) {
      if (!IsHostChar(c))
        return UrlError(text, "invalid character " + Describe(c) + " in host");
    }
  }
  if (host.empty()) return UrlError(text, "missing host");
  url.host = Lower(host);
  url.port = url.tls() ? 443 : 80;
  if (has_port) {
    Result<uint16_t> parsed = ParsePort(text, port);
    if (!parsed.ok()) return parsed.status();
    url.port = parsed.value();
  }
  return Status::Ok();
}

}  // namespace

std::string Url::Origin() const {
  std::string bracketed =
      host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + bracketed + ":" + std::to_string(port);
}

std::string Url::HostHeader() const {
  std::string out =
      host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls() ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

std::string Url::ToString() const { return Origin() + target; }

Result<Url> ParseUrl(std::string_view text) {
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    return UrlError(text, "expected an absolute URL such as https://host/path");
  }
  Url url;
  url.scheme = Lower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    return UrlError(text, "unsupported scheme \"" + url.scheme +
                              "\" (expected http or https)");
  }
  std::string_view rest = text.substr(sep + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  Status status = ParseAuthority(text, authority, url);
  if (!status.ok()) return status;

  std::string_view target =
      end == std::string_view::npos ? std::string_view() : rest.substr(end);
  target = target.substr(0, target.find('#'));
  for (char c : target) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return UrlError(text, "invalid character " + Describe(c) +
                                " in path or query (percent-encode it)");
    }
  }
  url.target = std::string(target);
  if (url.target.empty() || url.target.front() == '?')
    url.target.insert(0, "/");
  return url;
}

bool IsIpLiteral(std::string_view host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

namespace {

// Whether `path` has a segment a server could resolve upwards.
bool MayClimb(std::string_view path) {
  if (path.find('\\') != std::string_view::npos) return true;
  // Encoded dots, slashes and backslashes: a server may decode them into
  // a segment that climbs.
  const std::string lower = Lower(path);
  for (const char* encoded : {"%2e", "%2f", "%5c"}) {
    if (lower.find(encoded) != std::string::npos) return true;
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "." || segment == "..") return true;
    start = end + 1;
  }
  return false;
}

std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

bool IsUnder(const Url& url, const Url& base) {
  if (url.scheme != base.scheme || url.host != base.host ||
      url.port != base.port) {
    return false;
  }
  const std::string_view path = PathOf(url.target);
  if (MayClimb(path)) return false;
  const std::string_view base_path = PathOf(base.target);
  if (!path.starts_with(base_path)) return false;
  if (path.size() == base_path.size() || base_path.ends_with('/')) return true;
  return path[base_path.size()] == '/';
}

bool IsLoopbackHost(std::string_view host) {
  std::string lower = Lower(host);
  if (lower == "localhost" ||
      (lower.size() > 10 && lower.ends_with(".localhost"))) {
    return true;
  }
  boost::system::error_code ec;
  boost::asio::ip::address address = boost::asio::ip::make_address(lower, ec);
  return !ec && address.is_loopback();
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool unreserved = (byte >= 'A' && byte <= 'Z') ||
                      (byte >= 'a' && byte <= 'z') ||
                      (byte >= '0' && byte <= '9') || byte == '-' ||
                      byte == '.' || byte == '_' || byte == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += PercentEncode(name) + '=' + PercentEncode(value);
  }
  return out;
}

}  // namespace bssflow::net
