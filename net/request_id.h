// Request ids: the X-Request-Id a client may send and a server echoes, so
// that one request can be followed through the logs of both.
#ifndef BSSFLOW_NET_REQUEST_ID_H_
#define BSSFLOW_NET_REQUEST_ID_H_

#include <string>
#include <string_view>

namespace bssflow::net {

/// Whether a client's id can be echoed as it is: 1 to 128 characters of
/// [A-Za-z0-9._-] (nothing that could forge a log line or a header).
bool SaneRequestId(std::string_view id);

/// A fresh id: 16 random hexadecimal digits. Thread-safe.
std::string NewRequestId();

/// `sent` when it is sane, else a fresh id.
std::string RequestIdFor(std::string_view sent);

}  // namespace bssflow::net

#endif  // BSSFLOW_NET_REQUEST_ID_H_
