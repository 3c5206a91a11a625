// Decoding what an SMTP client encodes, so that tests can compare what was
// meant with what arrived: base64 (AUTH PLAIN, RFC 2047 "B" words),
// quoted-printable bodies (RFC 2045) and RFC 2047 encoded-words in
// headers. Written apart from the client's encoders on purpose: a bug in
// one is not cancelled by the same bug in the other. Pure functions.
#ifndef BSSFLOW_SIMULATORS_SMTP_MIME_DECODING_H_
#define BSSFLOW_SIMULATORS_SMTP_MIME_DECODING_H_

#include <optional>
#include <string>
#include <string_view>

namespace bssflow::simulators::smtp {

/// Standard base64 with '=' padding; nullopt for anything else (stray
/// characters, a wrong length, misplaced padding).
std::optional<std::string> DecodeBase64(std::string_view text);

/// A quoted-printable body: soft breaks ("=" before a line ending) removed,
/// =XX (either case) decoded; an '=' not followed by two hex digits is kept
/// as it is.
std::string DecodeQuotedPrintable(std::string_view text);

/// A header value with its encoded-words ("=?charset?B|Q?text?=") decoded
/// to their bytes (the charset is not converted) and the folding removed;
/// whitespace between two adjacent encoded-words dropped (RFC 2047 6.2).
/// Malformed words are kept as they are.
std::string DecodeHeaderValue(std::string_view value);

}  // namespace bssflow::simulators::smtp

#endif  // BSSFLOW_SIMULATORS_SMTP_MIME_DECODING_H_
