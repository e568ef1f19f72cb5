#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "core/session.hpp"

namespace spawn {

/// Most custom domains one session may have (`edge.max_domains_per_session`).
constexpr int default_max_domains = 5;

/// The canonical form of a custom domain a person attaches to a session
/// (issue 18): lower case, without a trailing dot. Refused with
/// `errc::invalid_input` and the reason: empty or over 253 characters, fewer
/// than two labels, a label empty or over 63 characters, a character outside
/// [a-z0-9-] or a hyphen at either end of a label, an all-numeric last label
/// (an IPv4 literal; IPv6 has colons), `localhost`, and `apps_domain` itself
/// or any of its subdomains (the platform's own hosts).
caf::expected<std::string> normalize_domain(std::string_view text, std::string_view apps_domain);

/// The custom domains of a session, as its metadata lists them ("domains").
std::vector<std::string> domains_of(const session_record& rec);

/// The DNS record a person creates for `domain` (issue 18): an A record to
/// `public_address` when the edge has one configured, else a CNAME to the
/// session's own host `<session_id>.<apps_domain>`.
struct dns_advice {
  std::string type;  ///< "A" or "CNAME"
  std::string name;  ///< the domain
  std::string value; ///< the address or host it points to
};

dns_advice dns_advice_for(const std::string& domain, const std::string& session_id,
                          const std::string& apps_domain, const std::string& public_address);

} // namespace spawn
