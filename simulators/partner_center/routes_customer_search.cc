// GET /v1/customers: the customers this partner can access, filtered
// (starts_with on Domain, CompanyName or IndirectReseller, ignoring case)
// and paged with continuation tokens.
#include <cstdlib>
#include <optional>

#include "simulators/partner_center/json_fields.h"
#include "simulators/partner_center/routes.h"

namespace bssflow::simulators::partner_center {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t kMaxPageSize = 500;

HttpResponse BadQuery(const std::string& description) {
  return ErrorResponse(
      {http::status::bad_request, error_code::kInvalidInput, description});
}

std::string Query(const RouteContext& ctx, const std::string& name) {
  const auto it = ctx.target.query.find(name);
  return it == ctx.target.query.end() ? "" : it->second;
}

// Fills page.size from ?size= (1..500, default 500).
std::optional<HttpResponse> ReadSize(const RouteContext& ctx,
                                     CustomerPage& page) {
  const std::string text = Query(ctx, "size");
  page.size = kMaxPageSize;
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const long size = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || size < 1 || size > static_cast<long>(kMaxPageSize)) {
    return BadQuery("size must be an integer from 1 to 500; got '" + text +
                    "'.");
  }
  page.size = static_cast<std::size_t>(size);
  return std::nullopt;
}

// Fills page.field and page.value from ?filter= (url-encoded JSON).
std::optional<HttpResponse> ReadFilter(const RouteContext& ctx,
                                       CustomerPage& page) {
  const std::string text = Query(ctx, "filter");
  if (text.empty()) return std::nullopt;
  const std::optional<nlohmann::json> filter = ParseJson(text);
  const auto field = filter ? StringField(*filter, "Field") : std::nullopt;
  const auto value = filter ? StringField(*filter, "Value") : std::nullopt;
  const auto op = filter ? StringField(*filter, "Operator") : std::nullopt;
  if (!field || !value || !op) {
    return BadQuery(
        "filter must be JSON such as {\"Field\": \"Domain\", \"Value\": "
        "\"contoso\", \"Operator\": \"starts_with\"}.");
  }
  page.field = AsciiLower(*field);
  if (page.field != "domain" && page.field != "companyname" &&
      page.field != "indirectreseller") {
    return BadQuery("filter Field '" + *field +
                    "' is not supported: use Domain, CompanyName or "
                    "IndirectReseller.");
  }
  if (AsciiLower(*op) != "starts_with") {
    return BadQuery("filter Operator '" + *op +
                    "' is not supported: use starts_with.");
  }
  page.value = *value;
  return std::nullopt;
}

bool FilterMatches(const CustomerPage& page, const Tenant& tenant) {
  if (page.field == "domain") {
    return StartsWithIgnoreCase(tenant.default_domain, page.value);
  }
  if (page.field == "companyname") {
    return StartsWithIgnoreCase(tenant.company_name, page.value);
  }
  if (page.field == "indirectreseller") {
    return !tenant.associated_partner_id.empty() &&
           StartsWithIgnoreCase(tenant.associated_partner_id, page.value);
  }
  return true;
}

HttpResponse AnswerPage(RouteContext& ctx, const CustomerPage& page) {
  nlohmann::json items = nlohmann::json::array();
  std::size_t seen = 0;
  bool more = false;
  for (const Tenant& tenant : ctx.state.tenants) {
    if (!tenant.accessible || !FilterMatches(page, tenant)) continue;
    if (seen++ < page.offset) continue;
    if (items.size() == page.size) {
      more = true;
      break;
    }
    items.push_back(CustomerJson(tenant, false));
  }
  nlohmann::json body = CollectionJson(
      std::move(items), "/customers?size=" + std::to_string(page.size));
  if (more) {
    CustomerPage next = page;
    next.offset += page.size;
    const std::string token = ctx.tokens.NewToken("sim-ct-");
    ctx.state.continuations[token] = next;
    body["continuationToken"] = token;
    body["links"]["next"] = {
        {"uri", "/customers?seekOperation=Next"},
        {"method", "GET"},
        {"headers", nlohmann::json::array({nlohmann::json{
                        {"key", "MS-ContinuationToken"}, {"value", token}}})}};
  }
  return JsonResponse(http::status::ok, body);
}

}  // namespace

HttpResponse HandleListCustomers(RouteContext& ctx) {
  const std::string seek = Query(ctx, "seekoperation");
  if (!seek.empty()) {
    if (AsciiLower(seek) != "next") {
      return BadQuery("seekOperation '" + seek +
                      "' is not supported: use Next.");
    }
    const auto header = ctx.request["MS-ContinuationToken"];
    const auto it =
        ctx.state.continuations.find(std::string(header.data(), header.size()));
    if (it == ctx.state.continuations.end()) {
      return BadQuery(
          "MS-ContinuationToken is missing or unknown: send the "
          "continuationToken of the previous page.");
    }
    return AnswerPage(ctx, it->second);
  }
  CustomerPage page;
  if (auto error = ReadSize(ctx, page)) return std::move(*error);
  if (auto error = ReadFilter(ctx, page)) return std::move(*error);
  return AnswerPage(ctx, page);
}

}  // namespace bssflow::simulators::partner_center
