// Partner Center collections ({totalCount, items[], continuationToken,
// links, attributes}) page by page: pure helpers for the paging loops.
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_COLLECTION_PAGES_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_COLLECTION_PAGES_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bssflow::connectors::partner_center {

/// The page's continuationToken; empty on the last page.
std::string ContinuationToken(const nlohmann::json& page);

/// The first item of `page` whose companyProfile.domain equals `domain`,
/// ignoring ASCII case; nullptr when none does (a starts_with search also
/// finds "contosobikes.onmicrosoft.com" for "contoso").
const nlohmann::json* FindExactDomain(const nlohmann::json& page,
                                      std::string_view domain);

/// The first item of `page` whose `field` equals `value` exactly (as text:
/// an MPN ID may come as a number or a string); nullptr when none does.
const nlohmann::json* FindByField(const nlohmann::json& page,
                                  std::string_view field,
                                  std::string_view value);

/// The customer search filter: {"Field": "Domain", "Value": value,
/// "Operator": "starts_with"}, compact.
std::string DomainFilter(std::string_view value);

/// `domain` itself, or "<domain>.onmicrosoft.com" when it has no dot (a
/// bare prefix), lower case.
std::string FullDomain(std::string_view domain);

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_COLLECTION_PAGES_H_
