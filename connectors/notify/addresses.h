// Email address lists as notify.send takes them: text with addresses
// separated by ',' or ';'. Only bare addresses (local@domain) are accepted,
// no display names or comments, and ASCII only (the SMTP client does not
// speak SMTPUTF8), so that an address goes into an SMTP command and a header
// as it is, and can smuggle neither a line break nor a second recipient in.
// Pure functions.
#ifndef BSSFLOW_CONNECTORS_NOTIFY_ADDRESSES_H_
#define BSSFLOW_CONNECTORS_NOTIFY_ADDRESSES_H_

#include <string>
#include <string_view>
#include <vector>

namespace bssflow::connectors::notify {

/// The items of `text` in order, each trimmed of spaces and tabs; empty
/// items ("a@b.example;" has one) are dropped. Items are not checked.
std::vector<std::string> SplitAddressList(std::string_view text);

/// True when `address` is local@domain: at most 254 bytes; a local part of
/// 1-64 bytes of RFC 5322 atext and dots (no leading, trailing or double
/// dot); a domain of two or more dot-separated labels of letters, digits
/// and '-' (1-63 bytes each, no leading or trailing '-').
bool LooksLikeAddress(std::string_view address);

/// "a@b.example, c@d.example"; "" for none.
std::string JoinAddresses(const std::vector<std::string>& addresses);

}  // namespace bssflow::connectors::notify

#endif  // BSSFLOW_CONNECTORS_NOTIFY_ADDRESSES_H_
